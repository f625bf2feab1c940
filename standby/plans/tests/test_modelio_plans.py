"""Recovery plans in the model file in and out of the database (:mod:`.modelio_plans`):
round trips (the demo's approved plan included), loading over an approved plan, refusals that
write nothing."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from standby.bia.models import BiaRecord, BiaSettings
from standby.common import audit
from standby.common import demo as demo_data
from standby.common.models import AuditEntry
from standby.inventory import modelio
from standby.inventory import services as inventory
from standby.inventory.models import Node, Person, Team
from standby.inventory.tests.test_modelio import wipe
from standby.modelfile import plans as mf
from standby.modelfile.dump import dump
from standby.modelfile.errors import ModelFileError
from standby.modelfile.loader import load_bytes
from standby.plans import services
from standby.plans.choices import DistributionRole, PlanTemplate, VersionStatus
from standby.plans.models import (
    CallTreeEntry,
    Communication,
    DistributionEntry,
    Plan,
    PlanStep,
    PlanVersion,
)
from standby.strategy.models import (
    Backup,
    NodeStrategy,
    RecoveryOption,
    StrategyAlternative,
    TeamCapacity,
)

pytestmark = pytest.mark.django_db

TABLES = (
    Node,
    Person,
    Team,
    Plan,
    PlanStep,
    CallTreeEntry,
    Communication,
    DistributionEntry,
    PlanVersion,
    AuditEntry,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES} | {
        "scope": Plan.scope.through.objects.count(),
        "teams": Plan.teams.through.objects.count(),
    }


def export() -> str:
    return dump(modelio.model_export())


def load(manager: Any, text: str, **kwargs: Any) -> modelio.ImportReport:
    data = load_bytes(text.encode(), filename="m.yaml")
    return modelio.model_import(actor=manager, model=data, **kwargs)


def empty_database() -> None:
    """Everything the model file holds gone (plans with their versions first: steps protect
    their nodes)."""
    Plan.objects.all().delete()
    for model in (NodeStrategy, StrategyAlternative, Backup, TeamCapacity, BiaRecord):
        model.objects.all().delete()
    BiaSettings.objects.all().delete()
    wipe()
    RecoveryOption.objects.all().delete()


def _plan_of(text: str, key: str) -> dict[str, Any]:
    data = load_bytes(text.encode(), filename="m.yaml")
    assert isinstance(data, dict)
    return next(p for p in data["plans"] if p["id"] == key)


def test_the_files_choices_are_the_databases():
    assert set(mf.PLAN_TEMPLATES) == set(PlanTemplate.values)
    assert set(mf.DISTRIBUTION_ROLES) == set(DistributionRole.values)
    assert frozenset(services.SCOPE_KINDS) == mf.SCOPE_KINDS


def test_the_demo_round_trips_with_its_approved_plan(demo):
    plan = Plan.objects.get(key=services.DEMO_PLAN_KEY)
    assert plan.versions.get().status == VersionStatus.APPROVED
    first = export()
    assert "\nplans:\n- id: critical-processes\n" in first
    written = _plan_of(first, services.DEMO_PLAN_KEY)
    assert len(written["steps"]) == plan.steps.count()
    assert len(written["call_tree"]) == len(demo_data.DEMO_CALL_TREE)
    assert len(written["distribution"]) == len(demo_data.DEMO_DISTRIBUTION)
    assert written["review_by"] == plan.review_by
    assert written["communications"][0]["audience"] == "Students and staff"

    again = load(demo, first)  # the same file again: nothing to do
    assert again.sections["plans"].counts() == {"created": 0, "changed": 0, "unchanged": 1}
    assert again.created == again.changed == 0
    assert again.audit_entries == 0

    empty_database()
    assert not Plan.objects.exists()
    report = load(demo, first)
    assert report.sections["plans"].created == (services.DEMO_PLAN_KEY,)
    assert export() == first
    loaded = Plan.objects.get(key=services.DEMO_PLAN_KEY)
    assert not loaded.versions.exists()  # versions are history: not in the file
    assert audit.verify() == (AuditEntry.objects.count(), None)


def test_plans_built_with_the_services_round_trip(small):
    manager, plan = small["manager"], small["plan"]
    ann = Person.objects.get(key="ann")
    Person.objects.create(key="bob", name="Bob Roy")
    team = inventory.team_save(actor=manager, team=Team(key="ops", name="Ops"))
    stored = Plan.objects.get(pk=plan.pk)
    stored.purpose = "Pay on time.\r\nAlways."  # a textarea's line ends survive
    stored.review_by = "2026-06-30"
    services.plan_update(
        actor=manager, plan=stored, expected_revision=stored.revision, teams=[team]
    )
    step = PlanStep.objects.filter(plan=plan).order_by("position").first()
    assert step is not None
    step.procedure, step.owner, step.team = "1. Rack it\n2. Boot it", ann, team
    services.step_save(actor=manager, step=step, expected_revision=Plan.objects.get().revision)
    services.step_save(
        actor=manager,
        step=PlanStep(plan=plan, title="Tell the bank", expected_duration=0.25),
        expected_revision=Plan.objects.get().revision,
    )
    services.call_tree_entry_save(
        actor=manager,
        entry=CallTreeEntry(plan=plan, callee=ann),
        expected_revision=Plan.objects.get().revision,
    )
    services.communication_save(
        actor=manager,
        communication=Communication(plan=plan, audience="Staff", channel="E-mail", timing="1h"),
        expected_revision=Plan.objects.get().revision,
    )
    DistributionEntry.objects.create(plan=plan, person=ann, role=DistributionRole.KEY_STAFF)
    first = export()
    written = _plan_of(first, "critical")
    assert written["purpose"] == "Pay on time.\r\nAlways."
    assert [s.get("node") for s in written["steps"]] == [
        "site",
        "vendor",
        "server",
        "app",
        "payroll",
        None,
    ]
    assert written["steps"][-1] == {"title": "Tell the bank", "expected_duration": "15m"}

    empty_database()
    load(manager, first)
    assert export() == first


def _markdown(length: int) -> str:
    line = "- Check the **backup** log, then restore the volume.\n"
    return (line * (length // len(line) + 1))[:length]


def test_a_long_procedure_is_exported_and_loaded_back(small):
    """A procedure is a TextField: 50,000 characters write and read back; 200,000 (over the
    model file's text limit) are refused with the path, and nothing is written."""
    manager = small["manager"]
    step = PlanStep.objects.order_by("position").first()
    assert step is not None
    step.procedure = _markdown(50_000)
    services.step_save(actor=manager, step=step, expected_revision=Plan.objects.get().revision)
    first = export()
    assert _plan_of(first, "critical")["steps"][0]["procedure"] == _markdown(50_000)

    empty_database()
    load(manager, first)
    assert PlanStep.objects.order_by("position").first().procedure == _markdown(50_000)
    assert export() == first

    step = PlanStep.objects.order_by("position").first()
    step.procedure = _markdown(200_000)
    services.step_save(actor=manager, step=step, expected_revision=Plan.objects.get().revision)
    before = counts()
    with pytest.raises(ModelFileError) as info:
        modelio.model_import_bytes(actor=manager, data=export().encode(), filename="m.yaml")
    assert [p.path for p in info.value.problems] == ["plans[0].steps[0].procedure"]
    assert "longer than the limit of 100000" in str(info.value)
    assert counts() == before


def test_export_reads_plans_in_seven_queries_and_none_without(small):
    Plan.objects.all().delete()
    with CaptureQueriesContext(connection) as without:
        modelio.model_export()
    services.plan_create(
        actor=small["manager"],
        plan=Plan(key="again", title="Again"),
        scope=[small["process"]],
    )
    with CaptureQueriesContext(connection) as with_plans:
        modelio.model_export()
    assert len(with_plans) == len(without) + 7


def test_a_file_with_a_bad_plan_changes_nothing(demo):
    first = export()
    data = load_bytes(first.encode(), filename="m.yaml")
    assert isinstance(data, dict)
    data["people"][0]["name"] = "Someone Else"  # a good change, refused with the rest
    plan = data["plans"][0]
    steps = plan["steps"]
    steps[0], steps[-1] = steps[-1], steps[0]  # a process before what it needs
    plan["steps"][1]["node"] = "no-such-node"
    plan["title"] = "x" * 201
    data["plans"].append(
        {"id": "add", "title": "Add", "template": "itscm", "scope": ["svc-mis"], "teams": ["zz"]}
    )
    before = counts()
    with pytest.raises(ModelFileError) as info:
        modelio.model_import(actor=demo, model=data)
    problems = [str(p) for p in info.value.problems]
    assert problems == [
        "plans[0].steps[1].node: unknown id 'no-such-node'",
        "plans[1].teams[0]: unknown id 'zz'",
    ]
    assert counts() == before

    del plan["steps"][1]["node"]  # what the format accepts; the database's rules next
    data["plans"][1]["teams"] = []
    with pytest.raises(ModelFileError) as info:
        modelio.model_import(actor=demo, model=data)
    problems = [str(p) for p in info.value.problems]
    assert problems[0] == (
        "plans[0].title: Ensure this value has at most 200 characters (it has 201)."
    )
    last = len(steps) - 1
    assert any(
        p.startswith(f"plans[0].steps[0].node: '{steps[0]['node']}' cannot come before steps[")
        for p in problems
    )
    assert all(p.startswith("plans[0].") for p in problems)
    assert not any(p.startswith(f"plans[0].steps[{last}]") for p in problems)
    assert counts() == before
    assert Person.objects.get(key=data["people"][0]["id"]).name != "Someone Else"


def test_a_dry_run_reports_the_plans_and_writes_nothing(demo):
    first = export()
    data = load_bytes(first.encode(), filename="m.yaml")
    assert isinstance(data, dict)
    data["plans"].append({"id": "more", "title": "More", "template": "nist", "scope": ["svc-mis"]})
    data["plans"][0]["purpose"] = "Changed."
    before = counts()
    report = modelio.model_import(actor=demo, model=data, dry_run=True)
    assert report.sections["plans"] == modelio.SectionReport(
        created=("more",), changed=(services.DEMO_PLAN_KEY,)
    )
    assert counts() == before


def test_loading_over_an_approved_plan_keeps_its_versions_and_replaces_the_draft(demo):
    plan = Plan.objects.get(key=services.DEMO_PLAN_KEY)
    version = plan.versions.get()
    approved_content = copy.deepcopy(version.content)
    middle = plan.call_tree.order_by("position")[1]
    services.call_tree_entry_delete(actor=demo, entry=middle, expected_revision=plan.revision)
    plan.refresh_from_db()
    tree = len(demo_data.DEMO_CALL_TREE)
    assert list(plan.call_tree.values_list("position", flat=True)) == [1, *range(3, tree + 1)]
    editor_revision = plan.revision  # someone has the plan open in the pages
    steps_before = list(plan.steps.order_by("position").values_list("pk", flat=True))
    data = load_bytes(export().encode(), filename="m.yaml")
    assert isinstance(data, dict)
    written = data["plans"][0]
    written["purpose"] = "Recover the exams first."
    written["steps"][0]["procedure"] = "Check the power first."
    written["steps"].append({"title": "Write the report", "owner": "p-hale"})
    written["communications"] = []
    # The demo's list: one person's role changes, one joins, the others leave.
    assert {"person": "p-hale", "role": "key_staff"} in written["distribution"]
    written["distribution"] = [
        {"person": "p-hale", "role": "offsite_holder"},
        {"person": "p-wilson", "role": "key_staff"},
    ]
    left = len(demo_data.DEMO_DISTRIBUTION) - 1
    entries = AuditEntry.objects.count()

    report = modelio.model_import(actor=demo, model=data)

    assert report.sections["plans"].changed == (services.DEMO_PLAN_KEY,)
    plan.refresh_from_db()
    assert plan.purpose == "Recover the exams first."
    assert plan.revision == editor_revision + 1
    steps = list(plan.steps.order_by("position"))
    assert [s.pk for s in steps[:-1]] == steps_before  # matched by position: rows kept
    assert steps[0].procedure == "Check the power first."
    assert (steps[-1].position, steps[-1].title) == (len(steps), "Write the report")
    assert not plan.communications.exists()
    assert list(plan.distribution.values_list("person__key", "role")) == [
        ("p-hale", "offsite_holder"),
        ("p-wilson", "key_staff"),
    ]
    renumbered = list(range(1, tree))  # the gap closed
    assert list(plan.call_tree.values_list("position", flat=True)) == renumbered
    kept = plan.versions.get()  # versions are history: untouched
    assert kept.pk == version.pk
    assert kept.status == VersionStatus.APPROVED
    assert kept.content == approved_content
    assert services.selectors.approved_version(plan) == kept

    # The editor who loaded the plan before the import is told, not silently overwritten.
    stale = Plan.objects.get(pk=plan.pk)
    stale.purpose = "My edit"
    with pytest.raises(services.EditConflictError):
        services.plan_update(actor=demo, plan=stale, expected_revision=editor_revision)

    changes = AuditEntry.objects.order_by("pk")[entries:]
    assert sorted((e.object_type, e.action) for e in changes) == [
        ("plans.communication", "delete"),
        ("plans.distributionentry", "create"),
        *[("plans.distributionentry", "delete")] * left,
        ("plans.distributionentry", "update"),
        ("plans.plan", "update"),
        ("plans.planstep", "create"),
        ("plans.planstep", "update"),
    ]
    assert report.audit_entries == 6 + left
    assert audit.verify() == (AuditEntry.objects.count(), None)
    # And it can be submitted and approved again as usual.
    fresh = services.plan_submit(actor=demo, plan=plan)
    assert fresh.content["plan"]["purpose"] == "Recover the exams first."


def test_step_order_is_checked_only_where_the_import_sets_it(small):
    manager, plan = small["manager"], small["plan"]
    app, server = Node.objects.get(key="app"), Node.objects.get(key="server")
    # The order is set while the app needs nothing, then the dependency comes back: the stored
    # order now breaks the rule (the pages do not re-check it either).
    inventory.requirement_delete(actor=manager, requirement=app.requirements.get())
    steps = list(plan.steps.order_by("position"))
    assert [s.node.key for s in steps] == ["site", "vendor", "server", "app", "payroll"]
    services.steps_reorder(
        actor=manager,
        plan=plan,
        order=[steps[i].pk for i in (0, 1, 3, 2, 4)],
        expected_revision=Plan.objects.get(pk=plan.pk).revision,
    )
    inventory.requirement_add(actor=manager, owner=app, members=[server])
    text = export()
    assert [s["node"] for s in _plan_of(text, "critical")["steps"]] == [
        "site",
        "vendor",
        "app",
        "server",
        "payroll",
    ]
    # The same plan loads again, its order not being the import's doing; so does a change
    # that keeps the order ...
    assert load(manager, text).sections["plans"].unchanged == ("critical",)
    data = load_bytes(text.encode(), filename="m.yaml")
    assert isinstance(data, dict)
    data["plans"][0]["purpose"] = "Pay on time."
    assert modelio.model_import(actor=manager, model=data).sections["plans"].changed == (
        "critical",
    )
    # ... but an order the file sets is checked against the graph the import leaves: a changed
    # order, or a new plan (so this export does not load into an empty database as it is).
    expected = [
        "plans[0].steps[2].node: 'app' cannot come before steps[3] ('server'), which brings "
        "back something it requires: move the step after it",
    ]
    steps_written = data["plans"][0]["steps"]
    steps_written[0], steps_written[1] = steps_written[1], steps_written[0]
    revision = Plan.objects.get().revision
    with pytest.raises(ModelFileError) as info:
        modelio.model_import(actor=manager, model=data)
    assert [str(p) for p in info.value.problems] == expected
    assert Plan.objects.get().revision == revision
    empty_database()
    with pytest.raises(ModelFileError) as info:
        load(manager, text)
    assert [str(p) for p in info.value.problems] == expected
    assert not Node.objects.exists()


def test_a_plan_path_is_not_mistaken_for_a_section_path(small):
    # The database has more teams than the file lists: their labels must not leak into a
    # plan's own list of teams.
    manager = small["manager"]
    for key in ("t1", "t2"):
        inventory.team_save(actor=manager, team=Team(key=key, name=key))
    data = {
        "standby": 1,
        "teams": [{"id": "t1", "name": "t1", "members": []}],
        "plans": [
            {
                "id": "p",
                "title": "P",
                "template": "itscm",
                "scope": ["payroll"],
                "teams": ["t1", "nope"],
            }
        ],
    }
    with pytest.raises(ModelFileError) as info:
        modelio.model_import(actor=manager, model=data)
    assert [str(p) for p in info.value.problems] == ["plans[0].teams[1]: unknown id 'nope'"]


def test_a_step_of_a_node_the_file_moves_into_scope_can_name_new_nodes(manager):
    # Nodes, people and teams created by the same file can be named by its plans.
    text = """\
standby: 1
people:
- {id: ann, name: Ann}
teams:
- {id: ops, name: Ops, members: [{person: ann, role: leader}]}
assets:
- {id: srv, name: Server, type: hardware}
services:
- {id: web, name: Web, requires: [srv]}
plans:
- id: web-plan
  title: Web
  template: itscm
  scope: [web]
  teams: [ops]
  steps:
  - {title: Rebuild, node: srv, owner: ann, team: ops, expected_duration: 2h}
  - {title: Restore web, node: web}
  call_tree:
  - {callee: ann}
  distribution:
  - {person: ann, role: key_staff}
"""
    report = load(manager, text)
    assert report.sections["plans"].created == ("web-plan",)
    plan = Plan.objects.get(key="web-plan")
    assert [s.node.key for s in plan.steps.select_related("node")] == ["srv", "web"]
    assert list(plan.scope.values_list("key", flat=True)) == ["web"]
    entries = AuditEntry.objects.filter(object_type__startswith="plans.")
    assert sorted(entries.values_list("object_type", flat=True)) == [
        "plans.calltreeentry",
        "plans.distributionentry",
        "plans.plan",
        "plans.planstep",
        "plans.planstep",
    ]
    # The plan pages work on it as on any plan.
    services.steps_reorder(
        actor=manager,
        plan=plan,
        order=list(plan.steps.order_by("position").values_list("pk", flat=True)),
        expected_revision=plan.revision,
    )
    with pytest.raises(ValidationError):
        services.steps_reorder(
            actor=manager,
            plan=plan,
            order=list(plan.steps.order_by("-position").values_list("pk", flat=True)),
            expected_revision=Plan.objects.get(pk=plan.pk).revision,
        )


def test_steps_with_irregular_positions_are_renumbered(small):
    manager, plan = small["manager"], small["plan"]
    for step in plan.steps.all():
        PlanStep.objects.filter(pk=step.pk).update(position=step.position * 10)
    text = export()  # positions are not in the file, only the order
    assert load(manager, text).sections["plans"].unchanged == ("critical",)
    data = load_bytes(text.encode(), filename="m.yaml")
    assert isinstance(data, dict)
    data["plans"][0]["steps"][2]["title"] = "Rebuild the server"
    del data["plans"][0]["steps"][4]  # the process's own step
    report = modelio.model_import(actor=manager, model=data)
    assert report.sections["plans"].changed == ("critical",)
    rows = list(plan.steps.order_by("position").values_list("position", "title"))
    assert [position for position, _ in rows] == [1, 2, 3, 4]
    assert rows[2][1] == "Rebuild the server"
    assert _plan_of(export(), "critical") == data["plans"][0]
