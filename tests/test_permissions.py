"""Every route × every role against an explicit expected-access table.

A route missing from :data:`ACCESS` fails the test: adding a page means saying who may use it.
The table is written out role by role, independently of the code's permission table, one
module per app: ``standby/<app>/tests/access.py``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import standby
from standby.accounts.choices import Role
from standby.common.models import AuditEntry
from standby.common.tests.access import Access


def _access_modules() -> list[Any]:
    modules = []
    for app in pkgutil.iter_modules(standby.__path__):
        try:
            modules.append(importlib.import_module(f"standby.{app.name}.tests.access"))
        except ModuleNotFoundError:
            continue
    return modules


def _collect_access() -> dict[str, Access]:
    """Merge ``ACCESS`` from every ``standby.<app>.tests.access`` module."""
    table: dict[str, Access] = {}
    for module in _access_modules():
        duplicated = set(table) & set(module.ACCESS)
        assert not duplicated, f"routes listed twice: {duplicated}"
        table.update(module.ACCESS)
    return table


ACCESS = _collect_access()


def _named_routes(resolvers: list[Any], namespace: str = "") -> Iterator[str]:
    for item in resolvers:
        if isinstance(item, URLResolver):
            inner = f"{namespace}{item.namespace}:" if item.namespace else namespace
            yield from _named_routes(item.url_patterns, inner)
        elif isinstance(item, URLPattern) and item.name:
            yield f"{namespace}{item.name}"


def test_every_route_is_in_the_expected_access_table():
    routes = set(_named_routes(get_resolver().url_patterns))
    missing = sorted(routes - set(ACCESS))
    assert not missing, f"routes with no expected access (add them to ACCESS): {missing}"
    stale = sorted(set(ACCESS) - routes)
    assert not stale, f"ACCESS names routes that no longer exist: {stale}"


@pytest.fixture
def objects(make_user: Any) -> dict[str, Any]:
    from standby.accounts import services
    from standby.api.services import token_create

    users = {role: make_user(role, f"{role}-user") for role in Role}
    viewer = services.user_create(
        actor=users[Role.MANAGER], username="target", password="a-long-passphrase", role="viewer"
    )
    token, _ = token_create(actor=users[Role.MANAGER], name="walk")
    objects = {
        "users": users,
        "viewer": viewer,
        "entry": AuditEntry.objects.first(),
        "token": token,
    }
    # An app whose routes need objects (e.g. a node to show) makes them in its access module:
    # ``def make_objects(manager) -> dict``.
    for module in _access_modules():
        maker = getattr(module, "make_objects", None)
        if maker is not None:
            objects.update(maker(users[Role.MANAGER]))
    return objects


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(ACCESS))
def test_get_access_matches_the_table(client, objects, route):
    access = ACCESS[route]
    url = reverse(route, kwargs=access.kwargs(objects)) + access.query(objects)
    for role in Role:
        client.force_login(objects["users"][role])
        response = client.get(url)
        if route == "accounts:login":
            assert response.status_code == 302  # already signed in
        elif route == "api:token_detail":
            # Tokens are private: only their owner (the manager here) sees one.
            assert response.status_code == (200 if role == Role.MANAGER else 404)
        elif route == "accounts:logout":
            assert response.status_code == 405
        elif role in access.get:
            assert response.status_code == 200, f"{role} GET {url}"
        else:
            assert response.status_code == 403, f"{role} GET {url}: {response.status_code}"
    client.logout()
    anonymous = client.get(url)
    if access.public:
        assert anonymous.status_code == 200
    elif access.api:
        assert anonymous.status_code in {401, 403}
    elif route == "accounts:logout":
        assert anonymous.status_code in {302, 405}
    else:
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(r for r, a in ACCESS.items() if not a.self_service))
def test_post_is_refused_to_roles_not_in_the_table(client, objects, route):
    access = ACCESS[route]
    url = reverse(route, kwargs=access.kwargs(objects))
    for role in Role:
        if role in access.post or route == "accounts:login":
            continue
        client.force_login(objects["users"][role])
        before = AuditEntry.objects.count()
        response = client.post(url, {"username": "x", "role": "manager"})
        assert response.status_code in {403, 405}, f"{role} POST {url}: {response.status_code}"
        assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_an_auditor_cannot_change_anything_anywhere(client, objects):
    """Every route, every write method: refused, and the audit log (every change) is unchanged."""
    auditor = objects["users"][Role.AUDITOR]
    client.force_login(auditor)
    before = AuditEntry.objects.count()
    for route, access in ACCESS.items():
        if access.self_service or access.public:
            continue  # their own password and tokens; the sign-in form
        url = reverse(route, kwargs=access.kwargs(objects))
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(url, {"name": "x", "role": "manager"})
            assert response.status_code in {403, 405}, f"auditor {method} {url}"
    assert AuditEntry.objects.count() == before
