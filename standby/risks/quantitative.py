"""The register in the Monte Carlo engine (:mod:`standby.analysis.montecarlo`): the database's
threats, proactive measures and BIA loss curves as the engine's plain data, and its results.

Only assets, locations and suppliers fail directly: a risk's services and processes are left out
of what its threats fail (they go down through the dependency graph), and said so on the page.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from standby.analysis import montecarlo as mc
from standby.bia.models import BiaRecord
from standby.inventory.models import Node
from standby.risks import selectors

DEFAULT_TRIALS = 20_000
DEFAULT_SEED = 2024


@dataclass(frozen=True)
class Inputs:
    threats: list[mc.Threat]
    measures: list[mc.Measure]
    losses: dict[str, mc.LossCurve]
    measure_rows: list[selectors.MeasureEffectData]
    names: dict[str, str]  # threat id → name
    left_out: list[str]  # nodes named by risks that cannot fail directly
    currency: str


def _failable() -> set[str]:
    return set(Node.objects.filter(kind__in=Node.FAILABLE).values_list("key", flat=True))


def loss_curves() -> tuple[dict[str, mc.LossCurve], str]:
    """Every BIA money-over-time curve with at least one amount (one query)."""
    curves: dict[str, mc.LossCurve] = {}
    currency = "GBP"
    for key, losses, horizons, money in BiaRecord.objects.values_list(
        "node__key", "losses", "settings__horizons", "settings__currency"
    ):
        currency = money
        if not losses or not any(v is not None for v in losses):
            continue
        amounts = [None if v is None else float(v) for v in losses][: len(horizons)]
        amounts += [None] * (len(horizons) - len(amounts))
        curves[key] = mc.LossCurve(tuple(float(h) for h in horizons), tuple(amounts))
    return curves, currency


def inputs() -> Inputs:
    """The engine's inputs from the database (a constant number of queries)."""
    failable = _failable()
    left_out: set[str] = set()
    threats, names = [], {}
    for item in selectors.quantitative_threats():
        fails = tuple(k for k in item["fails"] if k in failable)
        left_out.update(k for k in item["fails"] if k not in failable)
        if not fails:
            continue
        threats.append(mc.Threat(item["id"], item["frequency"], fails, item["duration"]))
        names[item["id"]] = item["name"]
    modelled = {t.id for t in threats}
    rows = selectors.measure_effects()
    measures = []
    for row in rows:
        if row.effect == "frequency":
            factors = {t: row.factor for t in row.threats if t in modelled}
            measures.append(mc.Measure(f"m{row.pk}", row.annual_cost, frequency=factors))
        else:
            factors = {n: row.factor for n in row.nodes if n in failable}
            measures.append(mc.Measure(f"m{row.pk}", row.annual_cost, recovery=factors))
    losses, currency = loss_curves()
    return Inputs(threats, measures, losses, rows, names, sorted(left_out), currency)


def run(
    data: Inputs, *, trials: int = DEFAULT_TRIALS, seed: int = DEFAULT_SEED
) -> mc.SimulationResult | None:
    """Simulate ``trials`` years with a seeded generator; None when no threat can be modelled."""
    if not data.threats:
        return None
    from standby.strategy.loading import load_graph

    compiled = mc.compile_risk(load_graph(), data.threats, data.losses, data.measures)
    return mc.simulate(compiled, trials, np.random.default_rng(seed))
