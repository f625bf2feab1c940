"""Writes of recovery plans. Every write checks the actor's capability and is audited.

Editing the draft (``plan_update``, steps, call tree, communications) needs EDIT and the
plan's ``revision`` as the editor last saw it: a save against an older revision is refused with
:class:`EditConflictError` (nobody's text is silently overwritten); every successful save
bumps it.

Lifecycle: :func:`plan_submit` freezes :func:`standby.plans.content.build_content` into a
:class:`PlanVersion` in review; :func:`version_approve` (APPROVE: the continuity manager) makes
it the approved version and the previous approved one superseded; :func:`version_return` sends
it back (withdrawn, with a comment). An approved or superseded version's content never changes.

Approval hooks: :data:`APPROVAL_HOOKS` are called in list order with the approved version
**right after the approving transaction commits** (``transaction.on_commit``), so no e-mail is
sent and no export written for an approval that was rolled back. A hook that raises is logged
(``standby.plans``) and the next hook still runs; the approval stands. In tests that wrap each
test in a transaction use ``django_capture_on_commit_callbacks(execute=True)``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from standby.accounts.choices import Capability
from standby.accounts.models import User
from standby.accounts.permissions import require
from standby.common import audit
from standby.common.choices import AuditAction
from standby.inventory.models import Node, Team
from standby.plans import distribution, exports, selectors, sequence
from standby.plans.choices import VersionStatus
from standby.plans.content import build_content
from standby.plans.models import CallTreeEntry, Communication, Plan, PlanStep, PlanVersion

logger = logging.getLogger("standby.plans")

APPROVAL_HOOKS: list[Callable[[PlanVersion], None]] = [
    # Exports go first so the e-mails can attach the version's PDF.
    exports.on_approval,
    distribution.approval_hook,
]
"""Called in order with each newly approved version, right after the approval commits."""

FROZEN = frozenset({VersionStatus.APPROVED, VersionStatus.SUPERSEDED})


class EditConflictError(ValidationError):
    """Someone else saved the plan since the editor loaded it."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(
            f"Someone else changed “{plan.title}” while you were editing (it is now at "
            f"revision {plan.revision}). Your text is kept below: compare it with the current "
            "plan and save again."
        )


# -- the draft --------------------------------------------------------------------------------


def _lock(plan: Plan, expected_revision: int | None) -> Plan:
    """The stored plan, locked for the transaction, after the revision check."""
    stored = Plan.objects.select_for_update().get(pk=plan.pk)
    if expected_revision is not None and stored.revision != expected_revision:
        raise EditConflictError(stored)
    return stored


def _bump(actor: User, plan: Plan) -> Plan:
    Plan.objects.filter(pk=plan.pk).update(revision=plan.revision + 1)
    plan.revision += 1
    return plan


SCOPE_KINDS = ("process", "service")


def _check_scope(scope: Sequence[Node]) -> None:
    wrong = [n.name for n in scope if n.kind not in SCOPE_KINDS]
    if wrong:
        raise ValidationError(
            f"A plan covers processes and services; not {', '.join(wrong)} (what they require "
            "is pulled in by itself)."
        )


@transaction.atomic
def plan_create(
    *, actor: User, plan: Plan, scope: Sequence[Node], teams: Sequence[Team] = ()
) -> Plan:
    """Create a plan for ``scope`` and generate its recovery sequence."""
    require(actor, Capability.EDIT)
    _check_scope(scope)
    plan.revision = 0
    audit.audited_save(actor=actor, instance=plan)
    plan.scope.set(scope)
    plan.teams.set(teams)
    steps_generate(actor=actor, plan=plan, expected_revision=None)
    plan.refresh_from_db()
    return plan


@transaction.atomic
def plan_update(
    *,
    actor: User,
    plan: Plan,
    expected_revision: int,
    scope: Sequence[Node] | None = None,
    teams: Sequence[Team] | None = None,
) -> Plan:
    """Save the draft's fields (``plan`` carries the new values), and optionally its scope and
    teams. Refused (:class:`EditConflictError`) when the plan moved past ``expected_revision``."""
    require(actor, Capability.EDIT)
    stored = _lock(plan, expected_revision)
    plan.revision = stored.revision + 1
    audit.audited_save(actor=actor, instance=plan)
    if scope is not None:
        _check_scope(scope)
        before = set(stored.scope.values_list("pk", flat=True))
        if before != {n.pk for n in scope}:
            plan.scope.set(scope)
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                object_type="plans.plan",
                object_id=str(plan.pk),
                object_repr=str(plan),
                changes={"scope": [sorted(before), sorted(n.pk for n in scope)]},
            )
    if teams is not None:
        plan.teams.set(teams)
    return plan


