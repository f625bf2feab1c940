"""Gap analysis and supplier checks from the database, computed by :mod:`standby.analysis.gaps`.

Per process and service: MTPD, RTO, required RTO, the worst RTA over every scenario (user-defined
and generated) and which scenario, RPO against the recovery point achievable of the data it
needs, single points of failure, and the verdict with its reasons. Suppliers: each contract's
guaranteed recovery time against the required RTO of what depends on it, contracts expiring
soon, and concentration (one supplier behind many services with an RTO).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from standby.analysis import gaps as core
from standby.analysis.bia import required_objectives
from standby.analysis.graph import CompiledGraph
from standby.analysis.scenarios import Scenario, evaluate_scenarios
from standby.bia.selectors import ranked, stated_objectives
from standby.inventory.choices import AssetType, NodeKind
from standby.inventory.models import Contract, Node
from standby.strategy.choices import VERDICT_STATUS, Verdict
from standby.strategy.loading import load_graph
from standby.strategy.models import Backup
from standby.strategy.selectors import NodeRef, node_refs
from standby.strategy.selectors_options import plain_backup
from standby.strategy.selectors_scenarios import all_scenarios

EXPIRY_DAYS = 90


@dataclass(frozen=True)
class GapRow:
    """One process or service in the gap analysis, ready for the page and the exports."""

    node: NodeRef
    gap: core.Gap
    scenario_name: str | None
    spofs: list[NodeRef]

    @property
    def verdict_label(self) -> str:
        return Verdict(self.gap.verdict).label

    @property
    def status(self) -> str:
        return VERDICT_STATUS[Verdict(self.gap.verdict)]


def _objectives(graph: CompiledGraph) -> dict[str, core.Objectives]:
    stated = stated_objectives()
    required = required_objectives(graph, stated)
    mtpd = {row.node.key: row.derived.mtpd for row in ranked()}
    targets = [
        k
        for k in graph.ids
        if graph.kind_of(graph.index[k]) in {NodeKind.PROCESS, NodeKind.SERVICE}
    ]
    out = {}
    for key in targets:
        rto, rpo = stated.get(key, (None, None))
        req_rto, req_rpo = required[key]
        out[key] = core.Objectives(
            mtpd=mtpd.get(key),
            rto=rto,
            required_rto=req_rto,
            rpo=rpo,
            required_rpo=req_rpo,
        )
    return out


def backups_plain() -> dict[str, core.Backup | None]:
    """Every data asset → its backup as plain data (None: none). 2 queries."""
    stored = {b.node_id: b for b in Backup.objects.all()}
    out: dict[str, core.Backup | None] = {}
    for pk, key in Node.objects.filter(kind=NodeKind.ASSET, asset_type=AssetType.DATA).values_list(
        "pk", "key"
    ):
        b = stored.get(pk)
        out[key] = None if b is None else plain_backup(b)
    return out


def gap_rows(graph: CompiledGraph | None = None) -> list[GapRow]:
    """The gap analysis of every process and service, breaches first."""
    graph = graph or load_graph()
    scenarios = all_scenarios(graph)
    names = {s.id: s.name for s in scenarios}
    refs = node_refs()
    found = core.gap_analysis(
        graph,
        _objectives(graph),
        scenarios,
        backups=backups_plain(),
        names={key: ref.name for key, ref in refs.items()},
    )
    order = {"breach": 0, "at_risk": 1, "meets": 2}
    rows = [
        GapRow(
            refs[g.node],
            g,
            names.get(g.worst_scenario) if g.worst_scenario else None,
            [refs[k] for k in g.single_points_of_failure if k in refs],
        )
        for g in found
    ]
    rows.sort(key=lambda r: (order.get(r.gap.verdict, 3), r.node.name))
    return rows


def gaps_json(rows: Sequence[GapRow]) -> dict[str, Any]:
    """The gap analysis as plain JSON (``standby analyze gaps --json``)."""
    return {
        row.node.key: {
            **{k: v for k, v in asdict(row.gap).items() if k != "node"},
            "single_points_of_failure": list(row.gap.single_points_of_failure),
            "reasons": list(row.gap.reasons),
            "worst_scenario_name": row.scenario_name,
        }
        for row in rows
    }


GAP_COLUMNS: list[tuple[str, Any]] = [
    ("id", lambda r: r.node.key),
    ("name", lambda r: r.node.name),
    ("kind", lambda r: r.node.kind),
    ("mtpd_hours", lambda r: r.gap.mtpd),
    ("rto_hours", lambda r: r.gap.rto),
    ("required_rto_hours", lambda r: r.gap.required_rto),
    ("worst_rta_hours", lambda r: r.gap.worst_rta),
    ("worst_scenario", lambda r: r.scenario_name or ""),
    ("rpo_hours", lambda r: r.gap.rpo_checked),
    ("rpa_hours", lambda r: r.gap.rpa),
    ("single_points_of_failure", lambda r: "; ".join(r.gap.single_points_of_failure)),
    ("verdict", lambda r: r.verdict_label),
    ("reasons", lambda r: "; ".join(r.gap.reasons)),
    # Added after the first columns so that readers by position keep working.
    ("worst_scenario_id", lambda r: r.gap.worst_scenario or ""),
    ("single_points_of_failure_names", lambda r: "; ".join(n.name for n in r.spofs)),
]


# -- suppliers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupplierRow:
    supplier: NodeRef
    dependants: list[NodeRef]  # processes/services with an RTO it takes down
    contracts: list[Contract]
    weak: list[core.ContractGap]
    expiring: list[Contract]


@dataclass(frozen=True)
class SupplierChecks:
    rows: list[SupplierRow]
    concentration_threshold: int

    @property
    def findings(self) -> int:
        return sum(1 for r in self.rows if r.weak or r.expiring or self.concentrated(r))

    def concentrated(self, row: SupplierRow) -> bool:
        return len(row.dependants) >= self.concentration_threshold


def supplier_checks(
    today: dt.date | None = None, *, only: str | None = None, threshold: int = 3
) -> SupplierChecks:
    """Contracts against required RTOs, expiring contracts and concentration, per supplier."""
    today = today or dt.date.today()
    graph = load_graph()
    stated = stated_objectives()
    required = required_objectives(graph, stated)
    required_rto = {k: required[k][0] for k in graph.ids}
    suppliers = [
        k
        for k in graph.ids
        if graph.kind_of(graph.index[k]) == NodeKind.SUPPLIER and (only is None or k == only)
    ]
    targets = [
        k
        for k, (rto, _) in stated.items()
        if rto is not None
        and k in graph.index
        and graph.kind_of(graph.index[k]) in {NodeKind.PROCESS, NodeKind.SERVICE}
    ]
    down: dict[str, list[str]] = {s: [] for s in suppliers}
    if suppliers and targets:
        result = evaluate_scenarios(
            graph,
            [Scenario(f"supplier:{s}", s, "supplier", (s,)) for s in suppliers],
            columns=targets,
        )
        for i, s in enumerate(suppliers):
            down[s] = [targets[j] for j in range(len(targets)) if result.down[i, j]]
    contracts: dict[str, list[Contract]] = {}
    for c in Contract.objects.select_related("supplier").filter(supplier__key__in=suppliers):
        contracts.setdefault(c.supplier.key, []).append(c)
    terms = [
        core.ContractTerm(c.key, s, c.recovery_time, c.expires_on)
        for s, cs in contracts.items()
        for c in cs
    ]
    weak: dict[str, list[core.ContractGap]] = {}
    for g in core.contract_gaps(terms, required_rto):
        weak.setdefault(g.node, []).append(g)
    refs = node_refs(sorted({*suppliers, *(k for v in down.values() for k in v)}))
    horizon = today + dt.timedelta(days=EXPIRY_DAYS)
    rows = [
        SupplierRow(
            refs[s],
            sorted((refs[k] for k in down[s]), key=lambda r: r.name),
            contracts.get(s, []),
            weak.get(s, []),
            [c for c in contracts.get(s, []) if c.expires_on and c.expires_on <= horizon],
        )
        for s in suppliers
    ]
    rows.sort(key=lambda r: (-len(r.dependants), r.supplier.name))
    return SupplierChecks(rows, threshold)
