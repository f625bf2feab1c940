"""Recovery options, the option chosen per node, alternatives, backups and team capacity."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from standby.accounts.choices import Capability
from standby.accounts.permissions import capability_required, has_capability
from standby.common.http import AuthedRequest
from standby.common.selectors import history_for
from standby.common.templatetags.durations import hours as hours_text
from standby.inventory.choices import AssetType, NodeKind
from standby.inventory.models import Node, Team
from standby.strategy import selectors_options as selectors
from standby.strategy import services
from standby.strategy.catalogue import CatalogueError
from standby.strategy.forms import (
    AlternativeForm,
    BackupForm,
    CapacityForm,
    OptionForm,
    StrategyForm,
)
from standby.strategy.models import (
    Backup,
    NodeStrategy,
    RecoveryOption,
    RecoveryTier,
    StrategyAlternative,
    TeamCapacity,
)

GET_POST = ["GET", "HEAD", "POST"]


def _history(request: AuthedRequest, instance: object) -> list[object]:
    if not has_capability(request.user, Capability.VIEW_HISTORY):
        return []
    return list(history_for(instance)[:50])  # type: ignore[arg-type]


# -- catalogue --------------------------------------------------------------------------------


@capability_required(Capability.VIEW, Capability.EDIT)
def option_list(request: AuthedRequest) -> HttpResponse:
    """The recovery options and tiers; POST loads the catalogue shipped with Standby."""
    if request.method == "POST":
        try:
            result = services.catalogue_load(actor=request.user)
        except CatalogueError as error:
            messages.error(request, f"The catalogue is not valid: {error}")
        else:
            messages.success(
                request,
                f"Catalogue loaded: {result.added} added, {result.updated} updated, "
                f"{result.kept} edited here kept.",
            )
        return redirect("strategy:option_list")
    context = {
        "options": list(RecoveryOption.objects.all()),
        "tiers": list(RecoveryTier.objects.all()),
        "can_edit": has_capability(request.user, Capability.EDIT),
    }
    return render(request, "strategy/option_list.html", context)


@capability_required(Capability.EDIT)
def option_update(request: AuthedRequest, key: str) -> HttpResponse:
    option = get_object_or_404(RecoveryOption, key=key)
    form = OptionForm(request.POST or None, instance=option)
    if request.method == "POST" and form.is_valid():
        try:
            services.option_save(actor=request.user, option=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{option.name} saved.")
            return redirect("strategy:option_list")
    context = {"form": form, "option": option, "history": _history(request, option)}
    return render(request, "strategy/option_form.html", context)


# -- chosen option per node --------------------------------------------------------------------


@require_safe
@capability_required(Capability.VIEW)
def node_strategy_list(request: AuthedRequest) -> HttpResponse:
    """Every asset, site and supplier with its chosen option and costs."""
    rows = selectors.strategy_rows()
    one_off, annual = selectors.strategy_totals(rows)
    context = {
        "rows": rows,
        "one_off": one_off,
        "annual": annual,
        "without": sum(1 for r in rows if r.strategy is None),
        "has_options": RecoveryOption.objects.exists(),
    }
    return render(request, "strategy/node_strategy_list.html", context)


def _failable(key: str) -> Node:
    return get_object_or_404(Node, key=key, kind__in=sorted(Node.FAILABLE))


@capability_required(Capability.VIEW, Capability.EDIT)
def node_strategy(request: AuthedRequest, key: str) -> HttpResponse:
    """One node's chosen option (edit form for editors), alternatives and backup."""
    node = _failable(key)
    strategy = NodeStrategy.objects.filter(node=node).select_related("option").first()
    form = StrategyForm(request.POST or None, instance=strategy or NodeStrategy(node=node))
    if request.method == "POST" and form.is_valid():
        form.instance.node = node
        try:
            saved = services.strategy_save(actor=request.user, strategy=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{node.name}: {saved.option.name} chosen; its recovery time is now "
                f"{hours_text(saved.recovery_time)}.",
            )
            return redirect("strategy:node_strategy", key=node.key)
    is_data = node.kind == NodeKind.ASSET and node.asset_type == AssetType.DATA
    backup = Backup.objects.filter(node=node).first() if is_data else None
    context = {
        "node": node,
        "strategy": strategy,
        "form": form,
        "alternatives": selectors.alternatives_of(node),
        "is_data": is_data,
        "backup": backup,
        "can_edit": has_capability(request.user, Capability.EDIT),
        "history": _history(request, strategy) if strategy else [],
        "show_history": has_capability(request.user, Capability.VIEW_HISTORY),
    }
    return render(request, "strategy/node_strategy.html", context)


