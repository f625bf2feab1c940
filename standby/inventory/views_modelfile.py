"""Model file pages: upload → preview (dry run, or every problem with its path) → confirm; export.

Between preview and confirm the upload waits as a pending upload
(:mod:`standby.common.uploads`); the confirmed import re-reads those exact bytes.
"""

from __future__ import annotations

from typing import Any, Literal

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from standby.accounts.choices import Capability
from standby.accounts.permissions import capability_required
from standby.common.forms import StyledFormMixin
from standby.common.http import AuthedRequest
from standby.common.uploads import PendingUploads
from standby.inventory import modelio
from standby.modelfile.dump import dump
from standby.modelfile.errors import ModelFileError

PENDING = PendingUploads(session_key="inventory_modelfile_upload", suffix=".modelfile")
#: The largest model file the web page takes (the command line takes up to the loader's limit).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SHOWN_PROBLEMS = 500
SHOWN_IDS = 200


class ModelFileForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="Model file (YAML or JSON)",
        help_text=f"Up to {MAX_UPLOAD_BYTES // 1024 // 1024} MB. Items update by id.",
    )


def _too_big(size: int) -> str:
    return f"The file is {size:,} bytes, over the limit of {MAX_UPLOAD_BYTES:,} bytes."


def _render_form(request: AuthedRequest, form: ModelFileForm, **extra: Any) -> HttpResponse:
    return render(request, "inventory/modelfile_import.html", {"form": form, **extra})


@capability_required(Capability.EDIT)
def modelfile_import(request: AuthedRequest) -> HttpResponse:
    """Upload a model file; it waits server-side while its preview is shown."""
    if request.method != "POST":
        return _render_form(request, ModelFileForm())
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > MAX_UPLOAD_BYTES + 64 * 1024:
        return _render_form(request, ModelFileForm(), rejected=_too_big(declared))
    form = ModelFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_form(request, form)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_UPLOAD_BYTES:
        return _render_form(request, form, rejected=_too_big(upload.size))
    token = PENDING.keep(request, upload.read(), filename=(upload.name or "upload")[:200])
    return redirect("inventory:modelfile_preview", token=token)


@capability_required(Capability.EDIT)
def modelfile_preview(request: AuthedRequest, token: str) -> HttpResponse:
    """GET: what the import would do, or every problem with its path. POST: do it."""
    loaded = PENDING.load(request, token)
    if loaded is None:
        return _render_form(
            request,
            ModelFileForm(),
            rejected=(
                "That upload is no longer waiting: it was imported, replaced by a newer upload, "
                "or expired. Upload the file again."
            ),
        )
    info, data = loaded
    filename = info["filename"]
    confirm = request.method == "POST"
    try:
        report = modelio.model_import_bytes(
            actor=request.user, data=data, filename=filename, dry_run=not confirm
        )
    except ModelFileError as error:
        problems = error.problems
        return render(
            request,
            "inventory/modelfile_preview.html",
            {
                "filename": filename,
                "token": token,
                "problems": problems[:SHOWN_PROBLEMS],
                "problems_hidden": max(0, len(problems) - SHOWN_PROBLEMS),
            },
        )
    if confirm:
        PENDING.forget(request)
        messages.success(request, f"Imported {filename}: {report.summary()}.")
        return redirect("inventory:modelfile_import")
    rows = [
        {
            "name": name,
            "counts": section.counts(),
            "created": section.created[:SHOWN_IDS],
            "changed": section.changed[:SHOWN_IDS],
        }
        for name, section in report.rows()
    ]
    context = {"filename": filename, "token": token, "report": report, "rows": rows}
    return render(request, "inventory/modelfile_preview.html", context)


@require_safe
@capability_required(Capability.VIEW)
def modelfile_export(request: AuthedRequest) -> HttpResponse:
    """The whole inventory as a model file download (``?format=yaml`` or ``json``)."""
    fmt: Literal["yaml", "json"] = "json" if request.GET.get("format") == "json" else "yaml"
    text = dump(modelio.model_export(), fmt=fmt)
    content_type = "application/json" if fmt == "json" else "application/yaml"
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="standby-model-{stamp}.{fmt}"'
    return response
