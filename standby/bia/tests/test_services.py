"""BIA services: validation naming category and horizon, RTO ≤ MTPD, revisions, who may answer."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from standby.bia import selectors, services
from standby.bia.choices import RecordStatus
from standby.bia.models import BiaSettings, BiaSnapshot
from standby.bia.settings_library import BiaSettingsError, load_library, parse_settings
from standby.bia.tests.helpers import answered, person, process, table
from standby.common.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_current_settings_creates_version_1_from_the_library(manager):
    assert not BiaSettings.objects.exists()
    settings = services.current_settings(actor=manager)
    assert settings.version == 1
    assert settings.horizons == [1, 4, 24, 72, 168, 336, 672]
    assert settings.levels[5] == "Catastrophic"
    assert len(settings.categories) == 6
    assert services.current_settings() == settings  # not created twice


def test_library_validation_names_each_problem():
    text = """
horizons: [4h, 1h]
levels: [{level: 0, name: None}]
categories:
  - {id: financial, name: Financial, levels: [a, b, c]}
"""
    with pytest.raises(BiaSettingsError) as caught:
        parse_settings(text)
    problems = " | ".join(caught.value.problems)
    assert "horizons, item 2: 1h is not after the one before it" in problems
    assert "levels: give exactly 6 levels" in problems
    assert "category 'financial': give 6 level descriptions" in problems
    assert load_library().horizons[-1] == 672


def test_settings_edit_makes_a_new_version_and_records_keep_theirs(manager):
    node = process(manager, "pay")
    record = answered(manager, node)
    assert record.settings.version == 1
    text = selectors.settings_text(services.current_settings()).replace(
        "intolerable: 4", "intolerable: 3"
    )
    new = services.settings_create(actor=manager, text=text)
    assert new.version == 2
    assert new.intolerable_level == 3
    record.refresh_from_db()
    assert record.settings.version == 1
    fresh = services.record_get_or_create(process(manager, "enrol"), actor=manager)
    assert fresh.settings.version == 2


def test_level_out_of_range_names_the_category_and_horizon(manager):
    record = services.record_get_or_create(process(manager, "pay"), actor=manager)
    with pytest.raises(ValidationError) as caught:
        services.record_answer(
            actor=manager,
            record=record,
            expected_revision=0,
            impacts=table(financial=[0, 1, 7, 3, 4, 5, 5]),
            losses=[0, 10, -5, None, None, None, None],
            mbco=120,
            rpo=-1,
        )
    errors = caught.value.message_dict
    assert errors["impacts"] == [
        "Financial at 24 h: level 7 is not one of 0–5 (None … Catastrophic)."
    ]
    assert errors["losses"] == ["Money lost at 24 h: an amount cannot be negative."]
    assert "between 0 and 100" in errors["mbco"][0]
    assert errors["rpo"] == ["RPO: cannot be negative."]
    record.refresh_from_db()
    assert record.revision == 0
    assert all(v is None for row in record.impacts.values() for v in row)


def test_rto_beyond_mtpd_is_refused_then_accepted_with_an_override_and_flagged(manager):
    node = process(manager, "pay")
    impacts = table(financial=[0, 1, 4, 4, 5, 5, 5])  # MTPD = 1 d
    record = services.record_get_or_create(node, actor=manager)
    with pytest.raises(ValidationError) as caught:
        services.record_answer(
            actor=manager, record=record, expected_revision=0, impacts=impacts, rto=48
        )
    assert "beyond the MTPD (24 h)" in caught.value.message_dict["rto"][0]
    saved = services.record_answer(
        actor=manager,
        record=record,
        expected_revision=0,
        impacts=impacts,
        rto=48,
        rto_override="The payroll bureau guarantees 48 h; accepted by the board.",
    )
    derived = selectors.derive(saved)
    assert derived.mtpd == 24
    assert derived.rto_within_mtpd is False
    assert derived.override
    assert derived.rto_status == "breach"
    # Back inside the MTPD: the override is no longer on record.
    again = services.record_answer(actor=manager, record=saved, expected_revision=1, rto=12)
    assert again.rto_override == ""
    assert not selectors.derive(again).override


def test_suggested_rto_is_mtpd_minus_wrt(manager):
    record = answered(
        manager, process(manager, "pay"), impacts=table(legal=[0, 0, 0, 4, 4, 4, 4]), wrt=8
    )
    derived = selectors.derive(record)
    assert (derived.mtpd, derived.suggested_rto) == (72, 64)


def test_a_stale_revision_is_refused_and_nothing_changes(manager, make_user):
    deputy = make_user("deputy")
    record = answered(manager, process(manager, "pay"), rto=4)
    assert record.revision == 1
    services.record_answer(actor=deputy, record=record, expected_revision=1, rto=8)
    before = AuditEntry.objects.count()
    with pytest.raises(services.StaleRevisionError) as caught:
        services.record_answer(actor=manager, record=record, expected_revision=1, rto=2)
    assert "now revision 2" in caught.value.messages[0]
    record.refresh_from_db()
    assert record.rto == 8
    assert AuditEntry.objects.count() == before


def test_an_owner_answers_their_own_process_but_not_another(manager, make_user):
    owner_user = make_user("service_owner", "olivia")
    olivia = person(manager, "olivia", "Olivia@Example.org")  # emails match case-insensitively
    owner_user.email = "olivia@example.org"
    owner_user.save()
    mine = process(manager, "pay", owner=olivia)
    theirs = process(manager, "enrol", owner=person(manager, "sam", "sam@example.org"))
    assert selectors.person_for_user(owner_user) == olivia
    record = services.record_get_or_create(mine, actor=owner_user)
    saved = services.record_answer(
        actor=owner_user, record=record, expected_revision=0, impacts=table(), rto=4
    )
    assert saved.rto == 4
    services.record_submit(actor=owner_user, record=saved)
    with pytest.raises(PermissionDenied, match="only of what you own"):
        services.record_get_or_create(theirs, actor=owner_user)
    other = services.record_get_or_create(theirs, actor=manager)
    with pytest.raises(PermissionDenied):
        services.record_answer(actor=owner_user, record=other, expected_revision=0, rto=1)
    with pytest.raises(PermissionDenied):
        services.record_approve(actor=owner_user, record=saved)


@pytest.mark.parametrize("role", ["viewer", "auditor", "recovery_team"])
def test_readers_cannot_answer_approve_or_return(manager, make_user, role):
    reader = make_user(role)
    record = answered(manager, process(manager, "pay"))
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.record_answer(actor=reader, record=record, expected_revision=1, rto=1)
    with pytest.raises(PermissionDenied):
        services.record_submit(actor=reader, record=record)
    with pytest.raises(PermissionDenied):
        services.record_approve(actor=reader, record=record)
    with pytest.raises(PermissionDenied):
        services.record_return(actor=reader, record=record, comment="no")
    with pytest.raises(PermissionDenied):
        services.settings_create(actor=reader, text="")
    assert AuditEntry.objects.count() == before


def test_submit_needs_every_horizon_then_approve_freezes_a_snapshot(manager):
    node = process(manager, "pay")
    record = answered(manager, node, impacts={"financial": [0, 1, 2, 4, 5, 5, 5]}, rto=12)
    with pytest.raises(ValidationError, match="Operational"):
        services.record_submit(actor=manager, record=record)
    record = services.record_answer(
        actor=manager,
        record=record,
        expected_revision=record.revision,
        impacts=table(financial=[0, 1, 2, 4, 5, 5, 5]),
    )
    submitted = services.record_submit(actor=manager, record=record)
    assert submitted.status == RecordStatus.SUBMITTED
    returned = services.record_return(actor=manager, record=submitted, comment="Check 1 d")
    assert returned.status == RecordStatus.RETURNED
    assert returned.review_comment == "Check 1 d"
    services.record_submit(actor=manager, record=returned)
    snapshot = services.record_approve(actor=manager, record=returned)
    assert snapshot.number == 1
    assert snapshot.data["derived"]["mtpd"] == 72
    assert snapshot.data["derived"]["priority"] == 1
    assert snapshot.data["rto"] == 12
    assert snapshot.data["settings_version"] == 1
    record.refresh_from_db()
    assert record.status == RecordStatus.APPROVED
    # A later change puts it back to draft; the snapshot stays as approved.
    changed = services.record_answer(
        actor=manager, record=record, expected_revision=record.revision, rto=6
    )
    assert changed.status == RecordStatus.DRAFT
    assert BiaSnapshot.objects.get(pk=snapshot.pk).data["rto"] == 12


def test_only_processes_and_services_have_a_bia(manager):
    from standby.inventory import services as inventory
    from standby.inventory.models import Node

    server = inventory.node_save(
        actor=manager, node=Node(key="srv", kind="asset", name="Server", asset_type="hardware")
    )
    with pytest.raises(ValidationError, match="only processes and services"):
        services.record_get_or_create(server, actor=manager)
