"""Disaster scenarios: generated (each site, supplier, critical asset) and user-defined.

The scenarios and their recovery times come from :mod:`standby.analysis.scenarios`, fed plain
data loaded in a constant number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from standby.analysis.cuts import single_points_of_failure
from standby.analysis.graph import CompiledGraph
from standby.analysis.scenarios import Scenario as PlainScenario
from standby.analysis.scenarios import evaluate_scenarios, generated_scenarios
from standby.inventory.choices import NodeKind
from standby.strategy.loading import load_graph
from standby.strategy.models import Scenario
from standby.strategy.selectors import KIND_ORDER, NodeRef, node_refs


def critical_assets(graph: CompiledGraph) -> list[str]:
    """Assets whose loss alone takes down a process or service (their single points of failure)."""
    found: set[str] = set()
    for singles in single_points_of_failure(graph).values():
        found.update(singles)
    return sorted(k for k in found if graph.kind_of(graph.index[k]) == NodeKind.ASSET)


def user_scenarios() -> list[PlainScenario]:
    """The user-defined scenarios as plain data (2 queries)."""
    rows = Scenario.objects.prefetch_related("failed").order_by("name", "key")
    return [
        PlainScenario(f"user:{s.key}", s.name, "user", tuple(sorted(n.key for n in s.failed.all())))
        for s in rows
    ]


def all_scenarios(graph: CompiledGraph | None = None) -> list[PlainScenario]:
    """User-defined scenarios first, then the generated ones, named by node names."""
    graph = graph or load_graph()
    usable = [s for s in user_scenarios() if s.failed and all(k in graph.index for k in s.failed)]
    names = {key: ref.name for key, ref in node_refs().items()}
    return usable + generated_scenarios(graph, critical_assets(graph), names)


def find_scenario(scenario_id: str, graph: CompiledGraph) -> PlainScenario | None:
    """The scenario with ``scenario_id`` (``site:…``, ``supplier:…``, ``asset:…``, ``user:…``)."""
    for scenario in all_scenarios(graph):
        if scenario.id == scenario_id:
            return scenario
    return None


@dataclass(frozen=True)
class DownRow:
    node: NodeRef
    failed: bool
    rta: float | None


def scenario_down(scenario: PlainScenario, graph: CompiledGraph) -> list[DownRow]:
    """Every node down in ``scenario`` with its RTA, processes and services first."""
    result = evaluate_scenarios(graph, [scenario])
    down_idx = [j for j in range(result.columns.size) if result.down[0, j]]
    keys = [graph.ids[int(result.columns[j])] for j in down_idx]
    refs = node_refs(keys)
    failed = set(scenario.failed)
    rank = {k: i for i, k in enumerate(KIND_ORDER)}
    rows = [
        DownRow(refs[key], key in failed, result.rta(0, j))
        for key, j in zip(keys, down_idx, strict=True)
    ]
    rows.sort(
        key=lambda r: (
            rank[NodeKind(r.node.kind)],
            -(r.rta if r.rta is not None else float("inf")),
            r.node.name,
        )
    )
    return rows
