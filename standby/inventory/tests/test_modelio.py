"""The model file in and out of the database: round trips, merges by id, refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from standby.common import audit
from standby.common.models import AuditEntry
from standby.inventory import modelio
from standby.inventory.choices import AssetType, LocationKind, TeamRole
from standby.inventory.models import (
    Contract,
    Node,
    Person,
    Requirement,
    RequirementMember,
    Team,
    TeamMember,
)
from standby.modelfile import schema
from standby.modelfile.dump import dump
from standby.modelfile.errors import ModelFileError
from standby.modelfile.generate import generate_model
from standby.modelfile.loader import load_bytes

DEMO = Path(__file__).resolve().parents[2] / "library" / "demo-college.yaml"
TABLES = (Person, Team, TeamMember, Node, Requirement, RequirementMember, Contract, AuditEntry)

SMALL: dict[str, Any] = {
    "standby": 1,
    "people": [
        {"id": "ann", "name": "Ann Lee", "email": "ann@college.example"},
        {"id": "bob", "name": "Bob Roy", "phone": "01632 960001"},
    ],
    "teams": [
        {
            "id": "it-team",
            "name": "IT recovery",
            "members": [{"person": "ann", "role": "leader"}, {"person": "bob", "role": "user"}],
        }
    ],
    "locations": [{"id": "main", "name": "Main campus", "kind": "primary", "recovery_time": "1w"}],
    "suppliers": [
        {
            "id": "isp-co",
            "name": "ISP Co",
            "recovery_time": "1d",
            "contracts": [
                {"id": "isp-sla", "guarantees": "link back within 8 h", "recovery_time": "8h"}
            ],
        }
    ],
    "processes": [{"id": "enrol", "name": "Enrol students", "owner": "ann", "requires": ["web"]}],
    "services": [
        {"id": "web", "name": "Web", "requires": [{"any_of": ["isp-a", "isp-b"]}]},
    ],
    "assets": [
        {
            "id": "isp-a",
            "name": "ISP A",
            "type": "network",
            "location": "main",
            "supplier": "isp-co",
            "recovery_time": "4h",
        },
        {"id": "isp-b", "name": "ISP B", "type": "network", "recovery_time": "8h"},
    ],
}


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


def wipe() -> None:
    """Empty the inventory (not the audit log, which refuses deletes)."""
    RequirementMember.objects.all().delete()
    Requirement.objects.all().delete()
    TeamMember.objects.all().delete()
    Team.objects.all().delete()
    Contract.objects.all().delete()
    Node.objects.filter(kind="asset").delete()
    Node.objects.all().delete()
    Person.objects.all().delete()


@pytest.mark.django_db
def test_a_small_file_round_trips_and_is_audited(manager):
    report = modelio.model_import(actor=manager, model=SMALL)
    assert report.sections["assets"].created == ("isp-a", "isp-b")
    assert report.sections["contracts"].created == ("isp-sla",)
    assert report.created == 10
    assert (
        report.audit_entries == 10
    )  # one entry per row created, requirements and members folded in
    assert dump(modelio.model_export()) == dump(schema.validate(SMALL))
    assert audit.verify() == (AuditEntry.objects.count(), None)
    web = Node.objects.get(key="web")
    entry = AuditEntry.objects.get(object_type="inventory.node", object_id=str(web.pk))
    assert entry.changes["requires"] == [[], ["any of isp-a, isp-b"]]


@pytest.mark.django_db
def test_a_generated_10k_asset_organisation_round_trips(manager):
    # Timings are measured by benchmarks/bench_modelio.py, not asserted here.
    data = generate_model(processes=50, services=1000, assets=10_000, seed=7)
    expected = dump(schema.validate(data))
    report = modelio.model_import(actor=manager, model=data)
    assert report.sections["assets"].counts() == {"created": 10_000, "changed": 0, "unchanged": 0}
    with CaptureQueriesContext(connection) as queries:
        model = modelio.model_export()
    assert len(queries) == 7
    text = dump(model)
    assert text == expected
    again = modelio.model_import(actor=manager, model=load_bytes(text.encode(), filename="m.yaml"))
    assert again.created == again.changed == 0
    assert again.audit_entries == 0


def test_the_databases_choices_are_the_files():
    assert set(AssetType.values) == set(schema.ASSET_TYPES)
    assert set(LocationKind.values) == set(schema.LOCATION_KINDS)
    assert set(TeamRole.values) == set(schema.TEAM_ROLES)


@pytest.mark.django_db
def test_export_then_import_into_an_empty_database_gives_the_same_file(manager):
    modelio.model_import(actor=manager, model=SMALL)
    first = dump(modelio.model_export())
    wipe()
    assert not Node.objects.exists()
    report = modelio.model_import(
        actor=manager, model=load_bytes(first.encode(), filename="x.yaml")
    )
    assert report.changed == report.unchanged == 0
    assert dump(modelio.model_export()) == first
    assert dump(modelio.model_export(), fmt="json") == dump(schema.validate(SMALL), fmt="json")


@pytest.mark.django_db
def test_a_dry_run_reports_and_writes_nothing(manager):
    before = counts()
    report = modelio.model_import(actor=manager, model=SMALL, dry_run=True)
    assert report.dry_run
    assert report.created == 10
    assert "would be created" in report.summary()
    assert counts() == before


@pytest.mark.django_db
def test_only_editors_may_import(make_user):
    viewer = make_user("viewer", "v")
    with pytest.raises(PermissionDenied):
        modelio.model_import(actor=viewer, model=SMALL, dry_run=True)
    assert not Node.objects.exists()


@pytest.mark.django_db
def test_importing_into_a_non_empty_database_reports_created_changed_unchanged(manager):
    modelio.model_import(actor=manager, model=SMALL)
    entries = AuditEntry.objects.count()
    update = {
        "standby": 1,
        "people": [{"id": "ann", "name": "Ann Lee-Smith", "email": "ann@college.example"}],
        "services": [
            # Same fields, requirements now need both links: a change.
            {"id": "web", "name": "Web", "requires": ["isp-a", "isp-b"]},
            {"id": "mail", "name": "E-mail", "requires": ["isp-a"]},
        ],
        "assets": [
            # Identical to the database: unchanged, not rewritten.
            {"id": "isp-b", "name": "ISP B", "type": "network", "recovery_time": "8h"},
        ],
        "teams": [
            {
                "id": "it-team",
                "name": "IT recovery",
                "members": [{"person": "bob", "role": "leader"}],
            }
        ],
    }
    report = modelio.model_import(actor=manager, model=update)
    assert report.sections["people"] == modelio.SectionReport(changed=("ann",))
    assert report.sections["services"] == modelio.SectionReport(created=("mail",), changed=("web",))
    assert report.sections["assets"] == modelio.SectionReport(unchanged=("isp-b",))
    assert report.sections["teams"] == modelio.SectionReport(changed=("it-team",))
    assert report.sections["processes"] == modelio.SectionReport()
    # ann, web, mail, it-team: one entry each.
    assert AuditEntry.objects.count() == entries + 4
    assert audit.verify() == (AuditEntry.objects.count(), None)
    model = modelio.model_export()
    web = next(s for s in model.services if s.id == "web")
    assert [r.of for r in web.requires] == [("isp-a",), ("isp-b",)]
    # Absent from the file, left alone: bob, enrol (which still requires web), isp-a.
    assert {p.id for p in model.people} == {"ann", "bob"}
    assert next(p for p in model.processes if p.id == "enrol").requires[0].of == ("web",)
    assert [(m.person, m.role) for m in model.teams[0].members] == [("bob", "leader")]
    entry = AuditEntry.objects.filter(object_type="inventory.team").first()
    assert entry is not None
    assert entry.changes["members"] == [["ann:leader", "bob:user"], ["bob:leader"]]
    assert Person.objects.get(key="ann").name == "Ann Lee-Smith"


@pytest.mark.django_db
def test_a_file_may_name_what_only_the_database_holds(manager):
    modelio.model_import(actor=manager, model=SMALL)
    partial = {"standby": 1, "services": [{"id": "vle", "name": "VLE", "requires": ["isp-a"]}]}
    report = modelio.model_import(actor=manager, model=partial)
    assert report.sections["services"].created == ("vle",)


BAD_CASES = {
    "cycle": (
        # isp-b (in the file) requires enrol (in the database), which requires web → isp-b.
        {
            "standby": 1,
            "assets": [{"id": "isp-b", "name": "ISP B", "type": "network", "requires": ["enrol"]}],
        },
        # The validator reports a cycle at its smallest id's edge: here a stored node's.
        [
            "processes[id=enrol, in the database].requires[0]: "
            "dependency cycle: enrol → web → isp-b → enrol"
        ],
    ),
    "unknown id": (
        {"standby": 1, "services": [{"id": "web", "name": "Web", "requires": ["lan-9"]}]},
        ["services[0].requires[0]: unknown id 'lan-9'"],
    ),
    "duplicate id across sections and with the database": (
        {
            "standby": 1,
            "people": [{"id": "isp-a", "name": "Not an asset"}],
            "locations": [{"id": "new-site", "name": "New"}, {"id": "new-site", "name": "Again"}],
        },
        [
            "locations[1].id: duplicate id 'new-site' (already used at locations[0])",
            "assets[id=isp-a, in the database].id: "
            "duplicate id 'isp-a' (already used at people[0])",
        ],
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_a_bad_file_is_refused_naming_each_problem_and_nothing_changes(manager, case):
    modelio.model_import(actor=manager, model=SMALL)
    data, expected = BAD_CASES[case]
    before = counts()
    exported = dump(modelio.model_export())
    for dry_run in (True, False):
        with pytest.raises(ModelFileError) as error:
            modelio.model_import(actor=manager, model=data, dry_run=dry_run)
        found = [str(p) for p in error.value.problems]
        for problem in expected:
            assert problem in found
    assert counts() == before
    assert dump(modelio.model_export()) == exported


@pytest.mark.django_db
def test_database_field_rules_are_checked_before_writing(manager):
    # The file format allows any length; the database column does not. (A person twice on a
    # team is refused earlier, by the file validator: see modelfile's test_errors.)
    data = {"standby": 1, "people": [{"id": "ann", "name": "A" * 201}]}
    before = counts()
    with pytest.raises(ModelFileError) as error:
        modelio.model_import(actor=manager, model=data)
    assert [p.path for p in error.value.problems] == ["people[0].name"]
    assert counts() == before


@pytest.mark.django_db
def test_a_contract_moved_to_another_supplier_moves(manager):
    modelio.model_import(actor=manager, model=SMALL)
    moved = {
        "standby": 1,
        "suppliers": [
            {
                "id": "other",
                "name": "Other",
                "contracts": [
                    {"id": "isp-sla", "guarantees": "link back within 8 h", "recovery_time": "8h"}
                ],
            }
        ],
    }
    report = modelio.model_import(actor=manager, model=moved)
    assert report.sections["contracts"].changed == ("isp-sla",)
    assert Contract.objects.get(key="isp-sla").supplier.key == "other"
    assert dump(modelio.model_export()).count("isp-sla") == 1


SMALL_YAML = dump(schema.validate(SMALL))


@pytest.mark.django_db
def test_the_web_import_previews_then_imports_the_same_upload(client, manager):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(manager)
    upload = SimpleUploadedFile("college.yaml", SMALL_YAML.encode())
    response = client.post(reverse("inventory:modelfile_import"), {"file": upload})
    assert response.status_code == 302
    preview = response["Location"]
    page = client.get(preview)
    assert b"10 to create" in page.content
    assert not Node.objects.exists()
    done = client.post(preview)
    assert done.status_code == 302
    assert dump(modelio.model_export()) == SMALL_YAML
    # The upload is gone once imported.
    assert b"no longer waiting" in client.get(preview).content


@pytest.mark.django_db
def test_the_web_preview_lists_every_problem_with_its_path(client, manager):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(manager)
    bad = b"standby: 1\nservices:\n- id: web\n  name: Web\n  requires: [lan-9]\n"
    response = client.post(
        reverse("inventory:modelfile_import"), {"file": SimpleUploadedFile("m.yaml", bad)}
    )
    page = client.get(response["Location"])
    assert b"services[0].requires[0]" in page.content
    assert b"unknown id &#x27;lan-9&#x27;" in page.content
    assert client.post(response["Location"]).status_code == 200  # refused again, not imported
    assert not Node.objects.exists()


@pytest.mark.django_db
def test_the_web_export_downloads_yaml_or_json(client, make_user, manager):
    from django.urls import reverse

    modelio.model_import(actor=manager, model=SMALL)
    client.force_login(make_user("viewer", "v"))
    response = client.get(reverse("inventory:modelfile_export"))
    assert response.content.decode() == SMALL_YAML
    assert "attachment" in response["Content-Disposition"]
    response = client.get(reverse("inventory:modelfile_export") + "?format=json")
    assert response.content.decode() == dump(schema.validate(SMALL), fmt="json")


@pytest.mark.django_db
def test_the_api_imports_a_raw_body_or_a_multipart_file(client, manager):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(manager)
    url = reverse("api:model_import")
    response = client.post(url + "?dry_run=1", SMALL_YAML.encode(), content_type="application/yaml")
    assert response.status_code == 200
    assert response.json()["counts"]["assets"] == {"created": 2, "changed": 0, "unchanged": 0}
    assert not Node.objects.exists()
    upload = SimpleUploadedFile("m.yaml", SMALL_YAML.encode())
    response = client.post(url, {"file": upload})
    assert response.status_code == 201
    assert response.json()["sections"]["people"]["created"] == ["ann", "bob"]
    assert dump(modelio.model_export()) == SMALL_YAML
    exported = client.get(reverse("api:model_export") + "?format=json")
    assert exported.status_code == 200
    assert exported.content.decode() == dump(schema.validate(SMALL), fmt="json")


@pytest.mark.django_db
def test_the_api_lists_problems_with_their_paths_in_details(client, manager):
    from django.urls import reverse

    client.force_login(manager)
    before = counts()
    bad = b'{"standby": 1, "assets": [{"id": "a", "name": "A", "type": "rock", "requires": ["a"]}]}'
    response = client.post(reverse("api:model_import"), bad, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_model_file"
    paths = {d["path"] for d in error["details"]}
    assert {"assets[0].type", "assets[0].requires[0]"} <= paths
    assert counts() == before


def test_the_demo_college_is_a_valid_model_of_a_college():
    model = schema.validate(load_bytes(DEMO.read_bytes(), filename=DEMO.name))
    assert len(model.processes) >= 6
    assert len(model.assets) >= 50
    assert len(model.people) >= 15
    assert len([s for s in model.suppliers if s.contracts]) >= 4
    assert len(model.teams) == 2
    for team in model.teams:
        assert {m.role for m in team.members} == set(schema.TEAM_ROLES)
    assert {loc.kind for loc in model.locations} == {"primary", "alternate"}
    seed_services = {"svc-printing", "svc-wordproc", "svc-internet", "svc-storage", "svc-support"}
    assert seed_services <= {s.id for s in model.services}
    forms = [r.form for n in schema.iter_nodes(model) for r in getattr(n, "requires", ())]
    assert "any_of" in forms
    assert "at_least" in forms
    for person in model.people:
        assert person.phone is not None
        assert person.phone.startswith("01632 960")
        assert person.out_of_hours_phone is not None
        assert person.out_of_hours_phone.startswith("07700 900")
        assert person.email is not None
        assert person.email.endswith("@college.example")


@pytest.mark.django_db
def test_the_demo_college_round_trips_through_an_empty_database(manager):
    data = load_bytes(DEMO.read_bytes(), filename=DEMO.name)
    modelio.model_import(actor=manager, model=data)
    first = dump(modelio.model_export())
    assert first == dump(schema.validate(data))
    wipe()
    modelio.model_import(actor=manager, model=load_bytes(first.encode(), filename="x.yaml"))
    assert dump(modelio.model_export()) == first


@pytest.mark.django_db
def test_standby_demo_loads_the_college_after_the_accounts_once():
    from standby.common import demo

    result = demo.load_demo()
    assert result.loaded
    assert Node.objects.filter(key="svc-mis").exists()
    entry = AuditEntry.objects.filter(object_type="inventory.node").first()
    assert entry is not None
    assert entry.actor_name == "manager"
    nodes = Node.objects.count()
    again = demo.load_demo()
    assert not again.loaded
    assert Node.objects.count() == nodes
