"""The risk register in a real browser: add a risk with a measure, watch it move on the heat
map from inherent to residual, and read the measure's cost-benefit."""

from __future__ import annotations

import pytest

from standby.common.testing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def organisation(manager):
    from standby.bia.tests.helpers import answered
    from standby.inventory import services as inventory
    from standby.inventory.models import Node

    server = inventory.node_save(
        actor=manager,
        node=Node(key="srv", kind="asset", name="Server", asset_type="hardware", recovery_time=4),
    )
    process = inventory.node_save(
        actor=manager, node=Node(key="pay", kind="process", name="Pay staff")
    )
    inventory.requirement_add(actor=manager, owner=process, members=[server])
    answered(manager, process, losses=[100, 400, 1000, 3000, 7000, 14000, 28000])
    return server


def test_a_risk_with_a_measure_moves_on_the_heat_map_and_shows_its_cost_benefit(
    page, live_server, organisation
):
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/risks/")
    page.get_by_role("link", name="Add the first risk").click()
    page.get_by_label("Name").fill("Power cut in the server room")
    page.get_by_label("Category").select_option(label="Loss of internal ICT services/assets")
    page.get_by_label("Threats").select_option(label="Power failure")
    page.get_by_label("What it hits").select_option(label="Server")
    page.get_by_label("Inherent likelihood").select_option(label="5 Almost certain")
    page.get_by_label("Inherent impact").select_option(label="4 Major")
    page.get_by_label("Residual likelihood").select_option(label="2 Unlikely")
    page.get_by_label("Residual impact").select_option(label="3 Moderate")
    page.locator("#id_treatment").select_option(label="Reduce")
    page.get_by_label("Reason for the treatment").fill("A UPS is cheaper than the outages.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Power cut in the server room").wait_for()
    assert "Very high (20)" in page.locator("#inherent-rating").inner_text()
    assert "Medium (6)" in page.locator("#residual-rating").inner_text()

    page.get_by_role("link", name="Add a measure").click()
    page.get_by_label("Name").fill("UPS")
    page.get_by_label("Annual cost").fill("50")
    page.get_by_label("Effect").select_option(label="Frequency of the risk's threats")
    page.get_by_label("Factor").fill("0.1")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("cell", name="UPS", exact=True).wait_for()

    page.get_by_role("link", name="Heat map").click()
    risk_id = page.locator("svg [id$='-inherent']").first.get_attribute("id").split("-")[1]
    inherent = page.locator(f"#risk-{risk_id}-inherent").bounding_box()
    residual = page.locator(f"#risk-{risk_id}-residual").bounding_box()
    assert page.locator(f"#risk-{risk_id}-arrow").count() == 1
    # Higher likelihood is drawn higher (smaller y); higher impact further right.
    assert residual["y"] > inherent["y"]
    assert residual["x"] < inherent["x"]
    row = page.locator(f"#position-{risk_id}").inner_text()
    assert "L5 × I4" in row
    assert "L2 × I3" in row

    page.get_by_role("link", name="Annual loss").click()
    verdict = page.locator("#cost-benefit tr", has_text="UPS")
    assert "Economical" in verdict.inner_text()
    assert "Not economical" not in verdict.inner_text()
