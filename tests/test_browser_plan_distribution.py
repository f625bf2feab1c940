"""A plan built and approved in a real browser reaches its distribution list: the
acknowledgement e-mails arrive at the loopback SMTP server, and a one-time link works once."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from standby.common.testing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build_organisation(manager):
    from standby.inventory import services
    from standby.inventory.models import Node, Person

    server = services.node_save(
        actor=manager,
        node=Node(key="server", kind="asset", name="Server", asset_type="hardware"),
    )
    payroll = services.node_save(
        actor=manager, node=Node(key="payroll", kind="process", name="Payroll")
    )
    services.requirement_add(actor=manager, owner=payroll, members=[server])
    for key, name in (("ann", "Ann Ops"), ("bob", "Bob Desk")):
        services.person_save(
            actor=manager, person=Person(key=key, name=name, email=f"{key}@example.org")
        )


def test_approval_emails_the_list_and_the_link_acknowledges_once(
    page, browser, live_server, manager, smtp_server, settings
):
    settings.STANDBY_BASE_URL = live_server.url
    build_organisation(manager)
    sign_in(page, live_server.url)

    # Build the plan.
    page.goto(f"{live_server.url}/plans/")
    page.get_by_role("link", name="New plan").click()
    page.get_by_label("Id").fill("payroll-plan")
    page.get_by_label("Title").fill("Payroll recovery")
    page.get_by_label("Scope").select_option(label="Payroll")
    page.get_by_role("button", name="Create plan").click()
    page.wait_for_url(f"{live_server.url}/plans/payroll-plan/")

    # Its distribution list: Ann (key staff), Bob (off-site copy holder).
    page.goto(f"{live_server.url}/plans/payroll-plan/distribution/")
    for name, role in (("Ann Ops", "Key staff"), ("Bob Desk", "Off-site copy holder")):
        page.get_by_label("Person").select_option(label=name)
        page.get_by_label("Role").select_option(label=role)
        page.get_by_role("button", name="Add to the list").click()
        page.get_by_text(f"{name} is on the distribution list.").wait_for()

    # Submit and approve.
    page.goto(f"{live_server.url}/plans/payroll-plan/")
    page.get_by_role("link", name="Submit for approval").click()
    page.get_by_role("button", name="Submit for approval").click()
    page.wait_for_url(f"{live_server.url}/plans/payroll-plan/versions/1/")
    page.get_by_role("link", name="Approve").click()
    page.get_by_role("button", name="Approve version 1").click()
    page.wait_for_url(f"{live_server.url}/plans/payroll-plan/versions/1/")

    # The e-mails arrived at the loopback SMTP server, one per person, each with its own link.
    assert sorted(m["X-Envelope-To"] for m in smtp_server.messages) == [
        "ann@example.org",
        "bob@example.org",
    ]
    [mail] = smtp_server.to("ann@example.org")
    assert mail["Subject"] == "Please acknowledge Payroll recovery, version 1"
    body = mail.get_body(("plain",)).get_content()
    assert f"{live_server.url}/plans/payroll-plan/versions/1/" in body
    link = re.search(rf"{re.escape(live_server.url)}/plans/ack/\S+/", body)
    assert link is not None

    # Ann has no account: the link works without signing in, once.
    anonymous = browser.new_context()
    ann = anonymous.new_page()
    ann.goto(link.group(0))
    ann.get_by_role("button", name="I received version 1").click()
    ann.get_by_role("heading", name=re.compile("Thank you")).wait_for()
    again = ann.goto(link.group(0))
    assert again is not None
    assert again.status == 410
    assert ann.get_by_role("heading", name="This link was already used").is_visible()
    anonymous.close()

    # The manager's dashboard: Ann acknowledged, Bob is waiting.
    page.goto(f"{live_server.url}/plans/payroll-plan/versions/1/acknowledgements/")
    rows = page.get_by_test_id("acks").locator("tbody tr")
    assert "Acknowledged" in rows.filter(has_text="Ann Ops").inner_text()
    assert "Waiting: 0 days" in rows.filter(has_text="Bob Desk").inner_text()
    assert urlparse(page.url).path.endswith("/acknowledgements/")
