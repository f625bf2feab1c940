"""The optimiser in a real browser: a breach, apply the recommendation, the gap closes."""

from __future__ import annotations

import pytest

from standby.common.testing import sign_in
from standby.strategy.tests.test_gaps import build_breach

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_applying_the_recommendation_closes_the_rto_breach(page, live_server, manager):
    build_breach(manager)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/strategy/gaps/")
    enrol = page.locator("#gaps tr[data-key='enrol']")
    assert enrol.locator("[data-verdict]").inner_text() == "Breach"
    page.get_by_role("link", name="Optimiser").first.click()
    changes = page.locator("#changes tbody tr")
    assert changes.count() == 1
    assert "fast-recovery" in changes.first.inner_text()
    assert "needed for enrol" in changes.first.inner_text()
    page.get_by_role("link", name="Apply the recommendation").click()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(f"{live_server.url}/strategy/gaps/")
    assert page.get_by_text("Recommendation applied: 1 options changed.").is_visible()
    enrol = page.locator("#gaps tr[data-key='enrol']")
    assert enrol.locator("[data-verdict]").inner_text() == "At risk"
    assert "8 h" in enrol.inner_text()
