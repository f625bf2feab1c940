"""Checking a sheet against the inventory: what each row would create or change, and every error.

:func:`plan_import` reads, never writes. It loads what it needs in a constant number of queries
(plus one per 500 rows updated), checks each cell, then the rows together: duplicate ids, ids
another kind already uses, references to unknown ids (rows of the same file count), and cycles
(the stored graph from :func:`~standby.inventory.selectors.requires_edges` plus the new edges).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from standby.common.audit import snapshot
from standby.inventory.choices import AssetType, LocationKind, NodeKind, TeamRole
from standby.inventory.models import (
    Contract,
    Node,
    Person,
    Requirement,
    RequirementMember,
    Team,
    TeamMember,
)
from standby.inventory.selectors import requires_edges
from standby.inventory.tabular.entities import ENTITIES, Entity
from standby.inventory.tabular.grammar import (
    GrammarError,
    format_requires,
    parse_members,
    parse_requires,
)
from standby.inventory.tabular.grammar import Requirement as CellRequirement
from standby.inventory.tabular.reading import Cell, Table
from standby.modelfile.durations import DurationError, parse_duration

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
_CHUNK = 500
_FIELD_COLUMN = {"key": "id", "asset_type": "type", "location_kind": "kind"}
_KIND_LABEL = {kind.value: kind.label.lower() for kind in NodeKind}

Keyed = Node | Person | Team | Contract


@dataclass
class RowPlan:
    """One data row: what it will do, the changed columns, and its errors."""

    number: int
    key: str
    cells: dict[str, str]
    action: str = CREATE
    changed: list[str] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    instance: Any = None
    requires: list[CellRequirement] | None = None
    members: list[tuple[str, str]] | None = None
    requires_changed: bool = False
    members_changed: bool = False
    fields_changed: bool = False

    def error(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(message)


@dataclass
class Plan:
    """The outcome of checking a sheet: rows, and problems that belong to no single row."""

    entity: Entity
    columns: list[str]
    rows: list[RowPlan] = field(default_factory=list)
    file_problems: list[Cell] = field(default_factory=list)

    @property
    def problems(self) -> list[Cell]:
        """Every problem, file-wide first, then by row and column order."""
        order = {name: i for i, name in enumerate(self.columns)}
        cells = [
            Cell(row.number, column, message)
            for row in self.rows
            for column, messages in row.errors.items()
            for message in messages
        ]
        cells.sort(key=lambda c: (c.row, order.get(c.column, len(order))))
        return [*self.file_problems, *cells]

    @property
    def ok(self) -> bool:
        return not self.file_problems and not any(row.errors for row in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


# -- cell converters ---------------------------------------------------------------------------


def _duration(text: str) -> float | None:
    if not text:
        return None
    try:
        return float(text) if _is_number(text) else parse_duration(text)
    except (DurationError, ValueError) as error:
        raise ValueError(str(error)) from None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _date(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected a date as YYYY-MM-DD, got {text[:40]!r}") from None


def _choice(values: Iterable[str], blank: bool) -> Callable[[str], str]:
    allowed = sorted(values)

    def convert(text: str) -> str:
        if not text and blank:
            return ""
        if text.lower() not in allowed:
            raise ValueError(f"{text[:40]!r} is not one of {', '.join(allowed)}")
        return text.lower()

    return convert


def _text(text: str) -> str:
    return text


# column → (model attribute, converter) for plain fields, per model.
_NODE_FIELDS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "name": ("name", _text),
    "description": ("description", _text),
    "type": ("asset_type", _choice(AssetType.values, blank=False)),
    "kind": ("location_kind", _choice(LocationKind.values, blank=True)),
    "recovery_time": ("recovery_time", _duration),
}
_PERSON_FIELDS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "name": ("name", _text),
    "email": ("email", _text),
    "phone": ("phone", _text),
    "out_of_hours_phone": ("out_of_hours_phone", _text),
    "leaves_on": ("leaves_on", _date),
}
_TEAM_FIELDS: dict[str, tuple[str, Callable[[str], Any]]] = {"name": ("name", _text)}
_CONTRACT_FIELDS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "name": ("name", _text),
    "guarantees": ("guarantees", _text),
    "recovery_time": ("recovery_time", _duration),
    "expires_on": ("expires_on", _date),
}
# column → (attribute holding the id, the node kind it must name; None = a person)
_REFERENCES: dict[str, dict[str, tuple[str, NodeKind | None]]] = {
    "node": {
        "owner": ("owner_id", None),
        "location": ("location_id", NodeKind.LOCATION),
        "supplier": ("supplier_id", NodeKind.SUPPLIER),
    },
    "contract": {"supplier": ("supplier_id", NodeKind.SUPPLIER)},
}


def _model_of(entity: Entity) -> type[Keyed]:
    if entity.node_kind is not None:
        return Node
    models: dict[str, type[Keyed]] = {"people": Person, "teams": Team, "contracts": Contract}
    return models[entity.slug]


def _fields_of(entity: Entity) -> dict[str, tuple[str, Callable[[str], Any]]]:
    if entity.node_kind is not None:
        return _NODE_FIELDS
    return {"people": _PERSON_FIELDS, "teams": _TEAM_FIELDS, "contracts": _CONTRACT_FIELDS}[
        entity.slug
    ]


# -- the inventory as it is --------------------------------------------------------------------


@dataclass
class _Inventory:
    """What is stored, loaded once: every id with its kind, and node ids by primary key."""

    node_kind: dict[str, str]  # key → node kind
    node_pk: dict[str, int]
    key_of: dict[int, str]
    person_pk: dict[str, int]
    other_keys: dict[str, str]  # key → "person" / "team" / "supplier contract"

    @classmethod
    def load(cls) -> _Inventory:
        nodes = list(Node.objects.values_list("pk", "key", "kind"))
        people = dict(Person.objects.values_list("key", "pk"))
        other: dict[str, str] = dict.fromkeys(people, "person")
        other.update(dict.fromkeys(Team.objects.values_list("key", flat=True), "team"))
        contracts = Contract.objects.values_list("key", flat=True)
        other.update(dict.fromkeys(contracts, "supplier contract"))
        return cls(
            node_kind={key: kind for _, key, kind in nodes},
            node_pk={key: pk for pk, key, _ in nodes},
            key_of={pk: key for pk, key, _ in nodes},
            person_pk=people,
            other_keys=other,
        )

    def kind_of(self, key: str) -> str | None:
        """What stored thing uses ``key``: a node kind, "person", "team", … or None."""
        return self.node_kind.get(key) or self.other_keys.get(key)


def _describe(kind: str) -> str:
    return _KIND_LABEL.get(kind, kind)


def _article(text: str) -> str:
    return ("an " if text[:1] in "aeiou" else "a ") + text


def _existing(model: type[Keyed], keys: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        found.update({obj.key: obj for obj in model._default_manager.filter(key__in=chunk)})
    return found


def stored_requires(owner_pks: Iterable[int]) -> dict[int, list[CellRequirement]]:
    """Each node's requirements as cell values, in order (2 queries)."""
    wanted = set(owner_pks)
    if not wanted:
        return {}
    requirements: dict[int, tuple[int, int, int, list[str]]] = {
        pk: (owner, k, position, [])
        for pk, owner, k, position in Requirement.objects.values_list(
            "pk", "owner_id", "at_least", "position"
        )
        if owner in wanted
    }
    for requirement_id, key in RequirementMember.objects.order_by("position", "id").values_list(
        "requirement_id", "node__key"
    ):
        if requirement_id in requirements:
            requirements[requirement_id][3].append(key)
    result: dict[int, list[tuple[int, int, CellRequirement]]] = defaultdict(list)
    for pk, (owner, k, position, members) in requirements.items():
        form = "id" if len(members) == 1 else ("any_of" if k == 1 else "at_least")
        result[owner].append((position, pk, CellRequirement(k, tuple(members), form)))
    return {owner: [r for _, _, r in sorted(items)] for owner, items in result.items()}


