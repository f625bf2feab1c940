"""Pages of the risk register: risks, proactive measures, threats, heat map, annual loss."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from standby.accounts.choices import Capability
from standby.accounts.permissions import capability_required, has_capability
from standby.analysis.errors import ModelError
from standby.common.charts import HeatCell, HeatPoint, loss_exceedance_svg, risk_heat_map_svg
from standby.common.http import AuthedRequest
from standby.common.selectors import history_for
from standby.risks import quantitative as quant
from standby.risks import selectors, services
from standby.risks.filters import RiskFilterSet
from standby.risks.forms import MeasureForm, RiskForm, ThreatForm
from standby.risks.library import load_matrix
from standby.risks.models import Measure, Risk, Threat

PAGE_SIZE = 50


def _query(request: AuthedRequest, **changes: str | None) -> str:
    query: QueryDict = request.GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return query.urlencode()


def _history(request: AuthedRequest, instance: Any) -> Any:
    if has_capability(request.user, Capability.VIEW_HISTORY):
        return history_for(instance)[:50]
    return None


def _form_error(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error)


def heat_map_svg(risks: QuerySet[Risk] | None = None, *, title: str) -> tuple[str, list[Any]]:
    """The heat map of ``risks`` (all when None) and the positions drawn, for a text table."""
    matrix = load_matrix()
    placed = selectors.positions(risks, matrix)
    rows = selectors.heat_cells(placed, matrix)
    by_level = {(c.likelihood, c.impact): c for row in rows for c in row}
    n_rows, n_columns = matrix.size
    cells = [
        [
            HeatCell(
                (cell := by_level[(lk, im)]).rating.band.name,
                cell.rating.band.colour,
                cell.rating.band.ink,
                cell.inherent,
                cell.residual,
            )
            for im in range(1, n_columns + 1)
        ]
        for lk in range(1, n_rows + 1)
    ]
    points = [
        HeatPoint(
            f"R{p.pk}",
            f"risk-{p.pk}",
            (p.inherent.likelihood, p.inherent.impact),
            (p.residual.likelihood, p.residual.impact),
        )
        for p in placed
    ]
    svg = risk_heat_map_svg(
        [lv.name for lv in matrix.likelihood],
        [lv.name for lv in matrix.impact],
        cells,
        points,
        title=title,
    )
    return svg, placed


# -- register ---------------------------------------------------------------------------------

COLUMNS: list[tuple[str, str | None]] = [
    ("Risk", "name"),
    ("Category", "category"),
    ("Threats", None),
    ("Hits", None),
    ("Owner", "owner"),
    ("Inherent", "inherent"),
    ("Residual", "residual"),
    ("Treatment", "treatment"),
    ("Measures", None),
    ("Review", "review_on"),
    ("Status", "status"),
]


def _headers(request: AuthedRequest) -> list[dict[str, Any]]:
    current = request.GET.get("sort", "")
    headers = []
    for label, field in COLUMNS:
        if field is None:
            headers.append({"label": label, "url": None, "state": None})
            continue
        state = (
            "ascending" if current == field else "descending" if current == f"-{field}" else None
        )
        following = f"-{field}" if state == "ascending" else field
        url = "?" + _query(request, sort=following, page=None)
        headers.append({"label": label, "url": url, "state": state})
    return headers


@require_safe
@capability_required(Capability.VIEW)
def risk_list(request: AuthedRequest) -> HttpResponse:
    """The risk register, filterable by everything, with a link to the heat map."""
    filterset = RiskFilterSet(request.GET or None, queryset=selectors.register())
    for field in filterset.form.fields.values():
        css = "form-select" if hasattr(field, "choices") else "form-control"
        field.widget.attrs.setdefault("class", f"{css} form-control-sm")
    matrix = load_matrix()
    bands = {b.id: b for b in matrix.bands}
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for risk in page:
        risk.inherent_rating = bands.get(risk.inherent_band)
        risk.residual_rating = bands.get(risk.residual_band)
    context = {
        "filter": filterset,
        "page": page,
        "headers": _headers(request),
        "page_query": _query(request, page=None),
        "filtered": bool({k for k, v in request.GET.items() if v and k not in {"page", "sort"}}),
        "can_edit": has_capability(request.user, Capability.EDIT),
    }
    template = "risks/risk_list.html"
    return render(request, f"{template}#table" if request.htmx else template, context)


@require_safe
@capability_required(Capability.VIEW)
def risk_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    risk = selectors.risk_for(pk)
    if risk is None:
        raise Http404("No such risk.")
    matrix = load_matrix()
    svg, _ = heat_map_svg(Risk.objects.filter(pk=pk), title=f"{risk.name}: before and after")
    context = {
        "risk": risk,
        "inherent": matrix.rate(risk.inherent_likelihood, risk.inherent_impact),
        "residual": matrix.rate(risk.residual_likelihood, risk.residual_impact),
        "matrix": matrix,
        "chart": svg,
        "history": _history(request, risk),
        "show_history": has_capability(request.user, Capability.VIEW_HISTORY),
        "can_edit": has_capability(request.user, Capability.EDIT),
    }
    return render(request, "risks/risk_detail.html", context)


def _save_risk(request: AuthedRequest, form: RiskForm) -> Risk | None:
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return services.risk_save(
            actor=request.user,
            risk=form.instance,
            threats=form.cleaned_data["threats"],
            nodes=form.cleaned_data["nodes"],
        )
    except ValidationError as error:
        _form_error(form, error)
        return None


@capability_required(Capability.EDIT)
def risk_create(request: AuthedRequest) -> HttpResponse:
    services.ensure_library()
    form = RiskForm(request.POST or None)
    risk = _save_risk(request, form)
    if risk is not None:
        messages.success(request, f"Risk “{risk.name}” added.")
        return redirect(risk)
    return render(request, "risks/risk_form.html", {"form": form, "risk": None})


@capability_required(Capability.EDIT)
def risk_update(request: AuthedRequest, pk: int) -> HttpResponse:
    risk = get_object_or_404(Risk, pk=pk)
    initial = {"threats": list(risk.threats.all()), "nodes": list(risk.nodes.all())}
    form = RiskForm(request.POST or None, instance=risk, initial=initial)
    saved = _save_risk(request, form)
    if saved is not None:
        messages.success(request, f"Risk “{saved.name}” saved.")
        return redirect(saved)
    return render(request, "risks/risk_form.html", {"form": form, "risk": risk})


@capability_required(Capability.EDIT)
def risk_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    risk = get_object_or_404(Risk, pk=pk)
    if request.method == "POST":
        services.risk_delete(actor=request.user, risk=risk)
        messages.success(request, f"Risk “{risk.name}” deleted.")
        return redirect("risks:risk_list")
    return render(request, "risks/risk_delete.html", {"risk": risk})


# -- measures ---------------------------------------------------------------------------------


def _save_measure(request: AuthedRequest, form: MeasureForm) -> Measure | None:
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return services.measure_save(
            actor=request.user, measure=form.instance, protects=form.cleaned_data["protects"]
        )
    except ValidationError as error:
        _form_error(form, error)
        return None


@capability_required(Capability.EDIT)
def measure_create(request: AuthedRequest, pk: int) -> HttpResponse:
    risk = get_object_or_404(Risk, pk=pk)
    form = MeasureForm(request.POST or None, instance=Measure(risk=risk), risk=risk)
    measure = _save_measure(request, form)
    if measure is not None:
        messages.success(request, f"Measure “{measure.name}” added.")
        return redirect(risk)
    return render(request, "risks/measure_form.html", {"form": form, "risk": risk})


@capability_required(Capability.EDIT)
def measure_update(request: AuthedRequest, pk: int, measure: int) -> HttpResponse:
    item = get_object_or_404(Measure.objects.select_related("risk"), pk=measure, risk_id=pk)
    form = MeasureForm(request.POST or None, instance=item, risk=item.risk)
    saved = _save_measure(request, form)
    if saved is not None:
        messages.success(request, f"Measure “{saved.name}” saved.")
        return redirect(item.risk)
    context = {"form": form, "risk": item.risk, "measure": item}
    return render(request, "risks/measure_form.html", context)


@capability_required(Capability.EDIT)
def measure_delete(request: AuthedRequest, pk: int, measure: int) -> HttpResponse:
    item = get_object_or_404(Measure.objects.select_related("risk"), pk=measure, risk_id=pk)
    if request.method == "POST":
        services.measure_delete(actor=request.user, measure=item)
        messages.success(request, f"Measure “{item.name}” removed.")
        return redirect(item.risk)
    return render(request, "risks/measure_delete.html", {"measure": item, "risk": item.risk})


# -- heat map and annual loss -----------------------------------------------------------------


@require_safe
@capability_required(Capability.VIEW)
def heat_map(request: AuthedRequest) -> HttpResponse:
    """Every risk's inherent and residual position, drawn and written out."""
    filterset = RiskFilterSet(request.GET or None, queryset=Risk.objects.all())
    svg, placed = heat_map_svg(filterset.qs, title="Risks before and after proactive measures")
    context = {"chart": svg, "placed": placed, "matrix": load_matrix()}
    return render(request, "risks/heat_map.html", context)


