"""Recovery plans in the model file in and out of the database (hooks of :mod:`.modelio`).

The file's ``plans`` section (``standby/modelfile/plans.py``) is each plan's *editable draft*:
its fields, scope and teams, :class:`~standby.plans.models.PlanStep` rows, call tree,
communications and distribution list. Versions (in review, approved, superseded),
acknowledgements, off-site targets and copies are history: never written, never read, and an
import leaves them as they are.

Export
    Every plan, sorted by id; scope and teams sorted by id, steps, call tree and communications
    in their order (position), the distribution list sorted by person id. Empty text is left
    out. An export costs no query when there is no plan (a flag rides on the node query), else
    seven.

Import
    By id, like every section: a plan the file does not mention is left alone, and the file
    cannot delete a plan. A plan new to the database is created as written (its steps are the
    file's, not generated). A stated plan that differs from what an export would write has its
    draft replaced by the file's: fields, scope and teams; steps, call-tree entries and
    communications matched by position (changed ones updated, extra ones created, missing ones
    deleted); distribution entries matched by person. Its ``revision`` is bumped (as every
    save in the plan pages does), so someone editing it in the pages at the time is told the
    plan changed (:class:`~standby.plans.services.EditConflictError`) instead of overwriting the
    file's text. Its versions are kept: the approved version stays in force, and a version in
    review stays in review, until the new draft is submitted and approved in the pages (the
    import never submits or approves). An identical plan is reported unchanged and not
    touched.

    The builder's rule for moving steps (a step never before a step of something its node
    requires, :func:`standby.modelfile.plans.misplaced_steps`) is checked for every plan whose
    order of steps the import sets — a new plan, or one whose sequence of step nodes changes —
    against the dependency graph as it will be after the import. A plan whose order is
    unchanged is not re-checked (the pages do not re-check it when dependencies change either),
    so an export always loads back into the database it came from. Lengths the database limits
    (titles 200 characters, a channel 100) are checked too; each problem has its path, and
    nothing is written when there is one. Report section: ``plans`` (plan ids).

    The plan services (:mod:`standby.plans.services`) are not called: ``plan_create``
    regenerates the steps, and each editing service checks and bumps the revision and writes
    its own audit entry per call. Like the other hooks, this one decides everything first and
    writes in bulk inside :func:`~.modelio.model_import`'s transaction, returning one pending
    audit entry per row written; it locks and bumps a changed plan as the services'
    ``_lock``/``_bump`` do. The file's ``scope`` rule is the services' (processes and services:
    :data:`~standby.plans.services.SCOPE_KINDS`; a test keeps the two equal).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, QuerySet
from django.utils import timezone

from standby.common import audit
from standby.common.choices import AuditAction
from standby.inventory import modelio_strategy
from standby.inventory.modelio_batches import pks_by_key
from standby.inventory.models import Node, Person, Team
from standby.modelfile import plans as mf
from standby.modelfile import schema
from standby.modelfile.errors import ModelFileError, Problem
from standby.plans.models import (
    CallTreeEntry,
    Communication,
    DistributionEntry,
    Plan,
    PlanStep,
)

__all__ = [
    "FLAG",
    "SECTIONS",
    "PlansPlan",
    "StoredPlans",
    "annotate",
    "export_model",
    "plan",
    "read",
    "write",
]

#: The column the node query carries: is there any plan? (Just before the strategy's flags.)
FLAG: Final = "plans_any"
#: The report sections this module fills.
SECTIONS: Final = ("plans",)
_TEXTS: Final = mf.TEXT_KEYS
_BATCH: Final = 1000
#: Added to step positions while they are renumbered (positions are unique per plan).
_SHIFT: Final = 1_000_000
_NOT_CHECKED_HERE: Final = ["plan", "node", "team", "owner", "caller", "callee", "fallback"]


# -- reading the database ---------------------------------------------------------------------


def annotate(nodes: QuerySet[Node]) -> QuerySet[Node]:
    """The node query with :data:`FLAG` (uncorrelated: computed once)."""
    return nodes.annotate(**{FLAG: Exists(Plan.objects.all())})


@dataclass
class StoredPlan:
    """One plan in the database: its row, the plan as an export writes it, its rows' keys."""

    pk: int
    exported: mf.Plan
    #: (pk, position) of its steps, call-tree entries and communications, in order
    steps: list[tuple[int, int]] = field(default_factory=list)
    call_tree: list[tuple[int, int]] = field(default_factory=list)
    communications: list[tuple[int, int]] = field(default_factory=list)
    #: person key → pk of its distribution entry
    distribution: dict[str, int] = field(default_factory=dict)


