"""Validation and normalisation of a loaded model file.

:func:`validate` turns the plain data from :func:`standby.modelfile.loader.load_bytes` into a
typed :class:`Model`, or raises :class:`~standby.modelfile.errors.ModelFileError` listing *every*
problem found, each with its path (``assets[3].requires[1]: unknown id 'lan-2'``).

Sections are a registry (:data:`SECTIONS`): a section is one *reader* function registered with
:func:`register_section`. A reader checks the shape of its section, declares the ids it defines
and the references it makes on the shared :class:`Context`; cross-references, uniqueness of ids
and dependency cycles are then checked once, for all sections together. Readers return frozen
dataclasses, which :mod:`standby.modelfile.dump` writes back generically.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, TypeVar

from standby.modelfile.durations import DurationError, parse_duration
from standby.modelfile.errors import ModelFileError, PathParts, Problem, format_path

__all__ = [
    "ASSET_TYPES",
    "FORMAT_VERSION",
    "LOCATION_KINDS",
    "MAX_RECOVERY_HOURS",
    "NODE_FIELDS",
    "REQUIRABLE_KINDS",
    "SECTIONS",
    "TEAM_ROLES",
    "Asset",
    "Context",
    "Contract",
    "Location",
    "Model",
    "NodeFields",
    "Person",
    "Process",
    "Requirement",
    "Section",
    "Service",
    "Supplier",
    "Team",
    "TeamMember",
    "register_node_fields",
    "register_section",
    "validate",
]

#: The format version this code reads and writes (the top-level ``standby:`` key).
FORMAT_VERSION: Final = 1
TEAM_ROLES: Final = ("leader", "technical", "user", "department_representative")
ASSET_TYPES: Final = (
    "hardware",
    "software",
    "network",
    "facility",
    "data",
    "procedure",
    "staff",
    "external_service",
)
LOCATION_KINDS: Final = ("primary", "alternate")
#: Kinds of thing a ``requires`` entry may name.
REQUIRABLE_KINDS: Final = frozenset({"process", "service", "asset", "location", "supplier"})
#: Longest recovery time accepted (about 114 years): larger values are mistakes, and keeping
#: them bounded keeps every duration exactly round-trippable through its written spelling.
MAX_RECOVERY_HOURS: Final = 1_000_000.0

#: An id: the database's rule (``standby.inventory.models.KEY_VALIDATOR``), used with fullmatch.
_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAX_CYCLES_REPORTED: Final = 20

RequirementForm = Literal["id", "any_of", "at_least"]


# -- the normalised model ---------------------------------------------------------------------
#
# Field order is the key order in a written file; a field without a default is always written,
# one with a default is left out while it holds the default. ``duration`` metadata marks hours
# written with ``format_duration``.

_DURATION: Final = {"duration": True}
#: Per-node extension fields (name -> what the :class:`NodeFields` reader returned), written
#: flat into the node's mapping after its own keys.
_EXTENSIONS: Final = {"flatten": True}


@dataclass(frozen=True, slots=True)
class Requirement:
    """At least ``at_least`` of the nodes ``of`` must be available.

    ``form`` remembers how the file spelled it (``"id"``, ``"any_of"`` or ``"at_least"``) so the
    file is written back the same way.

    Examples
    --------
    >>> Requirement(1, ("isp-a", "isp-b"), "any_of").of
    ('isp-a', 'isp-b')
    """

    at_least: int
    of: tuple[str, ...]
    form: RequirementForm = "id"


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who owns things or sits on a team; ``leaves_on`` flags a planned departure."""

    id: str
    name: str
    email: str | None = None
    phone: str | None = None
    out_of_hours_phone: str | None = None
    leaves_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class TeamMember:
    """A person's place on a team."""

    person: str
    role: str


@dataclass(frozen=True, slots=True)
class Team:
    """A recovery (or other) team; ``extensions`` as for :class:`Process`."""

    id: str
    name: str
    members: tuple[TeamMember, ...]
    extensions: Mapping[str, object] = field(default_factory=dict, hash=False, metadata=_EXTENSIONS)


@dataclass(frozen=True, slots=True)
class Location:
    """A site; it can fail, and the assets at it fail with it (``extensions`` as for processes)."""

    id: str
    name: str
    description: str | None = None
    kind: str | None = None
    recovery_time: float | None = field(default=None, metadata=_DURATION)
    extensions: Mapping[str, object] = field(default_factory=dict, hash=False, metadata=_EXTENSIONS)


