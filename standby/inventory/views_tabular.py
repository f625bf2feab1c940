"""Spreadsheet import pages: upload → preview (every error, what changes) → confirm.

Between preview and confirm the upload waits in a private file under the data directory, named
by a random token kept in the session (one pending upload per session; replaced by the next,
deleted after the import and swept after a day).
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from standby.accounts.choices import Capability
from standby.accounts.permissions import capability_required
from standby.common.forms import StyledFormMixin
from standby.common.http import AuthedRequest
from standby.inventory.tabular.apply import ImportRefusedError, import_apply
from standby.inventory.tabular.entities import ENTITIES
from standby.inventory.tabular.plan import CREATE, UNCHANGED, UPDATE, Plan, plan_import
from standby.inventory.tabular.reading import (
    MAX_UPLOAD_BYTES,
    FileRejectedError,
    read_table,
    too_big_message,
)

SESSION_KEY = "inventory_tabular_upload"
SHOWN_ROWS = 500
SHOWN_PROBLEMS = 500
STALE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


class ImportForm(StyledFormMixin, forms.Form):
    entity = forms.ChoiceField(
        label="What the sheet holds", choices=[(e.slug, e.label) for e in ENTITIES.values()]
    )
    file = forms.FileField(
        label="CSV (UTF-8) or XLSX file",
        help_text=f"Up to {MAX_UPLOAD_BYTES // 1024 // 1024} MB. The first row names the columns.",
    )


def upload_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _upload_path(token: str) -> Path:
    if not _TOKEN.match(token):
        raise ValueError("not an upload token")
    return upload_dir() / f"{token}.upload"


def _sweep(folder: Path) -> None:
    """Remove uploads left pending for more than a day (abandoned previews)."""
    cutoff = time.time() - STALE_SECONDS
    for stale in folder.glob("*.upload"):
        if stale.stat().st_mtime < cutoff:
            stale.unlink(missing_ok=True)


def _forget(request: AuthedRequest) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        _upload_path(pending["token"]).unlink(missing_ok=True)


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
    _forget(request)
    folder = upload_dir()
    _sweep(folder)
    token = secrets.token_urlsafe(32)
    path = _upload_path(token)
    path.write_bytes(data)
    path.chmod(0o600)
    request.session[SESSION_KEY] = {
        "token": token,
        "entity": form.cleaned_data["entity"],
        "filename": (upload.name or "upload")[:200],
    }
    return redirect("inventory:tabular_preview", token=token)


def _load(request: AuthedRequest, token: str) -> tuple[dict[str, str], bytes] | None:
    pending = request.session.get(SESSION_KEY)
    if (
        not pending
        or not _TOKEN.match(token)
        or not secrets.compare_digest(pending["token"], token)
    ):
        return None
    try:
        return pending, _upload_path(token).read_bytes()
    except FileNotFoundError:
        return None


@capability_required(Capability.EDIT)
def tabular_preview(request: AuthedRequest, token: str) -> HttpResponse:
    """GET: what the import would do, with every error. POST: do it, all rows or none."""
    loaded = _load(request, token)
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
        _forget(request)
        return _render_form(request, ImportForm(), rejected=str(error))
    refused = ""
    if request.method == "POST" and plan.ok:
        try:
            outcome = import_apply(actor=request.user, plan=plan)
        except ImportRefusedError as error:
            refused = str(error)
        else:
            _forget(request)
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
