"""Recovery plan pages: list, the on-screen plan, section editors, steps, versions, review."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from standby.accounts.choices import Capability
from standby.accounts.permissions import capability_required, has_capability
from standby.common.http import AuthedRequest
from standby.plans import selectors, services, staleness, views_exports
from standby.plans.choices import VersionStatus
from standby.plans.content import build_content
from standby.plans.exports import version_content
from standby.plans.exports.render import render_plan_document
from standby.plans.forms import (
    SECTION_FORMS,
    CallTreeForm,
    CommunicationForm,
    PlanCreateForm,
    ReviewForm,
    StepForm,
)
from standby.plans.models import CallTreeEntry, Communication, Plan, PlanStep, PlanVersion
from standby.plans.templates_library import outline


def _can(request: AuthedRequest) -> dict[str, bool]:
    return {
        "can_edit": has_capability(request.user, Capability.EDIT),
        "can_approve": has_capability(request.user, Capability.APPROVE),
    }


def _conflict(form: Any, error: services.EditConflictError, plan: Plan) -> None:
    """Keep the loser's input, tell them, and let a second save go through knowingly."""
    form.add_error(None, error)
    data = form.data.copy()
    data["revision"] = str(Plan.objects.values_list("revision", flat=True).get(pk=plan.pk))
    form.data = data


@require_safe
@capability_required(Capability.VIEW)
def plan_list(request: AuthedRequest) -> HttpResponse:
    """Every plan: status, version, approval date, review-by."""
    return render(request, "plans/plan_list.html", {"rows": selectors.plan_rows(), **_can(request)})


@capability_required(Capability.EDIT)
def plan_create(request: AuthedRequest) -> HttpResponse:
    """A new plan for some processes and services; its recovery sequence is generated."""
    form = PlanCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                actor=request.user,
                plan=form.instance,
                scope=list(form.cleaned_data["scope"]),
                teams=list(form.cleaned_data["teams"]),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Plan {plan.title} created with its recovery sequence.")
            return redirect(plan)
    return render(request, "plans/plan_create.html", {"form": form})


def _plan(key: str) -> Plan:
    return get_object_or_404(Plan, key=key)


@require_safe
@capability_required(Capability.VIEW)
def plan_detail(request: AuthedRequest, key: str) -> HttpResponse:
    """The draft plan as it would be frozen now (build_content), with the version in force."""
    plan = _plan(key)
    content = build_content(plan)
    context = {
        "plan": plan,
        "content": content,
        "outline": outline(plan.template),
        "approved": selectors.approved_version(plan),
        "in_review": plan.versions.filter(status=VersionStatus.IN_REVIEW).first(),
        "draft": True,
        **_can(request),
        **staleness.banner_context(plan),
    }
    return render(request, "plans/plan_detail.html", context)