@transaction.atomic
def plan_delete(*, actor: User, plan: Plan) -> None:
    """Delete a plan that was never approved (an approved plan is kept for the record)."""
    require(actor, Capability.EDIT)
    if plan.versions.filter(status__in=FROZEN).exists():
        raise ValidationError("This plan has approved versions: they are kept for the record.")
    for model in (PlanStep, CallTreeEntry, Communication):
        model.objects.filter(plan=plan).delete()
    plan.versions.all().delete()
    audit.audited_delete(actor=actor, instance=plan)


# -- recovery steps ---------------------------------------------------------------------------


def _renumber(plan: Plan, ordered: Sequence[PlanStep]) -> None:
    """Give ``ordered`` positions 1..n (two passes: positions are unique per plan)."""
    offset = 100_000 + len(ordered)
    for i, step in enumerate(ordered):
        PlanStep.objects.filter(pk=step.pk).update(position=offset + i)
    for i, step in enumerate(ordered, start=1):
        PlanStep.objects.filter(pk=step.pk).update(position=i)
        step.position = i


@transaction.atomic
def steps_generate(*, actor: User, plan: Plan, expected_revision: int | None) -> list[PlanStep]:
    """(Re)generate the recovery sequence from priorities and dependencies.

    One step per node of the scope's dependency cone. What was written on a node's existing step
    (procedure, owner, team, duration, verification) is kept; steps of nodes no longer in the
    cone go; manual steps (no node) stay, after the generated ones.
    """
    require(actor, Capability.EDIT)
    stored = _lock(plan, expected_revision)
    g = selectors.graph()
    order = selectors.generated_order(selectors.scope_keys(stored), g)
    existing = list(PlanStep.objects.filter(plan=stored).order_by("position"))
    by_node = {s.node_id: s for s in existing if s.node_id is not None}
    manual = [s for s in existing if s.node_id is None]
    nodes = {n.key: n for n in Node.objects.filter(key__in=order)}
    keep_ids = set()
    ordered: list[PlanStep] = []
    offset = 200_000 + len(existing) + len(order)
    for i, key in enumerate(order):
        node = nodes[key]
        step = by_node.get(node.pk)
        if step is None:
            step = PlanStep(
                plan=stored,
                position=offset + i,
                node=node,
                title=_title(node),
                expected_duration=node.recovery_time,
                verification=_verification(node),
            )
            audit.audited_save(actor=actor, instance=step)
        keep_ids.add(step.pk)
        ordered.append(step)
    for step in existing:
        if step.node_id is not None and step.pk not in keep_ids:
            audit.audited_delete(actor=actor, instance=step)
    ordered.extend(manual)
    _renumber(stored, ordered)
    _bump(actor, stored)
    plan.revision = stored.revision
    return ordered


def _title(node: Node) -> str:
    verb = {"process": "Resume", "service": "Restore", "location": "Make available"}.get(
        node.kind, "Recover"
    )
    return f"{verb} {node.name}"[:200]


def _verification(node: Node) -> str:
    if node.kind in SCOPE_KINDS:
        return f"{node.name} is usable by its users, checked by its owner."
    return f"{node.name} is up and what depends on it can use it."


@transaction.atomic
def step_save(*, actor: User, step: PlanStep, expected_revision: int) -> PlanStep:
    """Change a step, or add a manual one (a new step goes last)."""
    require(actor, Capability.EDIT)
    stored = _lock(step.plan, expected_revision)
    if step.pk is None:
        last = PlanStep.objects.filter(plan=stored).order_by("-position").first()
        step.position = (last.position if last else 0) + 1
    audit.audited_save(actor=actor, instance=step)
    _bump(actor, stored)
    step.plan.revision = stored.revision
    return step


