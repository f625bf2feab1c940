"""Distribution pages: the list, acknowledgements (dashboard, one-time link, in the app),
reminders, and the list of stale plans.

Every write calls :mod:`standby.plans.distribution`. The one-time link is the only page open
without signing in: its GET only shows what is acknowledged (mail scanners follow links), the
POST records it.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from standby.accounts.choices import Capability
from standby.accounts.permissions import capability_required, has_capability
from standby.common.forms import StyledFormMixin
from standby.common.http import AuthedRequest
from standby.inventory.models import Person
from standby.plans import distribution, staleness
from standby.plans.choices import DistributionRole, VersionStatus
from standby.plans.models import DistributionEntry, Plan, PlanVersion


class EntryForm(StyledFormMixin, forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.order_by("name", "key"))
    role = forms.ChoiceField(choices=DistributionRole.choices)


def _plan(key: str) -> Plan:
    return get_object_or_404(Plan, key=key)


def _version(key: str, number: int) -> PlanVersion:
    return get_object_or_404(
        PlanVersion.objects.select_related("plan"), plan__key=key, number=number
    )


def _mailing_messages(request: HttpRequest, mailing: distribution.Mailing) -> None:
    if mailing.sent:
        pdf = "with the PDF" if mailing.with_pdf else "without the PDF (not exported yet)"
        messages.success(request, f"E-mailed {len(mailing.sent)} person(s), {pdf}.")
    for name, reason in mailing.failed:
        messages.warning(request, f"No e-mail reached {name}: {reason}. Tell them another way.")


@capability_required(Capability.VIEW, Capability.EDIT)
@require_http_methods(["GET", "HEAD", "POST"])
def distribution_list(request: AuthedRequest, key: str) -> HttpResponse:
    """Who receives every approved version; those who may edit add people here."""
    plan = _plan(key)
    form = EntryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                entry = distribution.distribution_add(
                    actor=request.user,
                    plan=plan,
                    person=form.cleaned_data["person"],
                    role=form.cleaned_data["role"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, f"{entry.person.name} is on the distribution list.")
                return redirect("plans:distribution_list", plan.key)
        status = 400
    version = distribution.current_version(plan)
    return render(
        request,
        "plans/distribution_list.html",
        {
            "plan": plan,
            "entries": distribution.entries_of(plan),
            "form": form,
            "may_edit": has_capability(request.user, Capability.EDIT),
            "version": version,
        },
        status=status,
    )


@capability_required(Capability.EDIT)
@require_http_methods(["GET", "HEAD", "POST"])
def distribution_remove(request: AuthedRequest, key: str, pk: int) -> HttpResponse:
    """Confirm, then take someone off the list."""
    entry = get_object_or_404(
        DistributionEntry.objects.select_related("plan", "person"), plan__key=key, pk=pk
    )
    if request.method == "POST":
        distribution.distribution_remove(actor=request.user, entry=entry)
        messages.success(request, f"{entry.person.name} is off the distribution list.")
        return redirect("plans:distribution_list", key)
    return render(request, "plans/distribution_remove.html", {"entry": entry, "plan": entry.plan})


@capability_required(Capability.VIEW)
@require_safe
def ack_dashboard(request: AuthedRequest, key: str, number: int) -> HttpResponse:
    """Who acknowledged the version, when, and who is missing (amber, then red with age)."""
    version = _version(key, number)
    rows = distribution.ack_rows(version)
    missing = [r for r in rows if r.ack.acknowledged_at is None]
    return render(
        request,
        "plans/distribution_acks.html",
        {
            "plan": version.plan,
            "version": version,
            "rows": rows,
            "missing": missing,
            "acknowledged": len(rows) - len(missing),
            "due_days": distribution.ACK_DUE_DAYS,
            "may_remind": has_capability(request.user, Capability.APPROVE)
            and version.status == VersionStatus.APPROVED,
            "mine": distribution.acknowledgement_of_user(request.user, version),
        },
    )


@capability_required(Capability.APPROVE)
@require_http_methods(["GET", "HEAD", "POST"])
def ack_remind(request: AuthedRequest, key: str, number: int) -> HttpResponse:
    """Confirm, then e-mail a reminder (with a new one-time link) to everyone missing."""
    version = _version(key, number)
    if request.method == "POST":
        mailing = distribution.remind(actor=request.user, version=version)
        if not mailing.sent and not mailing.failed:
            messages.info(request, "Nobody to remind: everyone acknowledged.")
        _mailing_messages(request, mailing)
        return redirect("plans:ack_dashboard", key, number)
    rows = [r for r in distribution.ack_rows(version) if r.ack.acknowledged_at is None]
    return render(
        request,
        "plans/distribution_remind.html",
        {"plan": version.plan, "version": version, "rows": rows},
    )


@capability_required(Capability.VIEW)
@require_http_methods(["GET", "HEAD", "POST"])
def ack_in_app(request: AuthedRequest, key: str, number: int) -> HttpResponse:
    """A signed-in person on the list acknowledges the version."""
    version = _version(key, number)
    mine = distribution.acknowledgement_of_user(request.user, version)
    if request.method == "POST":
        try:
            distribution.acknowledge_in_app(actor=request.user, version=version)
        except distribution.AlreadyAcknowledgedError as error:
            messages.info(request, error.messages[0])
        else:
            messages.success(request, f"You acknowledged {version.plan.title} v{version.number}.")
        return redirect("plans:ack_dashboard", key, number)
    return render(
        request, "plans/ack_in_app.html", {"plan": version.plan, "version": version, "mine": mine}
    )


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def ack_link(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed one-time link: works once, without signing in."""
    ack = distribution.acknowledgement_for_token(token)
    if ack is None:
        return render(request, "plans/ack_invalid.html", status=404)
    context = {"ack": ack, "version": ack.version, "plan": ack.version.plan}
    if ack.acknowledged_at is not None:
        return render(request, "plans/ack_used.html", context, status=410)
    if request.method == "POST":
        try:
            ack = distribution.acknowledge_by_token(token)
        except distribution.AlreadyAcknowledgedError:
            return render(request, "plans/ack_used.html", context, status=410)
        except PermissionDenied:
            return render(request, "plans/ack_invalid.html", status=404)
        return render(request, "plans/ack_done.html", {**context, "ack": ack})
    return render(request, "plans/ack_confirm.html", context)


@capability_required(Capability.VIEW)
@require_safe
def stale_list(request: AuthedRequest) -> HttpResponse:
    """Every stale plan with every reason and where to look."""
    return render(request, "plans/stale_list.html", {"stale": staleness.stale_plans()})