@dataclass(frozen=True, slots=True)
class Contract:
    """What a supplier guarantees, e.g. "replacement server within 8 h"."""

    id: str
    name: str | None = None
    guarantees: str = ""
    recovery_time: float | None = field(default=None, metadata=_DURATION)
    expires_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Supplier:
    """A supplier; it can fail, and the assets it supplies fail with it (``extensions`` too)."""

    id: str
    name: str
    description: str | None = None
    recovery_time: float | None = field(default=None, metadata=_DURATION)
    contracts: tuple[Contract, ...] = ()
    extensions: Mapping[str, object] = field(default_factory=dict, hash=False, metadata=_EXTENSIONS)


@dataclass(frozen=True, slots=True)
class Process:
    """A business process (vital business function).

    ``extensions`` holds the fields of registered :class:`NodeFields` (name → value).
    """

    id: str
    name: str
    description: str | None = None
    owner: str | None = None
    requires: tuple[Requirement, ...] = ()
    extensions: Mapping[str, object] = field(default_factory=dict, hash=False, metadata=_EXTENSIONS)


@dataclass(frozen=True, slots=True)
class Service:
    """An IT service.

    ``extensions`` holds the fields of registered :class:`NodeFields` (name → value).
    """

    id: str
    name: str
    description: str | None = None
    owner: str | None = None
    requires: tuple[Requirement, ...] = ()
    extensions: Mapping[str, object] = field(default_factory=dict, hash=False, metadata=_EXTENSIONS)


@dataclass(frozen=True, slots=True)
class Asset:
    """A configuration item; its location and supplier count as requirements.

    ``extensions`` holds the fields of registered :class:`NodeFields` (name → value).
    """

    id: str
    name: str
    type: str
    description: str | None = None
    location: str | None = None
    supplier: str | None = None
    requires: tuple[Requirement, ...] = ()
    recovery_time: float | None = field(default=None, metadata=_DURATION)
    extensions: Mapping[str, object] = field(default_factory=dict, hash=False, metadata=_EXTENSIONS)


@dataclass(frozen=True)
class Model:
    """A validated model file; every section's items are sorted by id.

    ``extensions`` holds sections registered after the core ones (name → what the reader
    returned), in registry order.
    """

    version: int = FORMAT_VERSION
    people: tuple[Person, ...] = ()
    teams: tuple[Team, ...] = ()
    locations: tuple[Location, ...] = ()
    suppliers: tuple[Supplier, ...] = ()
    processes: tuple[Process, ...] = ()
    services: tuple[Service, ...] = ()
    assets: tuple[Asset, ...] = ()
    extensions: Mapping[str, object] = field(default_factory=dict, hash=False)


# -- the validation context -------------------------------------------------------------------


