"""The API asks the same permission table as the web pages."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from standby.accounts.choices import Capability
from standby.accounts.permissions import has_capability


class RolePermission(permissions.BasePermission):
    """Reads need ``read_capability`` (default VIEW), writes ``write_capability`` (EDIT).

    A view may set either attribute to change what it needs.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            needed = getattr(view, "read_capability", Capability.VIEW)
        else:
            needed = getattr(view, "write_capability", Capability.EDIT)
        return has_capability(request.user, needed)


class SelfService(permissions.BasePermission):
    """Any signed-in, active user, for their own account (e.g. their API tokens)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_active)
