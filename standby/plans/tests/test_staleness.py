"""Staleness: every reason a plan goes stale, with its link, in a constant number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from standby.bia import services as bia
from standby.inventory import services as inventory
from standby.inventory.models import Contract, Node, Team
from standby.plans import staleness
from standby.plans.models import Acknowledgement, CallTreeEntry
from standby.plans.tests.test_distribution_world import (
    URLCONF,
    approved_version,
    build_world,
    days_ago,
    node,
    person,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLCONF)]


@pytest.fixture
def world(manager: Any) -> Any:
    return build_world(manager)


def _reasons(world: Any) -> list[staleness.Reason]:
    found = {p.key: p for p in staleness.stale_plans()}
    return found[world.plan.key].reasons if world.plan.key in found else []


def test_a_freshly_approved_plan_is_not_stale(world):
    assert staleness.stale_plans() == []


def test_changing_an_asset_in_the_scope_marks_the_plan_stale_with_that_reason(world, manager):
    world.asset.name = "HR server (replaced)"
    inventory.node_save(actor=manager, node=world.asset)

    (stale,) = staleness.stale_plans()
    assert stale.key == world.plan.key
    (reason,) = stale.reasons
    assert reason.kind == staleness.Why.CHANGE
    assert reason.text.startswith("Asset “HR server (replaced)” changed on ")
    assert reason.url == reverse("inventory:asset_detail", args=[world.asset.key])


def test_a_new_requirement_of_a_node_in_the_cone_is_a_reason(world, manager):
    disk = node(manager, "disk", "asset", asset_type="hardware")
    inventory.requirement_add(actor=manager, owner=world.asset, members=[disk])
    texts = [r.text for r in _reasons(world)]
    assert any(t.startswith("The requirements of asset “Hr Server” changed") for t in texts)
    assert any(t.startswith("Asset “Disk” was added") for t in texts)


def test_changes_outside_the_cone_or_before_approval_do_not_count(world, manager):
    other = node(manager, "canteen", "asset", asset_type="facility")
    other.name = "Canteen (moved)"
    inventory.node_save(actor=manager, node=other)
    assert staleness.stale_plans() == []


def test_a_contract_of_a_supplier_in_the_cone_is_a_reason(manager):
    supplier = node(manager, "acme", "supplier")
    contract = inventory.contract_save(
        actor=manager, contract=Contract(key="acme-sla", supplier=supplier, name="ACME SLA")
    )
    world = build_world(manager, approve=False)
    world.asset.supplier = supplier
    inventory.node_save(actor=manager, node=world.asset)
    world.version = approved_version(manager, world.plan)
    assert staleness.stale_plans() == []
    contract.recovery_time = 48
    inventory.contract_save(actor=manager, contract=contract)
    (reason,) = _reasons(world)
    assert reason.text.startswith("Supplier contract “ACME SLA” changed")
    assert reason.url == reverse("inventory:contract_detail", args=["acme-sla"])


def test_a_contact_on_the_distribution_list_call_tree_or_team_is_a_reason(world, manager):
    dan = person(manager, "dan", "dan@example.org")
    eve = person(manager, "eve", "eve@example.org")
    team = inventory.team_save(actor=manager, team=Team(key="hr-team", name="HR team"))
    inventory.team_set_members(actor=manager, team=team, members=[(eve, "technical")])
    world.plan.teams.add(team)
    CallTreeEntry.objects.create(plan=world.plan, position=0, callee=dan)
    world.version.approved_at = timezone.now()
    world.version.save()
    assert staleness.stale_plans() == []

    ann = world.people["ann"]
    ann.phone = "+44 1234"
    inventory.person_save(actor=manager, person=ann)
    dan.out_of_hours_phone = "+44 999"
    inventory.person_save(actor=manager, person=dan)
    eve.email = "eve.new@example.org"
    inventory.person_save(actor=manager, person=eve)
    inventory.team_set_members(actor=manager, team=team, members=[(eve, "user")])
    texts = [r.text for r in _reasons(world)]
    assert any(t.startswith("Contact “Ann” changed") for t in texts)
    assert any(t.startswith("Contact “Dan” changed") for t in texts)
    assert any(t.startswith("Contact “Eve” changed") for t in texts)
    assert any(t.startswith("Team “HR team” changed") for t in texts)
    urls = {r.url for r in _reasons(world)}
    assert reverse("inventory:person_detail", args=["dan"]) in urls
    assert reverse("inventory:team_detail", args=["hr-team"]) in urls


def test_a_bia_value_of_a_scope_process_is_a_reason(world, manager):
    from standby.bia.tests.helpers import answered

    answered(manager, world.process, rto=4)
    reasons = _reasons(world)
    assert any(r.text.startswith("The BIA of “Payroll” changed") for r in reasons)
    assert reverse("bia:record_detail", args=["payroll"]) in {r.url for r in reasons}
    assert bia  # the BIA services write the audit entries read here


def test_a_leaver_named_in_the_plan_is_a_reason(world, manager):
    bob = world.people["bob"]
    # Planned in the future: not yet a reason (and the change itself predates nothing: set the
    # date before approval by re-approving).
    bob.leaves_on = timezone.localdate() + dt.timedelta(days=10)
    inventory.person_save(actor=manager, person=bob)
    world.version.approved_at = timezone.now()
    world.version.save()
    assert staleness.stale_plans() == []
    reasons = staleness.stale_plans(today=timezone.localdate() + dt.timedelta(days=10))[0].reasons
    assert [r.kind for r in reasons] == [staleness.Why.LEAVER]
    assert reasons[0].text.startswith("Bob left on ")
    assert reasons[0].url == reverse("inventory:person_detail", args=[bob.key])


def test_a_passed_review_date_is_a_reason(world):
    world.plan.review_by = timezone.localdate() - dt.timedelta(days=1)
    world.plan.save()
    (reason,) = _reasons(world)
    assert reason.kind == staleness.Why.REVIEW
    assert "has passed" in reason.text
    world.plan.review_by = timezone.localdate()
    world.plan.save()
    assert staleness.stale_plans() == []  # due today is not yet passed


def test_missing_acknowledgements_after_the_grace_period_are_a_reason(world):
    from standby.plans import distribution

    distribution.send_on_approval(world.version)
    Acknowledgement.objects.filter(person=world.people["ann"]).update(acknowledged_at=days_ago(0))
    Acknowledgement.objects.filter(person=world.people["bob"]).update(emailed_at=days_ago(1))
    # Cat has no e-mail address: never e-mailed, so missing at once.
    (reason,) = _reasons(world)
    assert reason.kind == staleness.Why.ACKNOWLEDGEMENTS
    assert reason.text == "1 on the distribution list have not acknowledged version 1: Cat."
    assert reason.url == reverse("plans:ack_dashboard", args=[world.plan.key, 1])
    Acknowledgement.objects.filter(person=world.people["bob"]).update(emailed_at=days_ago(8))
    assert "2 on the distribution list" in _reasons(world)[0].text


def test_reasons_are_ordered_most_pressing_first(world, manager):
    world.asset.name = "New server"
    inventory.node_save(actor=manager, node=world.asset)
    world.plan.review_by = timezone.localdate() - dt.timedelta(days=3)
    world.plan.save()
    assert [r.kind for r in _reasons(world)] == [staleness.Why.REVIEW, staleness.Why.CHANGE]


def test_a_save_without_a_change_is_no_reason(world, manager):
    inventory.node_save(actor=manager, node=Node.objects.get(pk=world.service.pk))
    assert staleness.stale_plans() == []


def test_removing_a_node_from_the_cone_is_a_reason(world, manager):
    inventory.node_delete(actor=manager, node=world.asset, remove_requirements=True)
    (reason,) = _reasons(world)
    assert reason.text.startswith("The requirements of IT service “Hr System” changed")


def _many_plans(manager: Any, count: int) -> None:
    for i in range(count):
        world = build_world(manager, key=f"plan-{i}")
        world.asset.name = f"Server {i} replaced"
        inventory.node_save(actor=manager, node=world.asset)
        world.plan.review_by = timezone.localdate() - dt.timedelta(days=1)
        world.plan.save()


def _queries() -> int:
    with CaptureQueriesContext(connection) as captured:
        found = staleness.stale_plans()
    assert all(len(p.reasons) == 2 for p in found)
    return len(captured)


def test_the_query_count_does_not_grow_with_the_number_of_plans(manager):
    _many_plans(manager, 3)
    few = _queries()
    _many_plans_more = 17
    for i in range(3, 3 + _many_plans_more):
        world = build_world(manager, key=f"plan-{i}")
        world.asset.name = f"Server {i} replaced"
        inventory.node_save(actor=manager, node=world.asset)
        world.plan.review_by = timezone.localdate() - dt.timedelta(days=1)
        world.plan.save()
    assert len(staleness.stale_plans()) == 20
    assert _queries() == few


def test_the_stale_list_page_and_the_banner(client, world, manager):
    world.asset.name = "HR server v2"
    inventory.node_save(actor=manager, node=world.asset)
    client.force_login(manager)
    html = client.get(reverse("plans:stale_list")).content.decode()
    assert world.plan.title in html
    assert "Asset “HR server v2” changed" in html
    assert reverse("inventory:asset_detail", args=[world.asset.key]) in html
    from django.template.loader import render_to_string

    banner = render_to_string("plans/_stale_banner.html", staleness.banner_context(world.plan))
    assert 'data-testid="stale-banner"' in banner
    assert "HR server v2" in banner


def test_the_dashboard_lists_stale_plans_with_their_first_reasons(client, world, manager):
    world.asset.name = "HR server v3"
    inventory.node_save(actor=manager, node=world.asset)
    client.force_login(manager)
    html = client.get(reverse("common:home")).content.decode()
    assert "Stale plans" in html
    assert world.plan.title in html
    assert "Asset “HR server v3” changed" in html
