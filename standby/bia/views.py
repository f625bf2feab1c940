"""The business impact area: recovery priority, BIA records, heat table, objectives, settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_safe

from standby.accounts.choices import Capability
from standby.accounts.permissions import capability_required, has_capability
from standby.analysis.bia import format_hours
from standby.analysis.errors import ModelError
from standby.bia import selectors, services
from standby.bia.forms import RecordForm, ReturnForm, SettingsForm
from standby.bia.models import BiaRecord, BiaSettings
from standby.common.charts import heat_svg, impact_levels_svg, money_svg
from standby.common.http import AuthedRequest
from standby.common.selectors import history_for
from standby.inventory.models import Node

GET_POST = ["GET", "HEAD", "POST"]


def _node(key: str) -> Node:
    return get_object_or_404(
        Node.objects.select_related("owner"), key=key, kind__in=selectors.BIA_KINDS
    )


def _record(key: str) -> BiaRecord:
    record = selectors.record_for(key)
    if record is None:
        raise Http404("No BIA recorded for this process or service yet.")
    return record


def _apply_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


# -- ranked list ------------------------------------------------------------------------------


@require_safe
@capability_required(Capability.VIEW)
def index(request: AuthedRequest) -> HttpResponse:
    """Recovery priority: every process and service with a BIA, most urgent first."""
    rows = selectors.ranked()
    missing = list(selectors.without_bia()[:50])
    prefix = _record_url_prefix()
    context = {
        "rows": rows,
        "lines": [row.display(prefix) for row in rows],
        "missing": missing,
        "missing_count": len(missing),
        "can_edit": has_capability(request.user, Capability.EDIT),
        "flagged": sum(1 for r in rows if r.derived.override),
    }
    return render(request, "bia/index.html", context)


def _record_url_prefix() -> str:
    """``/bia/records/``: one reverse() for a whole list, not one per row."""
    return reverse("bia:record_detail", args=["x"])[: -len("x/")]


# -- one record -------------------------------------------------------------------------------


def _charts(record: BiaRecord, derived: selectors.Derived) -> dict[str, str | None]:
    settings = selectors.settings_data(record.settings)
    labels = [format_hours(h) for h in settings.horizons]
    impacts = record.impacts or {}
    series = [(c["name"], impacts.get(c["id"]) or []) for c in settings.categories]
    chart = None
    if any(v is not None for _, row in series for v in row):
        mtpd_index = settings.horizons.index(derived.mtpd) if derived.mtpd is not None else None
        chart = impact_levels_svg(
            series,
            labels,
            settings.levels,
            title=f"Impact of losing {record.node.name} over time",
            intolerable=settings.intolerable_level,
            mtpd_index=mtpd_index,
        )
    money = None
    if any(a for a in (record.losses or []) if a):
        money = money_svg(
            labels,
            record.losses,
            currency=settings.currency,
            title=f"Money lost if {record.node.name} stops",
        )
    return {"impact_chart": chart, "money_chart": money}


@require_safe
@capability_required(Capability.VIEW)
def record_detail(request: AuthedRequest, key: str) -> HttpResponse:
    """A BIA: what the owner entered next to what Standby derives, charts, approvals, history."""
    node = _node(key)
    record = selectors.record_for(key)
    context: dict[str, Any] = {
        "node": node,
        "record": record,
        "can_answer": selectors.may_answer(request.user, node),
        "can_approve": has_capability(request.user, Capability.APPROVE),
    }
    if record is not None:
        derived = selectors.derive(record)
        settings = selectors.settings_data(record.settings)
        rank = next((r for r in selectors.ranked() if r.record.pk == record.pk), None)
        impacts = record.impacts or {}
        context |= {
            "derived": derived,
            "rank": rank,
            "settings": settings,
            "horizon_labels": [format_hours(h) for h in settings.horizons],
            "rows": [
                {
                    "category": c,
                    "cells": [
                        (
                            lvl,
                            settings.levels[lvl] if lvl is not None else None,
                            *selectors.LEVEL_COLOURS[lvl if lvl is not None else 0],
                        )
                        for lvl in (impacts.get(c["id"]) or [None] * len(settings.horizons))
                    ],
                }
                for c in settings.categories
            ],
            "losses": list(
                zip([format_hours(h) for h in settings.horizons], record.losses or [], strict=False)
            ),
            "missing": selectors.missing_answers(record),
            "snapshots": list(record.snapshots.select_related("approved_by")),
            "min_services": list(record.min_services.all()),
            "min_suppliers": list(record.min_suppliers.all()),
            "show_history": has_capability(request.user, Capability.VIEW_HISTORY),
            "history": history_for(record)[:50]
            if has_capability(request.user, Capability.VIEW_HISTORY)
            else None,
        } | _charts(record, derived)
    return render(request, "bia/record_detail.html", context)


@require_http_methods(GET_POST)
@capability_required(Capability.ANSWER_BIA)
def record_edit(request: AuthedRequest, key: str) -> HttpResponse:
    """Answer (or change) a BIA: the grid of levels, money, objectives with reasons."""
    node = _node(key)
    if not selectors.may_answer(request.user, node):
        raise PermissionDenied(f"You may answer the BIA only of what you own; not {node}.")
    record = selectors.record_for(key)
    settings = selectors.settings_data(record.settings if record else selectors.latest_settings())
    if request.method == "POST":
        form = RecordForm(request.POST, settings=settings)
        if form.is_valid():
            try:
                with transaction.atomic():
                    target = services.record_get_or_create(node, actor=request.user)
                    saved = services.record_answer(
                        actor=request.user,
                        record=target,
                        expected_revision=form.cleaned_data["revision"],
                        **form.answers(),
                    )
                    if "submit" in request.POST:
                        saved = services.record_submit(actor=request.user, record=saved)
            except services.StaleRevisionError as error:
                form.add_error(None, error.messages)
                stored = selectors.record_for(key)
                # Their input stays; saving again now deliberately replaces the newer version.
                data = request.POST.copy()
                data["revision"] = str(stored.revision if stored else 0)
                form = RecordForm(data, settings=settings)
                form.is_valid()
                form.add_error(None, error.messages)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(
                    request,
                    "BIA submitted for review." if "submit" in request.POST else "BIA saved.",
                )
                return redirect("bia:record_detail", key=node.key)
    else:
        form = RecordForm(initial=RecordForm.initial_for(record, settings), settings=settings)
    context = {"node": node, "record": record, "form": form, "settings": settings}
    return render(request, "bia/record_form.html", context)


@require_http_methods(GET_POST)
@capability_required(Capability.ANSWER_BIA)
def record_submit(request: AuthedRequest, key: str) -> HttpResponse:
    """Send a BIA for the manager's review."""
    record = _record(key)
    if not selectors.may_answer(request.user, record.node):
        raise PermissionDenied(f"You may submit the BIA only of what you own; not {record.node}.")
    error = None
    if request.method == "POST":
        try:
            services.record_submit(actor=request.user, record=record)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, "BIA submitted for review.")
            return redirect("bia:record_detail", key=key)
    context = {"record": record, "missing": selectors.missing_answers(record), "error": error}
    return render(request, "bia/record_submit.html", context)


