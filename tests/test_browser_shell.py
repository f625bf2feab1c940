"""The page shell in a real browser: sign in, navigate, phone width, keyboard."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username="manager", password="correct-horse-battery"):
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")


def test_sign_in_shows_the_dashboard_with_every_area(page, live_server, manager):
    sign_in(page, live_server)
    assert page.get_by_role("heading", name="Continuity programme").is_visible()
    for area in ("Inventory", "BIA", "Risks", "Strategy", "Plans", "Exercises"):
        assert page.get_by_role("heading", name=area).is_visible()
    page.get_by_role("link", name="Exercises").first.click()
    assert page.get_by_text("Not yet available").first.is_visible()


def test_phone_width_has_a_menu_button_and_no_horizontal_scroll(page, live_server, manager):
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, live_server)
    toggle = page.get_by_role("button", name="Show navigation")
    assert toggle.is_visible()
    toggle.click()
    page.get_by_role("link", name="Plans").first.wait_for(state="visible")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375


def test_keyboard_reaches_the_skip_link_first(page, live_server, manager):
    sign_in(page, live_server)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"


def test_auditor_sees_the_audit_log_but_no_user_management(page, live_server, make_user):
    make_user("auditor", "ava")
    sign_in(page, live_server, username="ava")
    page.get_by_role("button", name="ava").click()
    assert page.get_by_role("link", name="Audit log").is_visible()
    assert page.get_by_role("link", name="Users").count() == 0
    page.goto(f"{live_server.url}/accounts/users/")
    assert page.get_by_role("heading", name="Not allowed").is_visible()