@capability_required(Capability.EDIT)
def plan_update(request: AuthedRequest, key: str, section: str) -> HttpResponse:
    """Edit one section of the draft (scope, purpose, invocation, return to normal)."""
    plan = _plan(key)
    form_class = SECTION_FORMS.get(section)
    if form_class is None:
        raise Http404("No such section.")
    initial: dict[str, Any] = {"revision": plan.revision}
    if section == "scope":
        initial.update(scope=list(plan.scope.all()), teams=list(plan.teams.all()))
    form = form_class(request.POST or None, instance=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        extra: dict[str, Any] = {}
        if section == "scope":
            extra = {
                "scope": list(form.cleaned_data["scope"]),
                "teams": list(form.cleaned_data["teams"]),
            }
        try:
            with transaction.atomic():
                services.plan_update(
                    actor=request.user,
                    plan=form.instance,
                    expected_revision=form.cleaned_data["revision"],
                    **extra,
                )
                if section == "scope":
                    services.steps_generate(
                        actor=request.user, plan=form.instance, expected_revision=None
                    )
        except services.EditConflictError as error:
            _conflict(form, error, plan)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Saved.")
            return redirect(plan)
    heading = outline(plan.template).section(section).heading if section != "scope" else "Scope"
    context = {"plan": plan, "form": form, "section": section, "heading": heading}
    if section != "scope":
        context["guidance"] = outline(plan.template).section(section).guidance
    return render(request, "plans/plan_update.html", context)


@capability_required(Capability.VIEW, Capability.EDIT)
def step_list(request: AuthedRequest, key: str) -> HttpResponse:
    """The steps editor: move a step up or down, regenerate the sequence."""
    plan = _plan(key)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            revision = int(request.POST.get("revision", "-1"))
            if action == "generate":
                services.steps_generate(actor=request.user, plan=plan, expected_revision=revision)
                messages.success(request, "Recovery sequence regenerated.")
            elif action in {"up", "down"}:
                step = get_object_or_404(PlanStep, plan=plan, pk=request.POST.get("step"))
                services.step_move(
                    actor=request.user,
                    step=step,
                    offset=-1 if action == "up" else 1,
                    expected_revision=revision,
                )
            elif action == "reorder":
                order = [int(pk) for pk in request.POST.get("order", "").split(",") if pk]
                services.steps_reorder(
                    actor=request.user, plan=plan, order=order, expected_revision=revision
                )
                messages.success(request, "Order saved.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except ValueError:
            messages.error(request, "That request was not understood.")
        return redirect("plans:step_list", key=plan.key)
    context = {"plan": plan, "steps": list(selectors.steps_of(plan)), **_can(request)}
    return render(request, "plans/step_list.html", context)


def _step_form(request: AuthedRequest, plan: Plan, step: PlanStep) -> HttpResponse:
    form = StepForm(request.POST or None, instance=step, initial={"revision": plan.revision})
    if request.method == "POST" and "delete" in request.POST and step.pk:
        try:
            services.step_delete(
                actor=request.user,
                step=step,
                expected_revision=int(request.POST.get("revision", "-1")),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Step {step.title} removed.")
            return redirect("plans:step_list", key=plan.key)
    elif request.method == "POST" and form.is_valid():
        try:
            services.step_save(
                actor=request.user,
                step=form.instance,
                expected_revision=form.cleaned_data["revision"],
            )
        except services.EditConflictError as error:
            _conflict(form, error, plan)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Step {form.instance.title} saved.")
            return redirect("plans:step_list", key=plan.key)
    return render(request, "plans/step_form.html", {"plan": plan, "form": form, "step": step})


@capability_required(Capability.EDIT)
def step_create(request: AuthedRequest, key: str) -> HttpResponse:
    """Add a manual step (it goes last; move it where it belongs)."""
    plan = _plan(key)
    return _step_form(request, plan, PlanStep(plan=plan, position=0))


@capability_required(Capability.EDIT)
def step_update(request: AuthedRequest, key: str, pk: int) -> HttpResponse:
    """Edit (or remove) one step."""
    plan = _plan(key)
    return _step_form(request, plan, get_object_or_404(PlanStep, plan=plan, pk=pk))


def _rows_page(
    request: AuthedRequest,
    plan: Plan,
    *,
    form_class: Any,
    model: Any,
    rows: Any,
    template: str,
    save: Any,
    delete: Any,
) -> HttpResponse:
    form = form_class(request.POST or None, initial={"revision": plan.revision})
    if request.method == "POST":
        if "delete" in request.POST:
            row = get_object_or_404(model, plan=plan, pk=request.POST.get("delete"))
            try:
                delete(row, int(request.POST.get("revision", "-1")))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        if form.is_valid():
            form.instance.plan = plan
            form.instance.position = 0
            try:
                save(form.instance, form.cleaned_data["revision"])
            except services.EditConflictError as error:
                _conflict(form, error, plan)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Added.")
                return redirect(request.path)
    context = {"plan": plan, "form": form, "rows": rows, **_can(request)}
    return render(request, template, context)


@capability_required(Capability.VIEW, Capability.EDIT)
def call_tree(request: AuthedRequest, key: str) -> HttpResponse:
    """Who calls whom, in order, with fall-backs."""
    plan = _plan(key)
    user = request.user
    return _rows_page(
        request,
        plan,
        form_class=CallTreeForm,
        model=CallTreeEntry,
        rows=plan.call_tree.select_related("caller", "callee", "fallback").order_by("position"),
        template="plans/call_tree.html",
        save=lambda e, r: services.call_tree_entry_save(actor=user, entry=e, expected_revision=r),
        delete=lambda e, r: services.call_tree_entry_delete(
            actor=user, entry=e, expected_revision=r
        ),
    )


@capability_required(Capability.VIEW, Capability.EDIT)
def communication_list(request: AuthedRequest, key: str) -> HttpResponse:
    """Audiences, channels, timing and message templates."""
    plan = _plan(key)
    user = request.user
    return _rows_page(
        request,
        plan,
        form_class=CommunicationForm,
        model=Communication,
        rows=plan.communications.order_by("position"),
        template="plans/communication_list.html",
        save=lambda c, r: services.communication_save(
            actor=user, communication=c, expected_revision=r
        ),
        delete=lambda c, r: services.communication_delete(
            actor=user, communication=c, expected_revision=r
        ),
    )


@capability_required(Capability.EDIT)
def plan_submit(request: AuthedRequest, key: str) -> HttpResponse:
    """Freeze the draft into a version for review."""
    plan = _plan(key)
    if request.method == "POST":
        try:
            version = services.plan_submit(actor=request.user, plan=plan)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Version {version.number} submitted for approval.")
            return redirect(version)
    return render(request, "plans/plan_submit.html", {"plan": plan})


@require_safe
@capability_required(Capability.VIEW)
def version_list(request: AuthedRequest, key: str) -> HttpResponse:
    plan = _plan(key)
    versions = list(selectors.versions_of(plan))
    return render(
        request, "plans/version_list.html", {"plan": plan, "versions": versions, **_can(request)}
    )


def _version(key: str, number: int) -> PlanVersion:
    return get_object_or_404(
        PlanVersion.objects.select_related("plan", "submitted_by", "approved_by"),
        plan__key=key,
        number=number,
    )


@require_safe
@capability_required(Capability.VIEW)
def version_detail(request: AuthedRequest, key: str, number: int) -> HttpResponse:
    """One frozen version, rendered from its content."""
    version = _version(key, number)
    context = {
        "plan": version.plan,
        "version": version,
        "content": version.content,
        # The document exactly as exported (PDF, offline HTML), from the same template.
        "document": render_plan_document(version_content(version)),
        **_can(request),
        **views_exports.export_context(request, version),
    }
    return render(request, "plans/version_detail.html", context)


def _review(request: AuthedRequest, key: str, number: int, approve: bool) -> HttpResponse:
    version = _version(key, number)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            if approve:
                services.version_approve(actor=request.user, version=version, comment=comment)
            else:
                services.version_return(actor=request.user, version=version, comment=comment)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"Version {number} {'approved' if approve else 'returned to the authors'}."
            )
            return redirect("plans:version_detail", key=key, number=number)
    context = {"version": version, "plan": version.plan, "form": form, "approve": approve}
    return render(request, "plans/version_review.html", context)


@capability_required(Capability.APPROVE)
def version_approve(request: AuthedRequest, key: str, number: int) -> HttpResponse:
    """Approve a version in review (the continuity manager)."""
    return _review(request, key, number, approve=True)


@capability_required(Capability.APPROVE)
def version_return(request: AuthedRequest, key: str, number: int) -> HttpResponse:
    """Send a version in review back, saying what should change."""
    return _review(request, key, number, approve=False)


@require_safe
@capability_required(Capability.VIEW)
def version_diff(request: AuthedRequest, key: str) -> HttpResponse:
    """What changed between two versions (``?a=1&b=2``; ``b=0`` or none: the current draft)."""
    plan = _plan(key)
    versions = list(plan.versions.order_by("number"))
    by_number = {v.number: v for v in versions}

    def pick(name: str, default: int) -> int:
        try:
            return int(request.GET.get(name, default))
        except ValueError:
            return default

    newest = versions[-1].number if versions else 0
    a = pick("a", versions[-2].number if len(versions) > 1 else newest)
    b = pick("b", 0 if len(versions) < 2 else newest)
    old = cast(dict[str, Any], by_number[a].content if a in by_number else build_content(plan))
    new = cast(dict[str, Any], by_number[b].content if b in by_number else build_content(plan))
    context = {
        "plan": plan,
        "versions": versions,
        "a": a if a in by_number else 0,
        "b": b if b in by_number else 0,
        "diff": selectors.compare(old, new),
    }
    return render(request, "plans/version_diff.html", context)
