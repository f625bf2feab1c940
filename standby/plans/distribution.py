"""Distribution of approved plan versions: the list, the e-mails, acknowledgements, reminders.

On approval (:func:`send_on_approval`, registered in ``services.APPROVAL_HOOKS``) everyone on the
plan's distribution list gets an e-mail with a link to the version, the PDF when the export
exists, and a one-time link to acknowledge receipt without signing in (for staff without an
account). Only the SHA-256 of the link's random token is stored; the link works once. Signed-in
people acknowledge in the app instead. E-mail is sent after the acknowledgements are saved; a
failure to send is recorded in the audit log and never undoes the approval.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from standby.accounts.choices import Capability
from standby.accounts.permissions import require
from standby.common import audit
from standby.common.choices import AuditAction
from standby.inventory.models import Person
from standby.plans.choices import DistributionRole, VersionStatus
from standby.plans.models import Acknowledgement, DistributionEntry, Plan, PlanVersion

log = logging.getLogger(__name__)

ACK_DUE_DAYS = 7  # an acknowledgement still missing after this is overdue (red); before, amber
REMIND_AFTER_DAYS = 7  # `standby remind` default: remind those waiting at least this long
_MAIL_ERRORS = (smtplib.SMTPException, OSError)


# -- the list ---------------------------------------------------------------------------------


def entries_of(plan: Plan) -> QuerySet[DistributionEntry]:
    """The plan's distribution list with each person (1 query)."""
    return plan.distribution.select_related("person").order_by("person__name", "pk")


@transaction.atomic
def distribution_add(
    *, actor: Any, plan: Plan, person: Person, role: DistributionRole | str
) -> DistributionEntry:
    """Put ``person`` on the plan's distribution list with ``role``."""
    require(actor, Capability.EDIT)
    if plan.distribution.filter(person=person).exists():
        raise ValidationError(f"{person.name} is already on the distribution list.")
    entry = DistributionEntry(plan=plan, person=person, role=role)
    return audit.audited_save(actor=actor, instance=entry)


@transaction.atomic
def distribution_remove(*, actor: Any, entry: DistributionEntry) -> None:
    """Take someone off the list (their acknowledgements of earlier versions stay)."""
    require(actor, Capability.EDIT)
    audit.audited_delete(actor=actor, instance=entry)


# -- tokens -----------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    """The SHA-256 (hex) of a one-time token: all that is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)  # 256 bits from the OS's CSPRNG
    return token, hash_token(token)


def acknowledgement_for_token(token: str) -> Acknowledgement | None:
    """The acknowledgement a link's token belongs to, or None for an unknown (forged) one."""
    if not token or len(token) > 100:
        return None
    return (
        Acknowledgement.objects.select_related("version__plan", "person")
        .filter(token_hash=hash_token(token))
        .first()
    )


# -- acknowledging ----------------------------------------------------------------------------


class AlreadyAcknowledgedError(ValidationError):
    """The link was used already (or the person acknowledged in the app)."""


def _acknowledge(ack: Acknowledgement, *, actor: Any, how: str) -> Acknowledgement:
    with transaction.atomic():
        # Lock the row: two clicks at once must not both count.
        locked = Acknowledgement.objects.select_for_update().get(pk=ack.pk)
        if locked.acknowledged_at is not None:
            raise AlreadyAcknowledgedError(
                f"Already acknowledged on {timezone.localtime(locked.acknowledged_at):%d %B %Y}."
            )
        # The hash stays so a second click can be told "already acknowledged"; the link is
        # refused from now on because ``acknowledged_at`` is set.
        locked.acknowledged_at = timezone.now()
        audit.audited_save(actor=actor, instance=locked, on_behalf_of=f"{ack.person.name} ({how})")
    return locked


def acknowledge_by_token(token: str) -> Acknowledgement:
    """Acknowledge through the e-mailed link. Unknown token: ``PermissionDenied``; used: refused."""
    ack = acknowledgement_for_token(token)
    if ack is None:
        raise PermissionDenied("This acknowledgement link is not valid.")
    return _acknowledge(ack, actor=None, how="e-mailed link")


def acknowledgement_of_user(user: Any, version: PlanVersion) -> Acknowledgement | None:
    """The signed-in user's acknowledgement of ``version`` (matched by e-mail), or None."""
    email = (getattr(user, "email", "") or "").strip()
    if not email:
        return None
    return (
        version.acknowledgements.select_related("person", "version__plan")
        .filter(person__email__iexact=email)
        .first()
    )


