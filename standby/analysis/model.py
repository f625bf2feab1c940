"""Plain-data description of a dependency model, the input of every analysis.

The semantics are those of PRODUCT.md "Dependency semantics": every node has requirements; a
requirement is "at least ``k`` of these ``n`` nodes" (a single node is ``k = n = 1``). A node is
available iff it has not failed itself and every one of its requirements is satisfied. Only
assets, locations and suppliers fail directly. Callers fold an asset's location and supplier into
its requirements before handing the model over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class NodeKind(StrEnum):
    """What a node is; only :data:`FAILABLE_KINDS` can fail directly."""

    PROCESS = "process"
    SERVICE = "service"
    ASSET = "asset"
    LOCATION = "location"
    SUPPLIER = "supplier"


FAILABLE_KINDS = frozenset({NodeKind.ASSET, NodeKind.LOCATION, NodeKind.SUPPLIER})


@dataclass(frozen=True, slots=True)
class Requirement:
    """At least ``at_least`` of the nodes in ``of`` must be available.

    >>> Requirement.single("lan").of
    ('lan',)
    """

    at_least: int
    of: tuple[str, ...]

    @classmethod
    def single(cls, node_id: str) -> Requirement:
        """A requirement on one node."""
        return cls(1, (node_id,))

    @property
    def is_single(self) -> bool:
        """True for a plain one-node requirement."""
        return len(self.of) == 1 and self.at_least == 1


@dataclass(frozen=True, slots=True)
class NodeSpec:
    """One node of the model: its id, kind, requirements and own recovery time in hours."""

    id: str
    kind: NodeKind
    requires: tuple[Requirement, ...] = field(default=())
    recovery_time: float | None = None
