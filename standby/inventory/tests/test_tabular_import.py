"""Spreadsheet import: each entity, updates by id, errors by row and column, all or none."""

from __future__ import annotations

import pytest

from standby.common.models import AuditEntry
from standby.inventory import services
from standby.inventory.models import Contract, Node, Person, Requirement, Team, TeamMember
from standby.inventory.tabular.apply import ImportRefusedError, import_apply
from standby.inventory.tabular.plan import plan_import, stored_requires
from standby.inventory.tabular.reading import read_table


def csv_bytes(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


def plan_of(entity: str, *lines: str):
    return plan_import(entity, read_table(csv_bytes(*lines)))


def run(manager, entity: str, *lines: str):
    plan = plan_of(entity, *lines)
    assert plan.ok, plan.problems
    return plan, import_apply(actor=manager, plan=plan)


def problems(plan) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in plan.problems]


def requires_of(key: str) -> str:
    from standby.inventory.tabular.grammar import format_requires

    node = Node.objects.get(key=key)
    return format_requires(stored_requires([node.pk]).get(node.pk, []))


def state() -> tuple[int, ...]:
    """Row counts of every inventory table and the audit log: 'nothing changed' means equal."""
    return (
        Node.objects.count(),
        Requirement.objects.count(),
        Person.objects.count(),
        Team.objects.count(),
        TeamMember.objects.count(),
        Contract.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def base(manager):
    """A site, a supplier, three databases and two people, made through the services."""

    def node(key, kind, **extra):
        return services.node_save(
            actor=manager, node=Node(key=key, kind=kind, name=key.upper(), **extra)
        )

    node("hq", "location")
    node("acme", "supplier")
    for key in ("db-1", "db-2", "db-3"):
        node(key, "asset", asset_type="hardware")
    for key in ("alice", "bob"):
        services.person_save(actor=manager, person=Person(key=key, name=key.title()))


@pytest.mark.django_db
def test_assets_import_with_a_two_of_three_requirement(manager, base):
    _, outcome = run(
        manager,
        "assets",
        "ID,Name,Type,Location,Supplier,Recovery_Time,Requires",
        "lan,Office LAN,network,hq,acme,90m,",
        'app,App server,software,,,4,"lan; 2 of (db-1, db-2, db-3)"',
    )
    assert (outcome.created, outcome.updated, outcome.unchanged) == (2, 0, 0)
    lan = Node.objects.get(key="lan")
    assert (lan.kind, lan.asset_type, lan.recovery_time) == ("asset", "network", 1.5)
    assert (lan.location.key, lan.supplier.key) == ("hq", "acme")
    assert Node.objects.get(key="app").recovery_time == 4.0
    assert requires_of("app") == "lan; 2 of (db-1, db-2, db-3)"
    assert Requirement.objects.get(owner__key="app", at_least=2).form == "at_least"


@pytest.mark.django_db
def test_processes_import_with_owner_and_requirements_on_rows_of_the_same_file(manager, base):
    run(
        manager,
        "processes",
        "id,name,owner,requires,description",
        'pay,Pay staff,alice,"any_of(db-1, db-2)",',
        "enrol,Enrol students,bob,pay,First contact",
    )
    pay, enrol = Node.objects.get(key="pay"), Node.objects.get(key="enrol")
    assert (pay.kind, pay.owner.key, enrol.owner.key) == ("process", "alice", "bob")
    assert requires_of("pay") == "any_of(db-1, db-2)"
    assert requires_of("enrol") == "pay"
    assert enrol.description == "First contact"


@pytest.mark.django_db
def test_people_import(manager):
    run(
        manager,
        "people",
        "id,name,email,phone,out_of_hours_phone,leaves_on",
        "carol,Carol Jones,carol@example.org,+44 1,+44 2,2027-03-31",
        "dave,Dave,,,,",
    )
    carol = Person.objects.get(key="carol")
    assert (carol.email, carol.out_of_hours_phone, str(carol.leaves_on)) == (
        "carol@example.org",
        "+44 2",
        "2027-03-31",
    )
    assert Person.objects.get(key="dave").leaves_on is None


@pytest.mark.django_db
def test_teams_import_with_members_and_roles(manager, base):
    run(manager, "teams", "id,name,members", "it-recovery,IT recovery,alice:leader; bob:technical")
    team = Team.objects.get(key="it-recovery")
    members = list(team.memberships.order_by("position").values_list("person__key", "role"))
    assert members == [("alice", "leader"), ("bob", "technical")]


@pytest.mark.django_db
def test_services_locations_suppliers_and_contracts_import(manager, base):
    run(manager, "locations", "id,name,kind,recovery_time", "dr,DR site,Alternate,2d")
    run(manager, "suppliers", "id,name,recovery_time", "isp,ISP Ltd,1w")
    run(manager, "services", "id,name,owner,requires", "web,Website,alice,db-1")
    run(
        manager,
        "contracts",
        "id,supplier,name,guarantees,recovery_time,expires_on",
        "isp-sla,isp,SLA,Line back within 8 h,8h,2027-01-01",
    )
    dr = Node.objects.get(key="dr")
    assert (dr.kind, dr.location_kind, dr.recovery_time) == ("location", "alternate", 48.0)
    assert Node.objects.get(key="isp").recovery_time == 168.0
    assert Node.objects.get(key="web").kind == "service"
    contract = Contract.objects.get(key="isp-sla")
    assert (contract.supplier.key, contract.recovery_time) == ("isp", 8.0)


@pytest.mark.django_db
def test_rows_update_by_id_and_the_plan_says_what_changes(manager, base):
    run(manager, "assets", "id,name,type,requires", "lan,LAN,network,db-1", "wan,WAN,network,")
    plan = plan_of(
        "assets",
        "id,name,type,requires",
        'lan,Office LAN,network,"any_of(db-1, db-2)"',  # name and requires change
        "wan,WAN,network,",  # unchanged
        "new-1,New,data,",  # created
    )
    by_key = {row.key: row for row in plan.rows}
    assert [by_key[k].action for k in ("lan", "wan", "new-1")] == ["update", "unchanged", "create"]
    assert by_key["lan"].changed == ["name", "requires"]
    before_audit = AuditEntry.objects.count()
    outcome = import_apply(actor=manager, plan=plan)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (1, 1, 1)
    assert Node.objects.get(key="lan").name == "Office LAN"
    assert requires_of("lan") == "any_of(db-1, db-2)"
    assert Node.objects.filter(key="lan").count() == 1
    # the unchanged row writes nothing: lan (its name; its requirements) and new-1 only
    entries = list(AuditEntry.objects.order_by("id")[before_audit:])
    assert [(e.action, e.object_repr) for e in entries] == [
        ("update", "Office LAN"),
        ("create", "New"),
        ("update", "Office LAN"),
    ]
    assert entries[0].changes["name"] == ["LAN", "Office LAN"]
    assert entries[2].changes == {"requires": ["db-1", "any_of(db-1, db-2)"]}


@pytest.mark.django_db
def test_a_blank_cell_clears_and_an_absent_column_keeps(manager, base):
    run(manager, "assets", "id,name,type,location,requires", "lan,LAN,network,hq,db-1")
    run(manager, "assets", "id,name,type", "lan,LAN,network")
    lan = Node.objects.get(key="lan")
    assert lan.location.key == "hq"
    assert requires_of("lan") == "db-1"
    run(manager, "assets", "id,name,type,location,requires", "lan,LAN,network,,")
    lan.refresh_from_db()
    assert lan.location is None
    assert requires_of("lan") == ""


@pytest.mark.django_db
def test_cell_errors_name_the_spreadsheet_row_and_column(manager, base):
    plan = plan_of(
        "assets",
        "id,name,type,location,supplier,recovery_time,requires",
        "ok-1,Fine,hardware,hq,acme,4h,db-1",
        "bad id!,Bad,hardware,,,,",
        "x-1,,gizmo,acme,hq,soon,",
        "x-2,X2,data,,,,2 of (db-1)",
        "x-3,X3,data,,,,db-9; alice",
        "..,Dots,data,,,,",
    )
    found = problems(plan)
    rule = (
        "Use 1–100 letters, digits, dots, dashes or underscores, starting with a letter or digit."
    )
    assert (3, "id", rule) in found
    assert (7, "id", rule) in found
    assert any(p[:2] == (4, "name") for p in found)
    assert any(p[:2] == (4, "type") and "'gizmo' is not one of" in p[2] for p in found)
    assert (4, "location", "'acme' is a supplier, not a location.") in found
    assert (4, "supplier", "'hq' is a location, not a supplier.") in found
    assert any(p[:2] == (4, "recovery_time") and "'soon'" in p[2] for p in found)
    assert (5, "requires", "'2 of' needs a number between 1 and 1.") in found
    assert any(p[:2] == (6, "requires") and "Unknown id 'db-9'" in p[2] for p in found)
    assert any(p[:2] == (6, "requires") and "'alice' is a person" in p[2] for p in found)
    assert not any(p[0] == 2 for p in found)
    assert [row.action for row in plan.rows] == ["create", *["error"] * 5]


@pytest.mark.django_db
def test_header_errors_unknown_missing_and_repeated_columns(manager):
    plan = plan_of("assets", "ID,Name,colour,name", "a,A,red,A")
    assert problems(plan) == [
        (1, "colour", plan.problems[0].message),
        (1, "name", "The column 'name' appears twice."),
        (1, "type", "The required column 'type' is missing."),
    ]
    assert "Unknown column 'colour'" in plan.problems[0].message
    assert "id, name, type" in plan.problems[0].message


@pytest.mark.django_db
def test_duplicate_ids_and_ids_of_another_kind_are_errors(manager, base):
    plan = plan_of("processes", "id,name", "pay,Pay", "pay,Pay again", "alice,Alice process")
    found = problems(plan)
    assert (3, "id", "The id 'pay' is already used in row 2.") in found
    assert any(p[:2] == (4, "id") and "already used by a person" in p[2] for p in found)
    plan = plan_of("people", "id,name", "db-1,Someone")
    assert "already used by an asset" in plan.problems[0].message


@pytest.mark.django_db
def test_a_cycle_is_refused_naming_its_nodes(manager, base):
    run(manager, "services", "id,name,requires", "web,Web,db-1")
    # db-1 → web is new; web → db-1 is stored: the cycle runs through the database's edges.
    plan = plan_of("assets", "id,name,type,requires", "db-1,DB-1,hardware,web")
    assert problems(plan) == [
        (2, "requires", "This would make a dependency cycle: db-1 → web → db-1")
    ]
    # and within one file, through rows that do not exist yet
    plan = plan_of("processes", "id,name,requires", "p-a,A,p-b", "p-b,B,p-c", "p-c,C,p-a")
    assert [p[2] for p in problems(plan)] == [
        "This would make a dependency cycle: p-a → p-b → p-c → p-a"
    ]


@pytest.mark.django_db
def test_reversing_a_dependency_in_one_file_is_not_a_cycle(manager, base):
    run(manager, "processes", "id,name,requires", "p-a,A,p-b", "p-b,B,")
    run(manager, "processes", "id,name,requires", "p-a,A,", "p-b,B,p-a")
    assert (requires_of("p-a"), requires_of("p-b")) == ("", "p-a")


@pytest.mark.django_db
def test_team_member_errors(manager, base):
    plan = plan_of(
        "teams",
        "id,name,members",
        "t-1,T1,alice:boss",
        "t-2,T2,zed:leader; db-1:user",
        "t-3,T3,alice:leader; alice:user",
    )
    found = problems(plan)
    assert any(p[:2] == (2, "members") and "unknown role 'boss'" in p[2].lower() for p in found)
    assert (3, "members", "Unknown person 'zed'.") in found
    assert (3, "members", "'db-1' is an asset, not a person.") in found
    assert (4, "members", "'alice' is listed twice.") in found


@pytest.mark.django_db
def test_any_error_writes_nothing(manager, base):
    before = state()
    plan = plan_of("assets", "id,name,type", "new-1,New,data", "new-2,New,nonsense")
    with pytest.raises(ImportRefusedError):
        import_apply(actor=manager, plan=plan)
    assert state() == before
    assert not Node.objects.filter(key="new-1").exists()


@pytest.mark.django_db
def test_a_refusal_by_the_database_rolls_back_every_row(manager, base):
    """A check the plan does not make (here: the inventory changed after the preview)."""
    plan = plan_of("assets", "id,name,type", "new-1,New,data", "new-2,Two,data")
    services.person_save(actor=manager, person=Person(key="new-2", name="Late arrival"))
    before = state()
    with pytest.raises(ImportRefusedError, match="already used by a person"):
        import_apply(actor=manager, plan=plan)
    assert state() == before


@pytest.mark.django_db
def test_only_editors_can_import(make_user, base):
    plan = plan_of("people", "id,name", "zoe,Zoe")
    before = state()
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_apply(actor=make_user("auditor"), plan=plan)
    assert state() == before
    import_apply(actor=make_user("deputy"), plan=plan)
    assert Person.objects.filter(key="zoe").exists()


@pytest.mark.django_db
def test_the_example_in_the_how_to_imports(manager, base):
    from pathlib import Path

    doc = (Path(__file__).parents[3] / "docs/how-to/spreadsheets.md").read_text()
    example = doc.split("`assets.csv`:\n\n```\n", 1)[1].split("```", 1)[0]
    services.node_save(actor=manager, node=Node(key="dr", kind="location", name="DR"))
    Node.objects.filter(key__in=["db-1", "db-2", "db-3"]).delete()
    _, outcome = run(manager, "assets", *example.strip().splitlines())
    assert outcome.created == 5
    assert requires_of("app") == "lan; 2 of (db-1, db-2, db-3)"


@pytest.mark.django_db
def test_a_cycle_made_after_the_preview_is_refused_at_confirm(manager, base):
    run(manager, "services", "id,name", "web,Web")
    plan = plan_of("assets", "id,name,type,requires", "db-1,DB-1,hardware,web")
    assert plan.ok
    web, db1 = Node.objects.get(key="web"), Node.objects.get(key="db-1")
    services.requirement_add(actor=manager, owner=web, members=[db1])  # meanwhile, elsewhere
    before = state()
    with pytest.raises(ImportRefusedError, match="cycle: db-1 → web → db-1"):
        import_apply(actor=manager, plan=plan)
    assert state() == before
