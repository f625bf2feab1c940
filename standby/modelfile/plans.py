"""Recovery plans in the model file: the ``plans`` section.

Each plan is the *editable draft* of a recovery plan: ``{id, title, template, scope, teams?,
review_by?, purpose?, invocation_triggers?, invocation_authority?, invocation_procedure?,
return_to_normal?, steps?, call_tree?, communications?, distribution?}``.

* ``scope`` — the processes and services the plan recovers (what they require comes along);
* ``steps`` — the recovery sequence, in order: ``{title, node?, procedure?, team?, owner?,
  expected_duration?, verification?}`` (no ``node``: a manual step); one step per node;
* ``call_tree`` — in order: ``{callee, caller?, fallback?}`` (no ``caller``: whoever invokes
  the plan);
* ``communications`` — in order: ``{audience, channel, timing, message?}``;
* ``distribution`` — ``{person, role}``, one entry per person (written sorted by person).

Plan ids are their own namespace (like BIA category ids): a plan may share its id with a node
or a person, but not be a page under /plans/ (:data:`RESERVED_PLAN_IDS`). ``scope`` and
``teams`` are sets (written sorted). Versions, approvals, acknowledgements and off-site copies
are history, not part of the file.

The rule the plan builder enforces when steps are moved — a step never comes before a step of
something its node requires, transitively — is :func:`misplaced_steps`; :func:`model_requires`
gives the graph it needs. :func:`validate <standby.modelfile.schema.validate>` does not apply it
(a plan stored before its dependencies changed must still load); the database import applies it
to every plan whose order it sets. See docs/reference/model-file.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from standby.modelfile.errors import PathParts, Problem, format_path
from standby.modelfile.schema import (
    REQUIRABLE_KINDS,
    Asset,
    Context,
    Model,
    Process,
    Service,
    _choice,
    _date,
    _duration,
    _fields,
    _id,
    _items,
    _list,
    _optional_string,
    _string,
    register_section,
)

__all__ = [
    "DISTRIBUTION_ROLES",
    "PLAN_TEMPLATES",
    "RESERVED_PLAN_IDS",
    "SCOPE_KINDS",
    "TEXT_KEYS",
    "CallTreeEntry",
    "Communication",
    "DistributionEntry",
    "Plan",
    "PlanStep",
    "misplaced_steps",
    "model_plans",
    "model_requires",
    "step_order_problems",
]

#: The plan templates (``standby.plans.choices.PlanTemplate``; a test keeps the two equal).
PLAN_TEMPLATES: Final = ("itscm", "nist")
#: Roles on a distribution list (``standby.plans.choices.DistributionRole``).
DISTRIBUTION_ROLES: Final = ("key_staff", "recovery_team", "offsite_holder")
#: Ids a plan cannot have: pages under /plans/ (``standby.plans.urls.RESERVED_KEYS``, which
#: is derived from the routes; a test keeps the two equal).
RESERVED_PLAN_IDS: Final = ("ack", "new", "offsite", "stale")
#: What a plan's scope may name.
SCOPE_KINDS: Final = frozenset({"process", "service"})
#: The plan's free-text sections, in the order they are written.
TEXT_KEYS: Final = (
    "purpose",
    "invocation_triggers",
    "invocation_authority",
    "invocation_procedure",
    "return_to_normal",
)
_PLAN_REQUIRED: Final = ("id", "title", "template", "scope")
_PLAN_OPTIONAL: Final = (
    "teams",
    "review_by",
    *TEXT_KEYS,
    "steps",
    "call_tree",
    "communications",
    "distribution",
)
_STEP_OPTIONAL: Final = (
    "node",
    "procedure",
    "team",
    "owner",
    "expected_duration",
    "verification",
)
_PERSON: Final = frozenset({"person"})
_TEAM: Final = frozenset({"team"})
_ORDERED: Final = {"keep_order": True}


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanStep:
    """One step of the recovery sequence (``expected_duration`` in hours)."""

    title: str
    node: str | None = None
    procedure: str | None = None
    team: str | None = None
    owner: str | None = None
    expected_duration: float | None = field(default=None, metadata={"duration": True})
    verification: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CallTreeEntry:
    """``caller`` calls ``callee`` (no caller: whoever invokes the plan); ``fallback`` when the
    callee cannot be reached."""

    caller: str | None = None
    callee: str
    fallback: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Communication:
    """Who is told what, when and how (``message`` is a template, Markdown)."""

    audience: str
    channel: str
    timing: str
    message: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DistributionEntry:
    """Someone who receives every approved version."""

    person: str
    role: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """One plan of the ``plans`` section: the editable draft, not its versions.

    ``scope``, ``teams`` and ``distribution`` are sorted; ``steps``, ``call_tree`` and
    ``communications`` keep the file's order.
    """

    id: str
    title: str
    template: str
    scope: tuple[str, ...] = field(metadata={"flow": True})
    teams: tuple[str, ...] = field(default=(), metadata={"flow": True})
    review_by: dt.date | None = None
    purpose: str | None = None
    invocation_triggers: str | None = None
    invocation_authority: str | None = None
    invocation_procedure: str | None = None
    return_to_normal: str | None = None
    steps: tuple[PlanStep, ...] = field(default=(), metadata=_ORDERED)
    call_tree: tuple[CallTreeEntry, ...] = field(default=(), metadata=_ORDERED)
    communications: tuple[Communication, ...] = field(default=(), metadata=_ORDERED)
    distribution: tuple[DistributionEntry, ...] = ()


# -- reading ----------------------------------------------------------------------------------


def _ref(
    ctx: Context, item: Mapping[str, Any], key: str, path: PathParts, kinds: frozenset[str]
) -> str | None:
    """An optional reference to something of ``kinds``; checked once the file is read."""
    value = item.get(key)
    if value is None:
        return None
    target = _id(ctx, value, (*path, key))
    if target is not None:
        ctx.refer(target, kinds, (*path, key))
    return target


def _id_set(
    ctx: Context, value: object, path: PathParts, kinds: frozenset[str]
) -> tuple[str, ...] | None:
    """A list of references, each once; returned sorted (it is a set)."""
    out: list[str] = []
    ok = True
    for index, item in enumerate(_list(ctx, value, path)):
        where = (*path, index)
        target = _id(ctx, item, where)
        if target is None:
            ok = False
        elif target in out:
            ctx.problem(where, f"{target!r} is listed twice")
            ok = False
        else:
            ctx.refer(target, kinds, where)
            out.append(target)
    return tuple(sorted(out)) if ok else None


def _read_steps(ctx: Context, value: object, path: PathParts) -> tuple[PlanStep, ...]:
    out: list[PlanStep] = []
    first_step: dict[str, int] = {}
    for index, item in enumerate(_list(ctx, value, path)):
        where = (*path, index)
        fields = _fields(ctx, item, where, ("title",), _STEP_OPTIONAL)
        if fields is None:
            continue
        title = _string(ctx, fields["title"], (*where, "title")) if "title" in fields else None
        node = _ref(ctx, fields, "node", where, REQUIRABLE_KINDS)
        if node is not None:
            if node in first_step:
                ctx.problem(
                    (*where, "node"),
                    f"{node!r} already has a step ({format_path((*path, first_step[node]))}): "
                    "one step per node",
                )
            first_step.setdefault(node, index)
        step = PlanStep(
            title=title or "",
            node=node,
            procedure=_optional_string(ctx, fields, "procedure", where),
            team=_ref(ctx, fields, "team", where, _TEAM),
            owner=_ref(ctx, fields, "owner", where, _PERSON),
            expected_duration=_duration(ctx, fields, "expected_duration", where),
            verification=_optional_string(ctx, fields, "verification", where),
        )
        if title is not None:
            out.append(step)
    return tuple(out)


def _read_call_tree(ctx: Context, value: object, path: PathParts) -> tuple[CallTreeEntry, ...]:
    out: list[CallTreeEntry] = []
    for index, item in enumerate(_list(ctx, value, path)):
        where = (*path, index)
        fields = _fields(ctx, item, where, ("callee",), ("caller", "fallback"))
        if fields is None:
            continue
        caller = _ref(ctx, fields, "caller", where, _PERSON)
        callee = _ref(ctx, fields, "callee", where, _PERSON)
        fallback = _ref(ctx, fields, "fallback", where, _PERSON)
        if callee is not None:
            out.append(CallTreeEntry(caller=caller, callee=callee, fallback=fallback))
    return tuple(out)


def _read_communications(ctx: Context, value: object, path: PathParts) -> tuple[Communication, ...]:
    out: list[Communication] = []
    required = ("audience", "channel", "timing")
    for index, item in enumerate(_list(ctx, value, path)):
        where = (*path, index)
        fields = _fields(ctx, item, where, required, ("message",))
        if fields is None:
            continue
        texts = [
            _string(ctx, fields[key], (*where, key)) if key in fields else None for key in required
        ]
        message = _optional_string(ctx, fields, "message", where)
        audience, channel, timing = texts
        if audience is not None and channel is not None and timing is not None:
            out.append(
                Communication(audience=audience, channel=channel, timing=timing, message=message)
            )
    return tuple(out)


def _read_distribution(
    ctx: Context, value: object, path: PathParts
) -> tuple[DistributionEntry, ...]:
    out: dict[str, DistributionEntry] = {}
    seen: dict[str, int] = {}
    for index, item in enumerate(_list(ctx, value, path)):
        where = (*path, index)
        fields = _fields(ctx, item, where, ("person", "role"), ())
        if fields is None:
            continue
        person = _ref(ctx, fields, "person", where, _PERSON)
        role = (
            _choice(ctx, fields["role"], (*where, "role"), DISTRIBUTION_ROLES)
            if "role" in fields
            else None
        )
        if person is not None and person in seen:
            ctx.problem(
                (*where, "person"),
                f"{person!r} is already on the distribution list "
                f"({format_path((*path, seen[person]))}): one role each",
            )
        elif person is not None:
            seen[person] = index
            if role is not None:
                out[person] = DistributionEntry(person=person, role=role)
    return tuple(out[person] for person in sorted(out))


@register_section("plans")
def _read_plans(value: object, ctx: Context, path: PathParts) -> tuple[Plan, ...]:
    first: dict[str, PathParts] = {}

    def read(item: dict[str, Any], where: PathParts) -> Plan | None:
        before = len(ctx.problems)
        plan_id = _id(ctx, item["id"], (*where, "id")) if "id" in item else None
        if plan_id in RESERVED_PLAN_IDS:
            ctx.problem(
                (*where, "id"),
                f"{plan_id!r} is a page under /plans/: a plan id cannot be "
                f"{', '.join(RESERVED_PLAN_IDS[:-1])} or {RESERVED_PLAN_IDS[-1]}",
            )
        elif plan_id is not None and plan_id in first:
            ctx.problem(
                (*where, "id"),
                f"duplicate plan id {plan_id!r} (already used at {format_path(first[plan_id])})",
            )
        elif plan_id is not None:
            first[plan_id] = where
        title = _string(ctx, item["title"], (*where, "title")) if "title" in item else None
        template = (
            _choice(ctx, item["template"], (*where, "template"), PLAN_TEMPLATES)
            if "template" in item
            else None
        )
        scope = (
            _id_set(ctx, item["scope"], (*where, "scope"), SCOPE_KINDS) if "scope" in item else None
        )
        teams = _id_set(ctx, item.get("teams"), (*where, "teams"), _TEAM)
        texts = {key: _optional_string(ctx, item, key, where) for key in TEXT_KEYS}
        plan = Plan(
            id=plan_id or "",
            title=title or "",
            template=template or "",
            scope=scope or (),
            teams=teams or (),
            review_by=_date(ctx, item, "review_by", where),
            steps=_read_steps(ctx, item.get("steps"), (*where, "steps")),
            call_tree=_read_call_tree(ctx, item.get("call_tree"), (*where, "call_tree")),
            communications=_read_communications(
                ctx, item.get("communications"), (*where, "communications")
            ),
            distribution=_read_distribution(
                ctx, item.get("distribution"), (*where, "distribution")
            ),
            **texts,
        )
        return plan if len(ctx.problems) == before else None

    return _items(ctx, value, path, _PLAN_REQUIRED, _PLAN_OPTIONAL, read)


# -- reading a validated model ----------------------------------------------------------------


def model_plans(model: Model) -> tuple[Plan, ...]:
    """The model's plans, sorted by id (empty without a ``plans`` section).

    >>> model_plans(Model())
    ()
    """
    value = model.extensions.get("plans")
    if not isinstance(value, tuple):
        return ()
    return tuple(p for p in value if isinstance(p, Plan))


def model_requires(model: Model) -> dict[str, tuple[str, ...]]:
    """What each node directly requires: the members of its requirements, and an asset's site
    and supplier (the graph the plan builder orders steps by).

    >>> from standby.modelfile.schema import Asset, Requirement, Service
    >>> model_requires(Model(
    ...     services=(Service("web", "Web", requires=(Requirement(1, ("a", "b"), "any_of"),)),),
    ...     assets=(Asset("a", "A", "hardware", location="dc"),),
    ... ))
    {'web': ('a', 'b'), 'a': ('dc',)}
    """
    out: dict[str, tuple[str, ...]] = {}
    nodes: list[Process | Service | Asset] = [*model.processes, *model.services, *model.assets]
    for node in nodes:
        needed = [member for requirement in node.requires for member in requirement.of]
        if isinstance(node, Asset):
            needed.extend(x for x in (node.location, node.supplier) if x is not None)
        if needed:
            out[node.id] = tuple(dict.fromkeys(needed))
    return out


def _cone(requires: Mapping[str, Iterable[str]], roots: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        key = stack.pop()
        if key not in seen:
            seen.add(key)
            stack.extend(requires.get(key, ()))
    return seen


def misplaced_steps(
    requires: Mapping[str, Iterable[str]], step_nodes: Sequence[str | None]
) -> list[tuple[int, int]]:
    """Every step placed before a step of something its node requires, transitively.

    The plan builder's rule for moving steps (:func:`standby.plans.sequence.check_order`, which
    stops at the first): ``step_nodes`` holds each step's node id in order (None: a manual step,
    free to go anywhere). Returns ``(step, must_follow)`` index pairs, ``must_follow`` being the
    last step it must come after.

    >>> requires = {"app": ["db"], "db": ["server"]}
    >>> misplaced_steps(requires, ["server", None, "db", "app"])
    []
    >>> misplaced_steps(requires, ["app", "db", "server"])
    [(0, 2), (1, 2)]
    """
    where: dict[str, int] = {}
    for index, key in enumerate(step_nodes):
        if key is not None and key not in where:
            where[key] = index
    out: list[tuple[int, int]] = []
    for index, key in enumerate(step_nodes):
        if key is None:
            continue
        needed = _cone(requires, requires.get(key, ()))
        late = [where[r] for r in needed if r != key and r in where and where[r] > index]
        if late:
            out.append((index, max(late)))
    return out


def step_order_problems(
    requires: Mapping[str, Iterable[str]], plan: Plan, path: str
) -> list[Problem]:
    """:func:`misplaced_steps` of ``plan`` as problems, ``path`` being the plan's.

    >>> plan = Plan(id="p", title="P", template="itscm", scope=(), steps=(
    ...     PlanStep(title="Restore the app", node="app"),
    ...     PlanStep(title="Rebuild the server", node="server")))
    >>> [str(p) for p in step_order_problems({"app": ["server"]}, plan, "plans[0]")]
    ["plans[0].steps[0].node: 'app' cannot come before steps[1] ('server'), which brings back \
something it requires: move the step after it"]
    """
    nodes = [step.node for step in plan.steps]
    return [
        Problem(
            f"{path}.steps[{index}].node",
            f"{nodes[index]!r} cannot come before steps[{after}] ({nodes[after]!r}), which "
            "brings back something it requires: move the step after it",
        )
        for index, after in misplaced_steps(requires, nodes)
    ]
