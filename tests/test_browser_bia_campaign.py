"""A BIA campaign in a real browser: start, e-mail, XLSX round trip, approval, ranking."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from openpyxl import load_workbook

from standby.common.testing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill(path):
    """What the owner types into the questionnaire: financial intolerable (4) at 3 d."""
    workbook = load_workbook(path)
    impact = workbook["Impact"]
    for row in range(8, 14):
        for col in range(3, 10):
            impact.cell(row=row, column=col, value=0)
    for col, level in zip(range(3, 10), [0, 1, 2, 4, 5, 5, 5], strict=True):
        impact.cell(row=8, column=col, value=level)
    objectives = workbook["Objectives"]
    objectives["C4"], objectives["D4"] = 12, "Payroll must run the next day"
    objectives["C5"] = 4
    workbook.save(path)


def test_campaign_from_start_to_the_ranked_list(
    page, live_server, manager, make_user, smtp_server, tmp_path
):
    from standby.bia.tests.helpers import person, process

    olive = make_user("service_owner", "olive")
    olive.email = "olive@example.org"
    olive.save()
    owner = person(manager, "olive", "Olive@Example.org")
    process(manager, "payroll", owner=owner)

    # The manager starts a campaign.
    sign_in(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/bia/campaigns/")
    page.get_by_role("link", name="Start the first campaign").click()
    page.locator("#id_name").fill("Spring BIA")
    page.get_by_label(re.compile(r"^Payroll \(")).check()
    page.get_by_role("button", name="Start the campaign").click()
    page.get_by_role("heading", name="Spring BIA").wait_for()
    assert page.get_by_text("E-mailed 1 owner(s).").is_visible()

    # The owner gets one e-mail with the link to the task.
    [mail] = smtp_server.messages
    assert mail["X-Envelope-To"] == "Olive@Example.org"
    link = re.search(r"http://\S+/bia/tasks/\d+/", mail.get_body(("plain",)).get_content())
    assert link is not None
    task_path = urlparse(link.group(0)).path

    # The owner signs in, downloads the questionnaire, fills it in, uploads it.
    sign_in(page, live_server.url, "olive")
    page.goto(f"{live_server.url}/bia/tasks/")
    page.get_by_role("link", name="Payroll").click()
    assert urlparse(page.url).path == task_path
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the questionnaire (XLSX)").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    fill(saved)
    page.get_by_role("link", name="Upload the filled-in questionnaire").click()
    page.get_by_label("Filled-in questionnaire (XLSX)").set_input_files(str(saved))
    page.get_by_role("button", name="Upload and send for review").click()
    page.get_by_text("were saved and sent for review").wait_for()

    # The manager approves.
    sign_in(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/bia/campaigns/")
    page.get_by_role("link", name="Spring BIA").click()
    page.get_by_role("link", name="Review Payroll").click()
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("Payroll: approved.").wait_for()
    assert page.get_by_text("Closed: every answer approved").is_visible()

    # The ranked list shows the MTPD and the priority.
    page.goto(f"{live_server.url}/bia/")
    row = page.get_by_role("row").filter(has_text="Payroll")
    cells = row.get_by_role("cell")
    assert cells.nth(0).inner_text().strip() == "1"
    assert cells.nth(2).inner_text().strip() == "3 d"
    assert "Approved" in row.inner_text()
