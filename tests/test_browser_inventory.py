"""The inventory in a real browser: a 2-of-3 group, the dependency map, a guarded delete."""

from __future__ import annotations

import os

import pytest

from standby.common.testing import sign_in
from standby.inventory import services
from standby.inventory.models import Node

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _map_keys(page):
    page.wait_for_selector("#depmap[data-ready='1']")
    return page.evaluate("window.standbyDepmap.nodes().map(n => n.data('key') || n.data('label'))")


def test_redundancy_group_shows_on_the_page_and_the_map_and_delete_names_dependants(
    page, live_server, manager
):
    for key in ("db-a", "db-b"):
        services.node_save(
            actor=manager, node=Node(key=key, kind="asset", name=key.upper(), asset_type="hardware")
        )
    services.node_save(actor=manager, node=Node(key="web", kind="service", name="Web shop"))
    sign_in(page, live_server.url)

    # Create an asset through the form.
    page.goto(f"{live_server.url}/inventory/assets/new/")
    page.get_by_label("Id").fill("db-c")
    page.get_by_label("Name").fill("Database C")
    page.get_by_label("Asset type").select_option("hardware")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}/inventory/assets/db-c/")

    # Put it in a 2-of-3 group of the service, picking the nodes from the search.
    page.goto(f"{live_server.url}/inventory/services/web/")
    search = page.get_by_label("Find nodes to require")
    search.fill("db")
    for key in ("db-a", "db-b", "db-c"):
        page.locator(f"#pick-{key}").check()
    page.get_by_label("At least").fill("2")
    page.get_by_role("button", name="Add requirement").click()
    page.wait_for_url(f"{live_server.url}/inventory/services/web/")
    requires = page.locator(".requires-list")
    assert "at least 2 of 3" in requires.inner_text()
    assert "Database C" in requires.inner_text()

    # The map shows the asset and the group node.
    keys = _map_keys(page)
    assert {"web", "db-a", "db-b", "db-c", "2 of 3"} <= set(keys)
    shots = os.environ.get("STANDBY_SCREENSHOTS")
    if shots:
        page.screenshot(path=os.path.join(shots, "service-detail.png"), full_page=True)

    # Delete the asset: told what requires it, confirmation needed.
    page.goto(f"{live_server.url}/inventory/assets/db-c/delete/")
    assert "is required by 1 node" in page.locator(".alert-warning").inner_text()
    assert "Web shop" in page.locator(".dependants-list").inner_text()
    page.get_by_label("Yes, delete it").check()
    page.get_by_role("button", name="Delete Database C").click()
    page.wait_for_url(f"{live_server.url}/inventory/assets/")
    assert not Node.objects.filter(key="db-c").exists()


def test_the_map_stays_usable_with_200_nodes_on_a_phone(page, live_server, manager):
    from standby.inventory.models import Requirement, RequirementMember

    svc = services.node_save(actor=manager, node=Node(key="big", kind="service", name="Big"))
    assets = Node.objects.bulk_create(
        Node(key=f"a-{i}", kind="asset", name=f"Server {i}", asset_type="hardware")
        for i in range(200)
    )
    requirement = Requirement.objects.create(owner=svc, at_least=120, form="at_least")
    RequirementMember.objects.bulk_create(
        RequirementMember(requirement=requirement, node=a, position=i) for i, a in enumerate(assets)
    )
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/inventory/services/big/")
    assert len(_map_keys(page)) == 202
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shots = os.environ.get("STANDBY_SCREENSHOTS")
    if shots:
        page.locator("#depmap").screenshot(path=os.path.join(shots, "map-200-phone.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    _map_keys(page)
    if shots:
        page.locator("#depmap").screenshot(path=os.path.join(shots, "map-200.png"))
    # Clicking a node opens its page.
    page.evaluate("window.standbyDepmap.$('[key = \"a-0\"]').emit('tap')")
    page.wait_for_url(f"{live_server.url}/inventory/assets/a-0/")