@dataclass
class StoredPlans:
    """Every plan in the database, by key."""

    plans: dict[str, StoredPlan] = field(default_factory=dict)


def _text(value: str) -> str | None:
    return value or None


def read(nodes: Sequence[Sequence[Any]]) -> StoredPlans:
    """The stored plans, given the node rows (:data:`FLAG` is the column just before the
    strategy's flags, which come before the BIA's last column); every table is read when there
    are no nodes."""
    if nodes and not nodes[0][-2 - len(modelio_strategy.FLAGS)]:
        return StoredPlans()
    rows = list(Plan.objects.values_list("pk", "key", "title", "template", "review_by", *_TEXTS))
    if not rows:
        return StoredPlans()
    scope: dict[int, list[str]] = {pk: [] for pk, *_ in rows}
    for plan_id, key in Plan.scope.through.objects.values_list("plan_id", "node__key"):
        scope[plan_id].append(key)
    teams: dict[int, list[str]] = {pk: [] for pk, *_ in rows}
    for plan_id, key in Plan.teams.through.objects.values_list("plan_id", "team__key"):
        teams[plan_id].append(key)
    steps: dict[int, list[tuple[int, int, mf.PlanStep]]] = {pk: [] for pk, *_ in rows}
    step_rows = PlanStep.objects.order_by("plan_id", "position", "id").values_list(
        "pk",
        "plan_id",
        "position",
        "title",
        "node__key",
        "procedure",
        "team__key",
        "owner__key",
        "expected_duration",
        "verification",
    )
    for pk, plan_id, position, title, node, procedure, team, owner, hours, check in step_rows:
        step = mf.PlanStep(
            title=title,
            node=node,
            procedure=_text(procedure),
            team=team,
            owner=owner,
            expected_duration=hours,
            verification=_text(check),
        )
        steps[plan_id].append((pk, position, step))
    calls: dict[int, list[tuple[int, int, mf.CallTreeEntry]]] = {pk: [] for pk, *_ in rows}
    for pk, plan_id, position, caller, callee, fallback in CallTreeEntry.objects.order_by(
        "plan_id", "position", "id"
    ).values_list("pk", "plan_id", "position", "caller__key", "callee__key", "fallback__key"):
        entry = mf.CallTreeEntry(caller=caller, callee=callee, fallback=fallback)
        calls[plan_id].append((pk, position, entry))
    told: dict[int, list[tuple[int, int, mf.Communication]]] = {pk: [] for pk, *_ in rows}
    for pk, plan_id, position, audience, channel, timing, message in Communication.objects.order_by(
        "plan_id", "position", "id"
    ).values_list("pk", "plan_id", "position", "audience", "channel", "timing", "message"):
        text = mf.Communication(
            audience=audience, channel=channel, timing=timing, message=_text(message)
        )
        told[plan_id].append((pk, position, text))
    listed: dict[int, dict[str, tuple[int, str]]] = {pk: {} for pk, *_ in rows}
    for pk, plan_id, person, role in DistributionEntry.objects.values_list(
        "pk", "plan_id", "person__key", "role"
    ):
        listed[plan_id][person] = (pk, role)
    stored = StoredPlans()
    for pk, key, title, template, review_by, *texts in rows:
        exported = mf.Plan(
            id=key,
            title=title,
            template=template,
            scope=tuple(sorted(scope[pk])),
            teams=tuple(sorted(teams[pk])),
            review_by=review_by,
            steps=tuple(step for _, _, step in steps[pk]),
            call_tree=tuple(entry for _, _, entry in calls[pk]),
            communications=tuple(text for _, _, text in told[pk]),
            distribution=tuple(
                mf.DistributionEntry(person=person, role=role)
                for person, (_, role) in sorted(listed[pk].items())
            ),
            **{name: _text(value) for name, value in zip(_TEXTS, texts, strict=True)},
        )
        stored.plans[key] = StoredPlan(
            pk=pk,
            exported=exported,
            steps=[(row, position) for row, position, _ in steps[pk]],
            call_tree=[(row, position) for row, position, _ in calls[pk]],
            communications=[(row, position) for row, position, _ in told[pk]],
            distribution={person: row for person, (row, _) in listed[pk].items()},
        )
    return stored


