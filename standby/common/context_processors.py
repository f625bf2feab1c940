"""What every page needs: the navigation areas."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from standby.common.areas import AREAS


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation areas, with the current one marked."""
    match = getattr(request, "resolver_match", None)
    current = match.namespace if match else ""
    return {"nav_areas": AREAS, "nav_current": current}
