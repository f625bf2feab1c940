"""The one table of who may do what, and the checks that enforce it.

Services call :func:`require`; views use :func:`capability_required`; the API uses
:class:`standby.api.permissions.RolePermission`. Hiding a button is never the check.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied

from standby.accounts.choices import Capability, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest, HttpResponse

    from standby.accounts.models import User

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.MANAGER: frozenset(Capability),
    Role.DEPUTY: frozenset(
        {Capability.VIEW, Capability.EDIT, Capability.VIEW_HISTORY, Capability.ANSWER_BIA}
    ),
    Role.RECOVERY_TEAM: frozenset({Capability.VIEW}),
    # A service owner answers the BIA of the processes and services they own (checked per
    # object in the BIA services), nothing else.
    Role.SERVICE_OWNER: frozenset({Capability.VIEW, Capability.ANSWER_BIA}),
    Role.AUDITOR: frozenset({Capability.VIEW, Capability.VIEW_HISTORY, Capability.VIEW_AUDIT_LOG}),
    Role.VIEWER: frozenset({Capability.VIEW}),
}


def has_capability(user: User | AnonymousUser | None, capability: Capability) -> bool:
    """True when ``user`` is signed in, active and its role grants ``capability``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return capability in ROLE_CAPABILITIES.get(getattr(user, "role", ""), frozenset())


def require(user: User | AnonymousUser | None, capability: Capability) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` has ``capability``."""
    if not has_capability(user, capability):
        raise PermissionDenied(f"Your role does not allow this ({capability.label.lower()}).")


ViewFunc = TypeVar("ViewFunc", bound=Callable[..., "HttpResponse"])


def capability_required(
    read: Capability, write: Capability | None = None
) -> Callable[[ViewFunc], ViewFunc]:
    """Guard a view: ``read`` for safe methods, ``write`` (default: ``read``) for the others."""

    def decorate(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            needed = read if request.method in {"GET", "HEAD", "OPTIONS"} else (write or read)
            require(request.user, needed)
            return view(request, *args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate
