"""BIA campaigns: ask owners for their answers, take them back (web form or XLSX), review them.

Writes go through the record services of :mod:`standby.bia.services` (answer, submit, approve,
return); this module adds the campaign and its tasks around them, the e-mails, and the reads the
campaign pages need. E-mail is sent after the campaign is saved; a failure to send is recorded
(in the audit log, and ``emailed_at`` stays empty) and never undoes the campaign.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from standby.accounts.choices import Capability
from standby.accounts.permissions import has_capability, require
from standby.bia import services
from standby.bia.choices import CampaignStatus, RecordStatus, TaskStatus
from standby.bia.models import BiaRecord, Campaign, CampaignTask
from standby.bia.selectors import person_for_user
from standby.bia.xlsx import (
    OBJECTIVES,
    OBJECTIVES_FIRST_ROW,
    QUESTIONS,
    Questionnaire,
    QuestionnaireRejectedError,
    questionnaire_read,
    questionnaire_write,
)
from standby.common import audit
from standby.common.choices import AuditAction
from standby.inventory.choices import NodeKind
from standby.inventory.models import Node

log = logging.getLogger(__name__)

DUE_SOON_DAYS = 3
ANSWERABLE = (TaskStatus.PENDING, TaskStatus.RETURNED, TaskStatus.SUBMITTED)
RECORD_FIELDS = (
    "impacts",
    "losses",
    "damage_form",
    "growth",
    "rto",
    "rpo",
    "wrt",
    "mbco",
    "rto_reason",
    "rpo_reason",
    "wrt_reason",
    "mbco_reason",
    "rto_override",
    "min_staff",
    "min_skills",
    "min_facilities",
)


# -- who may work on a task -------------------------------------------------------------------


def may_work_on(user: Any, task: CampaignTask) -> bool:
    """The task's owner (matched by e-mail) with ANSWER_BIA, or anyone who may EDIT."""
    if has_capability(user, Capability.EDIT):
        return True
    if not has_capability(user, Capability.ANSWER_BIA):
        return False
    person = person_for_user(user)
    return person is not None and person.pk == task.owner_id


def may_see(user: Any, task: CampaignTask) -> bool:
    """Who may open a task: whoever may work on it, and the approvers."""
    return may_work_on(user, task) or has_capability(user, Capability.APPROVE)


def _require_work_on(user: Any, task: CampaignTask) -> None:
    if not may_work_on(user, task):
        raise PermissionDenied("This task belongs to another owner.")


# -- starting a campaign ----------------------------------------------------------------------


@dataclass(frozen=True)
class Mailing:
    """What happened to the e-mails of one sending: who got one, and who did not and why."""

    sent: list[str]
    failed: list[tuple[str, str]]  # (owner's name, reason)


def campaign_start(
    *,
    actor: Any,
    name: str,
    due_on: dt.date,
    nodes: Sequence[Node],
    base_url: str,
) -> tuple[Campaign, Mailing]:
    """Start a campaign: a task per process or service for its owner, one e-mail per owner.

    Refused (nothing saved) when a node has no owner, is not a process or service, or the list
    is empty. ``base_url`` (``https://standby.example.org``) makes the links in the e-mails.
    """
    require(actor, Capability.APPROVE)
    problems = []
    if not nodes:
        problems.append("Choose at least one process or service.")
    wrong = [n.name for n in nodes if n.kind not in (NodeKind.PROCESS, NodeKind.SERVICE)]
    if wrong:
        problems.append(f"Only processes and services have a BIA, not: {', '.join(wrong)}.")
    orphans = [n.name for n in nodes if n.owner_id is None]
    if orphans:
        problems.append(
            f"No owner, so nobody can answer the BIA of: {', '.join(orphans)}. "
            "Set an owner in the inventory first."
        )
    if due_on < timezone.localdate():
        problems.append("The due date is in the past.")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        campaign = audited_campaign(actor=actor, name=name, due_on=due_on)
        tasks = []
        for node in nodes:
            record = services.record_get_or_create(node, actor=actor)
            task = CampaignTask(campaign=campaign, record=record, owner=node.owner)
            tasks.append(audit.audited_save(actor=actor, instance=task))
    mailing = _send_assignments(actor=actor, tasks=tasks, base_url=base_url)
    return campaign, mailing


