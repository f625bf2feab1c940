"""Writing and verifying the hash-chained audit log.

Every service that creates, changes or deletes data goes through :func:`audited_save`,
:func:`audited_delete` or :func:`record`, inside its own ``transaction.atomic``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connection, models, transaction
from django.utils import timezone

from standby.common.choices import AuditAction
from standby.common.models import AuditEntry

GENESIS = "0" * 64
_CHAIN_LOCK_KEY = 0x57A2DB7  # any constant; names the advisory lock on PostgreSQL

M = TypeVar("M", bound=models.Model)


def _plain(value: Any) -> Any:
    """A JSON-safe, stable spelling of a field value."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        return value.hex()
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of ``instance`` (passwords never included)."""
    return {
        field.attname: _plain(getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
        if field.attname != "password"
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value differs."""
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def entry_hash(entry: AuditEntry) -> str:
    """The SHA-256 over an entry's content and its predecessor's hash."""
    payload = {
        "at": entry.at.astimezone(dt.UTC).isoformat(),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "on_behalf_of": entry.on_behalf_of,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _lock_chain() -> None:
    """Serialise appends so two writers never chain onto the same predecessor."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: transactions are IMMEDIATE (settings), so the writer already holds the lock.


def record(
    *,
    actor: Any,
    action: AuditAction,
    object_type: str,
    object_id: str,
    object_repr: str,
    changes: dict[str, Any],
    on_behalf_of: str = "",
) -> AuditEntry:
    """Append one entry to the log. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside transaction.atomic")
    _lock_chain()
    last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    entry = AuditEntry(
        at=timezone.now().astimezone(dt.UTC),
        actor_id=getattr(actor, "pk", None),
        actor_name=str(getattr(actor, "username", "") or "system"),
        on_behalf_of=on_behalf_of,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        changes=json.loads(json.dumps(changes, default=str)),
        prev_hash=last or GENESIS,
    )
    entry.hash = entry_hash(entry)
    entry.save(force_insert=True)
    return entry


def _label(instance: models.Model) -> str:
    return instance._meta.label_lower


def audited_save(*, actor: Any, instance: M, on_behalf_of: str = "") -> M:
    """Validate, save and log ``instance`` (create or update). Call inside ``atomic``."""
    instance.full_clean()
    creating = instance._state.adding
    before: dict[str, Any] = {}
    if not creating:
        stored = type(instance)._default_manager.filter(pk=instance.pk).first()
        before = snapshot(stored) if stored is not None else {}
    instance.save()
    changes = diff(before, snapshot(instance))
    if creating or changes:
        record(
            actor=actor,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            object_type=_label(instance),
            object_id=str(instance.pk),
            object_repr=str(instance),
            changes=changes,
            on_behalf_of=on_behalf_of,
        )
    return instance


def audited_delete(*, actor: Any, instance: models.Model, on_behalf_of: str = "") -> None:
    """Delete and log ``instance``. Call inside ``atomic``."""
    changes = diff(snapshot(instance), {})
    object_id, label, text = str(instance.pk), _label(instance), str(instance)
    instance.delete()
    record(
        actor=actor,
        action=AuditAction.DELETE,
        object_type=label,
        object_id=object_id,
        object_repr=text,
        changes=changes,
        on_behalf_of=on_behalf_of,
    )


@dataclass(frozen=True)
class Break:
    """The first entry at which the chain does not hold, and why."""

    entry_id: int
    reason: str


def verify(entries: Iterable[AuditEntry] | None = None) -> tuple[int, Break | None]:
    """Walk the chain from the start; return how many entries held and the first break."""
    if entries is None:
        entries = AuditEntry.objects.order_by("id").iterator(chunk_size=2000)
    previous, checked = GENESIS, 0
    for entry in entries:
        if entry.prev_hash != previous:
            return checked, Break(
                entry.pk,
                "its link to the previous entry does not match: an entry before it was "
                "removed, inserted or changed",
            )
        if entry_hash(entry) != entry.hash:
            return checked, Break(entry.pk, "its content does not match its hash: it was changed")
        previous = entry.hash
        checked += 1
    return checked, None


@dataclass(frozen=True)
class PendingEntry:
    """One entry for :func:`record_many`: what :func:`record` takes, minus the actor."""

    action: AuditAction
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, Any]


def record_many(
    *, actor: Any, entries: Iterable[PendingEntry], on_behalf_of: str = "", batch_size: int = 2000
) -> int:
    """Append many entries in one go (bulk inserts); return how many. Call inside ``atomic``.

    The chain is computed here, entry after entry, with :func:`entry_hash`, exactly as
    :func:`record` would; the rows are inserted in that order, so ids follow the chain. A big
    import writes tens of thousands of entries: one INSERT per entry would take minutes.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_many must run inside transaction.atomic")
    _lock_chain()
    previous = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
    at = timezone.now().astimezone(dt.UTC)
    actor_id = getattr(actor, "pk", None)
    actor_name = str(getattr(actor, "username", "") or "system")
    rows: list[AuditEntry] = []
    for pending in entries:
        entry = AuditEntry(
            at=at,
            actor_id=actor_id,
            actor_name=actor_name,
            on_behalf_of=on_behalf_of,
            action=pending.action,
            object_type=pending.object_type,
            object_id=pending.object_id,
            object_repr=pending.object_repr[:300],
            changes=json.loads(json.dumps(pending.changes, default=str)),
            prev_hash=previous,
        )
        entry.hash = previous = entry_hash(entry)
        rows.append(entry)
    AuditEntry.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)
