"""The BIA parts of the model file in and out of the database (:mod:`.modelio_bia`)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from standby.bia import selectors
from standby.bia.choices import RecordStatus
from standby.bia.models import BiaRecord, BiaSettings
from standby.common.demo import load_demo
from standby.common.models import AuditEntry
from standby.inventory import modelio
from standby.inventory.models import Node, Person
from standby.inventory.tests.test_modelio import wipe
from standby.modelfile.dump import dump
from standby.modelfile.errors import ModelFileError
from standby.modelfile.loader import load_bytes

DEMO = Path(__file__).resolve().parents[2] / "library" / "demo-college.yaml"

ROWS = {
    "financial": [0, 1, 2, 3, 4, 5, 5],
    "operational": [0, 0, 1, 2, 3, 4, 4],
}
FILE: dict[str, Any] = {
    "standby": 1,
    "people": [{"id": "ann", "name": "Ann Lee"}],
    "processes": [
        {
            "id": "pay",
            "name": "Pay staff",
            "owner": "ann",
            "rto": "1d",
            "rpo": "4h",
            "wrt": "4h",
            "mbco": 100,
            "reasons": {"rto": "Paid on the day", "mbco": "Everyone is paid"},
            "impact": ROWS,
            "loss": [0, 0, 5000, 30000.5, None, None, None],
        },
        {"id": "post", "name": "Open the post"},
    ],
}


def counts() -> dict[str, int]:
    tables = (Person, Node, BiaSettings, BiaRecord, AuditEntry)
    return {model.__name__: model.objects.count() for model in tables}


def export() -> str:
    return dump(modelio.model_export())


def reimport(manager: Any, yaml_text: str) -> modelio.ImportReport:
    data = load_bytes(yaml_text.encode(), filename="m.yaml")
    return modelio.model_import(actor=manager, model=data)


def empty_database() -> None:
    BiaRecord.objects.all().delete()
    BiaSettings.objects.all().delete()
    wipe()


@pytest.mark.django_db
def test_the_demo_college_round_trips_with_its_bia(manager):
    report = modelio.model_import_bytes(actor=manager, data=DEMO.read_bytes(), filename=DEMO.name)
    assert len(report.sections["bia"].created) == 8
    assert report.sections["bia_scale"].created == ("v1",)  # the library defaults
    first = export()
    assert "\nbia:" not in first  # the default scale is not written
    assert first.count("impact:") == 8
    ranked = selectors.ranked()
    assert len(ranked) == 8
    assert ranked[0].record.node.key in {"proc-exams", "proc-safeguard"}

    again = reimport(manager, first)  # the same file again: nothing to do
    assert again.sections["bia"].counts() == {"created": 0, "changed": 0, "unchanged": 8}
    assert again.audit_entries == 0

    empty_database()
    reimport(manager, first)
    assert export() == first


@pytest.mark.django_db
def test_the_demo_still_loads():
    result = load_demo()
    assert result.loaded
    assert BiaRecord.objects.count() == 8
    assert set(BiaRecord.objects.values_list("status", flat=True)) == {RecordStatus.DRAFT}


@pytest.mark.django_db
def test_fields_map_to_the_record(manager):
    modelio.model_import(actor=manager, model=FILE)
    record = BiaRecord.objects.get(node__key="pay")
    assert record.settings.version == 1
    assert record.impacts["financial"] == ROWS["financial"]
    assert record.impacts["legal"] == [None] * 7  # not in the file: unanswered
    assert record.losses == [0.0, 0.0, 5000.0, 30000.5, None, None, None]
    assert (record.rto, record.rpo, record.wrt, record.mbco) == (24.0, 4.0, 4.0, 100)
    assert record.rto_reason == "Paid on the day"
    assert record.wrt_reason == ""
    assert record.status == RecordStatus.DRAFT
    assert not BiaRecord.objects.filter(node__key="post").exists()
    out = export()
    assert "loss: [0, 0, 5000, 30000.5, null, null, null]" in out
    assert "financial: [0, 1, 2, 3, 4, 5, 5]" in out
    assert "legal:" not in out


@pytest.mark.django_db
def test_a_changed_level_updates_the_record_and_is_audited(manager):
    modelio.model_import(actor=manager, model=FILE)
    record = BiaRecord.objects.get(node__key="pay")
    record.status = RecordStatus.APPROVED
    record.save()
    data = copy.deepcopy(FILE)
    data["processes"][0]["impact"]["operational"] = [0, 0, 1, 2, 3, 3, 4]
    entries = AuditEntry.objects.count()
    report = modelio.model_import(actor=manager, model=data)
    assert report.sections["bia"].changed == ("pay",)
    assert report.sections["processes"].changed == ()  # the node's own fields are the same
    assert report.audit_entries == 1
    record.refresh_from_db()
    assert record.impacts["operational"] == [0, 0, 1, 2, 3, 3, 4]
    assert record.status == RecordStatus.DRAFT
    assert record.revision == 2
    entry = AuditEntry.objects.order_by("-pk").first()
    assert AuditEntry.objects.count() == entries + 1
    assert entry.object_type == "bia.biarecord"
    assert entry.object_id == str(record.pk)
    assert "impacts" in entry.changes


@pytest.mark.django_db
def test_a_node_without_bia_fields_keeps_its_record(manager):
    modelio.model_import(actor=manager, model=FILE)
    data = copy.deepcopy(FILE)
    for key in ("rto", "rpo", "wrt", "mbco", "reasons", "impact", "loss"):
        del data["processes"][0][key]
    report = modelio.model_import(actor=manager, model=data)
    assert report.sections["bia"].counts() == {"created": 0, "changed": 0, "unchanged": 0}
    assert BiaRecord.objects.get(node__key="pay").rto == 24.0


@pytest.mark.django_db
def test_a_settings_change_makes_a_new_version(manager):
    modelio.model_import(actor=manager, model=FILE)
    data = copy.deepcopy(FILE)
    data["bia"] = {"currency": "EUR", "intolerable": 5}
    report = modelio.model_import(actor=manager, model=data)
    assert report.sections["bia_scale"].created == ("v2",)
    assert report.sections["bia"].unchanged == ("pay",)  # its answers stay under v1
    latest = BiaSettings.objects.order_by("-version").first()
    assert (latest.version, latest.currency, latest.intolerable_level) == (2, "EUR", 5)
    assert latest.categories == BiaSettings.objects.get(version=1).categories
    assert AuditEntry.objects.filter(object_type="bia.biasettings", object_id=str(latest.pk))
    out = export()
    assert "bia:\n  intolerable: 5\n  currency: EUR" in out
    assert "financial: [0, 1, 2, 3, 4, 5, 5]" in out  # v1 record, same horizons: mapped
    again = reimport(manager, out)
    assert again.sections["bia_scale"].unchanged == ("v2",)
    assert again.created == again.changed == 0


@pytest.mark.django_db
def test_a_new_scale_needs_approve(make_user):
    deputy = make_user("deputy", "deputy")
    modelio.model_import(actor=deputy, model=FILE)  # v1 from the library: anyone who edits
    data = {**FILE, "bia": {"currency": "EUR"}}
    before = counts()
    with pytest.raises(PermissionDenied):
        modelio.model_import(actor=deputy, model=data)
    assert counts() == before


@pytest.mark.django_db
def test_a_record_the_current_scale_cannot_express_is_left_out_and_alone(manager):
    modelio.model_import(actor=manager, model=FILE)
    data = {
        "standby": 1,
        "bia": {"horizons": ["1h", "1d", "1w"], "intolerable": 4},
        "processes": [
            {"id": "post", "name": "Open the post", "impact": {"financial": [0, 2, 4]}},
        ],
    }
    report = modelio.model_import(actor=manager, model=data)
    assert report.sections["bia_scale"].created == ("v2",)
    assert report.sections["bia"].created == ("post",)
    out = export()
    assert "financial: [0, 2, 4]" in out
    assert "financial: [0, 1, 2, 3, 4, 5, 5]" not in out  # pay: 7 horizons under v1
    reimport(manager, out)
    pay = BiaRecord.objects.get(node__key="pay")
    assert (pay.settings.version, pay.impacts["financial"]) == (1, ROWS["financial"])


@pytest.mark.django_db
def test_unanswered_cells(manager):
    modelio.model_import(actor=manager, model=FILE)
    record = BiaRecord.objects.get(node__key="pay")
    record.impacts["legal"] = [0, 1, None, None, None, None, None]  # in progress
    record.save()
    out = export()
    assert "legal:" not in out  # partial rows and empty rows are not written
    data = load_bytes(out.encode(), filename="m.yaml")
    assert isinstance(data, dict)
    data["processes"][0]["rto"] = "8h"
    report = modelio.model_import(actor=manager, model=data)
    assert report.sections["bia"].changed == ("pay",)
    record.refresh_from_db()
    assert record.rto == 8.0
    assert record.impacts["legal"] == [0, 1, None, None, None, None, None]  # kept


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"rto": "2w"}, "processes[0].rto"),  # beyond the MTPD (1w) without override
        ({"mbco": 50.5}, "processes[0].mbco"),
        ({"impact": {"financial": [0, 1]}}, "processes[0].impact.financial"),
        ({"impact": {"weather": [0] * 7}}, "processes[0].impact.weather"),
    ],
)
def test_errors_leave_the_database_unchanged(manager, change, path):
    modelio.model_import(actor=manager, model=FILE)
    before = counts()
    exported = export()
    data = copy.deepcopy(FILE)
    data["processes"][0].update(change)
    data["people"].append({"id": "bob", "name": "Bob Roy"})
    data["bia"] = {"currency": "EUR"}
    with pytest.raises(ModelFileError) as error:
        modelio.model_import(actor=manager, model=data)
    assert path in [p.path for p in error.value.problems]
    assert counts() == before
    assert export() == exported


@pytest.mark.django_db
def test_without_a_bia_section_the_stored_scale_checks_the_file(manager):
    two = copy.deepcopy(FILE)
    two["processes"][0]["impact"] = {"financial": [0, 1]}
    two["processes"][0]["loss"] = [0, 10]
    modelio.model_import(actor=manager, model={**two, "bia": {"horizons": ["1h", "1d"]}})
    report = modelio.model_import(actor=manager, model=two)  # checked against 1h, 1d
    assert report.sections["bia"].unchanged == ("pay",)
    assert report.sections["bia_scale"].counts() == {"created": 0, "changed": 0, "unchanged": 0}
    with pytest.raises(ModelFileError) as error:
        modelio.model_import(actor=manager, model=FILE)  # seven levels against two horizons
    assert "processes[0].impact.financial" in [p.path for p in error.value.problems]


@pytest.mark.django_db
def test_custom_categories_round_trip(manager):
    data = copy.deepcopy(FILE)
    data["bia"] = {
        "categories": [
            {"id": "financial", "name": "Money"},
            {"id": "operational", "name": "Operations", "levels": list("abcdef")},
            {"id": "learners", "name": "Learners"},
        ]
    }
    modelio.model_import(actor=manager, model=data)
    stored = BiaSettings.objects.get()
    assert stored.categories[0]["levels"][5] == "Loss over £1 million, or insolvency"
    assert stored.categories[1]["levels"] == list("abcdef")
    assert stored.categories[2]["levels"] == stored.levels  # no library text: the level names
    out = export()
    assert "- id: financial\n    name: Money\n  - id: operational" in out
    again = reimport(manager, out)
    assert again.created == again.changed == 0
