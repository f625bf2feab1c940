"""Reads of the dependency model, each in a constant number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from standby.analysis.model import NodeKind as AnalysisKind
from standby.analysis.model import NodeSpec
from standby.analysis.model import Requirement as AnalysisRequirement
from standby.inventory.models import Node, Requirement, RequirementMember


def requires_edges() -> dict[int, set[int]]:
    """node id → ids of the nodes it requires (requirements, location and supplier). 2 queries."""
    edges: dict[int, set[int]] = defaultdict(set)
    for owner_id, node_id in RequirementMember.objects.values_list(
        "requirement__owner_id", "node_id"
    ):
        if owner_id is not None:
            edges[owner_id].add(node_id)
    for node_id, location_id, supplier_id in Node.objects.filter(kind="asset").values_list(
        "id", "location_id", "supplier_id"
    ):
        if location_id:
            edges[node_id].add(location_id)
        if supplier_id:
            edges[node_id].add(supplier_id)
    return edges


def path_between(edges: dict[int, set[int]], start: int, goal: int) -> list[int] | None:
    """A path of "requires" edges from ``start`` to ``goal`` (both included), or None."""
    parents: dict[int, int | None] = {start: None}
    frontier = [start]
    while frontier:
        following: list[int] = []
        for node in frontier:
            for nxt in edges.get(node, ()):
                if nxt in parents:
                    continue
                parents[nxt] = node
                if nxt == goal:
                    path = [goal]
                    while parents[path[-1]] is not None:
                        path.append(parents[path[-1]])  # type: ignore[arg-type]
                    return path[::-1]
                following.append(nxt)
        frontier = following
    return None


def requirements_of(node: Node) -> QuerySet[Requirement]:
    """A node's requirements with their members, in order (2 queries)."""
    members = RequirementMember.objects.select_related("node").order_by("position", "id")
    return node.requirements.prefetch_related(Prefetch("memberships", queryset=members)).order_by(
        "position", "id"
    )


@dataclass(frozen=True)
class Dependant:
    """A node that requires another, and how (``"requirement"``, ``"location"``, …)."""

    node: Node
    via: str


def dependants_of(node: Node) -> list[Dependant]:
    """Everything that requires ``node`` directly (2 queries)."""
    found = [
        Dependant(member.requirement.owner, "requirement")
        for member in RequirementMember.objects.filter(node=node).select_related(
            "requirement__owner"
        )
    ]
    for asset in Node.objects.filter(location=node) | Node.objects.filter(supplier=node):
        found.append(Dependant(asset, "location" if asset.location_id == node.pk else "supplier"))
    unique = {(d.node.pk, d.via): d for d in found}
    return sorted(unique.values(), key=lambda d: (d.node.name, d.node.key))


def analysis_nodes() -> list[NodeSpec]:
    """The whole graph as plain data for :mod:`standby.analysis` (3 queries)."""
    nodes = list(
        Node.objects.order_by("id").values_list(
            "id", "key", "kind", "location_id", "supplier_id", "recovery_time"
        )
    )
    key_of = {pk: key for pk, key, *_ in nodes}
    groups: dict[int, list[tuple[int, int, list[str]]]] = defaultdict(list)
    requirement_rows = Requirement.objects.values_list("id", "owner_id", "at_least", "position")
    by_requirement: dict[int, tuple[int, int, int, list[str]]] = {
        rid: (owner, k, pos, []) for rid, owner, k, pos in requirement_rows
    }
    for requirement_id, node_id in RequirementMember.objects.order_by("position", "id").values_list(
        "requirement_id", "node_id"
    ):
        by_requirement[requirement_id][3].append(key_of[node_id])
    for owner, k, pos, members in by_requirement.values():
        groups[owner].append((pos, k, members))
    specs = []
    for pk, key, kind, location_id, supplier_id, recovery_time in nodes:
        requires = [
            AnalysisRequirement(k, tuple(members))
            for _, k, members in sorted(groups.get(pk, []), key=lambda g: g[0])
            if members
        ]
        for extra in (location_id, supplier_id):
            if extra:
                requires.append(AnalysisRequirement.single(key_of[extra]))
        specs.append(NodeSpec(key, AnalysisKind(kind), tuple(requires), recovery_time))
    return specs
