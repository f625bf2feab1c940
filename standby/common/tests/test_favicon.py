"""The icon: linked from every page, and at /favicon.ico for whatever asks for it there."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_pages_link_the_svg_icon_and_favicon_ico_serves_it(client, manager):
    client.force_login(manager)
    home = client.get(reverse("common:home")).content.decode()
    assert '<link rel="icon" href="/static/standby/favicon.svg" type="image/svg+xml">' in home
    client.logout()
    sign_in = client.get(reverse("accounts:login")).content.decode()
    assert 'rel="icon"' in sign_in
    icon = client.get("/favicon.ico")  # no sign-in needed: browsers ask before anyone signs in
    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/svg+xml"
    assert "max-age=86400" in icon["Cache-Control"]
    assert icon.content.startswith(b"<svg ")
    assert client.post("/favicon.ico").status_code == 405
