"""Downloads of an approved version's exports: one file by its manifest name, or all as a ZIP.

Whoever may read plans may download them. The files are listed on the version page
(:func:`export_context`); :mod:`standby.plans.exports.downloads` does the work, shared with the
API.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from standby.accounts.choices import Capability
from standby.accounts.permissions import capability_required
from standby.common.http import AuthedRequest
from standby.plans.exports import downloads
from standby.plans.models import PlanVersion

logger = logging.getLogger("standby.plans")


def _version(key: str, number: int) -> PlanVersion:
    return get_object_or_404(
        PlanVersion.objects.select_related("plan", "approved_by"), plan__key=key, number=number
    )


def _export(request: AuthedRequest, key: str, number: int) -> downloads.Export:
    version = _version(key, number)
    try:
        return downloads.version_export_ensure(actor=request.user, version=version)
    except downloads.NoExportError as error:
        raise Http404(str(error)) from None


def export_context(request: AuthedRequest, version: PlanVersion) -> dict[str, Any]:
    """The version page's download list: ``export`` (None for a version with no exports) and
    ``export_error`` (why the files could not be written again)."""
    if not downloads.has_exports(version):
        return {"export": None, "export_error": ""}
    try:
        export = downloads.version_export_ensure(actor=request.user, version=version)
    except Exception:
        # The plan itself must still show when, say, the PDF cannot be rendered here.
        logger.exception("exports of %s could not be written again", version)
        return {
            "export": None,
            "export_error": "The exports of this version are missing and could not be written "
            "again; the error is in the server's log.",
        }
    return {"export": export, "export_error": ""}


@require_safe
@capability_required(Capability.VIEW)
def version_export_file(request: AuthedRequest, key: str, number: int, name: str) -> HttpResponse:
    """One file of the export, by the name the manifest gives it, as an attachment."""
    export = _export(request, key, number)
    path = downloads.servable(export, name)
    if path is None:
        raise Http404("This version's export has no file of that name.")
    return downloads.file_response(export, path)


@require_safe
@capability_required(Capability.VIEW)
def version_export_zip(request: AuthedRequest, key: str, number: int) -> HttpResponse:
    """The whole export folder as a ZIP (``<plan-id>/v<N>/…``), ready for ``verify-export``."""
    return downloads.zip_response(_export(request, key, number))