class Context:
    """What section readers share: the problems, the ids declared and the references made.

    Examples
    --------
    >>> ctx = Context()
    >>> ctx.declare("lan", "asset", ("assets", 0, "id"))
    >>> ctx.refer("wan", frozenset({"asset"}), ("assets", 0, "requires", 0))
    >>> ctx.check_references()
    >>> [str(p) for p in ctx.problems]
    ["assets[0].requires[0]: unknown id 'wan'"]
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        #: id -> (kind, path of its ``id`` key)
        self.ids: dict[str, tuple[str, PathParts]] = {}
        # A reference's path is (parent, index) with index None for "parent itself": spelling
        # out a million paths up front would cost more than the rest of the validation.
        self._refs: list[tuple[str, frozenset[str], PathParts, int | None]] = []
        #: node id -> [(required node id, parent path, index)], for the cycle check
        self.edges: dict[str, list[tuple[str, PathParts, int | None]]] = {}
        #: what readers share with each other (e.g. a section's settings for node fields)
        self.shared: dict[str, object] = {}
        self._deferred: list[Callable[[], None]] = []

    def defer(self, check: Callable[[], None]) -> None:
        """Run ``check`` once every section has been read (for checks that need another one)."""
        self._deferred.append(check)

    def run_deferred(self) -> None:
        """Run the deferred checks, in the order they were deferred."""
        for check in self._deferred:
            check()
        self._deferred.clear()

    def problem(self, path: PathParts, message: str) -> None:
        """Record a problem at ``path``."""
        self.problems.append(Problem(format_path(path), message))

    def declare(self, node_id: str, kind: str, path: PathParts) -> None:
        """Declare that ``node_id`` names a ``kind`` (ids are unique across the whole file)."""
        first = self.ids.get(node_id)
        if first is not None:
            self.problem(
                path, f"duplicate id {node_id!r} (already used at {format_path(first[1][:-1])})"
            )
            return
        self.ids[node_id] = (kind, path)

    def refer(self, node_id: str, kinds: frozenset[str], path: PathParts) -> None:
        """Record that ``path`` names ``node_id``, which must be one of ``kinds``."""
        self._refs.append((node_id, kinds, path, None))

    def edge(self, source: str, target: str, path: PathParts) -> None:
        """Record that node ``source`` requires node ``target`` (for the cycle check)."""
        self.edges.setdefault(source, []).append((target, path, None))

    def require(self, source: str | None, target: str, parent: PathParts, index: int) -> None:
        """Record that ``parent[index]`` requires ``target`` (fast path for ``requires``)."""
        self._refs.append((target, REQUIRABLE_KINDS, parent, index))
        if source is not None:
            edges = self.edges.get(source)
            if edges is None:
                edges = self.edges[source] = []
            edges.append((target, parent, index))

    def check_references(self) -> None:
        """Report every reference to an unknown id or to the wrong kind of thing."""
        ids = self.ids
        for node_id, kinds, parent, index in self._refs:
            found = ids.get(node_id)
            if found is not None and found[0] in kinds:
                continue
            path = parent if index is None else (*parent, index)
            if found is None:
                self.problem(path, f"unknown id {node_id!r}")
            elif found[0] not in kinds:
                self.problem(
                    path,
                    f"{node_id!r} is {_or_list([found[0]])}, expected {_or_list(sorted(kinds))}",
                )

    def check_cycles(self) -> None:
        """Report dependency cycles, naming the nodes on each in order."""
        for cycle, path in _find_cycles(self.edges, self.ids):
            self.problem(path, "dependency cycle: " + " → ".join(cycle))


def _or_list(words: Sequence[str]) -> str:
    articles = [f"an {w}" if w[0] in "aeiou" else f"a {w}" for w in words]
    return articles[0] if len(articles) == 1 else ", ".join(articles[:-1]) + " or " + articles[-1]


def _find_cycles(
    edges: Mapping[str, list[tuple[str, PathParts, int | None]]],
    ids: Mapping[str, tuple[str, PathParts]],
) -> list[tuple[list[str], PathParts]]:
    """Find cycles by an iterative depth-first search (each back edge closes one cycle).

    Each cycle starts at its smallest id; the path is that of the reference leaving it.
    """
    done: set[str] = set()
    on_path: dict[str, int] = {}  # node -> position in ``trail``
    trail: list[str] = []
    found: list[tuple[list[str], PathParts]] = []
    seen_cycles: set[tuple[str, ...]] = set()
    empty: list[tuple[str, PathParts, int | None]] = []
    for start in sorted(edges):
        if start in done:
            continue
        stack = [(start, iter(edges.get(start, empty)))]
        on_path[start] = 0
        trail.append(start)
        while stack:
            node, targets = stack[-1]
            for target, _parent, _index in targets:
                if target in done or target not in ids:
                    continue
                position = on_path.get(target)
                if position is not None:
                    cycle = trail[position:]
                    low = cycle.index(min(cycle))
                    cycle = cycle[low:] + cycle[:low]
                    if tuple(cycle) not in seen_cycles and len(found) < _MAX_CYCLES_REPORTED:
                        seen_cycles.add(tuple(cycle))
                        following = (cycle + cycle[:1])[1]
                        parent, index = next(
                            (p, i) for t, p, i in edges[cycle[0]] if t == following
                        )
                        path = parent if index is None else (*parent, index)
                        found.append(([*cycle, cycle[0]], path))
                    continue
                on_path[target] = len(trail)
                trail.append(target)
                stack.append((target, iter(edges.get(target, empty))))
                break
            else:
                stack.pop()
                trail.pop()
                del on_path[node]
                done.add(node)
    return found


# -- small checkers ---------------------------------------------------------------------------


def _describe(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dt.datetime):
        return "a date and time"
    if isinstance(value, dt.date):
        return "a date"
    return type(value).__name__


def _expected(ctx: Context, path: PathParts, what: str, value: object) -> None:
    hint = " (quote it to make it text)" if what == "a string" and value is not None else ""
    ctx.problem(path, f"expected {what}, got {_describe(value)}{hint}")


def _fields(
    ctx: Context,
    value: object,
    path: PathParts,
    required: Sequence[str],
    optional: Sequence[str],
) -> dict[str, Any] | None:
    """Check ``value`` is a mapping with the required keys and no unknown ones."""
    if not isinstance(value, dict):
        _expected(ctx, path, "a mapping", value)
        return None
    for key in required:
        if key not in value:
            ctx.problem(path, f"missing required key {key!r}")
    if len(value) > len(required) + len(optional) or any(
        k not in required and k not in optional for k in value
    ):
        allowed = [*required, *optional]
        for key in value:
            if key not in allowed:
                ctx.problem(
                    (*path, str(key)),
                    f"unknown key {key!r} (expected {', '.join(allowed)})",
                )
    return value


def _string(ctx: Context, value: object, path: PathParts) -> str | None:
    """A required, non-empty string."""
    if not isinstance(value, str):
        _expected(ctx, path, "a string", value)
        return None
    if not value.strip():
        ctx.problem(path, "must not be empty")
        return None
    return value


def _optional_string(
    ctx: Context, item: Mapping[str, Any], key: str, path: PathParts
) -> str | None:
    """An optional string; empty means absent (so that writing it back round-trips)."""
    value = item.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        _expected(ctx, (*path, key), "a string", value)
        return None
    return value


def _id(ctx: Context, value: object, path: PathParts) -> str | None:
    if not isinstance(value, str):
        _expected(ctx, path, "an id (a string)", value)
        return None
    if _ID.fullmatch(value) is None:
        shown = value if len(value) <= 40 else value[:40] + "..."
        ctx.problem(
            path,
            f"invalid id {shown!r}: use 1 to 100 letters, digits, '-', '_' or '.', "
            "starting with a letter or digit",
        )
        return None
    return value


def _reference(
    ctx: Context, item: Mapping[str, Any], key: str, path: PathParts, kind: str
) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    target = _id(ctx, value, (*path, key))
    if target is not None:
        ctx.refer(target, frozenset({kind}), (*path, key))
    return target


def _choice(ctx: Context, value: object, path: PathParts, choices: Sequence[str]) -> str | None:
    if not isinstance(value, str) or value not in choices:
        shown = repr(value) if isinstance(value, str) else _describe(value)
        ctx.problem(path, f"expected one of {', '.join(choices)}; got {shown}")
        return None
    return value


def _duration(ctx: Context, item: Mapping[str, Any], key: str, path: PathParts) -> float | None:
    value = item.get(key)
    if value is None:
        return None
    try:
        hours = parse_duration(value)
    except DurationError as exc:
        ctx.problem((*path, key), str(exc))
        return None
    if hours > MAX_RECOVERY_HOURS:
        ctx.problem((*path, key), f"{value!r} is longer than {MAX_RECOVERY_HOURS:,.0f} hours")
        return None
    return hours


def _date(ctx: Context, item: Mapping[str, Any], key: str, path: PathParts) -> dt.date | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            ctx.problem((*path, key), f"invalid date {value!r}: {exc}")
            return None
    _expected(ctx, (*path, key), "a date (YYYY-MM-DD)", value)
    return None


def _list(ctx: Context, value: object, path: PathParts) -> list[Any]:
    """A list; a missing or empty (null) value is an empty list."""
    if value is None:
        return []
    if not isinstance(value, list):
        _expected(ctx, path, "a list", value)
        return []
    return value


_ID_MATCH: Final = _ID.fullmatch
_GROUP_HELP: Final = "expected an id, {any_of: [ids]} or {at_least: k, of: [ids]}, got "


def _requirements(
    ctx: Context, item: Mapping[str, Any], path: PathParts, source: str | None
) -> tuple[Requirement, ...]:
    """Read ``requires``: each entry an id, ``{any_of: [ids]}`` or ``{at_least: k, of: [ids]}``.

    This runs once per requirement edge (a million in a large model), hence the fast paths.
    """
    value = item.get("requires")
    if value is None or value == []:
        return ()
    base = (*path, "requires")
    if type(value) is not list:
        _expected(ctx, base, "a list", value)
        return ()
    result: list[Requirement] = []
    append = result.append
    for index, entry in enumerate(value):
        if type(entry) is str and _ID_MATCH(entry) is not None:
            ctx.require(source, entry, base, index)
            append(Requirement(1, (entry,), "id"))
            continue
        where = (*base, index)
        if isinstance(entry, str):
            _id(ctx, entry, where)  # reports why the id is invalid
            continue
        if not isinstance(entry, dict):
            ctx.problem(where, _GROUP_HELP + _describe(entry))
            continue
        if "any_of" in entry:
            fields = _fields(ctx, entry, where, ("any_of",), ())
            ids = _group(ctx, fields, "any_of", where, source) if fields is not None else None
            if ids is not None:
                append(Requirement(1, ids, "any_of"))
            continue
        fields = _fields(ctx, entry, where, ("at_least", "of"), ())
        if fields is None or "at_least" not in fields or "of" not in fields:
            continue
        ids = _group(ctx, fields, "of", where, source)
        k = fields["at_least"]
        if isinstance(k, bool) or not isinstance(k, int):
            _expected(ctx, (*where, "at_least"), "an integer", k)
        elif ids is not None and not 1 <= k <= len(ids):
            ctx.problem(
                (*where, "at_least"),
                f"must be between 1 and {len(ids)} (the number of ids in 'of'), got {k}",
            )
        elif ids is not None:
            append(Requirement(k, ids, "at_least"))
    return tuple(result)


def _group(
    ctx: Context, fields: Mapping[str, Any], key: str, path: PathParts, source: str | None
) -> tuple[str, ...] | None:
    where = (*path, key)
    members = fields.get(key)
    if type(members) is not list:
        _expected(ctx, where, "a list of ids", members)
        return None
    if not members:
        ctx.problem(where, "must name at least one id")
        return None
    ok = True
    for index, member in enumerate(members):
        if type(member) is str and _ID_MATCH(member) is not None:
            ctx.require(source, member, where, index)
        else:
            _id(ctx, member, (*where, index))
            ok = False
    ids = tuple(members)
    if ok and len(set(ids)) != len(ids):
        seen: set[str] = set()
        for index, member in enumerate(ids):
            if member in seen:
                ctx.problem((*where, index), f"{member!r} is listed twice")
            seen.add(member)
        ok = False
    return ids if ok else None


# -- the section registry ---------------------------------------------------------------------

#: A section reader: (section value, context, path of the section) -> normalised value.
SectionReader = Callable[[object, Context, PathParts], object]


@dataclass(frozen=True, slots=True)
class Section:
    """A top-level section of the file and the function that reads it."""

    name: str
    read: SectionReader


#: Every known section, in the order they are written. ``standby`` (the version) comes first.
SECTIONS: dict[str, Section] = {}

_Reader = TypeVar("_Reader", bound=SectionReader)


def register_section(name: str) -> Callable[[_Reader], _Reader]:
    """Register a section reader under ``name`` (a decorator).

    The reader receives the section's raw value, the shared :class:`Context` and the section's
    path; it reports problems on the context, declares ids with :meth:`Context.declare`, records
    references with :meth:`Context.refer` (and requirement edges with :meth:`Context.edge`) and
    returns the normalised value: frozen dataclasses (or tuples of them) that
    :func:`standby.modelfile.dump.dump` can write. Sections are written in registration order.

    Examples
    --------
    >>> @register_section("notes_example")
    ... def _read_notes(value, ctx, path):
    ...     return tuple(_list(ctx, value, path))
    >>> validate({"standby": 1, "notes_example": ["hello"]}).extensions
    {'notes_example': ('hello',)}
    >>> del SECTIONS["notes_example"]
    """

    def decorator(reader: _Reader) -> _Reader:
        if name in SECTIONS or name == "standby":
            raise ValueError(f"section {name!r} is already registered")
        SECTIONS[name] = Section(name, reader)
        return reader

    return decorator


_T = TypeVar("_T")


def _items(
    ctx: Context,
    value: object,
    path: PathParts,
    required: Sequence[str],
    optional: Sequence[str],
    read: Callable[[dict[str, Any], PathParts], _T | None],
) -> tuple[_T, ...]:
    """Read a list of items, each a mapping with an ``id``, and sort the results by id."""
    out: list[_T] = []
    for index, item in enumerate(_list(ctx, value, path)):
        where = (*path, index)
        fields = _fields(ctx, item, where, required, optional)
        if fields is not None:
            result = read(fields, where)
            if result is not None:
                out.append(result)
    out.sort(key=lambda obj: getattr(obj, "id", ""))
    return tuple(out)


def _node_id(ctx: Context, item: Mapping[str, Any], path: PathParts, kind: str) -> str | None:
    if "id" not in item:
        return None
    node_id = _id(ctx, item["id"], (*path, "id"))
    if node_id is not None:
        ctx.declare(node_id, kind, (*path, "id"))
    return node_id


@register_section("people")
def _read_people(value: object, ctx: Context, path: PathParts) -> tuple[Person, ...]:
    def read(item: dict[str, Any], where: PathParts) -> Person | None:
        node_id = _node_id(ctx, item, where, "person")
        name = _string(ctx, item.get("name"), (*where, "name")) if "name" in item else None
        email = _optional_string(ctx, item, "email", where)
        if email is not None and _EMAIL.fullmatch(email) is None:
            ctx.problem((*where, "email"), f"{email!r} does not look like an email address")
        person = Person(
            id=node_id or "",
            name=name or "",
            email=email,
            phone=_optional_string(ctx, item, "phone", where),
            out_of_hours_phone=_optional_string(ctx, item, "out_of_hours_phone", where),
            leaves_on=_date(ctx, item, "leaves_on", where),
        )
        return person if node_id and name else None

    return _items(
        ctx,
        value,
        path,
        ("id", "name"),
        ("email", "phone", "out_of_hours_phone", "leaves_on"),
        read,
    )


@register_section("teams")
def _read_teams(value: object, ctx: Context, path: PathParts) -> tuple[Team, ...]:
    def read(item: dict[str, Any], where: PathParts) -> Team | None:
        node_id = _node_id(ctx, item, where, "team")
        name = _string(ctx, item.get("name"), (*where, "name")) if "name" in item else None
        members: list[TeamMember] = []
        base = (*where, "members")
        seen: set[str] = set()
        for index, member in enumerate(_list(ctx, item.get("members"), base)):
            at = (*base, index)
            fields = _fields(ctx, member, at, ("person", "role"), ())
            if fields is None:
                continue
            person = _reference(ctx, fields, "person", at, "person")
            role = (
                _choice(ctx, fields["role"], (*at, "role"), TEAM_ROLES)
                if "role" in fields
                else None
            )
            if person is not None and role is not None:
                # One role per person and team: a leader who is also technical is the leader.
                if person in seen:
                    ctx.problem(at, f"{person!r} is already on this team (one role each)")
                seen.add(person)
                members.append(TeamMember(person, role))
        extensions = _node_extensions(ctx, item, where, "team", node_id)
        return Team(node_id, name, tuple(members), extensions) if node_id and name else None

    return _items(ctx, value, path, ("id", "name", "members"), _extension_keys("team"), read)


@register_section("locations")
def _read_locations(value: object, ctx: Context, path: PathParts) -> tuple[Location, ...]:
    def read(item: dict[str, Any], where: PathParts) -> Location | None:
        node_id = _node_id(ctx, item, where, "location")
        name = _string(ctx, item.get("name"), (*where, "name")) if "name" in item else None
        kind = item.get("kind")
        if kind is not None:
            kind = _choice(ctx, kind, (*where, "kind"), LOCATION_KINDS)
        location = Location(
            id=node_id or "",
            name=name or "",
            kind=kind,
            recovery_time=_duration(ctx, item, "recovery_time", where),
            description=_optional_string(ctx, item, "description", where),
            extensions=_node_extensions(ctx, item, where, "location", node_id),
        )
        return location if node_id and name else None

    optional = ("description", "kind", "recovery_time", *_extension_keys("location"))
    return _items(ctx, value, path, ("id", "name"), optional, read)


@register_section("suppliers")
def _read_suppliers(value: object, ctx: Context, path: PathParts) -> tuple[Supplier, ...]:
    def read_contract(item: dict[str, Any], where: PathParts) -> Contract | None:
        node_id = _node_id(ctx, item, where, "contract")
        guarantees = (
            _string(ctx, item.get("guarantees"), (*where, "guarantees"))
            if "guarantees" in item
            else None
        )
        contract = Contract(
            id=node_id or "",
            name=_optional_string(ctx, item, "name", where),
            guarantees=guarantees or "",
            recovery_time=_duration(ctx, item, "recovery_time", where),
            expires_on=_date(ctx, item, "expires_on", where),
        )
        return contract if node_id and guarantees else None

    def read(item: dict[str, Any], where: PathParts) -> Supplier | None:
        node_id = _node_id(ctx, item, where, "supplier")
        name = _string(ctx, item.get("name"), (*where, "name")) if "name" in item else None
        contracts = _items(
            ctx,
            item.get("contracts"),
            (*where, "contracts"),
            ("id", "guarantees"),
            ("name", "recovery_time", "expires_on"),
            read_contract,
        )
        supplier = Supplier(
            id=node_id or "",
            name=name or "",
            recovery_time=_duration(ctx, item, "recovery_time", where),
            contracts=contracts,
            description=_optional_string(ctx, item, "description", where),
            extensions=_node_extensions(ctx, item, where, "supplier", node_id),
        )
        return supplier if node_id and name else None

    return _items(
        ctx,
        value,
        path,
        ("id", "name"),
        ("description", "recovery_time", "contracts", *_extension_keys("supplier")),
        read,
    )


#: A node-fields reader: (the item's mapping, context, the item's path, its id or None) ->
#: the normalised value, or None when the item uses none of the fields.
NodeFieldsReader = Callable[[Mapping[str, Any], Context, PathParts, str | None], object | None]


@dataclass(frozen=True, slots=True)
class NodeFields:
    """Extra optional keys that a module adds to the items of some node kinds."""

    name: str
    kinds: frozenset[str]
    keys: tuple[str, ...]
    read: NodeFieldsReader


#: Registered per-node extension fields, in the order their keys are written.
NODE_FIELDS: dict[str, NodeFields] = {}

_FieldsReader = TypeVar("_FieldsReader", bound=NodeFieldsReader)


def register_node_fields(
    name: str, *, kinds: Iterable[str], keys: Sequence[str]
) -> Callable[[_FieldsReader], _FieldsReader]:
    """Register extra optional ``keys`` on items of ``kinds``.

    Kinds: ``"process"``, ``"service"``, ``"asset"``, ``"location"``, ``"supplier"``, ``"team"``.

    The reader gets the whole item (it reads only its own keys), reports problems on the
    :class:`Context` and returns a frozen dataclass, or None when the item uses none of its keys.
    The value lands in the node's ``extensions[name]``; :mod:`standby.modelfile.dump` writes
    its fields flat into the item, after the item's own keys.

    Examples
    --------
    >>> @register_node_fields("tier_example", kinds={"service"}, keys=("tier",))
    ... def _read_tier(item, ctx, path, node_id):
    ...     return item.get("tier")
    >>> model = validate({"standby": 1, "services": [{"id": "web", "name": "Web", "tier": 1}]})
    >>> model.services[0].extensions
    {'tier_example': 1}
    >>> del NODE_FIELDS["tier_example"]
    """
    kind_set = frozenset(kinds)

    def decorator(reader: _FieldsReader) -> _FieldsReader:
        if name in NODE_FIELDS:
            raise ValueError(f"node fields {name!r} are already registered")
        NODE_FIELDS[name] = NodeFields(name, kind_set, tuple(keys), reader)
        return reader

    return decorator


def _node_extensions(
    ctx: Context, item: Mapping[str, Any], where: PathParts, kind: str, node_id: str | None
) -> dict[str, object]:
    out: dict[str, object] = {}
    for fields in NODE_FIELDS.values():
        if kind in fields.kinds:
            value = fields.read(item, ctx, where, node_id)
            if value is not None:
                out[fields.name] = value
    return out


def _extension_keys(kind: str) -> tuple[str, ...]:
    return tuple(k for f in NODE_FIELDS.values() if kind in f.kinds for k in f.keys)


_Business = TypeVar("_Business", Process, Service)


def _read_business_nodes(
    value: object, ctx: Context, path: PathParts, kind: str, cls: type[_Business]
) -> tuple[_Business, ...]:
    def read(item: dict[str, Any], where: PathParts) -> _Business | None:
        node_id = _node_id(ctx, item, where, kind)
        name = _string(ctx, item.get("name"), (*where, "name")) if "name" in item else None
        node = cls(
            id=node_id or "",
            name=name or "",
            owner=_reference(ctx, item, "owner", where, "person"),
            requires=_requirements(ctx, item, where, node_id),
            description=_optional_string(ctx, item, "description", where),
            extensions=_node_extensions(ctx, item, where, kind, node_id),
        )
        return node if node_id and name else None

    optional = ("description", "owner", "requires", *_extension_keys(kind))
    return _items(ctx, value, path, ("id", "name"), optional, read)


@register_section("processes")
def _read_processes(value: object, ctx: Context, path: PathParts) -> tuple[Process, ...]:
    return _read_business_nodes(value, ctx, path, "process", Process)


@register_section("services")
def _read_services(value: object, ctx: Context, path: PathParts) -> tuple[Service, ...]:
    return _read_business_nodes(value, ctx, path, "service", Service)


@register_section("assets")
def _read_assets(value: object, ctx: Context, path: PathParts) -> tuple[Asset, ...]:
    def read(item: dict[str, Any], where: PathParts) -> Asset | None:
        node_id = _node_id(ctx, item, where, "asset")
        name = _string(ctx, item.get("name"), (*where, "name")) if "name" in item else None
        kind = _choice(ctx, item["type"], (*where, "type"), ASSET_TYPES) if "type" in item else None
        location = _reference(ctx, item, "location", where, "location")
        supplier = _reference(ctx, item, "supplier", where, "supplier")
        if node_id is not None:
            # An asset fails with its site and its supplier: both are requirement edges.
            if location is not None:
                ctx.edge(node_id, location, (*where, "location"))
            if supplier is not None:
                ctx.edge(node_id, supplier, (*where, "supplier"))
        asset = Asset(
            id=node_id or "",
            name=name or "",
            type=kind or "",
            location=location,
            supplier=supplier,
            requires=_requirements(ctx, item, where, node_id),
            recovery_time=_duration(ctx, item, "recovery_time", where),
            description=_optional_string(ctx, item, "description", where),
            extensions=_node_extensions(ctx, item, where, "asset", node_id),
        )
        return asset if node_id and name and kind else None

    return _items(
        ctx,
        value,
        path,
        ("id", "name", "type"),
        (
            "description",
            "location",
            "supplier",
            "requires",
            "recovery_time",
            *_extension_keys("asset"),
        ),
        read,
    )


_CORE_SECTIONS: Final = frozenset(
    {"people", "teams", "locations", "suppliers", "processes", "services", "assets"}
)


def validate(data: object) -> Model:
    """Check loaded data against the format and return the normalised model.

    Every problem is collected before raising, not just the first.

    Parameters
    ----------
    data
        What :func:`standby.modelfile.loader.load_bytes` returned.

    Returns
    -------
    Model
        Durations in hours (``float``), requirements as :class:`Requirement`, every section's
        items sorted by id.

    Raises
    ------
    ModelFileError
        Listing every problem, each with its path.

    Examples
    --------
    >>> model = validate({
    ...     "standby": 1,
    ...     "assets": [{"id": "isp-a", "name": "ISP A", "type": "network",
    ...                 "recovery_time": "4h"}],
    ...     "services": [{"id": "web", "name": "Web", "requires": [{"any_of": ["isp-a"]}]}],
    ... })
    >>> model.assets[0].recovery_time, model.services[0].requires
    (4.0, (Requirement(at_least=1, of=('isp-a',), form='any_of'),))
    >>> validate({"standby": 1, "services": [{"id": "web", "name": "Web", "requires": ["x"]}]})
    Traceback (most recent call last):
    ...
    standby.modelfile.errors.ModelFileError: services[0].requires[0]: unknown id 'x'
    """
    ctx = Context()
    if not isinstance(data, dict):
        raise ModelFileError.single(
            "", f"a model file is a mapping starting with 'standby: 1', got {_describe(data)}"
        )
    version = data.get("standby")
    if "standby" not in data:
        raise ModelFileError.single(
            "", "missing 'standby: 1' (the format version) at the top of the file"
        )
    if isinstance(version, bool) or version != FORMAT_VERSION:
        raise ModelFileError.single(
            "standby",
            f"unsupported format version {version!r}: this Standby reads version {FORMAT_VERSION}",
        )
    for key in data:
        if key != "standby" and key not in SECTIONS:
            ctx.problem(
                (str(key),),
                f"unknown section {key!r} (expected {', '.join(['standby', *SECTIONS])})",
            )
    results: dict[str, object] = {}
    for name, section in SECTIONS.items():
        if name in data:
            results[name] = section.read(data[name], ctx, (name,))
    ctx.run_deferred()
    ctx.check_references()
    ctx.check_cycles()
    if ctx.problems:
        raise ModelFileError(ctx.problems)
    core: dict[str, Any] = {k: v for k, v in results.items() if k in _CORE_SECTIONS}
    extensions = {k: v for k, v in results.items() if k not in _CORE_SECTIONS}
    return Model(version=FORMAT_VERSION, extensions=extensions, **core)


def iter_nodes(model: Model) -> Iterable[Process | Service | Asset | Location | Supplier]:
    """Every node of the dependency graph (processes, services, assets, locations, suppliers).

    Examples
    --------
    >>> [n.id for n in iter_nodes(Model(locations=(Location("hq", "HQ"),)))]
    ['hq']
    """
    yield from model.processes
    yield from model.services
    yield from model.assets
    yield from model.locations
    yield from model.suppliers


# Sections and node fields defined in their own modules register themselves when imported;
# importing them here means every caller of :func:`validate` knows them.
import standby.modelfile.bia  # noqa: E402
import standby.modelfile.strategy  # noqa: E402, F401
from standby.modelfile import plans as _plans  # noqa: E402, F401
from standby.modelfile import threats as _threats  # noqa: E402, F401
