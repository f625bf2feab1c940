"""Writes of the business impact analysis. Every write checks the actor and is audited.

Rules enforced here (PRODUCT.md "Business impact analysis", DOMAIN.md rule 1):

* levels are 0–5 for each category × horizon of the record's own settings version; money lost
  is ≥ 0; RTO, RPO and WRT are ≥ 0 hours; the MBCO is a percentage 0–100;
* RTO ≤ MTPD, unless a written override reason is given (the record is then flagged);
* an edit names the revision it started from; if someone saved in between, it is refused and
  the caller keeps their input (optimistic concurrency);
* EDIT may answer any BIA; ANSWER_BIA only that of a process or service the user owns (the
  node's owner is the :class:`Person` with the user's email); APPROVE approves or returns;
* an approval freezes the record and its derived values in an immutable :class:`BiaSnapshot`.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from standby.accounts.choices import Capability
from standby.accounts.models import User
from standby.accounts.permissions import has_capability, require
from standby.analysis import bia as core
from standby.bia import selectors
from standby.bia.choices import RecordStatus
from standby.bia.models import BiaRecord, BiaSettings, BiaSnapshot
from standby.bia.settings_library import (
    BiaSettingsError,
    SettingsData,
    load_library,
    parse_settings,
)
from standby.common import audit
from standby.common.choices import AuditAction
from standby.inventory.choices import NodeKind
from standby.inventory.models import Node


class _Keep(enum.Enum):
    KEEP = "keep"


#: Default of every answer field of :func:`record_answer`: leave the stored value as it is.
KEEP: Final = _Keep.KEEP


class StaleRevisionError(ValidationError):
    """Someone saved the record after the caller loaded it; nothing was changed."""


# -- settings ---------------------------------------------------------------------------------


def _settings_save(actor: User | None, data: SettingsData, version: int) -> BiaSettings:
    settings = BiaSettings(
        version=version,
        categories=data.categories,
        levels=data.levels,
        horizons=data.horizons,
        intolerable_level=data.intolerable_level,
        currency=data.currency,
        created_by=actor,
    )
    return audit.audited_save(actor=actor, instance=settings)


@transaction.atomic
def current_settings(*, actor: User | None = None) -> BiaSettings:
    """The settings version in force; creates version 1 from the library file when none exists."""
    latest = selectors.latest_settings()
    if latest is not None:
        return latest
    return _settings_save(actor, load_library(), 1)


@transaction.atomic
def settings_create(*, actor: User, text: str) -> BiaSettings:
    """A new settings version from YAML (the library file's shape). The manager only.

    Existing records keep the version they were answered under. Raises ``ValidationError``
    with every problem of the text.
    """
    require(actor, Capability.APPROVE)
    try:
        data = parse_settings(text)
    except BiaSettingsError as error:
        raise ValidationError({"text": error.problems}) from None
    latest = selectors.latest_settings()
    return _settings_save(actor, data, (latest.version if latest else 0) + 1)


# -- permissions ------------------------------------------------------------------------------


def _require_may_answer(actor: User, node: Node) -> None:
    if not selectors.may_answer(actor, node):
        if has_capability(actor, Capability.ANSWER_BIA):
            raise PermissionDenied(
                f"You may answer the BIA only of what you own; {node} is owned by "
                f"{node.owner or 'nobody'}."
            )
        raise PermissionDenied("Your role does not allow this (answer the BIA).")


def _locked(record: BiaRecord, expected_revision: int | None) -> BiaRecord:
    """The stored record, locked; refused when it moved past ``expected_revision``."""
    stored = (
        BiaRecord.objects.select_for_update(of=("self",))
        .select_related("node", "node__owner", "settings")
        .get(pk=record.pk)
    )
    if expected_revision is not None and stored.revision != expected_revision:
        raise StaleRevisionError(
            f"Someone else saved this BIA (now revision {stored.revision}) after you opened "
            f"revision {expected_revision}. Nothing was saved: your answers are kept; compare "
            "them with the current record, then save again.",
            code="stale",
        )
    return stored


def _save(actor: User | None, record: BiaRecord, **audit_extra: Any) -> BiaRecord:
    record.revision += 1
    return audit.audited_save(actor=actor, instance=record, **audit_extra)


# -- records ----------------------------------------------------------------------------------


@transaction.atomic
def record_get_or_create(node: Node, *, actor: User | None = None) -> BiaRecord:
    """The BIA record of a process or service, created (under the current settings) if new.

    ``actor`` None is the system (e.g. a campaign, after its own permission check); a user
    must be allowed to answer this node's BIA.
    """
    if node.kind not in selectors.BIA_KINDS:
        raise ValidationError(
            {
                "node": f"{node} is a {NodeKind(node.kind).label.lower()}: only processes and "
                "services have a BIA."
            }
        )
    if actor is not None:
        _require_may_answer(actor, node)
    existing = BiaRecord.objects.select_related("node", "settings").filter(node=node).first()
    if existing is not None:
        return existing
    settings = current_settings(actor=actor)
    record = BiaRecord(node=node, settings=settings, impacts=_unanswered(settings))
    return audit.audited_save(actor=actor, instance=record)


def _unanswered(settings: BiaSettings) -> dict[str, list[Any]]:
    """Every category, no level yet at any horizon (None: not answered)."""
    return {c: [None] * len(settings.horizons) for c in settings.category_ids}


def _hours_label(settings: BiaSettings, index: int) -> str:
    return core.format_hours(float(settings.horizons[index]))


def _check_impacts(
    settings: BiaSettings, impacts: object
) -> tuple[dict[str, list[Any]], list[str]]:
    problems: list[str] = []
    if not isinstance(impacts, Mapping):
        return {}, ["Give the impact levels as category → one level per horizon."]
    names = {c["id"]: c["name"] for c in settings.categories}
    width = len(settings.horizons)
    clean: dict[str, list[Any]] = {}
    for category, row in impacts.items():
        if category not in names:
            problems.append(f"Unknown impact category {category!r} (settings v{settings.version}).")
            continue
        name = names[category]
        if not isinstance(row, Sequence) or isinstance(row, str) or len(row) != width:
            problems.append(f"{name}: give one level at each of the {width} horizons.")
            continue
        values: list[Any] = []
        for j, level in enumerate(row):
            at = _hours_label(settings, j)
            if level is None or level == "":
                values.append(None)
            elif isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 5:
                problems.append(
                    f"{name} at {at}: level {level!r} is not one of 0–5 "
                    f"({settings.levels[0]} … {settings.levels[-1]})."
                )
            else:
                values.append(level)
        clean[category] = values
    return clean, problems


def _check_losses(settings: BiaSettings, losses: object) -> tuple[list[Any], list[str]]:
    if losses is None or (
        isinstance(losses, Sequence)
        and not isinstance(losses, str)
        and all(v is None or v == "" for v in losses)
    ):
        return [], []
    width = len(settings.horizons)
    if not isinstance(losses, Sequence) or isinstance(losses, str) or len(losses) != width:
        return [], [f"Money lost: give one amount (or nothing) at each of the {width} horizons."]
    problems: list[str] = []
    clean: list[float | None] = []
    for j, amount in enumerate(losses):
        at = _hours_label(settings, j)
        if amount is None or amount == "":
            clean.append(None)
        elif (
            isinstance(amount, bool)
            or not isinstance(amount, int | float)
            or not math.isfinite(amount)
        ):
            problems.append(f"Money lost at {at}: {amount!r} is not an amount.")
        elif amount < 0:
            problems.append(f"Money lost at {at}: an amount cannot be negative.")
        else:
            clean.append(float(amount))
    return clean, problems


def _check_hours(label: str, value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return [f"{label}: give a number of hours."]
    return [f"{label}: cannot be negative."] if value < 0 else []


_TEXT_FIELDS = (
    "damage_form",
    "growth",
    "rto_reason",
    "rpo_reason",
    "wrt_reason",
    "mbco_reason",
    "rto_override",
    "min_skills",
    "min_facilities",
)


@transaction.atomic
def record_answer(
    *,
    actor: User,
    record: BiaRecord,
    expected_revision: int,
    impacts: Mapping[str, Sequence[int | None]] | _Keep = KEEP,
    losses: Sequence[float | None] | _Keep | None = KEEP,
    rto: float | _Keep | None = KEEP,
    rpo: float | _Keep | None = KEEP,
    wrt: float | _Keep | None = KEEP,
    mbco: int | _Keep | None = KEEP,
    rto_reason: str | _Keep = KEEP,
    rpo_reason: str | _Keep = KEEP,
    wrt_reason: str | _Keep = KEEP,
    mbco_reason: str | _Keep = KEEP,
    rto_override: str | _Keep = KEEP,
    damage_form: str | _Keep = KEEP,
    growth: str | _Keep = KEEP,
    min_staff: int | _Keep | None = KEEP,
    min_skills: str | _Keep = KEEP,
    min_facilities: str | _Keep = KEEP,
    min_services: Sequence[Node] | _Keep = KEEP,
    min_suppliers: Sequence[Node] | _Keep = KEEP,
    on_behalf_of: str = "",
) -> BiaRecord:
    """Save the owner's answers; fields left at :data:`KEEP` keep their stored value.

    Raises ``PermissionDenied`` (not EDIT, and not the owner with ANSWER_BIA),
    :class:`StaleRevisionError` (``expected_revision`` is not the stored revision), or
    ``ValidationError`` mapping fields to messages that name the category and horizon.
    The record goes back to draft: a changed BIA needs submitting and approving again.
    """
    _require_may_answer(actor, record.node)
    stored = _locked(record, expected_revision)
    settings = stored.settings
    errors: dict[str, list[str]] = {}

    def add(field: str, messages: list[str]) -> None:
        if messages:
            errors.setdefault(field, []).extend(messages)

    if not isinstance(impacts, _Keep):
        clean, problems = _check_impacts(settings, impacts)
        add("impacts", problems)
        stored.impacts = _unanswered(settings) | clean
    if not isinstance(losses, _Keep):
        money, problems = _check_losses(settings, losses)
        add("losses", problems)
        stored.losses = money
    for field, label, value in (("rto", "RTO", rto), ("rpo", "RPO", rpo), ("wrt", "WRT", wrt)):
        if not isinstance(value, _Keep):
            add(field, _check_hours(label, value))
            setattr(stored, field, None if value is None else float(value))
    if not isinstance(mbco, _Keep):
        if mbco is not None and (
            isinstance(mbco, bool) or not isinstance(mbco, int) or not 0 <= mbco <= 100
        ):
            add("mbco", ["MBCO: give a percentage of normal service between 0 and 100."])
        stored.mbco = mbco
    if not isinstance(min_staff, _Keep):
        if min_staff is not None and (
            isinstance(min_staff, bool) or not isinstance(min_staff, int) or min_staff < 0
        ):
            add("min_staff", ["Minimum staff: give a number of people (0 or more)."])
        stored.min_staff = min_staff
    given = {
        "damage_form": damage_form,
        "growth": growth,
        "rto_reason": rto_reason,
        "rpo_reason": rpo_reason,
        "wrt_reason": wrt_reason,
        "mbco_reason": mbco_reason,
        "rto_override": rto_override,
        "min_skills": min_skills,
        "min_facilities": min_facilities,
    }
    for field, text in given.items():
        if not isinstance(text, _Keep):
            setattr(stored, field, (text or "").strip())
    for field, nodes, kind in (
        ("min_services", min_services, NodeKind.SERVICE),
        ("min_suppliers", min_suppliers, NodeKind.SUPPLIER),
    ):
        if not isinstance(nodes, _Keep):
            wrong = [str(n) for n in nodes if n.kind != kind]
            if wrong:
                add(field, [f"Not a {NodeKind(kind).label.lower()}: {', '.join(wrong)}."])
    if errors:
        raise ValidationError(errors)

    derived = selectors.derive(stored)
    if derived.rto_within_mtpd is False:
        if not stored.rto_override:
            raise ValidationError(
                {
                    "rto": [
                        f"The RTO ({core.format_hours(stored.rto or 0)}) is beyond the MTPD "
                        f"({core.format_hours(derived.mtpd or 0)}): lower it, or give the reason "
                        "for an override (the record is then flagged)."
                    ]
                }
            )
    else:
        stored.rto_override = ""  # no override needed: none stays on record to mislead
    if stored.status != RecordStatus.DRAFT:
        stored.status = RecordStatus.DRAFT
    saved = _save(actor, stored, on_behalf_of=on_behalf_of)
    for field, nodes in (("min_services", min_services), ("min_suppliers", min_suppliers)):
        if isinstance(nodes, _Keep):
            continue
        manager = getattr(saved, field)
        before = sorted(manager.values_list("key", flat=True))
        after = sorted({n.key for n in nodes})
        if before != after:
            manager.set(list(nodes))
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                object_type=saved._meta.label_lower,
                object_id=str(saved.pk),
                object_repr=str(saved),
                changes={field: [before, after]},
                on_behalf_of=on_behalf_of,
            )
    return saved


@transaction.atomic
def record_submit(
    *, actor: User, record: BiaRecord, expected_revision: int | None = None
) -> BiaRecord:
    """Send the answers for review. Every category must be answered at every horizon."""
    _require_may_answer(actor, record.node)
    stored = _locked(record, expected_revision)
    if stored.status == RecordStatus.APPROVED:
        raise ValidationError("This BIA is approved already; change it to submit it again.")
    missing = selectors.missing_answers(stored)
    if missing:
        raise ValidationError(
            {"impacts": [f"Answer every horizon before submitting: {', '.join(missing)}."]}
        )
    stored.status = RecordStatus.SUBMITTED
    return _save(actor, stored)


@transaction.atomic
def record_approve(
    *, actor: User, record: BiaRecord, expected_revision: int | None = None
) -> BiaSnapshot:
    """Approve the record: it becomes the BIA in force, frozen in a new :class:`BiaSnapshot`."""
    require(actor, Capability.APPROVE)
    stored = _locked(record, expected_revision)
    if stored.status == RecordStatus.APPROVED:
        raise ValidationError("This BIA is approved already.")
    missing = selectors.missing_answers(stored)
    if missing:
        raise ValidationError(
            {"impacts": [f"Not every horizon is answered: {', '.join(missing)}."]}
        )
    stored.status = RecordStatus.APPROVED
    stored.review_comment = ""
    saved = _save(actor, stored)
    rank = next((r for r in selectors.ranked() if r.record.pk == saved.pk), None)
    data = audit.snapshot(saved) | {
        "node_key": saved.node.key,
        "node_name": saved.node.name,
        "settings_version": saved.settings.version,
        "min_services": sorted(saved.min_services.values_list("key", flat=True)),
        "min_suppliers": sorted(saved.min_suppliers.values_list("key", flat=True)),
        "derived": selectors.derived_dict(saved)
        | {
            "priority": rank.rank if rank else None,
            "priority_reason": rank.reason if rank else "",
        },
    }
    number = (saved.snapshots.aggregate(n=Max("number"))["n"] or 0) + 1
    snapshot = BiaSnapshot(
        record=saved,
        number=number,
        data=data,
        approved_at=timezone.now(),
        approved_by=actor,
    )
    return audit.audited_save(actor=actor, instance=snapshot)


@transaction.atomic
def record_return(
    *, actor: User, record: BiaRecord, comment: str, expected_revision: int | None = None
) -> BiaRecord:
    """Send a submitted record back to its owner with the manager's comment."""
    require(actor, Capability.APPROVE)
    stored = _locked(record, expected_revision)
    if stored.status != RecordStatus.SUBMITTED:
        raise ValidationError("Only a submitted BIA can be returned.")
    if not comment.strip():
        raise ValidationError({"comment": ["Say what the owner should change."]})
    stored.status = RecordStatus.RETURNED
    stored.review_comment = comment.strip()
    return _save(actor, stored)
