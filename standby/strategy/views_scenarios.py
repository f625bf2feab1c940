"""Disaster scenarios: the list (generated and user-defined), one scenario, and editing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from standby.accounts.choices import Capability
from standby.accounts.permissions import capability_required, has_capability
from standby.analysis.errors import ModelError
from standby.common.http import AuthedRequest
from standby.strategy import schedule_view, selectors_scenarios, services
from standby.strategy.forms import ScenarioForm
from standby.strategy.loading import load_graph
from standby.strategy.models import Scenario


@require_safe
@capability_required(Capability.VIEW)
def scenario_list(request: AuthedRequest) -> HttpResponse:
    """User-defined scenarios, then the loss of each site, supplier and critical asset."""
    try:
        scenarios = selectors_scenarios.all_scenarios()
    except ModelError as error:
        messages.error(request, str(error))
        scenarios = []
    context = {
        "scenarios": scenarios,
        "can_edit": has_capability(request.user, Capability.EDIT),
    }
    return render(request, "strategy/scenario_list.html", context)


@require_safe
@capability_required(Capability.VIEW)
def scenario_detail(request: AuthedRequest, key: str) -> HttpResponse:
    """One scenario: the RTA of everything down and the staff-limited recovery schedule."""
    graph = load_graph()
    scenario = selectors_scenarios.find_scenario(key, graph)
    if scenario is None:
        raise Http404("No such scenario.")
    stored = None
    if key.startswith("user:"):
        stored = Scenario.objects.filter(key=key.removeprefix("user:")).first()
    context = {
        "scenario": scenario,
        "stored": stored,
        "down": selectors_scenarios.scenario_down(scenario, graph),
        "can_edit": has_capability(request.user, Capability.EDIT),
        **schedule_view.schedule_context(scenario, graph),
    }
    return render(request, "strategy/scenario_detail.html", context)


def _save(request: AuthedRequest, form: ScenarioForm) -> Scenario | None:
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return services.scenario_save(
            actor=request.user, scenario=form.instance, failed=list(form.cleaned_data["failed"])
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


@capability_required(Capability.EDIT)
def scenario_create(request: AuthedRequest) -> HttpResponse:
    form = ScenarioForm(request.POST or None)
    saved = _save(request, form)
    if saved is not None:
        messages.success(request, f"Scenario {saved.name} saved.")
        return redirect(saved)
    return render(request, "strategy/scenario_form.html", {"form": form, "scenario": None})


@capability_required(Capability.EDIT)
def scenario_update(request: AuthedRequest, key: str) -> HttpResponse:
    scenario = get_object_or_404(Scenario, key=key)
    form = ScenarioForm(request.POST or None, instance=scenario)
    saved = _save(request, form)
    if saved is not None:
        messages.success(request, f"Scenario {saved.name} saved.")
        return redirect(saved)
    return render(request, "strategy/scenario_form.html", {"form": form, "scenario": scenario})


@capability_required(Capability.EDIT)
def scenario_delete(request: AuthedRequest, key: str) -> HttpResponse:
    scenario = get_object_or_404(Scenario, key=key)
    if request.method == "POST":
        services.scenario_delete(actor=request.user, scenario=scenario)
        messages.success(request, f"Scenario {scenario.name} deleted.")
        return redirect("strategy:scenario_list")
    return render(request, "strategy/scenario_delete.html", {"scenario": scenario})