# -- export -----------------------------------------------------------------------------------


def export_model(model: schema.Model, stored: StoredPlans) -> schema.Model:
    """``model`` with the ``plans`` section (left out when there is no plan)."""
    if not stored.plans:
        return model
    plans = tuple(stored.plans[key].exported for key in sorted(stored.plans))
    return replace(model, extensions={**model.extensions, "plans": plans})


# -- import: the plan -------------------------------------------------------------------------


@dataclass
class PlansPlan:
    """What the import does to the plans: the file's plans to create and to change (by id)."""

    create: dict[str, mf.Plan] = field(default_factory=dict)
    change: dict[str, mf.Plan] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.create or self.change)


def _index(data: Mapping[str, Any]) -> dict[str, int]:
    """Plan id → its index in the file (the first, when an id is used twice)."""
    out: dict[str, int] = {}
    items = data.get("plans")
    for i, item in enumerate(items if isinstance(items, list) else ()):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            out.setdefault(item["id"], i)
    return out


def _check(instance: models.Model, path: str, problems: list[Problem]) -> None:
    try:
        instance.full_clean(
            exclude=_NOT_CHECKED_HERE, validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            where = f"{path}.{'id' if name == 'key' else name}"
            problems.extend(Problem(where, message) for message in messages)


def _plan_values(item: mf.Plan) -> dict[str, Any]:
    return {
        "key": item.id,
        "title": item.title,
        "template": item.template,
        "review_by": item.review_by,
        **{name: getattr(item, name) or "" for name in _TEXTS},
    }


def _step_values(step: mf.PlanStep) -> dict[str, Any]:
    return {
        "title": step.title,
        "procedure": step.procedure or "",
        "expected_duration": step.expected_duration,
        "verification": step.verification or "",
    }


def _communication_values(item: mf.Communication) -> dict[str, Any]:
    return {
        "audience": item.audience,
        "channel": item.channel,
        "timing": item.timing,
        "message": item.message or "",
    }


def _check_rows(item: mf.Plan, where: str, problems: list[Problem]) -> None:
    """Field checks the database adds to the format's (lengths)."""
    _check(Plan(**_plan_values(item)), where, problems)
    for j, step in enumerate(item.steps):
        _check(PlanStep(position=j + 1, **_step_values(step)), f"{where}.steps[{j}]", problems)
    for j, text in enumerate(item.communications):
        _check(
            Communication(position=j + 1, **_communication_values(text)),
            f"{where}.communications[{j}]",
            problems,
        )


def plan(
    data: Mapping[str, Any],
    model: schema.Model,
    stored: StoredPlans,
    report: tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[str]]],
) -> PlansPlan:
    """Decide the plan writes; fill the ``plans`` report section.

    ``model`` is the validated merged model (the file over the database). Raises
    :class:`ModelFileError` for steps out of order and what the database cannot keep.
    """
    created, changed, unchanged = report
    result = PlansPlan()
    index = _index(data)
    problems: list[Problem] = []
    to_order: list[tuple[mf.Plan, str]] = []
    for item in mf.model_plans(model):
        where = f"plans[{index[item.id]}]"
        old = stored.plans.get(item.id)
        if old is not None and old.exported == item:
            unchanged["plans"].append(item.id)
            continue
        _check_rows(item, where, problems)
        new_order = [s.node for s in item.steps]
        if old is None or [s.node for s in old.exported.steps] != new_order:
            to_order.append((item, where))
        if old is None:
            created["plans"].append(item.id)
            result.create[item.id] = item
        else:
            changed["plans"].append(item.id)
            result.change[item.id] = item
    if any(any(s.node for s in item.steps) for item, _ in to_order):
        requires = mf.model_requires(model)
        for item, where in to_order:
            problems.extend(mf.step_order_problems(requires, item, where))
    if problems:
        raise ModelFileError(problems)
    return result


# -- import: the writes -----------------------------------------------------------------------


def _entry(action: AuditAction, obj: models.Model, changes: dict[str, Any]) -> Any:
    return audit.PendingEntry(action, obj._meta.label_lower, str(obj.pk), str(obj), changes)