def audited_campaign(*, actor: Any, name: str, due_on: dt.date) -> Campaign:
    campaign = Campaign(name=name.strip(), due_on=due_on, started_by=actor)
    return audit.audited_save(actor=actor, instance=campaign)


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def _send(
    *, subject: str, to: str, template: str, context: dict[str, Any], connection: Any
) -> None:
    text = render_to_string(f"bia/email/{template}.txt", context)
    html = render_to_string(f"bia/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    message.send()


_MAIL_ERRORS = (smtplib.SMTPException, OSError)


def _record_mail_failure(actor: Any, tasks: Iterable[CampaignTask], reason: str) -> None:
    with transaction.atomic():
        for task in tasks:
            audit.record(
                actor=actor,
                action=AuditAction.EVENT,
                object_type="bia.campaigntask",
                object_id=str(task.pk),
                object_repr=str(task),
                changes={"email": ["", f"not sent: {reason}"]},
            )


def _send_assignments(*, actor: Any, tasks: Sequence[CampaignTask], base_url: str) -> Mailing:
    by_owner: dict[int, list[CampaignTask]] = defaultdict(list)
    for task in tasks:
        by_owner[task.owner_id].append(task)
    sent: list[str] = []
    failed: list[tuple[str, str]] = []
    try:
        connection = get_connection()
    except Exception as error:  # a bad EMAIL_BACKEND setting: tell, never undo the campaign
        connection = None
        setup_error = str(error)
    for owner_tasks in by_owner.values():
        owner = owner_tasks[0].owner
        if not owner.email:
            failed.append((owner.name, "no e-mail address"))
            _record_mail_failure(actor, owner_tasks, "no e-mail address")
            continue
        if connection is None:
            failed.append((owner.name, setup_error))
            _record_mail_failure(actor, owner_tasks, setup_error)
            continue
        campaign = owner_tasks[0].campaign
        context = {
            "owner": owner,
            "campaign": campaign,
            "tasks": [
                {"task": t, "url": _absolute(base_url, t.get_absolute_url())} for t in owner_tasks
            ],
            "my_tasks_url": _absolute(base_url, reverse("bia:task_list")),
        }
        try:
            _send(
                subject=f"BIA: please answer by {campaign.due_on:%d %B %Y} ({campaign.name})",
                to=owner.email,
                template="task_assigned",
                context=context,
                connection=connection,
            )
        except _MAIL_ERRORS as error:
            log.warning("BIA campaign e-mail to %s failed: %s", owner.email, error)
            failed.append((owner.name, str(error) or type(error).__name__))
            _record_mail_failure(actor, owner_tasks, str(error) or type(error).__name__)
            continue
        sent.append(owner.email)
        now = timezone.now()
        with transaction.atomic():
            for task in owner_tasks:
                task.emailed_at = now
                audit.audited_save(actor=actor, instance=task)
    return Mailing(sent=sent, failed=failed)


# -- answering --------------------------------------------------------------------------------


def questionnaire_for(task: CampaignTask) -> Questionnaire:
    """The questionnaire of a task, pre-filled with the record's current answers."""
    record = task.record
    answers = {name: getattr(record, name) for name in RECORD_FIELDS}
    answers["min_services"] = [n.key for n in record.min_services.order_by("key")]
    answers["min_suppliers"] = [n.key for n in record.min_suppliers.order_by("key")]
    return Questionnaire(
        process_key=record.node.key,
        process_name=record.node.name,
        task_id=task.pk,
        settings_version=record.settings.version,
        revision=record.revision,
        categories=record.settings.categories,
        level_names=record.settings.levels,
        horizons=[float(h) for h in record.settings.horizons],
        currency=record.settings.currency,
        answers=answers,
    )


def task_questionnaire(*, actor: Any, task: CampaignTask) -> bytes:
    """The XLSX questionnaire of ``task`` (its owner, or someone who may edit)."""
    _require_work_on(actor, task)
    return questionnaire_write(questionnaire_for(task))


def _require_answerable(task: CampaignTask) -> None:
    if task.status not in ANSWERABLE or task.campaign.status != CampaignStatus.OPEN:
        raise ValidationError("This task is closed: its answers were approved.")


def _nodes_for(keys: list[str], kind: NodeKind, row: int) -> tuple[list[Node], list[str]]:
    found = {n.key: n for n in Node.objects.filter(key__in=keys, kind=kind)}
    unknown = [k for k in keys if k not in found]
    problems = []
    if unknown:
        ref = f"{OBJECTIVES}!C{row}"
        what = "IT service" if kind == NodeKind.SERVICE else "supplier"
        problems.append(f"{ref}: no {what} with id {', '.join(f'“{k}”' for k in unknown)}.")
    return [found[k] for k in keys if k in found], problems


def task_upload(*, actor: Any, task: CampaignTask, data: bytes) -> BiaRecord:
    """Take a filled questionnaire: every cell checked, then the answers saved and submitted.

    Raises :class:`QuestionnaireRejectedError` (nothing saved) listing every problem.
    """
    _require_work_on(actor, task)
    _require_answerable(task)
    questionnaire = questionnaire_for(task)
    answers = questionnaire_read(data, questionnaire)
    rows = {q.key: OBJECTIVES_FIRST_ROW + i for i, q in enumerate(QUESTIONS)}
    min_services, bad_services = _nodes_for(
        answers.pop("min_services"), NodeKind.SERVICE, rows["min_services"]
    )
    min_suppliers, bad_suppliers = _nodes_for(
        answers.pop("min_suppliers"), NodeKind.SUPPLIER, rows["min_suppliers"]
    )
    if bad_services or bad_suppliers:
        raise QuestionnaireRejectedError(bad_services + bad_suppliers)
    revision = answers.pop("revision")
    try:
        with transaction.atomic():
            record = services.record_answer(
                actor=actor,
                record=task.record,
                expected_revision=revision,
                min_services=min_services,
                min_suppliers=min_suppliers,
                **answers,
            )
            _submitted(actor=actor, task=task, record=record)
    except ValidationError as error:
        raise QuestionnaireRejectedError(_located(error, rows)) from error
    return record


def _located(error: ValidationError, rows: dict[str, int]) -> list[str]:
    """The record service's messages, each led by the cell it is about when there is one."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    out: list[str] = []
    for name, messages in error.message_dict.items():
        where = f"{OBJECTIVES}!C{rows[name]}: " if name in rows else ""
        out.extend(f"{where}{message}" for message in messages)
    return out


def _submitted(*, actor: Any, task: CampaignTask, record: BiaRecord) -> None:
    if record.status != RecordStatus.SUBMITTED:
        record = services.record_submit(actor=actor, record=record)
    task.record = record
    task.status = TaskStatus.SUBMITTED
    task.answered_at = timezone.now()
    audit.audited_save(actor=actor, instance=task)


def task_submit(*, actor: Any, task: CampaignTask) -> CampaignTask:
    """Send the answers given in the web form for review."""
    _require_work_on(actor, task)
    _require_answerable(task)
    with transaction.atomic():
        record = BiaRecord.objects.select_for_update().get(pk=task.record_id)
        _submitted(actor=actor, task=task, record=record)
    return task


# -- review -----------------------------------------------------------------------------------


def awaiting_review(task: CampaignTask) -> bool:
    """Answered and not yet reviewed in this campaign.

    Also true when the owner sent the record for review from the record's own page (the record
    is submitted while the task still waits), or the record was approved there: the manager
    then closes the task here.
    """
    if task.status == TaskStatus.SUBMITTED:
        return True
    return task.status != TaskStatus.APPROVED and task.record.status in (
        RecordStatus.SUBMITTED,
        RecordStatus.APPROVED,
    )


def _require_submitted(task: CampaignTask) -> None:
    if not awaiting_review(task):
        raise ValidationError(
            f"Only answered tasks are reviewed; this one is “{TaskStatus(task.status).label}”."
        )


def task_approve(*, actor: Any, task: CampaignTask) -> CampaignTask:
    """Approve the answers (an approved snapshot is kept); the campaign closes when all are."""
    require(actor, Capability.APPROVE)
    _require_submitted(task)
    with transaction.atomic():
        if task.record.status != RecordStatus.APPROVED:  # else approved on the record's page
            task.record = services.record_approve(actor=actor, record=task.record).record
        task.status = TaskStatus.APPROVED
        task.reviewed_at = timezone.now()
        audit.audited_save(actor=actor, instance=task)
        campaign = task.campaign
        if not campaign.tasks.exclude(status=TaskStatus.APPROVED).exists():
            campaign.status = CampaignStatus.CLOSED
            audit.audited_save(actor=actor, instance=campaign)
    return task


def task_return(*, actor: Any, task: CampaignTask, comment: str, base_url: str) -> Mailing:
    """Send the answers back to the owner with a comment, and tell them by e-mail."""
    require(actor, Capability.APPROVE)
    _require_submitted(task)
    comment = comment.strip()
    if not comment:
        raise ValidationError("Say what the owner should change.")
    with transaction.atomic():
        task.record = services.record_return(actor=actor, record=task.record, comment=comment)
        task.status = TaskStatus.RETURNED
        task.reviewed_at = timezone.now()
        task.comment = comment
        audit.audited_save(actor=actor, instance=task)
    owner = task.owner
    if not owner.email:
        _record_mail_failure(actor, [task], "no e-mail address")
        return Mailing(sent=[], failed=[(owner.name, "no e-mail address")])
    try:
        _send(
            subject=f"BIA returned: {task.record.node.name} ({task.campaign.name})",
            to=owner.email,
            template="task_returned",
            context={
                "owner": owner,
                "task": task,
                "url": _absolute(base_url, task.get_absolute_url()),
            },
            connection=get_connection(),
        )
    except _MAIL_ERRORS as error:
        _record_mail_failure(actor, [task], str(error) or type(error).__name__)
        return Mailing(sent=[], failed=[(owner.name, str(error) or type(error).__name__)])
    return Mailing(sent=[owner.email], failed=[])


# -- reads ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Counts of a campaign's tasks by status, and whether it is late."""

    total: int
    pending: int
    submitted: int
    returned: int
    approved: int
    due_on: dt.date
    closed: bool

    @property
    def open_count(self) -> int:
        return self.total - self.approved

    @property
    def percent_done(self) -> int:
        return round(100 * self.approved / self.total) if self.total else 0

    @property
    def timing(self) -> str:
        """``breach`` (overdue), ``risk`` (due soon), ``ok`` (on time or done)."""
        if self.closed or self.open_count == 0:
            return "ok"
        today = timezone.localdate()
        if self.due_on < today:
            return "breach"
        if (self.due_on - today).days <= DUE_SOON_DAYS:
            return "risk"
        return "ok"

    @property
    def timing_words(self) -> str:
        today = timezone.localdate()
        if self.closed or self.open_count == 0:
            return "Done"
        days = (self.due_on - today).days
        if days < 0:
            return f"Overdue by {-days} day{'s' if days != -1 else ''}"
        if days == 0:
            return "Due today"
        if days <= DUE_SOON_DAYS:
            return f"Due in {days} day{'s' if days != 1 else ''}"
        return "On time"