@require_http_methods(GET_POST)
@capability_required(Capability.APPROVE)
def record_approve(request: AuthedRequest, key: str) -> HttpResponse:
    """Approve a BIA: it is frozen as the next approved snapshot."""
    record = _record(key)
    error = None
    if request.method == "POST":
        try:
            snapshot = services.record_approve(
                actor=request.user,
                record=record,
                expected_revision=_int(request.POST.get("revision")),
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, f"BIA approved (approval #{snapshot.number}).")
            return redirect("bia:record_detail", key=key)
    context = {
        "record": record,
        "derived": selectors.derive(record),
        "missing": selectors.missing_answers(record),
        "error": error,
    }
    return render(request, "bia/record_approve.html", context)


@require_http_methods(GET_POST)
@capability_required(Capability.APPROVE)
def record_return(request: AuthedRequest, key: str) -> HttpResponse:
    """Send a submitted BIA back to its owner with a comment."""
    record = _record(key)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_return(
                actor=request.user,
                record=record,
                comment=form.cleaned_data["comment"],
                expected_revision=_int(request.POST.get("revision")),
            )
        except ValidationError as problem:
            _apply_errors(form, problem)
        else:
            messages.success(request, "BIA returned to its owner.")
            return redirect("bia:record_detail", key=key)
    return render(request, "bia/record_return.html", {"record": record, "form": form})


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


# -- heat table and objectives ----------------------------------------------------------------