def acknowledge_in_app(*, actor: Any, version: PlanVersion) -> Acknowledgement:
    """A signed-in person on the list acknowledges ``version``."""
    require(actor, Capability.VIEW)
    ack = acknowledgement_of_user(actor, version)
    if ack is None:
        raise PermissionDenied("You are not on the distribution list of this version.")
    return _acknowledge(ack, actor=actor, how="in the app")


# -- e-mail -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mailing:
    """What happened to the e-mails of one sending: who got one, who did not and why."""

    sent: list[str]
    failed: list[tuple[str, str]]  # (person's name, reason)
    with_pdf: bool


def base_url() -> str:
    """Where links in e-mails point: ``STANDBY_BASE_URL`` (setting or environment)."""
    return str(settings.STANDBY_BASE_URL).rstrip("/")


def pdf_path(version: PlanVersion) -> Path:
    """Where the exporter writes the version's PDF."""
    return (
        Path(settings.DATA_DIR) / "exports" / version.plan.key / f"v{version.number}" / "plan.pdf"
    )


def version_url(version: PlanVersion) -> str:
    try:
        return version.get_absolute_url()
    except NoReverseMatch:  # the plan pages are not mounted (yet)
        return "/"


def _record_failure(ack: Acknowledgement, reason: str) -> None:
    with transaction.atomic():
        audit.record(
            actor=None,
            action=AuditAction.EVENT,
            object_type="plans.acknowledgement",
            object_id=str(ack.pk),
            object_repr=str(ack),
            changes={"email": ["", f"not sent: {reason}"]},
        )