class _Keys:
    """Primary keys of everything the plans written name (one query per table)."""

    def __init__(self, plans: Iterable[mf.Plan]) -> None:
        items = list(plans)
        self.node = pks_by_key(
            Node,
            [
                *(k for p in items for k in p.scope),
                *(s.node for p in items for s in p.steps),
            ],
        )
        self.team = pks_by_key(
            Team, [*(k for p in items for k in p.teams), *(s.team for p in items for s in p.steps)]
        )
        self.person = pks_by_key(
            Person,
            [
                *(s.owner for p in items for s in p.steps),
                *(k for p in items for c in p.call_tree for k in (c.caller, c.callee, c.fallback)),
                *(d.person for p in items for d in p.distribution),
            ],
        )

    @staticmethod
    def of(table: Mapping[str, int], key: str | None) -> int | None:
        return None if key is None else table[key]

    def step(self, step: mf.PlanStep) -> dict[str, Any]:
        return _step_values(step) | {
            "node_id": self.of(self.node, step.node),
            "team_id": self.of(self.team, step.team),
            "owner_id": self.of(self.person, step.owner),
        }

    def call(self, entry: mf.CallTreeEntry) -> dict[str, Any]:
        return {
            "caller_id": self.of(self.person, entry.caller),
            "callee_id": self.person[entry.callee],
            "fallback_id": self.of(self.person, entry.fallback),
        }


def _sync(
    model: type[models.Model],
    plan_pk: int,
    stored: Sequence[tuple[int, int]],
    old: Sequence[Any],
    new: Sequence[Any],
    values: Callable[[Any], dict[str, Any]],
    entries: list[audit.PendingEntry],
) -> None:
    """Make the plan's ordered rows ``stored`` (pk, position; ``old`` as the file writes them)
    say ``new``, matching by position: update what differs, create the extra, delete the rest.
    Positions become 1..n (a bare renumbering is not audited, as in the plan pages)."""
    manager = model._default_manager
    gone = [pk for pk, _ in stored[len(new) :]]
    for obj in manager.filter(pk__in=gone):
        entries.append(_entry(AuditAction.DELETE, obj, audit.diff(audit.snapshot(obj), {})))
    manager.filter(pk__in=gone).delete()
    kept = stored[: len(new)]
    renumber = any(position != i for i, (_, position) in enumerate(kept, start=1))
    if renumber and model is PlanStep:
        manager.filter(pk__in=[pk for pk, _ in kept]).update(position=F("position") + _SHIFT)
    changing = {pk: i for i, (pk, _) in enumerate(kept) if renumber or old[i] != new[i]}
    updated = []
    for obj in manager.filter(pk__in=list(changing)):
        i = changing[obj.pk]
        before = audit.snapshot(obj)
        for name, value in values(new[i]).items():
            setattr(obj, name, value)
        obj.position = i + 1  # type: ignore[attr-defined]
        if old[i] != new[i]:
            entries.append(_entry(AuditAction.UPDATE, obj, audit.diff(before, audit.snapshot(obj))))
        updated.append(obj)
    if updated:
        names = sorted({*values(new[0]), "position"})
        manager.bulk_update(updated, names, batch_size=_BATCH)
    fresh = [
        model(plan_id=plan_pk, position=i + 1, **values(new[i])) for i in range(len(kept), len(new))
    ]
    manager.bulk_create(fresh, batch_size=_BATCH)
    for obj in fresh:
        entries.append(_entry(AuditAction.CREATE, obj, audit.diff({}, audit.snapshot(obj))))


def _sync_distribution(
    plan_pk: int,
    stored: Mapping[str, int],
    old: Sequence[mf.DistributionEntry],
    new: Sequence[mf.DistributionEntry],
    keys: _Keys,
    entries: list[audit.PendingEntry],
) -> None:
    wanted = {d.person: d.role for d in new}
    before = {d.person: d.role for d in old}
    gone = [pk for person, pk in stored.items() if person not in wanted]
    for obj in DistributionEntry.objects.filter(pk__in=gone).select_related("person"):
        entries.append(_entry(AuditAction.DELETE, obj, audit.diff(audit.snapshot(obj), {})))
    DistributionEntry.objects.filter(pk__in=gone).delete()
    recast = {stored[p]: role for p, role in wanted.items() if p in stored and before[p] != role}
    updated = []
    for obj in DistributionEntry.objects.filter(pk__in=list(recast)).select_related("person"):
        snapshot = audit.snapshot(obj)
        obj.role = recast[obj.pk]
        entries.append(_entry(AuditAction.UPDATE, obj, audit.diff(snapshot, audit.snapshot(obj))))
        updated.append(obj)
    DistributionEntry.objects.bulk_update(updated, ["role"], batch_size=_BATCH)
    fresh = [
        DistributionEntry(plan_id=plan_pk, person_id=keys.person[p], role=role)
        for p, role in wanted.items()
        if p not in stored
    ]
    DistributionEntry.objects.bulk_create(fresh, batch_size=_BATCH)
    people = dict(
        Person.objects.filter(pk__in=[d.person_id for d in fresh]).values_list("pk", "name")
    )
    for obj in fresh:
        changes = audit.diff({}, audit.snapshot(obj))
        label = f"{people[obj.person_id]} ({obj.get_role_display()})"
        entries.append(
            audit.PendingEntry(
                AuditAction.CREATE, obj._meta.label_lower, str(obj.pk), label, changes
            )
        )