@require_safe
@capability_required(Capability.VIEW)
def quantitative(request: AuthedRequest) -> HttpResponse:
    """Annual loss by Monte Carlo: loss exceedance, per-threat share, measures' cost-benefit."""
    data = quant.inputs()
    error, result, chart, threat_rows, measure_rows = None, None, None, [], []
    try:
        result = quant.run(data)
    except (ModelError, ValueError) as problem:
        error = str(problem)
    if result is not None:
        losses, above = result.exceedance(100)
        chart = loss_exceedance_svg(
            [float(x) for x in losses],
            [float(p) for p in above],
            currency=data.currency,
            title=f"Chance that a year's loss exceeds an amount ({result.trials:,} years)",
            marks=[("mean", result.ale), ("P90", result.p90), ("P99", result.p99)],
        )
        total = result.ale or 1.0
        threat_rows = sorted(
            (
                {"id": t, "name": data.names.get(t, t), "ale": v, "share": 100 * v / total}
                for t, v in result.threat_ale.items()
            ),
            key=lambda r: -float(r["ale"]),  # type: ignore[arg-type]
        )
        for row in data.measure_rows:
            outcome = result.measures.get(f"m{row.pk}")
            measure_rows.append({"row": row, "result": outcome})
    context = {
        "result": result,
        "error": error,
        "chart": chart,
        "threat_rows": threat_rows,
        "measure_rows": measure_rows,
        "data": data,
        "trials": quant.DEFAULT_TRIALS,
        "seed": quant.DEFAULT_SEED,
    }
    return render(request, "risks/quantitative.html", context)


