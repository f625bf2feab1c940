"""Expected access for the routes of the foundation (common, accounts, api).

Each app lists its routes in ``standby/<app>/tests/access.py`` as ``ACCESS``;
``tests/test_permissions.py`` walks them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from standby.accounts.choices import Role

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
    query: Callable[[dict[str, Any]], str] = field(default=lambda objs: "")  # e.g. "?fail=x"


ACCESS: dict[str, Access] = {
    "common:home": Access(get=ALL),
    "common:area_not_available": Access(get=ALL, kwargs=lambda o: {"slug": "exercises"}),
    "common:audit_list": Access(get=AUDIT_READERS),
    "common:audit_detail": Access(get=AUDIT_READERS, kwargs=lambda o: {"pk": o["entry"].pk}),
    "common:favicon": Access(get=ALL, public=True),
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
