"""A recovery plan built through the pages and approved, in a real browser."""

from __future__ import annotations

import pytest

from standby.common.testing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build_organisation(manager):
    """A process needing a service on a server, and a person for the call tree."""
    from standby.inventory import services
    from standby.inventory.models import Node, Person

    server = services.node_save(
        actor=manager,
        node=Node(key="server", kind="asset", name="Server", asset_type="hardware"),
    )
    app = services.node_save(actor=manager, node=Node(key="app", kind="service", name="App"))
    payroll = services.node_save(
        actor=manager, node=Node(key="payroll", kind="process", name="Payroll")
    )
    services.requirement_add(actor=manager, owner=app, members=[server])
    services.requirement_add(actor=manager, owner=payroll, members=[app])
    Person.objects.create(key="ann", name="Ann Ops", phone="0100", out_of_hours_phone="07700")


def test_build_a_plan_and_approve_it(page, live_server, manager):
    build_organisation(manager)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/plans/")
    page.get_by_role("link", name="New plan").click()
    page.get_by_label("Id").fill("payroll-plan")
    page.get_by_label("Title").fill("Payroll recovery")
    page.get_by_label("Scope").select_option(label="Payroll")
    page.get_by_role("button", name="Create plan").click()
    page.wait_for_url(f"{live_server.url}/plans/payroll-plan/")
    sequence = page.locator("#section-sequence")
    titles = sequence.locator("li > p:first-child > strong").all_inner_texts()
    assert titles == ["1. Recover Server", "2. Restore App", "3. Resume Payroll"]

    page.locator("#section-invocation").get_by_role("link", name="Edit").click()
    page.get_by_label("Triggers and criteria for invocation").fill("Payroll down for **4 h**")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}/plans/payroll-plan/")
    assert page.locator("#section-invocation strong").inner_text() == "4 h"

    page.get_by_role("link", name="Call tree").first.click()
    page.get_by_label("Callee").select_option(label="Ann Ops")
    page.get_by_role("button", name="Add").click()
    assert page.get_by_text("Ann Ops").first.is_visible()

    page.goto(f"{live_server.url}/plans/payroll-plan/steps/")
    page.get_by_role("button", name="Move Restore App up").click()
    assert page.get_by_text("must follow “Recover Server”").is_visible()

    page.goto(f"{live_server.url}/plans/payroll-plan/")
    page.get_by_role("link", name="Submit for approval").click()
    page.get_by_role("button", name="Submit for approval").click()
    page.wait_for_url(f"{live_server.url}/plans/payroll-plan/versions/1/")
    page.get_by_role("link", name="Approve").click()
    page.get_by_role("button", name="Approve version 1").click()
    page.wait_for_url(f"{live_server.url}/plans/payroll-plan/versions/1/")
    assert page.get_by_text("Version 1 approved.").is_visible()
    # The version page shows the document as exported: people with their numbers, the steps.
    assert "07700" in page.locator(".plan-doc #people").inner_text()
    steps = page.locator(".plan-doc #sequence h3").all_inner_texts()
    assert steps == ["Step 1. Recover Server", "Step 2. Restore App", "Step 3. Resume Payroll"]
    page.goto(f"{live_server.url}/plans/")
    assert "approved" in page.locator("tbody tr").first.inner_text()
