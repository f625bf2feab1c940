"""The audit log records every change made through a service and detects tampering."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from standby.accounts import services
from standby.accounts.choices import Role
from standby.common import audit
from standby.common.models import AuditEntry
from standby.common.selectors import history_for


def _users(manager):
    first = services.user_create(
        actor=manager, username="ann", password="a-long-passphrase", role=Role.VIEWER
    )
    services.user_update(actor=manager, user=first, role=Role.AUDITOR, email="ann@example.org")
    second = services.user_create(
        actor=manager, username="bob", password="a-long-passphrase", role=Role.VIEWER
    )
    return first, second


@pytest.mark.django_db
def test_a_service_change_records_who_when_what_and_field_changes(manager):
    ann, _ = _users(manager)
    update = history_for(ann).first()
    assert update.action == "update"
    assert update.actor_name == "manager"
    assert update.actor_id == manager.pk
    assert update.changes == {"email": ["", "ann@example.org"], "role": ["viewer", "auditor"]}
    assert update.at.utcoffset().total_seconds() == 0
    create = history_for(ann).last()
    assert create.action == "create"
    assert "password" not in create.changes


@pytest.mark.django_db
def test_unchanged_save_records_nothing(manager):
    ann, _ = _users(manager)
    before = AuditEntry.objects.count()
    services.user_update(actor=manager, user=ann, role=Role.AUDITOR)
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_chain_verifies_when_untouched(manager):
    _users(manager)
    checked, broken = audit.verify()
    assert broken is None
    assert checked == AuditEntry.objects.count() == 3
    call_command("audit", "verify")


@pytest.mark.django_db
def test_the_database_refuses_update_and_delete_of_audit_rows(manager):
    _users(manager)
    entry = AuditEntry.objects.order_by("id").first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(actor_name="mallory")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).actor_name == "manager"


def _drop_append_only_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE common_auditentry DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER common_auditentry_no_update")
            cursor.execute("DROP TRIGGER common_auditentry_no_delete")


@pytest.mark.django_db
def test_verify_names_a_row_altered_directly_in_the_database(manager):
    _users(manager)
    target = AuditEntry.objects.order_by("id")[1]
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE common_auditentry SET actor_name = %s WHERE id = %s", ["mallory", target.pk]
        )
    with pytest.raises(CommandError, match=rf"entry #{target.pk}: its content"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_verify_names_the_entry_after_a_deleted_one(manager):
    _users(manager)
    _first, second, third = AuditEntry.objects.order_by("id")
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM common_auditentry WHERE id = %s", [second.pk])
    with pytest.raises(CommandError, match=rf"entry #{third.pk}: its link"):
        call_command("audit", "verify")


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_a_transaction(manager):
    with pytest.raises(RuntimeError):
        audit.record(
            actor=manager,
            action="event",
            object_type="x.y",
            object_id="1",
            object_repr="x",
            changes={},
        )
