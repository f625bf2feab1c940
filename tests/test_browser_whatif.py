"""The what-if map in a real browser: a large map opens with everything that went down in view,
and each node's status is marked in its label, not by colour alone."""

from __future__ import annotations

import pytest

from standby.common.testing import sign_in
from standby.inventory import services
from standby.inventory.models import Node

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "Virtualisation cluster, main campus server room (2 of 3 hosts)"


def _college(manager, services_count=12):
    """One server (long name) behind services_count services, each behind its own process."""
    srv = services.node_save(
        actor=manager, node=Node(key="srv", kind="asset", name=LONG, asset_type="hardware")
    )
    for i in range(services_count):
        svc = services.node_save(
            actor=manager, node=Node(key=f"svc-{i}", kind="service", name=f"Service {i}")
        )
        services.requirement_add(actor=manager, owner=svc, members=[srv])
        proc = services.node_save(
            actor=manager, node=Node(key=f"proc-{i}", kind="process", name=f"Process {i}")
        )
        services.requirement_add(actor=manager, owner=proc, members=[svc])


def test_a_large_whatif_map_opens_with_the_failed_and_downed_nodes_in_view(
    page, live_server, manager
):
    _college(manager, services_count=30)  # 61 nodes: the map used to open on the failed one
    sign_in(page, live_server.url)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/strategy/what-if/?fail=srv")
    page.wait_for_selector("#depmap[data-ready='1'] canvas")
    outside = page.evaluate(
        """() => {
        const cy = window.standbyDepmap, w = cy.width(), h = cy.height();
        return cy.nodes().filter(n => {
          const b = n.renderedBoundingBox({includeLabels: false});
          return b.x1 < 0 || b.y1 < 0 || b.x2 > w || b.y2 > h;
        }).map(n => n.data('key'));
      }"""
    )
    assert page.evaluate("window.standbyDepmap.nodes().length") == 61
    assert outside == []
    # The status leads the label, so cutting a long name keeps it; the legend explains it.
    labels = page.evaluate(
        "Object.fromEntries(window.standbyDepmap.nodes()"
        ".map(n => [n.data('key'), n.style('label')]))"
    )
    assert labels["srv"] == "\u2715 " + LONG
    assert labels["proc-0"] == "\u2193 Process 0"
    legend = page.locator(".depmap-legend").inner_text()
    assert "\u2715 failed" in legend
    assert "\u2193 down through its requirements" in legend


def test_a_small_whatif_map_is_not_blown_up(page, live_server, manager):
    _college(manager, services_count=1)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/strategy/what-if/?fail=srv")
    page.wait_for_selector("#depmap[data-ready='1'] canvas")
    assert page.evaluate("window.standbyDepmap.zoom()") <= 1.4
    assert page.evaluate(
        "window.standbyDepmap.nodes().every(n => { const p = n.renderedPosition(), "
        "cy = window.standbyDepmap; "
        "return p.x > 0 && p.y > 0 && p.x < cy.width() && p.y < cy.height(); })"
    )


def test_spof_report_show_pairs_toggles_to_hide_and_shows_only_the_pairs(
    page, live_server, manager
):
    a, b = (
        services.node_save(
            actor=manager, node=Node(key=k, kind="asset", name=k.upper(), asset_type="hardware")
        )
        for k in ("isp-a", "isp-b")
    )
    web = services.node_save(actor=manager, node=Node(key="web", kind="service", name="Web"))
    services.requirement_add(actor=manager, owner=web, members=[a, b], at_least=1)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/strategy/single-points-of-failure/")
    button = page.get_by_role("button", name="Show pairs of Web")
    assert button.get_attribute("aria-expanded") == "false"
    button.click()
    panel = page.locator("#pairs-1")
    panel.get_by_text("Failing pairs").wait_for()
    assert "Single points of failure" not in panel.inner_text()
    assert "ISP-A + ISP-B" in panel.inner_text()
    page.wait_for_selector("#pairs-1.collapse.show")  # Bootstrap ignores clicks mid-animation
    button = page.get_by_role("button", name="Hide pairs of Web")
    assert button.get_attribute("aria-expanded") == "true"
    button.click()
    page.get_by_role("button", name="Show pairs of Web").wait_for()
    panel.wait_for(state="hidden")