@require_safe
@capability_required(Capability.VIEW)
def heat_table(request: AuthedRequest) -> HttpResponse:
    """Every process and service × horizon: the highest impact level, by name and colour."""
    table = selectors.heat_table()
    prefix = _record_url_prefix()
    # One escaped <td> per level, joined per row: a thousand rows × horizons of cells render
    # in milliseconds this way, where template tags per cell took most of a second.
    cell_html: dict[int | None, str] = {
        level: format_html(
            '<td style="background:{};color:{}">{} {}</td>',
            *selectors.LEVEL_COLOURS[level],
            level,
            name,
        )
        for level, name in enumerate(table.levels)
    }
    cell_html[None] = mark_safe('<td style="background:#fff;color:#6c757d">—</td>')
    lines = [
        {
            "rank": row.rank,
            "name": row.record.node.name,
            "url": f"{prefix}{row.record.node.key}/",
            "mtpd": "—" if row.mtpd is None else format_hours(row.mtpd),
            "cells": mark_safe("".join(cell_html[c.level] for c in row.cells)),  # noqa: S308 (escaped by format_html above)
        }
        for row in table.rows
    ]
    context = {
        "table": table,
        "lines": lines,
        "horizon_labels": [format_hours(h) for h in table.horizons],
        "legend": [(i, name, *selectors.LEVEL_COLOURS[i]) for i, name in enumerate(table.levels)],
    }
    return render(request, "bia/heat_table.html", context)


@require_safe
@capability_required(Capability.VIEW)
def heat_table_svg(request: AuthedRequest) -> HttpResponse:
    """The heat table as an SVG figure (for print and the PDF exports)."""
    table = selectors.heat_table()
    svg = heat_svg(
        [(f"{r.rank}. {r.record.node.name}", [c.level for c in r.cells]) for r in table.rows],
        [format_hours(h) for h in table.horizons],
        table.levels,
        selectors.LEVEL_COLOURS,
        title="Business impact over time, by recovery priority",
    )
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@require_safe
@capability_required(Capability.VIEW)
def objectives(request: AuthedRequest) -> HttpResponse:
    """Required RTO and RPO of every node, cascaded from the BIAs; inversions flagged."""
    try:
        rows, found = selectors.objectives()
    except ModelError as problem:
        return render(request, "bia/objectives.html", {"error": str(problem)})
    show_all = request.GET.get("all") == "1"
    shown = (
        rows
        if show_all
        else [r for r in rows if r.required_rto is not None or r.required_rpo is not None]
    )
    names = {r.key: r.name for r in rows}
    context = {
        "rows": shown[:2000],
        "truncated": len(shown) > 2000,
        "total": len(rows),
        "inversions": found,
        "names": names,
        "show_all": show_all,
    }
    return render(request, "bia/objectives.html", context)


# -- settings ---------------------------------------------------------------------------------


@require_safe
@capability_required(Capability.VIEW)
def settings_list(request: AuthedRequest) -> HttpResponse:
    """Every settings version, newest first, with how many BIAs use each."""
    versions = BiaSettings.objects.select_related("created_by").annotate(used=Count("records"))
    context = {"versions": versions, "can_change": has_capability(request.user, Capability.APPROVE)}
    return render(request, "bia/settings_list.html", context)


@require_safe
@capability_required(Capability.VIEW)
def settings_detail(request: AuthedRequest, version: int) -> HttpResponse:
    """One settings version: horizons, levels, and what each level means per category."""
    settings = get_object_or_404(BiaSettings, version=version)
    data = selectors.settings_data(settings)
    context = {
        "settings": settings,
        "data": data,
        "horizon_labels": [format_hours(h) for h in data.horizons],
        "latest": selectors.latest_settings(),
        "can_change": has_capability(request.user, Capability.APPROVE),
    }
    return render(request, "bia/settings_detail.html", context)


@require_http_methods(GET_POST)
@capability_required(Capability.APPROVE)
def settings_create(request: AuthedRequest) -> HttpResponse:
    """Change the settings: the edited YAML becomes a new version."""
    current = selectors.latest_settings()
    form = SettingsForm(request.POST or None, initial={"text": selectors.settings_text(current)})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.settings_create(actor=request.user, text=form.cleaned_data["text"])
        except ValidationError as problem:
            _apply_errors(form, problem)
        else:
            messages.success(request, f"Settings version {created.version} is now in force.")
            return redirect(created.get_absolute_url())
    return render(request, "bia/settings_form.html", {"form": form, "current": current})