_ANSWERED_ELSEWHERE = Q(tasks__record__status__in=[RecordStatus.SUBMITTED, RecordStatus.APPROVED])


def _count(status: TaskStatus) -> Count:
    """Tasks in ``status``; as in :func:`awaiting_review`, an open task whose record was sent
    for review (or approved) on the record's page counts as answered."""
    if status == TaskStatus.SUBMITTED:
        answered = Q(tasks__status__in=[TaskStatus.PENDING, TaskStatus.RETURNED])
        return Count("tasks", filter=Q(tasks__status=status) | (answered & _ANSWERED_ELSEWHERE))
    if status in (TaskStatus.PENDING, TaskStatus.RETURNED):
        return Count("tasks", filter=Q(tasks__status=status) & ~_ANSWERED_ELSEWHERE)
    return Count("tasks", filter=Q(tasks__status=status))


def campaigns_with_progress() -> list[tuple[Campaign, Progress]]:
    """Every campaign with its progress (one query)."""
    rows = Campaign.objects.annotate(
        n_total=Count("tasks"),
        n_pending=_count(TaskStatus.PENDING),
        n_submitted=_count(TaskStatus.SUBMITTED),
        n_returned=_count(TaskStatus.RETURNED),
        n_approved=_count(TaskStatus.APPROVED),
    )
    return [(c, _progress(c)) for c in rows]


