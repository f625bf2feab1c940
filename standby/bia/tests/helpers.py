"""Small builders for the BIA tests: processes with owners, and complete answers."""

from __future__ import annotations

from typing import Any

from standby.bia import services
from standby.inventory import services as inventory
from standby.inventory.models import Node, Person

CATEGORIES = ("financial", "operational", "customer", "reputational", "legal", "health_safety")


def person(manager: Any, key: str, email: str) -> Person:
    return inventory.person_save(
        actor=manager, person=Person(key=key, name=key.title(), email=email)
    )


def process(manager: Any, key: str, *, owner: Person | None = None, kind: str = "process") -> Node:
    node = Node(key=key, kind=kind, name=key.replace("-", " ").title(), owner=owner)
    return inventory.node_save(actor=manager, node=node)


def table(**rows: list[int]) -> dict[str, list[int]]:
    """Every category at 0 over the 7 default horizons, except those given."""
    full = {c: [0] * 7 for c in CATEGORIES}
    full.update(rows)
    return full


def answered(manager: Any, node: Node, **answers: Any) -> Any:
    record = services.record_get_or_create(node, actor=manager)
    answers.setdefault("impacts", table())
    return services.record_answer(
        actor=manager, record=record, expected_revision=record.revision, **answers
    )
