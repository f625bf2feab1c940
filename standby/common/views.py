"""Home, the not-yet-available areas, the audit log, the error pages and /favicon.ico."""

from __future__ import annotations

import functools
from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from standby.accounts.choices import Capability
from standby.accounts.permissions import capability_required
from standby.common.areas import AREAS, AREAS_BY_SLUG
from standby.common.http import AuthedRequest
from standby.common.models import AuditEntry
from standby.common.selectors import audit_log
from standby.plans import staleness


@require_safe
@capability_required(Capability.VIEW)
def home(request: AuthedRequest) -> HttpResponse:
    """The dashboard: where the programme stands and what to do next."""
    next_steps = [area for area in AREAS if not area.available]
    context = {"areas": AREAS, "next_steps": next_steps, "stale_plans": staleness.stale_plans()}
    return render(request, "common/home.html", context)


FAVICON = "standby/favicon.svg"


@functools.cache
def _favicon() -> bytes:
    found = finders.find(FAVICON)
    if not isinstance(found, str):
        raise Http404("No icon.")
    return Path(found).read_bytes()


@login_not_required
@require_safe
@cache_control(public=True, max_age=86_400)
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for by themselves on pages that do not link an icon
    (the API's JSON, a file): the SVG icon that ``base.html`` links to."""
    return HttpResponse(_favicon(), content_type="image/svg+xml")


@require_safe
@capability_required(Capability.VIEW)
def area_not_available(request: AuthedRequest, slug: str) -> HttpResponse:
    """An honest page for an area that is not built yet."""
    area = AREAS_BY_SLUG.get(slug)
    if area is None or area.available:
        raise Http404("No such area.")
    return render(request, "common/area_not_available.html", {"area": area})


@require_safe
@capability_required(Capability.VIEW_AUDIT_LOG)
def audit_list(request: AuthedRequest) -> HttpResponse:
    """The global audit log, newest first, filterable by actor and object type."""
    entries = audit_log()
    actor = request.GET.get("actor", "").strip()
    object_type = request.GET.get("object_type", "").strip()
    if actor:
        entries = entries.filter(actor_name__icontains=actor)
    if object_type:
        entries = entries.filter(object_type=object_type)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    context = {"page": page, "actor": actor, "object_type": object_type}
    template = "common/audit_list.html#entries" if request.htmx else "common/audit_list.html"
    return render(request, template, context)


@require_safe
@capability_required(Capability.VIEW_AUDIT_LOG)
def audit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One audit entry with its field changes and chain hashes."""
    entry = get_object_or_404(AuditEntry, pk=pk)
    return render(request, "common/audit_detail.html", {"entry": entry})


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
