"""Off-site target pages: the list (which version each target holds, flagged when outdated),
one target's copy history, create / change / deactivate, copy now and check now.

Everyone sees where the plans are copied; only the continuity manager (``APPROVE``) configures
targets and starts copies. Every write calls :mod:`standby.plans.services_offsite`; what a
share or a bucket answers (a full disk, a refused key) is shown as a message, never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from standby.accounts.choices import Capability
from standby.accounts.permissions import capability_required, has_capability
from standby.common.http import AuthedRequest
from standby.plans import services_offsite
from standby.plans.exports.offsite import target_statuses
from standby.plans.forms_offsite import TargetForm, TargetUpdateForm
from standby.plans.models import OffsiteCopy, OffsiteTarget

GET_POST = ["GET", "HEAD", "POST"]


def _target(pk: int) -> OffsiteTarget:
    return get_object_or_404(OffsiteTarget, pk=pk)


def _outcomes(request: HttpRequest, records: list[OffsiteCopy], what: str) -> None:
    """One message per copy or check: success in one line, each failure with its reason."""
    if not records:
        messages.info(request, "No approved plan version to copy or check yet.")
        return
    ok = [r for r in records if not r.error]
    if ok:
        done = ", ".join(f"{r.version.plan.key} v{r.version.number}" for r in ok)
        messages.success(request, f"{what} and verified: {done}.")
    for record in records:
        if record.error:
            messages.error(
                request,
                f"{record.version.plan.key} v{record.version.number}: {record.error}",
            )


@capability_required(Capability.VIEW)
@require_safe
def target_list(request: AuthedRequest) -> HttpResponse:
    """Every target with the version of each approved plan it holds; outdated ones flagged."""
    statuses = target_statuses(list(OffsiteTarget.objects.all()))
    return render(
        request,
        "plans/target_list.html",
        {
            "statuses": statuses,
            "outdated": [s for s in statuses if s.target.active and s.outdated],
            "may_manage": has_capability(request.user, Capability.APPROVE),
        },
    )


@capability_required(Capability.APPROVE)
@require_http_methods(GET_POST)
def target_create(request: AuthedRequest) -> HttpResponse:
    """A new target; its location is checked before it is saved."""
    form = TargetForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                target = services_offsite.target_create(actor=request.user, target=form.instance)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    f"{target.name} receives every approved version from now on. "
                    "Copy the current ones now to bring it up to date.",
                )
                return redirect(target)
        status = 400
    return render(request, "plans/target_form.html", {"form": form}, status=status)


@capability_required(Capability.VIEW)
@require_safe
def target_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One target: what it holds now, and every copy and check made to it, newest first."""
    target = _target(pk)
    (status,) = target_statuses([target])
    history = (
        target.copies.select_related("version__plan")
        .order_by("-copied_at", "-pk")
        .only(
            "copied_at",
            "error",
            "check_only",
            "manifest_sha256",
            "target_id",
            "version__number",
            "version__plan__key",
            "version__plan__title",
        )
    )
    page = Paginator(history, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/target_detail.html",
        {
            "target": target,
            "status": status,
            "page": page,
            "may_manage": has_capability(request.user, Capability.APPROVE),
        },
    )


@capability_required(Capability.APPROVE)
@require_http_methods(GET_POST)
def target_update(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change a target's name, kind, location, endpoint or whether it is active."""
    target = _target(pk)
    form = TargetUpdateForm(request.POST or None, instance=target)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                target = services_offsite.target_update(actor=request.user, target=form.instance)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"{target.name} saved.")
                return redirect(target)
        status = 400
    return render(
        request, "plans/target_form.html", {"form": form, "target": _target(pk)}, status=status
    )


@capability_required(Capability.APPROVE)
@require_http_methods(GET_POST)
def target_deactivate(request: AuthedRequest, pk: int) -> HttpResponse:
    """Confirm, then stop copying to a target (its history stays; edit it to reactivate)."""
    target = _target(pk)
    if request.method == "POST":
        services_offsite.target_deactivate(actor=request.user, target=target)
        messages.success(request, f"{target.name} no longer receives approved versions.")
        return redirect(target)
    return render(request, "plans/target_deactivate.html", {"target": target})


@capability_required(Capability.APPROVE)
@require_http_methods(GET_POST)
def target_copy(request: AuthedRequest, pk: int) -> HttpResponse:
    """Confirm, then copy every plan's current approved version to the target and verify it."""
    target = _target(pk)
    if request.method == "POST":
        try:
            records = services_offsite.target_copy_now(actor=request.user, target=target)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            _outcomes(request, records, "Copied")
        return redirect(target)
    return render(request, "plans/target_action.html", {"target": target, "action": "copy"})


@capability_required(Capability.APPROVE)
@require_http_methods(GET_POST)
def target_check(request: AuthedRequest, pk: int) -> HttpResponse:
    """Confirm, then read back what the target holds and verify it against its signed manifest."""
    target = _target(pk)
    if request.method == "POST":
        try:
            records = services_offsite.target_check_now(actor=request.user, target=target)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            _outcomes(request, records, "Read back")
        return redirect(target)
    return render(request, "plans/target_action.html", {"target": target, "action": "check"})
