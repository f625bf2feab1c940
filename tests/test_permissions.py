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


# One test per URL namespace, each walking all its routes: the objects the routes need are
# built once per namespace instead of once per route (hundreds of routes).
NAMESPACES = sorted({route.split(":")[0] for route in ACCESS})


def _routes(namespace: str) -> list[str]:
    return sorted(r for r in ACCESS if r.split(":")[0] == namespace)


def _check_get(client: Any, objects: dict[str, Any], route: str) -> None:
    access = ACCESS[route]
    url = reverse(route, kwargs=access.kwargs(objects)) + access.query(objects)
    for role in Role:
        client.force_login(objects["users"][role])
        status = client.get(url).status_code
        where = f"{role} GET {route} ({url}): {status}"
        if route == "accounts:login":
            assert status == 302, where  # already signed in
        elif route == "api:token_detail":
            # Tokens are private: only their owner (the manager here) sees one.
            assert status == (200 if role == Role.MANAGER else 404), where
        elif route == "accounts:logout":
            assert status == 405, where
        elif role in access.get:
            assert status == 200, where
        else:
            assert status == 403, where
    client.logout()
    anonymous = client.get(url)
    where = f"anonymous GET {route}: {anonymous.status_code}"
    if access.public:
        assert anonymous.status_code == 200, where
    elif access.api:
        assert anonymous.status_code in {401, 403}, where
    elif route == "accounts:logout":
        assert anonymous.status_code in {302, 405}, where
    else:
        assert anonymous.status_code == 302, where
        assert anonymous["Location"].startswith(reverse("accounts:login")), where


def _check_post(client: Any, objects: dict[str, Any], route: str) -> None:
    access = ACCESS[route]
    url = reverse(route, kwargs=access.kwargs(objects))
    for role in Role:
        if role in access.post or route == "accounts:login":
            continue
        client.force_login(objects["users"][role])
        before = AuditEntry.objects.count()
        status = client.post(url, {"username": "x", "role": "manager"}).status_code
        assert status in {403, 405}, f"{role} POST {route} ({url}): {status}"
        assert AuditEntry.objects.count() == before, f"{role} POST {route} changed something"


@pytest.mark.django_db
@pytest.mark.parametrize("namespace", NAMESPACES)
def test_get_access_matches_the_table(client, objects, namespace):
    for route in _routes(namespace):
        _check_get(client, objects, route)


@pytest.mark.django_db
@pytest.mark.parametrize("namespace", NAMESPACES)
def test_post_is_refused_to_roles_not_in_the_table(client, objects, namespace):
    for route in _routes(namespace):
        if not ACCESS[route].self_service:
            _check_post(client, objects, route)


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
