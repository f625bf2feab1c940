"""Spreadsheet import pages: upload → preview (every error, what changes) → confirm.

Between preview and confirm the upload waits as a pending upload (:mod:`standby.common.uploads`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from standby.accounts.choices import Capability
from standby.accounts.permissions import capability_required
from standby.common.forms import StyledFormMixin
from standby.common.http import AuthedRequest
from standby.common.uploads import PendingUploads
from standby.inventory.tabular.apply import ImportRefusedError, import_apply
from standby.inventory.tabular.entities import ENTITIES
from standby.inventory.tabular.plan import CREATE, UNCHANGED, UPDATE, Plan, plan_import
from standby.inventory.tabular.reading import (
    MAX_UPLOAD_BYTES,
    FileRejectedError,
    read_table,
    too_big_message,
)

PENDING = PendingUploads(session_key="inventory_tabular_upload", suffix=".upload")
SHOWN_ROWS = 500
SHOWN_PROBLEMS = 500


class ImportForm(StyledFormMixin, forms.Form):
    entity = forms.ChoiceField(
        label="What the sheet holds", choices=[(e.slug, e.label) for e in ENTITIES.values()]
    )
    file = forms.FileField(
        label="CSV (UTF-8) or XLSX file",
        help_text=f"Up to {MAX_UPLOAD_BYTES // 1024 // 1024} MB. The first row names the columns.",
    )


def _render_form(request: AuthedRequest, form: ImportForm, **extra: Any) -> HttpResponse:
    context = {"form": form, "entities": ENTITIES.values(), **extra}
    return render(request, "inventory/tabular_import.html", context)


@capability_required(Capability.EDIT)
def tabular_import(request: AuthedRequest) -> HttpResponse:
    """Choose what the sheet holds and upload it; a readable file goes on to the preview."""
    if request.method != "POST":
        return _render_form(request, ImportForm(initial={"entity": request.GET.get("entity")}))
    # Refuse an oversized upload from its declared length, before Django reads the body.
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > MAX_UPLOAD_BYTES + 64 * 1024:
        return _render_form(request, ImportForm(), rejected=too_big_message(declared))
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_form(request, form)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_UPLOAD_BYTES:
        return _render_form(request, form, rejected=too_big_message(upload.size))
    data = upload.read()
    try:
        read_table(data, upload.name or "")
    except FileRejectedError as error:
        return _render_form(request, form, rejected=str(error))
    token = PENDING.keep(
        request,
        data,
        entity=form.cleaned_data["entity"],
        filename=(upload.name or "upload")[:200],
    )
    return redirect("inventory:tabular_preview", token=token)


@capability_required(Capability.EDIT)
def tabular_preview(request: AuthedRequest, token: str) -> HttpResponse:
    """GET: what the import would do, with every error. POST: do it, all rows or none."""
    loaded = PENDING.load(request, token)
    if loaded is None:
        return _render_form(
            request,
            ImportForm(),
            rejected=(
                "That upload is no longer waiting: it was imported, replaced by a newer upload, "
                "or expired. Upload the file again."
            ),
        )
    pending, data = loaded
    try:
        plan = plan_import(pending["entity"], read_table(data, pending["filename"]))
    except FileRejectedError as error:  # the limits changed since the upload
        PENDING.forget(request)
        return _render_form(request, ImportForm(), rejected=str(error))
    refused = ""
    if request.method == "POST" and plan.ok:
        try:
            outcome = import_apply(actor=request.user, plan=plan)
        except ImportRefusedError as error:
            refused = str(error)
        else:
            PENDING.forget(request)
            messages.success(
                request,
                f"Imported {pending['filename']}: {outcome.created} created, "
                f"{outcome.updated} updated, {outcome.unchanged} unchanged.",
            )
            return redirect(reverse("inventory:tabular_import") + f"?entity={plan.entity.slug}")
    return render(
        request,
        "inventory/tabular_preview.html",
        _preview_context(plan, pending, token, refused),
    )


def _preview_context(
    plan: Plan, pending: dict[str, str], token: str, refused: str
) -> dict[str, Any]:
    problems = plan.problems
    # Rows that change or fail come first: they are what the reader must check.
    interesting = [row for row in plan.rows if row.action != UNCHANGED]
    return {
        "plan": plan,
        "token": token,
        "filename": pending["filename"],
        "refused": refused,
        "problems": problems[:SHOWN_PROBLEMS],
        "problems_hidden": max(0, len(problems) - SHOWN_PROBLEMS),
        "rows": [
            {
                "number": row.number,
                "action": row.action,
                "changed": row.changed,
                "values": [
                    {"text": row.cells.get(column, ""), "errors": row.errors.get(column, [])}
                    for column in plan.columns
                ],
            }
            for row in interesting[:SHOWN_ROWS]
        ],
        "rows_hidden": max(0, len(interesting) - SHOWN_ROWS),
        "created": plan.count(CREATE),
        "updated": plan.count(UPDATE),
        "unchanged": plan.count(UNCHANGED),
        "failing": plan.count("error"),
    }


@capability_required(Capability.EDIT)
@require_safe
def tabular_template(request: AuthedRequest, entity: str) -> HttpResponse:
    """An empty CSV with the header row of one kind of sheet, to fill in."""
    found = ENTITIES.get(entity)
    if found is None:
        return HttpResponse("Unknown kind of sheet.", status=404, content_type="text/plain")
    response = HttpResponse(
        ",".join(found.column_names) + "\r\n", content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{entity}.csv"'
    return response
