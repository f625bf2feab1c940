"""Gap analysis (page and export), the optimiser (page and apply) and supplier checks."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from standby.accounts.choices import Capability
from standby.accounts.permissions import capability_required, has_capability
from standby.analysis.errors import ModelError
from standby.common.http import AuthedRequest
from standby.inventory import exports
from standby.inventory.choices import NodeKind
from standby.inventory.models import Node
from standby.strategy import selectors_gaps, selectors_optimiser, services
from standby.strategy.selectors import node_refs


@require_safe
@capability_required(Capability.VIEW)
def gap_analysis(request: AuthedRequest) -> HttpResponse:
    """Per process and service: objectives, worst RTA and scenario, RPA, SPOFs, verdict."""
    try:
        rows = selectors_gaps.gap_rows()
    except ModelError as error:
        messages.error(request, str(error))
        rows = []
    counts = {v: sum(1 for r in rows if r.gap.verdict == v) for v in ("breach", "at_risk", "meets")}
    return render(request, "strategy/gap_analysis.html", {"rows": rows, "counts": counts})


@require_safe
@capability_required(Capability.VIEW)
def gap_export(request: AuthedRequest) -> HttpResponse:
    """The gap analysis as CSV (default) or XLSX (``?format=xlsx``), formula-injection safe."""
    rows = exports.table(selectors_gaps.GAP_COLUMNS, selectors_gaps.gap_rows())
    return exports.respond(request.GET.get("format", "csv"), "gap-analysis", rows)


def _budget(request: AuthedRequest) -> float | None:
    try:
        value = float(request.GET.get("budget", "") or "nan")
    except ValueError:
        return None
    return value if value == value and value >= 0 else None


@require_safe
@capability_required(Capability.VIEW)
def optimiser(request: AuthedRequest) -> HttpResponse:
    """The cheapest option mix meeting every RTO in every scenario, next to today's choice."""
    budget = _budget(request)
    result = selectors_optimiser.recommend(budget=budget)
    keys = {c.node for c in result.changes} | {u.target for u in result.unmeetable}
    for c in result.changes:
        keys.update(c.needed_for)
    refs = node_refs(sorted(keys))
    context = {
        "result": result,
        "refs": refs,
        "budget": budget,
        "delta": sum(c.annual_cost_delta for c in result.changes),
        "one_off": sum(c.one_off_cost for c in result.changes),
        "can_edit": has_capability(request.user, Capability.EDIT),
    }
    return render(request, "strategy/optimiser.html", context)


@capability_required(Capability.EDIT)
def optimiser_apply(request: AuthedRequest) -> HttpResponse:
    """Set every recommended option (POST); GET shows what would change."""
    result = selectors_optimiser.recommend(budget=_budget(request))
    if request.method == "POST":
        if result.status == "infeasible":
            messages.error(request, "No recommendation to apply: the budget cannot be kept.")
            return redirect("strategy:optimiser")
        changes = [services.Change(c.node, c.chosen) for c in result.changes]
        try:
            saved = services.recommendation_apply(actor=request.user, changes=changes)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
            return redirect("strategy:optimiser")
        messages.success(request, f"Recommendation applied: {len(saved)} options changed.")
        return redirect("strategy:gap_analysis")
    refs = node_refs(sorted({c.node for c in result.changes}))
    return render(request, "strategy/optimiser_apply.html", {"result": result, "refs": refs})


@require_safe
@capability_required(Capability.VIEW)
def supplier_checks(request: AuthedRequest) -> HttpResponse:
    """Contracts against required RTOs, contracts expiring soon, and concentration."""
    checks = selectors_gaps.supplier_checks()
    context = {"checks": checks, "days": selectors_gaps.EXPIRY_DAYS}
    return render(request, "strategy/supplier_checks.html", context)


@require_safe
@capability_required(Capability.VIEW)
def supplier_panel(request: AuthedRequest, key: str) -> HttpResponse:
    """The checks of one supplier (a partial the supplier page can include)."""
    node = get_object_or_404(Node, key=key, kind=NodeKind.SUPPLIER)
    checks = selectors_gaps.supplier_checks(only=node.key)
    context = {"checks": checks, "row": checks.rows[0], "days": selectors_gaps.EXPIRY_DAYS}
    return render(request, "strategy/_supplier_panel.html", context)
