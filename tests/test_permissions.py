"""Every route × every role against an explicit expected-access table.

A route missing from :data:`ACCESS` fails the test: adding a page means saying who may use it.
The table is written out role by role, independently of the code's permission table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from standby.accounts.choices import Role
from standby.common.models import AuditEntry

ALL = frozenset(Role)
MANAGER = frozenset({Role.MANAGER})
AUDIT_READERS = frozenset({Role.MANAGER, Role.AUDITOR})
EDITORS = frozenset({Role.MANAGER, Role.DEPUTY})


@dataclass(frozen=True)
class Access:
    """Who may GET and who may POST (change) a route; ``kwargs`` builds its arguments."""

    get: frozenset[Role]
    post: frozenset[Role] = frozenset()
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda objs: {})
    anonymous_get: int = 302  # web pages send anonymous visitors to sign in
    public: bool = False
    self_service: bool = False  # changes only the caller's own account (password, tokens)
    api: bool = False


ACCESS: dict[str, Access] = {
    "common:home": Access(get=ALL),
    "common:area_not_available": Access(get=ALL, kwargs=lambda o: {"slug": "bia"}),
    "common:audit_list": Access(get=AUDIT_READERS),
    "common:audit_detail": Access(get=AUDIT_READERS, kwargs=lambda o: {"pk": o["entry"].pk}),
    "accounts:login": Access(get=ALL, public=True),
    "accounts:logout": Access(get=frozenset(), post=ALL, self_service=True),
    "accounts:password_change": Access(get=ALL, post=ALL, self_service=True),
    "accounts:user_list": Access(get=MANAGER),
    "accounts:user_create": Access(get=MANAGER, post=MANAGER),
    "accounts:user_detail": Access(get=MANAGER, kwargs=lambda o: {"pk": o["viewer"].pk}),
    "accounts:user_update": Access(
        get=MANAGER, post=MANAGER, kwargs=lambda o: {"pk": o["viewer"].pk}
    ),
    "api:me": Access(get=ALL, api=True),
    "api:token_list": Access(get=ALL, post=ALL, api=True, self_service=True),
    "api:token_detail": Access(
        get=frozenset(), api=True, self_service=True, kwargs=lambda o: {"pk": o["token"].pk}
    ),
    "api:schema": Access(get=ALL, api=True, public=True),
    "api:docs": Access(get=ALL, public=True),
}


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
    return {"users": users, "viewer": viewer, "entry": AuditEntry.objects.first(), "token": token}


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(ACCESS))
def test_get_access_matches_the_table(client, objects, route):
    access = ACCESS[route]
    url = reverse(route, kwargs=access.kwargs(objects))
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
