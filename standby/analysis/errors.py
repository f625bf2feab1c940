"""Errors raised by the analysis core; each message names the nodes involved."""

from __future__ import annotations


class ModelError(ValueError):
    """A dependency model that cannot be analysed; the message says why."""


class DuplicateNodeError(ModelError):
    """Two nodes share one id."""

    def __init__(self, node_id: str) -> None:
        super().__init__(f"duplicate node id {node_id!r}")
        self.node_id = node_id


class UnknownNodeError(ModelError):
    """A requirement (or a query) names a node that is not in the model."""

    def __init__(self, missing: str, owner: str | None = None) -> None:
        where = f"node {owner!r} requires" if owner is not None else "no such node:"
        super().__init__(f"{where} unknown node {missing!r}")
        self.missing = missing
        self.owner = owner


class RequirementError(ModelError):
    """A requirement that can never be read one way: k outside 1..n, or a repeated member."""


class CycleError(ModelError):
    """The requirements form a cycle; :attr:`cycle` lists its nodes in order.

    The first node is repeated at the end, and each node requires the next one.
    """

    def __init__(self, cycle: list[str]) -> None:
        super().__init__("dependency cycle: " + " → ".join(cycle))
        self.cycle = cycle


class NotFailableError(ModelError):
    """A scenario fails a node that cannot fail directly (a process or a service)."""

    def __init__(self, node_id: str, kind: str) -> None:
        super().__init__(
            f"{node_id!r} is a {kind}: only assets, locations and suppliers fail directly; "
            f"a {kind} goes down only through its requirements"
        )
        self.node_id = node_id
        self.kind = kind