def _stored_members(team_pks: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for team_id, key, role in (
        TeamMember.objects.filter(team_id__in=list(team_pks))
        .order_by("position", "id")
        .values_list("team_id", "person__key", "role")
    ):
        found[team_id].append((key, role))
    return found


# -- planning ----------------------------------------------------------------------------------


def plan_import(entity_slug: str, table: Table) -> Plan:
    """Check ``table`` as a sheet of ``entity_slug`` against the inventory; write nothing."""
    entity = ENTITIES[entity_slug]
    plan = Plan(entity=entity, columns=[])
    if not _read_header(plan, table.header):
        return plan
    plan.file_problems.extend(table.problems)
    positions = {name.lower(): i for i, name in enumerate(table.header)}
    for number, cells in table.rows:
        values = {column: cells[positions[column]] for column in plan.columns}
        plan.rows.append(RowPlan(number=number, key=values.get("id", ""), cells=values))

    inventory = _Inventory.load()
    model = _model_of(entity)
    _check_ids(plan, inventory)
    keys = [row.key for row in plan.rows if row.key and "id" not in row.errors]
    existing = _existing(model, keys)
    for row in plan.rows:
        if "id" not in row.errors:
            _build(plan, row, existing.get(row.key), inventory)
    if entity.node_kind is not None:
        _check_requires(plan, inventory, existing)
    if entity.slug == "teams":
        _check_members(plan, inventory, existing)
    for row in plan.rows:
        if row.errors:
            row.action = "error"
        elif row.action == UPDATE and not (
            row.fields_changed or row.requires_changed or row.members_changed
        ):
            row.action = UNCHANGED
    return plan


def _read_header(plan: Plan, header: list[str]) -> bool:
    known = plan.entity.column_names
    seen: set[str] = set()
    for index, raw in enumerate(header, start=1):
        name = raw.lower()
        if not name:
            plan.file_problems.append(Cell(1, f"column {index}", "This column has no name."))
        elif name not in known:
            plan.file_problems.append(
                Cell(
                    1,
                    raw,
                    f"Unknown column {raw!r}. The columns for {plan.entity.label.lower()} are: "
                    f"{', '.join(known)}.",
                )
            )
        elif name in seen:
            plan.file_problems.append(Cell(1, raw, f"The column {raw!r} appears twice."))
        seen.add(name)
        plan.columns.append(name)
    for name in plan.entity.required:
        if name not in seen:
            plan.file_problems.append(Cell(1, name, f"The required column {name!r} is missing."))
    return not plan.file_problems


def _check_ids(plan: Plan, inventory: _Inventory) -> None:
    first_row: dict[str, int] = {}
    node_kind = plan.entity.node_kind
    own = "node" if node_kind is not None else plan.entity.slug
    for row in plan.rows:
        if not row.key:
            row.error("id", "An id is required.")
            continue
        if row.key in first_row:
            row.error("id", f"The id {row.key!r} is already used in row {first_row[row.key]}.")
            continue
        first_row[row.key] = row.number
        used_by = inventory.kind_of(row.key)
        if used_by is None:
            continue
        same = (
            used_by == node_kind
            if node_kind is not None
            else {"people": "person", "teams": "team", "contracts": "supplier contract"}[own]
            == used_by
        )
        if not same:
            row.error(
                "id",
                f"The id {row.key!r} is already used by {_article(_describe(used_by))}; ids are "
                "unique across the whole model.",
            )


def _build(plan: Plan, row: RowPlan, stored: Any, inventory: _Inventory) -> None:
    """Apply the row's cells to the stored object (or a new one) and validate the fields."""
    entity = plan.entity
    model = _model_of(entity)
    if stored is None:
        instance: Any = model(key=row.key)
        if entity.node_kind is not None:
            instance.kind = entity.node_kind
        before: dict[str, Any] = {}
        row.action = CREATE
    else:
        instance = stored
        before = snapshot(stored)
        row.action = UPDATE
    for column, (attribute, convert) in _fields_of(entity).items():
        if column not in row.cells:
            continue
        try:
            setattr(instance, attribute, convert(row.cells[column]))
        except ValueError as error:
            row.error(column, str(error).capitalize())
    references = _REFERENCES.get("node" if entity.node_kind else entity.slug[:-1], {})
    for column, (attribute, kind) in references.items():
        if column in row.cells:
            setattr(instance, attribute, _reference(row, column, kind, inventory))
    for column in entity.required:
        if column != "id" and column in row.cells and not row.cells[column]:
            row.error(column, f"A {column} is required.")
    exclude = ["owner", "location", "supplier", "updated_at"]
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            column = _FIELD_COLUMN.get(name, name)
            if name == NON_FIELD_ERRORS:
                column = "id"
            for message in messages:
                if column not in row.errors:
                    row.error(column, message)
    row.instance = instance
    if stored is not None:
        after = snapshot(instance)
        changed = {
            _FIELD_COLUMN.get(k.removesuffix("_id"), k.removesuffix("_id"))
            for k in after
            if k != "updated_at" and before.get(k) != after[k]
        }
        row.changed = [column for column in plan.columns if column in changed]
        row.fields_changed = bool(row.changed)


def _reference(row: RowPlan, column: str, kind: NodeKind | None, inv: _Inventory) -> int | None:
    key = row.cells[column]
    if not key:
        return None
    wanted = "person" if kind is None else kind.value
    found = inv.kind_of(key)
    if found is None:
        row.error(column, f"Unknown id {key!r}: no {_describe(wanted)} has it.")
        return None
    if found != wanted:
        row.error(
            column, f"{key!r} is {_article(_describe(found))}, not {_article(_describe(wanted))}."
        )
        return None
    return inv.person_pk[key] if kind is None else inv.node_pk[key]


def _check_requires(plan: Plan, inventory: _Inventory, existing: dict[str, Node]) -> None:
    in_file = {row.key for row in plan.rows if row.key and "id" not in row.errors}
    stored = stored_requires(node.pk for node in existing.values())
    final: dict[str, set[str]] = {}  # the new outgoing edges of the file's nodes
    for row in plan.rows:
        if "id" in row.errors or row.instance is None:
            continue
        old = stored.get(row.instance.pk, []) if row.instance.pk else []
        requires = old
        if "requires" in row.cells:
            try:
                requires = parse_requires(row.cells["requires"])
            except GrammarError as error:
                row.error("requires", str(error).capitalize() + ".")
                requires = []
            for requirement in requires:
                for key in requirement.keys:
                    found = inventory.kind_of(key)
                    if key in in_file or found in _KIND_LABEL:
                        continue
                    if found is None:
                        row.error(
                            "requires", f"Unknown id {key!r} (not in the inventory or this file)."
                        )
                    else:
                        row.error(
                            "requires",
                            f"{key!r} is {_article(found)}: only processes, services, assets, "
                            "locations and suppliers can be required.",
                        )
            row.requires = requires
            row.requires_changed = format_requires(requires) != format_requires(old)
            if row.requires_changed and "requires" not in row.changed:
                row.changed.append("requires")
        targets = {key for requirement in requires for key in requirement.keys}
        for attribute in ("location_id", "supplier_id"):
            pk = getattr(row.instance, attribute, None)
            if pk:
                targets.add(inventory.key_of[pk])
        final[row.key] = targets
    _check_cycles(plan, final)


def stored_graph() -> dict[str, set[str]]:
    """The stored "requires" edges (requirements, location, supplier) by id (3 queries)."""
    key_of = dict(Node.objects.values_list("pk", "key"))
    return {key_of[pk]: {key_of[t] for t in targets} for pk, targets in requires_edges().items()}


def find_cycles(graph: dict[str, set[str]], starts: Iterable[str]) -> list[list[str]]:
    """The cycles reachable from ``starts``, each once, as ``[a, b, …, a]``.

    >>> find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"d"}}, ["a", "d"])
    [['a', 'b', 'c', 'a'], ['d', 'd']]
    """
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    found: list[list[str]] = []
    for start in starts:
        if state.get(start):
            continue
        path: list[str] = [start]
        on_path = {start: 0}
        stack = [iter(sorted(graph.get(start, ())))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                done = path.pop()
                del on_path[done]
                state[done] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                found.append([*path[on_path[nxt] :], nxt])
            elif not state.get(nxt):
                state[nxt] = 1
                on_path[nxt] = len(path)
                path.append(nxt)
                stack.append(iter(sorted(graph.get(nxt, ()))))
    return found


def cycle_message(cycle: list[str]) -> str:
    return "This would make a dependency cycle: " + " → ".join(cycle)


def _check_cycles(plan: Plan, final: dict[str, set[str]]) -> None:
    graph = stored_graph()
    graph.update(final)
    row_of = {row.key: row for row in plan.rows}
    for cycle in find_cycles(graph, final):
        owner = next((row_of[k] for k in cycle if k in row_of), None)
        if owner is not None:  # a stored cycle is not this file's doing
            owner.error("requires" if "requires" in owner.cells else "id", cycle_message(cycle))


def _check_members(plan: Plan, inventory: _Inventory, existing: dict[str, Team]) -> None:
    stored = _stored_members(team.pk for team in existing.values())
    roles = frozenset(TeamRole.values)
    for row in plan.rows:
        if "members" not in row.cells or row.instance is None:
            continue
        try:
            members = parse_members(row.cells["members"], roles)
        except GrammarError as error:
            row.error("members", str(error).capitalize() + ".")
            continue
        for person, _ in members:
            found = inventory.kind_of(person)
            if found is None:
                row.error("members", f"Unknown person {person!r}.")
            elif found != "person":
                row.error("members", f"{person!r} is {_article(_describe(found))}, not a person.")
        row.members = members
        old = stored.get(row.instance.pk, []) if row.instance.pk else []
        row.members_changed = members != old
        if row.members_changed:
            row.changed.append("members")
