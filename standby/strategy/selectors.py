"""Reads for the dependency analyses: what-if impact and single points of failure.

The graph loads in a constant number of queries (:func:`standby.inventory.selectors.analysis_nodes`)
and is handed to the analysis core as plain data.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from standby.analysis.cuts import failing_pairs, single_points_of_failure
from standby.analysis.graph import CompiledGraph
from standby.analysis.impact import impact
from standby.analysis.recovery import recovery_times
from standby.inventory.choices import NodeKind
from standby.inventory.models import Node, RequirementMember
from standby.strategy.loading import load_graph

PLURALS = {
    NodeKind.PROCESS: ("business process", "business processes"),
    NodeKind.SERVICE: ("IT service", "IT services"),
    NodeKind.ASSET: ("asset", "assets"),
    NodeKind.LOCATION: ("location", "locations"),
    NodeKind.SUPPLIER: ("supplier", "suppliers"),
}

KIND_ORDER = [
    NodeKind.PROCESS,
    NodeKind.SERVICE,
    NodeKind.ASSET,
    NodeKind.LOCATION,
    NodeKind.SUPPLIER,
]


@dataclass(frozen=True)
class NodeRef:
    """What a page needs to show a node: key, name, kind, link."""

    key: str
    name: str
    kind: str

    @property
    def kind_label(self) -> str:
        return NodeKind(self.kind).label

    @property
    def url(self) -> str:
        return Node(key=self.key, kind=self.kind).get_absolute_url()


def node_refs(keys: Sequence[str] | None = None) -> dict[str, NodeRef]:
    """Key → :class:`NodeRef` for ``keys`` (all nodes when None), in one query."""
    rows = Node.objects.all()
    if keys is not None:
        rows = rows.filter(key__in=list(keys))
    return {k: NodeRef(k, n, kind) for k, n, kind in rows.values_list("key", "name", "kind")}


def failable_choices() -> list[tuple[str, list[NodeRef]]]:
    """Assets, locations and suppliers by kind, for picking a scenario (one query)."""
    rows = Node.objects.filter(kind__in=sorted(Node.FAILABLE)).order_by("kind", "name")
    grouped: dict[str, list[NodeRef]] = {}
    for key, name, kind in rows.values_list("key", "name", "kind"):
        grouped.setdefault(kind, []).append(NodeRef(key, name, kind))
    return [(NodeKind(k).label, grouped[k]) for k in KIND_ORDER if k in grouped]


@dataclass(frozen=True)
class DownNode:
    node: NodeRef
    failed: bool
    rta: float | None  # hours; None when unknown


@dataclass
class WhatIf:
    """The result of failing some nodes: what is down, and when each is back."""

    failed: list[NodeRef]
    down: list[DownNode]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def worst_rta(self) -> float | None:
        """The latest return, None when anything's return is unknown."""
        times = [d.rta for d in self.down]
        if any(t is None for t in times):
            return None
        return max((t for t in times if t is not None), default=0.0)

    @property
    def business_down(self) -> list[DownNode]:
        return [d for d in self.down if d.node.kind in {NodeKind.PROCESS, NodeKind.SERVICE}]


def what_if_graph(failed_keys: Sequence[str]) -> dict[str, object]:
    """The down part of the graph for the map: failed nodes and what they took down.

    Same shape as the inventory map's data (``standby.inventory.depmap``), each node with a
    ``status`` (``failed`` or ``down``); processes on top, what they require below. 3 queries
    besides the graph.
    """
    graph = load_graph()
    result = what_if(failed_keys, graph)
    down = {d.node.key: d for d in result.down}
    rows = Node.objects.filter(key__in=list(down)).values_list(
        "id", "key", "location_id", "supplier_id"
    )
    pk_of = {key: pk for pk, key, _, _ in rows}
    nodes = [
        {
            "id": f"n{pk_of[key]}",
            "key": key,
            "label": d.node.name,
            "kind": d.node.kind,
            "kind_label": d.node.kind_label,
            "url": d.node.url,
            "layer": -int(graph.level[graph.index[key]]),
            "status": "failed" if d.failed else "down",
        }
        for key, d in down.items()
    ]
    edges: dict[str, dict[str, str]] = {}

    def edge(owner: int | None, member: int, via: str) -> None:
        source, target = f"n{owner}", f"n{member}"
        edges.setdefault(
            f"{source}-{target}",
            {"id": f"{source}-{target}", "source": source, "target": target, "via": via},
        )

    pks = set(pk_of.values())
    for owner, member in RequirementMember.objects.filter(
        node_id__in=pks, requirement__owner_id__in=pks
    ).values_list("requirement__owner_id", "node_id"):
        edge(owner, member, "requirement")
    for pk, _key, location, supplier in rows:
        if location in pks:
            edge(pk, location, "location")
        if supplier in pks:
            edge(pk, supplier, "supplier")
    focus = f"n{pk_of[result.failed[0].key]}" if result.failed else None
    return {
        "focus": focus,
        "nodes": nodes,
        "groups": [],
        "edges": list(edges.values()),
        "truncated": False,
    }


def what_if(failed_keys: Sequence[str], graph: CompiledGraph | None = None) -> WhatIf:
    """Fail ``failed_keys``: what goes down and the recovery time achievable of each.

    Raises the analysis core's ``ModelError`` for an unknown id or a process/service.
    """
    graph = graph or load_graph()
    down_keys = impact(graph, failed_keys)
    times = recovery_times(graph, failed_keys)
    refs = node_refs(down_keys)
    failed = set(failed_keys)
    rank = {k: i for i, k in enumerate(KIND_ORDER)}
    down = sorted(
        (DownNode(refs[k], k in failed, times.get(k)) for k in down_keys),
        key=lambda d: (rank[NodeKind(d.node.kind)], _late_first(d.rta), d.node.name),
    )
    counts = Counter(NodeKind(d.node.kind) for d in down)
    return WhatIf(
        failed=[refs[k] for k in sorted(failed)],
        down=down,
        counts={
            PLURALS[kind][counts[kind] != 1]: counts[kind] for kind in KIND_ORDER if counts[kind]
        },
    )


def _late_first(hours: float | None) -> float:
    return -math.inf if hours is None else -hours


@dataclass(frozen=True)
class SpofRow:
    target: NodeRef
    single: list[NodeRef]
    pairs: list[tuple[NodeRef, NodeRef]] | None  # None when not computed


def spof_report(*, with_pairs: bool = False, targets: Sequence[str] | None = None) -> list[SpofRow]:
    """Single points of failure (and, on request, failing pairs) of processes and services."""
    graph = load_graph()
    singles = single_points_of_failure(graph, targets)
    refs = node_refs()
    rows = []
    for key in singles:
        pairs = None
        if with_pairs:
            pairs = [(refs[a], refs[b]) for a, b in failing_pairs(graph, key)]
        rows.append(SpofRow(refs[key], [refs[k] for k in singles[key]], pairs))
    rank = {NodeKind.PROCESS: 0, NodeKind.SERVICE: 1}
    rows.sort(key=lambda r: (rank.get(NodeKind(r.target.kind), 2), -len(r.single), r.target.name))
    return rows
