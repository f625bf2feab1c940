"""The strategy area: what-if scenarios and single points of failure."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from standby.accounts.choices import Capability
from standby.accounts.permissions import capability_required
from standby.analysis.errors import ModelError
from standby.common.charts import Bar, timeline_svg
from standby.common.http import AuthedRequest
from standby.inventory.choices import NodeKind
from standby.inventory.models import Node
from standby.strategy import selectors
from standby.strategy.forms import WhatIfForm


@require_safe
@capability_required(Capability.VIEW)
def index(request: AuthedRequest) -> HttpResponse:
    """The strategy area's landing page."""
    return render(request, "strategy/index.html")


@require_safe
@capability_required(Capability.VIEW)
def whatif(request: AuthedRequest) -> HttpResponse:
    """Pick what fails; see what goes down, and when each thing is back."""
    form = WhatIfForm(request.GET or None, groups=selectors.failable_choices())
    result, error, chart, map_query = None, None, None, ""
    if request.GET and form.is_valid():
        # Names typed in the large form are ids by now: the map asks for those.
        map_query = urlencode([("fail", key) for key in form.cleaned_data["fail"]])
        try:
            result = selectors.what_if(form.cleaned_data["fail"])
        except ModelError as problem:
            error = str(problem)
        else:
            bars = [
                Bar(d.node.name, d.rta, "unknown" if d.rta is None else "risk")
                for d in result.business_down
            ]
            if bars:
                chart = timeline_svg(bars, title="When each process and service is back")
    context = {
        "form": form,
        "result": result,
        "error": error,
        "chart": chart,
        "map_query": map_query,
    }
    return render(request, "strategy/whatif.html", context)


@require_safe
@capability_required(Capability.VIEW)
def whatif_graph(request: AuthedRequest) -> JsonResponse:
    """The map's data for a what-if: what failed and what went down, with their links."""
    try:
        data = selectors.what_if_graph(request.GET.getlist("fail"))
    except ModelError as problem:
        return JsonResponse({"error": str(problem)}, status=400)
    return JsonResponse(data)


@require_safe
@capability_required(Capability.VIEW)
def spof_report(request: AuthedRequest) -> HttpResponse:
    """Single points of failure of every process and service."""
    rows = selectors.spof_report()
    exposed = sum(1 for row in rows if row.single)
    return render(request, "strategy/spof_report.html", {"rows": rows, "exposed": exposed})


@require_safe
@capability_required(Capability.VIEW)
def spof_panel(request: AuthedRequest, key: str) -> HttpResponse:
    """The single points of failure and failing pairs of one process or service (a partial).

    ``?show=pairs``: only the pairs (the report's rows already list the single points).
    """
    node = get_object_or_404(Node, key=key, kind__in=[NodeKind.PROCESS, NodeKind.SERVICE])
    row = selectors.spof_report(with_pairs=True, targets=[node.key])[0]
    context = {"row": row, "pairs_only": request.GET.get("show") == "pairs"}
    return render(request, "strategy/_spof_panel.html", context)
