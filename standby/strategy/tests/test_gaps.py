"""Gap analysis (page, export, CLI JSON), optimiser (page, apply, CLI) and supplier checks.

The organisation: "enrol" (RTO 24 h) needs "web", which needs the server "srv". The server is on
cold standby (120 h): losing it breaches enrol's RTO. Considered: hot standby (8 h, 15,000 a
year) and warm standby (48 h, 6,000). The cheapest mix meeting the RTO is hot standby.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from standby.bia.models import BiaRecord
from standby.bia.services import record_get_or_create
from standby.bia.templatetags.bia_tags import hours as hours_filter
from standby.common.models import AuditEntry
from standby.inventory import services as inventory
from standby.inventory.models import Contract, Node
from standby.strategy import services
from standby.strategy.models import Backup, NodeStrategy, RecoveryOption, StrategyAlternative


def make(actor, key, kind, **extra):
    return inventory.node_save(
        actor=actor, node=Node(key=key, kind=kind, name=key.title(), **extra)
    )


def build_breach(manager):
    """The organisation of the module docstring (usable from the browser test too)."""
    services.catalogue_load(actor=manager)
    option = {o.key: o for o in RecoveryOption.objects.all()}
    srv = make(manager, "srv", "asset", asset_type="hardware")
    web = make(manager, "web", "service")
    enrol = make(manager, "enrol", "process")
    inventory.requirement_add(actor=manager, owner=web, members=[srv])
    inventory.requirement_add(actor=manager, owner=enrol, members=[web])
    record_get_or_create(enrol, actor=manager)
    BiaRecord.objects.filter(node=enrol).update(rto=24)
    services.strategy_save(
        actor=manager,
        strategy=NodeStrategy(node=srv, option=option["gradual-recovery"], annual_cost=1500),
    )
    for key, hours, cost in (("fast-recovery", 8, 15000), ("intermediate-recovery", 48, 6000)):
        services.alternative_save(
            actor=manager,
            alternative=StrategyAlternative(
                node=srv, option=option[key], recovery_time=hours, annual_cost=cost
            ),
        )
    return srv


@pytest.mark.django_db
def test_the_gap_page_shows_the_breach_with_its_scenario_and_reason(client, manager):
    build_breach(manager)
    client.force_login(manager)
    response = client.get(reverse("strategy:gap_analysis"))
    rows = {r.node.key: r for r in response.context["rows"]}
    enrol = rows["enrol"]
    assert (enrol.gap.verdict, enrol.gap.worst_rta, enrol.gap.worst_scenario) == (
        "breach",
        120.0,
        "asset:srv",
    )
    assert enrol.gap.reasons
    assert [n.key for n in enrol.spofs] == ["srv"]
    body = response.content.decode()
    assert "status-breach" in body
    assert "Breach" in body


def build_named_breach(manager):
    """The breach, with names unlike the ids and a data asset backed up every 24 h 15 min."""
    srv = build_breach(manager)
    srv.name = "Main server (rack 2)"
    inventory.node_save(actor=manager, node=srv)
    db = make(manager, "db", "asset", asset_type="data", recovery_time=2)
    db.name = "Student records"
    inventory.node_save(actor=manager, node=db)
    inventory.requirement_add(actor=manager, owner=Node.objects.get(key="web"), members=[db])
    services.backup_save(actor=manager, backup=Backup(node=db, interval=24, replication_lag=0.25))
    BiaRecord.objects.filter(node__key="enrol").update(rpo=4)
    return srv


@pytest.mark.django_db
def test_the_gap_page_names_scenarios_and_nodes_and_lists_the_reasons(client, manager):
    build_named_breach(manager)
    client.force_login(manager)
    body = client.get(reverse("strategy:gap_analysis")).content.decode()
    # Scenario and node names, not ids.
    assert "Loss of Main server (rack 2)" in body
    assert "asset:srv" not in body.replace("/scenarios/asset:srv/", "")
    assert "Loss of asset srv" not in body
    assert "(Loss of Main server (rack 2)) is longer than the RTO" in body
    assert "(Student records) is longer than the RPO 4 h" in body
    # RPO / recovery point achievable as durations (the one duration filter), not "4 / 24.25".
    assert f"{hours_filter(4)} / {hours_filter(24.25)}" in body
    assert "4 / 24.25" not in body
    # Reasons as a list in a full-width row under the figures; SPOFs behind a disclosure.
    assert '<tr class="gap-reasons">' in body
    assert '<td colspan="6"' in body
    assert "<li>2 single point(s) of failure: Student records, Main server (rack 2)</li>" in body
    assert "<summary>2 single points of failure</summary>" in body


@pytest.mark.django_db
def test_the_gap_export_keeps_its_columns_and_adds_names_and_ids(client, manager):
    build_named_breach(manager)
    client.force_login(manager)
    text = client.get(reverse("strategy:gap_export"), {"format": "csv"}).content.decode()
    header, *lines = text.splitlines()
    assert header.split(",") == [
        "id", "name", "kind", "mtpd_hours", "rto_hours", "required_rto_hours",
        "worst_rta_hours", "worst_scenario", "rpo_hours", "rpa_hours",
        "single_points_of_failure", "verdict", "reasons",
        "worst_scenario_id", "single_points_of_failure_names",
    ]  # fmt: skip
    enrol = next(line for line in lines if line.startswith("enrol,"))
    assert "Loss of Main server (rack 2)" in enrol
    assert "asset:srv" in enrol
    assert "db; srv" in enrol
    assert "Student records; Main server (rack 2)" in enrol


@pytest.mark.django_db
def test_analyze_gaps_json_gives_the_same_verdicts(manager):
    build_breach(manager)
    out = StringIO()
    call_command("analyze", "gaps", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["enrol"]["verdict"] == "breach"
    assert result["enrol"]["worst_scenario"] == "asset:srv"


@pytest.mark.django_db
def test_the_gap_export_is_safe_from_formula_injection(client, manager):
    srv = build_breach(manager)
    srv.name = "=HYPERLINK(1)"
    inventory.node_save(actor=manager, node=srv)
    client.force_login(manager)
    response = client.get(reverse("strategy:gap_export"), {"format": "csv"})
    text = response.content.decode()
    assert text.splitlines()[0].startswith("id,name,kind,mtpd_hours")
    assert "enrol" in text
    xlsx = client.get(reverse("strategy:gap_export"), {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
def test_the_optimiser_recommends_hot_standby_and_applying_it_closes_the_gap(client, manager):
    srv = build_breach(manager)
    client.force_login(manager)
    page = client.get(reverse("strategy:optimiser"))
    changes = page.context["result"].changes
    assert [(c.node, c.current, c.chosen, c.needed_for) for c in changes] == [
        ("srv", "gradual-recovery", "fast-recovery", ("enrol",))
    ]
    assert changes[0].annual_cost_delta == 13500
    before = AuditEntry.objects.count()
    client.post(reverse("strategy:optimiser_apply"))
    srv.refresh_from_db()
    assert srv.recovery_time == 8
    assert AuditEntry.objects.count() > before
    gaps = client.get(reverse("strategy:gap_analysis")).context["rows"]
    enrol = {r.node.key: r for r in gaps}["enrol"]
    # The RTO breach is closed; the server stays a single point of failure (at risk).
    assert (enrol.gap.verdict, enrol.gap.worst_rta) == ("at_risk", 8.0)
    assert enrol.gap.reasons == ("1 single point(s) of failure: Srv",)


@pytest.mark.django_db
def test_optimise_json_reports_the_change(manager):
    build_breach(manager)
    out = StringIO()
    call_command("optimise", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["status"] == "optimal"
    assert result["choice"] == {"srv": "fast-recovery"}


@pytest.mark.django_db
def test_an_rto_no_option_can_meet_is_reported_as_unmeetable(client, manager):
    build_breach(manager)
    BiaRecord.objects.filter(node__key="enrol").update(rto=1)
    client.force_login(manager)
    result = client.get(reverse("strategy:optimiser")).context["result"]
    assert [u.target for u in result.unmeetable] == ["enrol"]


@pytest.mark.django_db
def test_a_contract_weaker_than_the_rto_it_serves_is_a_supplier_finding(client, manager):
    srv = build_breach(manager)
    vendor = make(manager, "vendor", "supplier")
    srv.supplier = vendor
    inventory.node_save(actor=manager, node=srv)
    inventory.contract_save(
        actor=manager,
        contract=Contract(
            key="c1",
            supplier=vendor,
            recovery_time=72,
            expires_on=dt.date.today() + dt.timedelta(days=30),
        ),
    )
    client.force_login(manager)
    response = client.get(reverse("strategy:supplier_checks"))
    (row,) = response.context["checks"].rows
    assert [g.contract for g in row.weak] == ["c1"]
    assert [c.key for c in row.expiring] == ["c1"]
    assert [n.key for n in row.dependants] == ["enrol"]  # those with a stated RTO
    panel = client.get(reverse("strategy:supplier_panel", args=["vendor"]))
    assert "contract too weak" in panel.content.decode()