@transaction.atomic
def step_delete(*, actor: User, step: PlanStep, expected_revision: int) -> None:
    """Remove a step (the generator adds a node's step back when regenerated)."""
    require(actor, Capability.EDIT)
    stored = _lock(step.plan, expected_revision)
    audit.audited_delete(actor=actor, instance=step)
    _renumber(stored, list(PlanStep.objects.filter(plan=stored).order_by("position")))
    _bump(actor, stored)


@transaction.atomic
def steps_reorder(
    *, actor: User, plan: Plan, order: Sequence[int], expected_revision: int
) -> list[PlanStep]:
    """Put the plan's steps (ids) in ``order``; refused when a step would come before a step of
    something it requires, naming the step it must follow."""
    require(actor, Capability.EDIT)
    stored = _lock(plan, expected_revision)
    steps = {s.pk: s for s in PlanStep.objects.filter(plan=stored).select_related("node")}
    if sorted(order) != sorted(steps) or len(set(order)) != len(order):
        raise ValidationError("Give every step of the plan exactly once.")
    ordered = [steps[pk] for pk in order]
    g = selectors.graph()
    found = sequence.check_order(g.requires, [s.node.key if s.node else None for s in ordered])
    if found is not None:
        late, early = ordered[found.step], ordered[found.must_follow]
        raise ValidationError(
            f"“{late.title}” cannot come before “{early.title}”: it must follow "
            f"“{early.title}” (step {early.position}), which brings back something it requires."
        )
    before = [s.pk for s in sorted(steps.values(), key=lambda s: s.position)]
    _renumber(stored, ordered)
    if before != list(order):
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="plans.plan",
            object_id=str(stored.pk),
            object_repr=str(stored),
            changes={"step_order": [before, list(order)]},
        )
    _bump(actor, stored)
    plan.revision = stored.revision
    return ordered


def step_move(*, actor: User, step: PlanStep, offset: int, expected_revision: int) -> None:
    """Move a step up (``-1``) or down (``+1``), within the dependency constraints."""
    ids = list(
        PlanStep.objects.filter(plan=step.plan).order_by("position").values_list("pk", flat=True)
    )
    i = ids.index(step.pk)
    j = max(0, min(len(ids) - 1, i + offset))
    ids[i], ids[j] = ids[j], ids[i]
    steps_reorder(actor=actor, plan=step.plan, order=ids, expected_revision=expected_revision)


# -- call tree and communications -------------------------------------------------------------


@transaction.atomic
def call_tree_entry_save(
    *, actor: User, entry: CallTreeEntry, expected_revision: int
) -> CallTreeEntry:
    """Change a call-tree entry or add one (a new one goes last)."""
    require(actor, Capability.EDIT)
    stored = _lock(entry.plan, expected_revision)
    if entry.pk is None and not entry.position:
        last = CallTreeEntry.objects.filter(plan=stored).order_by("-position").first()
        entry.position = (last.position if last else 0) + 1
    audit.audited_save(actor=actor, instance=entry)
    _bump(actor, stored)
    return entry


@transaction.atomic
def call_tree_entry_delete(*, actor: User, entry: CallTreeEntry, expected_revision: int) -> None:
    require(actor, Capability.EDIT)
    stored = _lock(entry.plan, expected_revision)
    audit.audited_delete(actor=actor, instance=entry)
    _bump(actor, stored)


@transaction.atomic
def communication_save(
    *, actor: User, communication: Communication, expected_revision: int
) -> Communication:
    """Change a communication or add one (a new one goes last)."""
    require(actor, Capability.EDIT)
    stored = _lock(communication.plan, expected_revision)
    if communication.pk is None and not communication.position:
        last = Communication.objects.filter(plan=stored).order_by("-position").first()
        communication.position = (last.position if last else 0) + 1
    audit.audited_save(actor=actor, instance=communication)
    _bump(actor, stored)
    return communication


@transaction.atomic
def communication_delete(
    *, actor: User, communication: Communication, expected_revision: int
) -> None:
    require(actor, Capability.EDIT)
    stored = _lock(communication.plan, expected_revision)
    audit.audited_delete(actor=actor, instance=communication)
    _bump(actor, stored)


# -- lifecycle --------------------------------------------------------------------------------


