"""Reads of the risk register, each in a constant number of queries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from standby.inventory.models import Node
from standby.risks.library import Matrix, Rating, load_matrix
from standby.risks.models import Measure, Risk, Threat


def register() -> QuerySet[Risk]:
    """Risks with owner, threats, nodes and measures: 4 queries for any number of risks."""
    return Risk.objects.select_related("owner").prefetch_related(
        Prefetch("threats", queryset=Threat.objects.only("id", "key", "name")),
        Prefetch("nodes", queryset=Node.objects.only("id", "key", "name", "kind")),
        Prefetch("measures", queryset=Measure.objects.only("id", "risk_id", "name")),
    )


def risk_for(pk: int) -> Risk | None:
    """One risk with everything its page shows."""
    measures = Measure.objects.prefetch_related(
        Prefetch("protects", queryset=Node.objects.only("id", "key", "name", "kind"))
    )
    return (
        Risk.objects.select_related("owner")
        .prefetch_related(
            "threats",
            Prefetch("nodes", queryset=Node.objects.only("id", "key", "name", "kind")),
            Prefetch("measures", queryset=measures),
        )
        .filter(pk=pk)
        .first()
    )


def threats() -> QuerySet[Threat]:
    return Threat.objects.all()


@dataclass(frozen=True)
class Positioned:
    """A risk's inherent and residual ratings, for the heat map."""

    pk: int
    name: str
    inherent: Rating
    residual: Rating

    @property
    def moved(self) -> bool:
        return (self.inherent.likelihood, self.inherent.impact) != (
            self.residual.likelihood,
            self.residual.impact,
        )


def positions(
    risks: QuerySet[Risk] | None = None, matrix: Matrix | None = None
) -> list[Positioned]:
    """Where each risk sits on the matrix before and after its measures (one query)."""
    matrix = matrix or load_matrix()
    rows = (risks if risks is not None else Risk.objects.all()).values_list(
        "pk",
        "name",
        "inherent_likelihood",
        "inherent_impact",
        "residual_likelihood",
        "residual_impact",
    )
    return [
        Positioned(pk, name, matrix.rate(il, ii), matrix.rate(rl, ri))
        for pk, name, il, ii, rl, ri in rows
    ]


@dataclass(frozen=True)
class Cell:
    """One cell of the heat map, with how many risks sit there before and after measures."""

    likelihood: int
    impact: int
    rating: Rating
    inherent: int
    residual: int


def heat_cells(placed: list[Positioned], matrix: Matrix | None = None) -> list[list[Cell]]:
    """Rows of cells, highest likelihood first (as the map is drawn)."""
    matrix = matrix or load_matrix()
    inherent = Counter((p.inherent.likelihood, p.inherent.impact) for p in placed)
    residual = Counter((p.residual.likelihood, p.residual.impact) for p in placed)
    rows, columns = matrix.size
    return [
        [
            Cell(
                likelihood,
                impact,
                matrix.rate(likelihood, impact),
                inherent[(likelihood, impact)],
                residual[(likelihood, impact)],
            )
            for impact in range(1, columns + 1)
        ]
        for likelihood in range(rows, 0, -1)
    ]


def quantitative_threats() -> list[dict[str, Any]]:
    """The threats in the shape of the model file's ``threats`` section (plain data).

    One entry per threat that some risk links to nodes::

        {"id": threat key, "name": str, "frequency": events per year,
         "fails": [node keys the risks of this threat hit, sorted],
         "duration": hours or None}

    A threat named by several risks fails the union of their nodes. Threats no risk links to
    any node are left out: nothing is known to fail. Three queries.
    """
    pairs = Risk.threats.through.objects.values_list("threat_id", "risk_id")
    by_risk: dict[int, set[str]] = {}
    for risk_id, key in Risk.nodes.through.objects.values_list("risk_id", "node__key"):
        by_risk.setdefault(risk_id, set()).add(key)
    fails: dict[int, set[str]] = {}
    for threat_id, risk_id in pairs:
        fails.setdefault(threat_id, set()).update(by_risk.get(risk_id, set()))
    result = []
    for pk, key, name, frequency, duration in Threat.objects.filter(
        pk__in=[t for t, nodes in fails.items() if nodes]
    ).values_list("pk", "key", "name", "frequency", "duration"):
        result.append(
            {
                "id": key,
                "name": name,
                "frequency": frequency,
                "fails": sorted(fails[pk]),
                "duration": duration,
            }
        )
    return sorted(result, key=lambda t: t["id"])


@dataclass(frozen=True)
class MeasureEffectData:
    """A proactive measure, as plain data for the cost-benefit comparison."""

    pk: int
    name: str
    risk_pk: int
    risk_name: str
    effect: str
    factor: float
    threats: tuple[str, ...]  # threat keys of its risk (frequency effect)
    nodes: tuple[str, ...]  # node keys it protects (duration effect)
    annual_cost: float
    one_off_cost: float


def measure_effects() -> list[MeasureEffectData]:
    """Every proactive measure with the threats and nodes it acts on (4 queries)."""
    threats_of: dict[int, list[str]] = {}
    for risk_id, key in Risk.threats.through.objects.values_list("risk_id", "threat__key"):
        threats_of.setdefault(risk_id, []).append(key)
    nodes_of: dict[int, list[str]] = {}
    for risk_id, key in Risk.nodes.through.objects.values_list("risk_id", "node__key"):
        nodes_of.setdefault(risk_id, []).append(key)
    protects: dict[int, list[str]] = {}
    for measure_id, key in Measure.protects.through.objects.values_list("measure_id", "node__key"):
        protects.setdefault(measure_id, []).append(key)
    result = []
    for m in Measure.objects.select_related("risk").order_by("risk__name", "name", "pk"):
        nodes = protects.get(m.pk) or nodes_of.get(m.risk_id, [])
        result.append(
            MeasureEffectData(
                m.pk,
                m.name,
                m.risk_id,
                m.risk.name,
                m.effect,
                m.factor,
                tuple(sorted(threats_of.get(m.risk_id, []))),
                tuple(sorted(nodes)),
                float(m.annual_cost),
                float(m.one_off_cost),
            )
        )
    return result