@capability_required(Capability.EDIT)
def alternative_add(request: AuthedRequest, key: str) -> HttpResponse:
    """Record an option considered for a node (the optimiser chooses among them)."""
    node = _failable(key)
    form = AlternativeForm(request.POST or None, instance=StrategyAlternative(node=node))
    if request.method == "POST" and form.is_valid():
        try:
            services.alternative_save(actor=request.user, alternative=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{form.instance.option.name} considered for {node.name}.")
            return redirect("strategy:node_strategy", key=node.key)
    return render(request, "strategy/alternative_form.html", {"form": form, "node": node})


@capability_required(Capability.EDIT)
def alternative_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    alternative = get_object_or_404(StrategyAlternative.objects.select_related("node"), pk=pk)
    node = alternative.node
    if request.method == "POST":
        services.alternative_delete(actor=request.user, alternative=alternative)
        messages.success(request, f"{alternative.option} no longer considered for {node.name}.")
        return redirect("strategy:node_strategy", key=node.key)
    return render(request, "strategy/alternative_delete.html", {"alternative": alternative})


# -- backups ----------------------------------------------------------------------------------


@require_safe
@capability_required(Capability.VIEW)
def backup_list(request: AuthedRequest) -> HttpResponse:
    """Every data asset: backups, recovery point achievable and findings."""
    rows = selectors.backup_rows()
    context = {
        "rows": rows,
        "months": selectors.restore_test_months(),
        "with_findings": sum(1 for r in rows if r.findings),
    }
    return render(request, "strategy/backup_list.html", context)


@capability_required(Capability.EDIT)
def backup_update(request: AuthedRequest, key: str) -> HttpResponse:
    node = get_object_or_404(Node, key=key, kind=NodeKind.ASSET, asset_type=AssetType.DATA)
    backup = Backup.objects.filter(node=node).first() or Backup(node=node)
    form = BackupForm(request.POST or None, instance=backup)
    if request.method == "POST" and form.is_valid():
        form.instance.node = node
        try:
            saved = services.backup_save(actor=request.user, backup=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Backup of {node.name} saved: recovery point achievable "
                f"{hours_text(saved.recovery_point)}.",
            )
            return redirect("strategy:backup_list")
    return render(request, "strategy/backup_form.html", {"form": form, "node": node})


# -- team capacity ----------------------------------------------------------------------------


@require_safe
@capability_required(Capability.VIEW)
def team_capacity(request: AuthedRequest) -> HttpResponse:
    """Every team with how many people recover things in parallel (default 1)."""
    capacities = dict(TeamCapacity.objects.values_list("team_id", "capacity"))
    rows = [(team, capacities.get(team.pk)) for team in Team.objects.order_by("name", "key")]
    context = {"rows": rows, "can_edit": has_capability(request.user, Capability.EDIT)}
    return render(request, "strategy/team_capacity.html", context)


@capability_required(Capability.EDIT)
def team_capacity_update(request: AuthedRequest, key: str) -> HttpResponse:
    team = get_object_or_404(Team, key=key)
    current = TeamCapacity.objects.filter(team=team).values_list("capacity", flat=True).first()
    form = CapacityForm(request.POST or None, initial={"capacity": current or 1})
    if request.method == "POST" and form.is_valid():
        services.team_capacity_set(
            actor=request.user, team=team, capacity=form.cleaned_data["capacity"]
        )
        messages.success(request, f"{team.name}: {form.cleaned_data['capacity']} in parallel.")
        return redirect("strategy:team_capacity")
    return render(request, "strategy/team_capacity_form.html", {"form": form, "team": team})