@transaction.atomic
def plan_submit(*, actor: User, plan: Plan) -> PlanVersion:
    """Freeze the draft into a new version in review (a version already in review is withdrawn:
    the newest submission is the one reviewed)."""
    require(actor, Capability.EDIT)
    stored = _lock(plan, None)
    if not stored.scope.exists():
        raise ValidationError("Choose the processes or services the plan covers first.")
    for pending in stored.versions.filter(status=VersionStatus.IN_REVIEW):
        pending.status = VersionStatus.WITHDRAWN
        pending.review_comment = pending.review_comment or "Replaced by a newer submission."
        audit.audited_save(actor=actor, instance=pending)
    now = timezone.now()
    content = build_content(stored)
    number = selectors.next_number(stored)
    content["version"]["number"] = number
    content["version"]["status"] = str(VersionStatus.IN_REVIEW)
    content["version"]["submitted_at"] = now.isoformat()
    version = PlanVersion(
        plan=stored,
        number=number,
        status=VersionStatus.IN_REVIEW,
        content=content,
        data_as_of=now,
        submitted_at=now,
        submitted_by=actor,
    )
    return audit.audited_save(actor=actor, instance=version)


def _reviewable(version: PlanVersion) -> PlanVersion:
    stored = PlanVersion.objects.select_for_update().get(pk=version.pk)
    if stored.status != VersionStatus.IN_REVIEW:
        raise ValidationError(
            f"Version {stored.number} is {VersionStatus(stored.status).label.lower()}: only a "
            "version in review can be approved or returned."
        )
    return stored


def _person_name(user: User) -> str:
    return user.get_full_name() or user.username


@transaction.atomic
def version_approve(*, actor: User, version: PlanVersion, comment: str = "") -> PlanVersion:
    """Approve a version in review (APPROVE); the previously approved one becomes superseded.
    :data:`APPROVAL_HOOKS` run after the commit."""
    require(actor, Capability.APPROVE)
    stored = _reviewable(version)
    for previous in PlanVersion.objects.select_for_update().filter(
        plan_id=stored.plan_id, status=VersionStatus.APPROVED
    ):
        previous.status = VersionStatus.SUPERSEDED
        audit.audited_save(actor=actor, instance=previous)
    now = timezone.now()
    stored.status = VersionStatus.APPROVED
    stored.approved_at = now
    stored.approved_by = actor
    stored.review_comment = comment
    # The last change the content ever gets: who approved it, and when.
    stored.content["version"]["status"] = str(VersionStatus.APPROVED)
    stored.content["version"]["approved_at"] = now.isoformat()
    stored.content["version"]["approved_by"] = _person_name(actor)
    audit.audited_save(actor=actor, instance=stored)
    transaction.on_commit(lambda: run_approval_hooks(stored))
    return stored


def run_approval_hooks(version: PlanVersion) -> None:
    """Call every approval hook in order; one failing does not stop the others (logged)."""
    for hook in list(APPROVAL_HOOKS):
        try:
            hook(version)
        except Exception:
            logger.exception("approval hook %r failed for %s", hook, version)


@transaction.atomic
def version_return(*, actor: User, version: PlanVersion, comment: str) -> PlanVersion:
    """Send a version in review back to the authors (APPROVE), with what to change."""
    require(actor, Capability.APPROVE)
    if not comment.strip():
        raise ValidationError("Say what should change before the plan can be approved.")
    stored = _reviewable(version)
    stored.status = VersionStatus.WITHDRAWN
    stored.review_comment = comment
    stored.content["version"]["status"] = str(VersionStatus.WITHDRAWN)
    return audit.audited_save(actor=actor, instance=stored)


def check_mutable(version: PlanVersion) -> None:
    """Raise when ``version`` is approved or superseded (its content is frozen for good)."""
    if version.pk is None:
        return
    stored = PlanVersion.objects.filter(pk=version.pk).values_list("status", flat=True).first()
    if stored in FROZEN:
        raise ValidationError(
            f"Version {version.number} is {VersionStatus(stored).label.lower()}: an approved "
            "version never changes. Edit the draft and submit a new version."
        )


@transaction.atomic
def version_save(*, actor: User, version: PlanVersion) -> PlanVersion:
    """The only way to change a version outside the lifecycle (e.g. a review comment while in
    review); refused for approved and superseded versions."""
    require(actor, Capability.APPROVE)
    check_mutable(version)
    return audit.audited_save(actor=actor, instance=version)


# -- the demo ---------------------------------------------------------------------------------

DEMO_PLAN_KEY = "critical-processes"