def _progress(c: Any) -> Progress:
    return Progress(
        total=c.n_total,
        pending=c.n_pending,
        submitted=c.n_submitted,
        returned=c.n_returned,
        approved=c.n_approved,
        due_on=c.due_on,
        closed=c.status == CampaignStatus.CLOSED,
    )


def campaign_progress(campaign: Campaign, tasks: Sequence[CampaignTask]) -> Progress:
    by_status: dict[str, int] = defaultdict(int)
    for task in tasks:
        by_status[TaskStatus.SUBMITTED if awaiting_review(task) else task.status] += 1
    return Progress(
        total=len(tasks),
        pending=by_status[TaskStatus.PENDING],
        submitted=by_status[TaskStatus.SUBMITTED],
        returned=by_status[TaskStatus.RETURNED],
        approved=by_status[TaskStatus.APPROVED],
        due_on=campaign.due_on,
        closed=campaign.status == CampaignStatus.CLOSED,
    )


def tasks() -> QuerySet[CampaignTask]:
    return CampaignTask.objects.select_related(
        "campaign", "owner", "record", "record__node", "record__settings"
    )


def tasks_of_user(user: Any) -> list[CampaignTask]:
    """The tasks of the person the user is (by e-mail), open ones first."""
    person = person_for_user(user)
    if person is None:
        return []
    rows = list(tasks().filter(owner=person))
    order = {TaskStatus.RETURNED: 0, TaskStatus.PENDING: 1, TaskStatus.SUBMITTED: 2}
    rows.sort(key=lambda t: (order.get(TaskStatus(t.status), 3), t.campaign.due_on, t.pk))
    return rows


def answerable_nodes() -> QuerySet[Node]:
    """Processes and services a campaign can include, with their owners (one query)."""
    return (
        Node.objects.filter(kind__in=(NodeKind.PROCESS, NodeKind.SERVICE))
        .select_related("owner")
        .order_by("kind", "name")
    )