# -- threats ----------------------------------------------------------------------------------


@require_safe
@capability_required(Capability.VIEW)
def threat_list(request: AuthedRequest) -> HttpResponse:
    """The threat library (seeded from the library file) and the organisation's own threats."""
    services.ensure_library()
    context = {
        "threats": list(selectors.threats()),
        "can_edit": has_capability(request.user, Capability.EDIT),
    }
    return render(request, "risks/threat_list.html", context)


def _save_threat(request: AuthedRequest, form: ThreatForm) -> Threat | None:
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return services.threat_save(actor=request.user, threat=form.instance)
    except ValidationError as error:
        _form_error(form, error)
        return None


@capability_required(Capability.EDIT)
def threat_create(request: AuthedRequest) -> HttpResponse:
    form = ThreatForm(request.POST or None)
    threat = _save_threat(request, form)
    if threat is not None:
        messages.success(request, f"Threat “{threat.name}” added.")
        return redirect("risks:threat_list")
    return render(request, "risks/threat_form.html", {"form": form, "threat": None})


@capability_required(Capability.EDIT)
def threat_update(request: AuthedRequest, key: str) -> HttpResponse:
    threat = get_object_or_404(Threat, key=key)
    form = ThreatForm(request.POST or None, instance=threat)
    saved = _save_threat(request, form)
    if saved is not None:
        messages.success(request, f"Threat “{saved.name}” saved.")
        return redirect("risks:threat_list")
    threat.key = key
    return render(request, "risks/threat_form.html", {"form": form, "threat": threat})


@capability_required(Capability.EDIT)
def threat_delete(request: AuthedRequest, key: str) -> HttpResponse:
    threat = get_object_or_404(Threat, key=key)
    error = None
    if request.method == "POST":
        try:
            services.threat_delete(actor=request.user, threat=threat)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, f"Threat “{threat.name}” deleted.")
            return redirect("risks:threat_list")
    return render(request, "risks/threat_delete.html", {"threat": threat, "error": error})