def _mail(
    acks: Sequence[Acknowledgement], *, tokens: dict[int, str], reminder: bool, root: str
) -> Mailing:
    """E-mail each acknowledgement's person; set ``emailed_at``/``reminded_at`` when sent."""
    sent: list[str] = []
    failed: list[tuple[str, str]] = []
    if not acks:
        return Mailing(sent=sent, failed=failed, with_pdf=False)
    version = acks[0].version
    pdf = pdf_path(version)
    pdf_bytes = pdf.read_bytes() if pdf.is_file() else None
    try:
        connection = get_connection()
    except Exception as error:  # a bad EMAIL_BACKEND setting: tell, never undo the approval
        connection, setup_error = None, str(error)
    for ack in acks:
        person = ack.person
        reason = ""
        if not person.email:
            reason = "no e-mail address"
        elif connection is None:
            reason = setup_error
        if reason:
            failed.append((person.name, reason))
            _record_failure(ack, reason)
            continue
        context = {
            "person": person,
            "version": version,
            "plan": version.plan,
            "reminder": reminder,
            "version_url": root + version_url(version),
            "ack_url": root + reverse("plans:ack_link", args=[tokens[ack.pk]]),
            "with_pdf": pdf_bytes is not None,
            "pdf_path": str(pdf),
        }
        what = "Reminder: please acknowledge" if reminder else "Please acknowledge"
        message = EmailMultiAlternatives(
            subject=f"{what} {version.plan.title}, version {version.number}",
            body=render_to_string("plans/email/ack_request.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[person.email],
            connection=connection,
        )
        message.attach_alternative(
            render_to_string("plans/email/ack_request.html", context), "text/html"
        )
        if pdf_bytes is not None:
            message.attach(
                f"{version.plan.key}-v{version.number}.pdf", pdf_bytes, "application/pdf"
            )
        try:
            message.send()
        except _MAIL_ERRORS as error:
            text = str(error) or type(error).__name__
            log.warning("Plan e-mail to %s failed: %s", person.email, text)
            failed.append((person.name, text))
            _record_failure(ack, text)
            continue
        sent.append(person.email)
        with transaction.atomic():
            if reminder:
                ack.reminded_at = timezone.now()
            else:
                ack.emailed_at = timezone.now()
            audit.audited_save(actor=None, instance=ack)
    return Mailing(sent=sent, failed=failed, with_pdf=pdf_bytes is not None)


def send_on_approval(version: PlanVersion) -> Mailing:
    """The approval hook: an acknowledgement and an e-mail for everyone on the list."""
    if version.status != VersionStatus.APPROVED:
        raise ValidationError("Only an approved version is distributed.")
    tokens: dict[int, str] = {}
    acks: list[Acknowledgement] = []
    with transaction.atomic():
        existing = set(version.acknowledgements.values_list("person_id", flat=True))
        for entry in entries_of(version.plan):
            if entry.person_id in existing:
                continue
            token, digest = _new_token()
            ack = audit.audited_save(
                actor=None,
                instance=Acknowledgement(version=version, person=entry.person, token_hash=digest),
            )
            tokens[ack.pk] = token
            acks.append(ack)
    if not acks:
        return Mailing(sent=[], failed=[], with_pdf=False)
    return _mail(acks, tokens=tokens, reminder=False, root=base_url())


def approval_hook(version: PlanVersion) -> None:
    """For ``services.APPROVAL_HOOKS``: distribute; who was not reached is in the audit log."""
    send_on_approval(version)


# -- who is missing, and reminders --------------------------------------------------------------


@dataclass(frozen=True)
class AckRow:
    """One line of the acknowledgement dashboard."""

    ack: Acknowledgement
    role: str
    status: str  # css class: status-ok / status-risk / status-breach / status-unknown
    words: str
    days_waiting: int | None


def current_version(plan: Plan) -> PlanVersion | None:
    """The plan's approved version in force, or None."""
    return plan.versions.filter(status=VersionStatus.APPROVED).order_by("-number").first()


def _waiting_since(ack: Acknowledgement) -> dt.datetime | None:
    return ack.emailed_at or ack.version.approved_at


def ack_rows(version: PlanVersion, *, now: dt.datetime | None = None) -> list[AckRow]:
    """Who acknowledged, when, and who is missing, coloured by how long (2 queries)."""
    now = now or timezone.now()
    roles = {
        person_id: DistributionRole(role).label
        for person_id, role in version.plan.distribution.values_list("person_id", "role")
    }
    rows = []
    for ack in version.acknowledgements.select_related("person", "version").order_by(
        "person__name"
    ):
        role = roles.get(ack.person_id, "no longer on the list")
        if ack.acknowledged_at:
            when = timezone.localtime(ack.acknowledged_at)
            rows.append(AckRow(ack, role, "status-ok", f"Acknowledged {when:%d %b %Y %H:%M}", None))
            continue
        since = _waiting_since(ack)
        days = (now - since).days if since else 0
        if ack.emailed_at is None:
            rows.append(AckRow(ack, role, "status-breach", "Missing: not e-mailed", days))
        elif days >= ACK_DUE_DAYS:
            rows.append(AckRow(ack, role, "status-breach", f"Overdue: {days} days", days))
        else:
            rows.append(AckRow(ack, role, "status-risk", f"Waiting: {days} days", days))
    return rows


def remind(
    *,
    actor: Any,
    version: PlanVersion | None = None,
    older_than_days: int = 0,
    now: dt.datetime | None = None,
) -> Mailing:
    """Remind those who have not acknowledged: a new one-time link each (the old one dies).

    ``version``: only that version (the manager's button); otherwise every plan's version in
    force (``standby remind``). Only acknowledgements waiting at least ``older_than_days``
    since the last e-mail (or reminder) are reminded. ``actor`` None is the command line.
    """
    if actor is not None:
        require(actor, Capability.APPROVE)
    now = now or timezone.now()
    missing = Acknowledgement.objects.filter(
        acknowledged_at__isnull=True, version__status=VersionStatus.APPROVED
    ).select_related("person", "version__plan")
    if version is not None:
        missing = missing.filter(version=version)
    cutoff = now - dt.timedelta(days=older_than_days)
    due = [
        ack
        for ack in missing.order_by("version_id", "person__name")
        if (ack.reminded_at or ack.emailed_at or ack.version.approved_at or now) <= cutoff
    ]
    if not due:
        return Mailing(sent=[], failed=[], with_pdf=False)
    tokens: dict[int, str] = {}
    with transaction.atomic():
        for ack in due:
            token, ack.token_hash = _new_token()
            ack.save(update_fields=["token_hash"])  # audited below with the reminder time
            tokens[ack.pk] = token
    sent, failed, with_pdf = [], [], False
    by_version: dict[int, list[Acknowledgement]] = {}
    for ack in due:
        by_version.setdefault(ack.version_id, []).append(ack)
    for acks in by_version.values():
        mailing = _mail(acks, tokens=tokens, reminder=True, root=base_url())
        sent += mailing.sent
        failed += mailing.failed
        with_pdf = with_pdf or mailing.with_pdf
    return Mailing(sent=sent, failed=failed, with_pdf=with_pdf)
