"""The neighbourhood of one node for the interactive dependency map (read-only selector).

Upstream is what the node requires (its requirements, and an asset's location and supplier),
downstream what requires it. Each level costs at most three queries, whatever the graph's size;
levels are capped at :data:`MAX_LEVELS` and the map at :data:`MAX_NODES` nodes.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from standby.inventory.choices import NodeKind
from standby.inventory.models import URL_PREFIX, Node, RequirementMember

MAX_LEVELS = 6
MAX_NODES = 600
_NODE_FIELDS = ("id", "key", "name", "kind", "location_id", "supplier_id")


def group_label(at_least: int, size: int) -> str:
    """How a redundancy group reads on the map: ``any of 2``, ``2 of 3``."""
    return f"any of {size}" if at_least == 1 else f"{at_least} of {size}"


class _Map:
    def __init__(self) -> None:
        self.nodes: dict[int, dict[str, Any]] = {}
        self.groups: dict[int, dict[str, Any]] = {}
        self.edges: dict[str, dict[str, Any]] = {}
        self.truncated = False

    def add_node(self, row: tuple[Any, ...], layer: int) -> bool:
        pk, key, name, kind = row[:4]
        if pk in self.nodes:
            return False
        if len(self.nodes) >= MAX_NODES:
            self.truncated = True
            return False
        self.nodes[pk] = {
            "id": f"n{pk}",
            "key": key,
            "label": name,
            "kind": kind,
            "kind_label": NodeKind(kind).label,
            "url": reverse(f"inventory:{URL_PREFIX[NodeKind(kind)]}_detail", args=[key]),
            "layer": layer,
        }
        return True

    def add_edge(self, source: str, target: str, via: str) -> None:
        edge_id = f"{source}-{target}"
        self.edges.setdefault(
            edge_id, {"id": edge_id, "source": source, "target": target, "via": via}
        )

    def add_group(self, requirement_id: int, label: str, layer: float) -> str:
        group_id = f"r{requirement_id}"
        self.groups.setdefault(
            requirement_id, {"id": group_id, "label": label, "layer": layer, "group": True}
        )
        return group_id

    def as_data(self, focus: Node, up: int, down: int) -> dict[str, Any]:
        known = {n["id"] for n in self.nodes.values()} | {g["id"] for g in self.groups.values()}
        return {
            "focus": f"n{focus.pk}",
            "up": up,
            "down": down,
            "truncated": self.truncated,
            "nodes": list(self.nodes.values()),
            "groups": list(self.groups.values()),
            "edges": [
                e for e in self.edges.values() if e["source"] in known and e["target"] in known
            ],
        }


def _sizes(requirement_ids: set[int]) -> dict[int, int]:
    rows = (
        RequirementMember.objects.filter(requirement_id__in=requirement_ids)
        .values("requirement_id")
        .annotate(n=Count("id"))
        .values_list("requirement_id", "n")
    )
    return dict(rows)


def neighbourhood(focus: Node, *, up: int = 2, down: int = 2) -> dict[str, Any]:
    """The map data around ``focus``: nodes, k-of-n group nodes and "requires" edges.

    Layers: 0 is the focus, positive layers what it requires (drawn below), negative layers what
    requires it (drawn above). A group sits half a layer from its owner.
    """
    up = max(0, min(up, MAX_LEVELS))
    down = max(0, min(down, MAX_LEVELS))
    graph = _Map()
    graph.add_node((focus.pk, focus.key, focus.name, focus.kind), 0)

    # Upstream: what the frontier requires.
    frontier: dict[int, tuple[int | None, int | None]] = {
        focus.pk: (focus.location_id, focus.supplier_id)
    }
    for layer in range(1, up + 1):
        if not frontier or graph.truncated:
            break
        members = list(
            RequirementMember.objects.filter(requirement__owner_id__in=frontier)
            .order_by("requirement__position", "requirement_id", "position", "id")
            .values_list(
                "requirement_id",
                "requirement__owner_id",
                "requirement__at_least",
                *(f"node__{f}" for f in _NODE_FIELDS),
            )
        )
        by_requirement: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for row in members:
            by_requirement[row[0]].append(row)
        following: dict[int, tuple[int | None, int | None]] = {}
        wanted_sites: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for owner_pk, (location_id, supplier_id) in frontier.items():
            if location_id:
                wanted_sites[location_id].append((owner_pk, "location"))
            if supplier_id:
                wanted_sites[supplier_id].append((owner_pk, "supplier"))
        for requirement_id, rows in by_requirement.items():
            owner_pk, at_least = rows[0][1], rows[0][2]
            source = f"n{owner_pk}"
            if len(rows) > 1:
                owner_layer = graph.nodes[owner_pk]["layer"]
                group = graph.add_group(
                    requirement_id, group_label(at_least, len(rows)), owner_layer + 0.5
                )
                graph.add_edge(source, group, "requirement")
                source = group
            for row in rows:
                node_row = row[3:]
                if graph.add_node(node_row, layer):
                    following[node_row[0]] = (node_row[4], node_row[5])
                graph.add_edge(source, f"n{node_row[0]}", "requirement")
        if wanted_sites:
            for node_row in Node.objects.filter(pk__in=wanted_sites).values_list(*_NODE_FIELDS):
                if graph.add_node(node_row, layer):
                    following[node_row[0]] = (None, None)
                for owner_pk, via in wanted_sites[node_row[0]]:
                    graph.add_edge(f"n{owner_pk}", f"n{node_row[0]}", via)
        frontier = following

    # Downstream: what requires the frontier.
    down_frontier = {focus.pk}
    for layer in range(-1, -down - 1, -1):
        if not down_frontier or graph.truncated:
            break
        rows = list(
            RequirementMember.objects.filter(node_id__in=down_frontier)
            .order_by("requirement__owner__name", "requirement_id")
            .values_list(
                "requirement_id",
                "requirement__at_least",
                "node_id",
                *(f"requirement__owner__{f}" for f in _NODE_FIELDS),
            )
        )
        sizes = _sizes({r[0] for r in rows})
        following_down: set[int] = set()
        for requirement_id, at_least, member_pk, *owner_row in rows:
            if graph.add_node(tuple(owner_row), layer):
                following_down.add(owner_row[0])
            if owner_row[0] not in graph.nodes:
                continue
            source = f"n{owner_row[0]}"
            size = sizes.get(requirement_id, 1)
            if size > 1:
                group = graph.add_group(
                    requirement_id,
                    group_label(at_least, size),
                    graph.nodes[owner_row[0]]["layer"] + 0.5,
                )
                graph.add_edge(source, group, "requirement")
                source = group
            graph.add_edge(source, f"n{member_pk}", "requirement")
        for asset_row in Node.objects.filter(
            Q(location_id__in=down_frontier) | Q(supplier_id__in=down_frontier)
        ).values_list(*_NODE_FIELDS):
            if graph.add_node(asset_row, layer):
                following_down.add(asset_row[0])
            for target, via in ((asset_row[4], "location"), (asset_row[5], "supplier")):
                if target in down_frontier:
                    graph.add_edge(f"n{asset_row[0]}", f"n{target}", via)
        down_frontier = following_down

    return graph.as_data(focus, up, down)