def _set_links(
    through: Any, column: str, plan_pk: int, keys: Iterable[int], *, replace_old: bool
) -> None:
    if replace_old:
        through.objects.filter(plan_id=plan_pk).delete()
    through.objects.bulk_create(
        [through(plan_id=plan_pk, **{column: pk}) for pk in keys], batch_size=_BATCH
    )


def write(plans: PlansPlan | None, stored: StoredPlans) -> list[audit.PendingEntry]:
    """Apply the plan (after the inventory's writes); return the audit entries to append."""
    entries: list[audit.PendingEntry] = []
    if plans is None or plans.empty:
        return entries
    keys = _Keys([*plans.create.values(), *plans.change.values()])
    now = timezone.now()

    fresh = [Plan(revision=0, **_plan_values(item)) for item in plans.create.values()]
    Plan.objects.bulk_create(fresh, batch_size=_BATCH)
    blank = mf.Plan(id="", title="", template="", scope=())
    for obj in fresh:
        item = plans.create[obj.key]
        changes = audit.diff({}, audit.snapshot(obj))
        changes |= {"scope": [[], list(item.scope)], "teams": [[], list(item.teams)]}
        entries.append(_entry(AuditAction.CREATE, obj, changes))
        _write_children(obj.pk, StoredPlan(obj.pk, blank), item, keys, entries, new=True)

    # A changed plan is locked (as every save in the plan pages locks it) and its revision
    # bumped, so an editor holding the old revision gets an edit conflict, not a silent loss.
    pks = {stored.plans[key].pk: key for key in plans.change}
    for obj in Plan.objects.select_for_update().filter(pk__in=list(pks)):
        key = pks[obj.pk]
        item, old = plans.change[key], stored.plans[key]
        before = audit.snapshot(obj)
        for name, value in _plan_values(item).items():
            setattr(obj, name, value)
        obj.revision += 1
        obj.updated_at = now
        changes = audit.diff(before, audit.snapshot(obj))
        for name in ("scope", "teams"):
            was, now_is = getattr(old.exported, name), getattr(item, name)
            if was != now_is:
                changes[name] = [list(was), list(now_is)]
        obj.save()
        entries.append(_entry(AuditAction.UPDATE, obj, changes))
        _write_children(obj.pk, old, item, keys, entries, new=False)
    return entries


def _write_children(
    plan_pk: int,
    old: StoredPlan,
    item: mf.Plan,
    keys: _Keys,
    entries: list[audit.PendingEntry],
    *,
    new: bool,
) -> None:
    was = old.exported
    if new or was.scope != item.scope:
        _set_links(
            Plan.scope.through,
            "node_id",
            plan_pk,
            (keys.node[k] for k in item.scope),
            replace_old=not new,
        )
    if new or was.teams != item.teams:
        _set_links(
            Plan.teams.through,
            "team_id",
            plan_pk,
            (keys.team[k] for k in item.teams),
            replace_old=not new,
        )
    # Ordered rows are synced even when they say the same: positions become 1..n.
    _sync(PlanStep, plan_pk, old.steps, was.steps, item.steps, keys.step, entries)
    _sync(CallTreeEntry, plan_pk, old.call_tree, was.call_tree, item.call_tree, keys.call, entries)
    _sync(
        Communication,
        plan_pk,
        old.communications,
        was.communications,
        item.communications,
        _communication_values,
        entries,
    )
    if was.distribution != item.distribution:
        _sync_distribution(
            plan_pk, old.distribution, was.distribution, item.distribution, keys, entries
        )
