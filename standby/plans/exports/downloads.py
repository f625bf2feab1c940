"""Downloading an approved version's exports: the file list, one file, the folder as a ZIP.

Shared by the version page (:mod:`standby.plans.views_exports`) and the API
(:mod:`standby.plans.api`). Only the names the manifest lists — plus the manifest, its
signature and the public key — are ever served: a name from a URL is looked up in that list,
never joined onto the folder as given. A version in review (or returned) has no exports.

When an approved or superseded version's folder is gone or incomplete (a wiped or restored data
directory), :func:`version_export_ensure` writes it again from the version's frozen content and
records that in the audit log. A file whose checksum is wrong is *not* replaced: that is
reported (:attr:`Export.problems`), since writing over it would hide the change.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from standby.accounts.choices import Capability
from standby.accounts.permissions import require
from standby.common import audit
from standby.common.choices import AuditAction
from standby.plans.choices import VersionStatus
from standby.plans.exports import FILES, export_dir, export_version
from standby.plans.exports.manifest import MANIFEST, PUBLIC_KEY, SIGNATURE, verify_export
from standby.plans.models import PlanVersion

EXPORTED = frozenset({VersionStatus.APPROVED, VersionStatus.SUPERSEDED})
"""Statuses whose versions have exports (written on approval, kept when superseded)."""

SIGNED_FILES = (MANIFEST, SIGNATURE, PUBLIC_KEY)
"""Served besides the files the manifest lists: what checking them needs."""

CONTENT_TYPES = {
    "plan.pdf": "application/pdf",
    # Always sent as an attachment (and sandboxed): the offline plan never renders in the app.
    "plan.html": "text/html; charset=utf-8",
    "plan.json": "application/json",
    MANIFEST: "application/json",
    SIGNATURE: "text/plain; charset=us-ascii",
    PUBLIC_KEY: "application/x-pem-file",
}


DESCRIPTIONS = {
    "plan.pdf": "The plan to print (A4).",
    "plan.html": "The plan as one self-contained file: opens offline, on a phone.",
    "plan.json": "The plan's content as data.",
    MANIFEST: "SHA-256 and size of the files above.",
    SIGNATURE: "The manifest's Ed25519 signature.",
    PUBLIC_KEY: "This installation's public signing key.",
}


class NoExportError(LookupError):
    """The version has no exports (it was never approved)."""


@dataclass(frozen=True)
class ExportFile:
    """One downloadable file; ``sha256`` is the manifest's (None for the signed files)."""

    name: str
    size: int
    sha256: str | None
    content_type: str

    @property
    def description(self) -> str:
        return DESCRIPTIONS.get(self.name, "")


@dataclass
class Export:
    """A version's export folder as it can be downloaded, and whether it checks out."""

    version: PlanVersion
    folder: Path
    files: list[ExportFile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    written_again: bool = False

    @property
    def zip_name(self) -> str:
        return f"{self.version.plan.key}-v{self.version.number}.zip"


def has_exports(version: PlanVersion) -> bool:
    """True for an approved or superseded version (the ones written on approval)."""
    return version.status in EXPORTED and version.approved_at is not None


def no_export_message(version: PlanVersion) -> str:
    status = VersionStatus(version.status).label.lower()
    return (
        f"Version {version.number} is {status}: only approved versions have exports "
        "(they are written when the version is approved)."
    )


def _manifest_files(folder: Path) -> dict[str, Any] | None:
    """The manifest's ``files``, or None when it is missing or unreadable."""
    try:
        files = json.loads((folder / MANIFEST).read_bytes())["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return files if isinstance(files, dict) else None


def _what_is_missing(folder: Path) -> str | None:
    """Why ``folder`` cannot be served as it is (None: it can)."""
    if not folder.is_dir():
        return "the export folder was missing"
    files = _manifest_files(folder)
    if files is None:
        return f"{MANIFEST} was missing or unreadable"
    for name in [*sorted(files), SIGNATURE, PUBLIC_KEY]:
        # A name that is not a plain file name is never served; verify_export reports it.
        if Path(name).name == name and not os.path.lexists(folder / name):
            return f"{name} was missing"
    return None


def _safe_path(folder: Path, name: str) -> Path | None:
    """``folder / name`` when ``name`` is a plain file name of a regular file in ``folder``."""
    if not name or name in {".", ".."} or Path(name).name != name or "\\" in name:
        return None
    path = folder / name
    if path.is_symlink() or not path.is_file() or path.resolve().parent != folder.resolve():
        return None
    return path


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """One writer of a version's folder at a time (two requests finding it gone at once)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with (folder.parent / f".{folder.name}.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def version_export_ensure(*, actor: Any, version: PlanVersion) -> Export:
    """The version's exports, written again (and audited) when the folder is gone or incomplete.

    Needs VIEW (whoever may read the plan may download it). Raises :class:`NoExportError` for a
    version that was never approved.
    """
    require(actor, Capability.VIEW)
    if not has_exports(version):
        raise NoExportError(no_export_message(version))
    folder = export_dir(version.plan.key, version.number)
    written_again = False
    if _what_is_missing(folder) is not None:
        with _folder_lock(folder):
            reason = _what_is_missing(folder)  # another request may have written it meanwhile
            if reason is not None:
                # Outside a transaction: rendering the PDF takes a while and must not hold the
                # database's write lock. The entry follows the files it records.
                export_version(version)
                with transaction.atomic():
                    audit.record(
                        actor=actor,
                        action=AuditAction.EVENT,
                        object_type=version._meta.label_lower,
                        object_id=str(version.pk),
                        object_repr=str(version),
                        changes={"exports": [reason, "written again from the approved content"]},
                    )
                written_again = True
    return describe(version, folder, written_again=written_again)


def describe(version: PlanVersion, folder: Path, *, written_again: bool = False) -> Export:
    """The downloadable files of ``folder`` (the listed ones, then the signed files), checked."""
    export = Export(version=version, folder=folder, written_again=written_again)
    listed = _manifest_files(folder) or {}
    # The documents in their usual order (PDF, HTML, JSON), then anything else listed.
    for name in sorted(listed, key=lambda n: (FILES.index(n) if n in FILES else len(FILES), n)):
        path = _safe_path(folder, name)
        if path is None:
            continue
        entry = listed[name] if isinstance(listed[name], dict) else {}
        export.files.append(
            ExportFile(
                name=name,
                size=int(entry.get("bytes") or path.stat().st_size),
                sha256=str(entry.get("sha256") or "") or None,
                content_type=CONTENT_TYPES.get(name, "application/octet-stream"),
            )
        )
    for name in SIGNED_FILES:
        path = _safe_path(folder, name)
        if path is not None:
            export.files.append(ExportFile(name, path.stat().st_size, None, CONTENT_TYPES[name]))
    export.problems = verify_export(folder)
    return export


def servable(export: Export, name: str) -> Path | None:
    """The file called ``name`` when the export lists it (None otherwise: answer 404)."""
    if name not in {f.name for f in export.files}:
        return None
    return _safe_path(export.folder, name)


def file_response(export: Export, path: Path) -> HttpResponse:
    """``path`` as an attachment, with its type; sandboxed, never sniffed or rendered in place.

    Read whole: export files are a few megabytes at most (a 200-step plan's PDF is well under).
    """
    version = export.version
    response = HttpResponse(
        path.read_bytes(), content_type=CONTENT_TYPES.get(path.name, "application/octet-stream")
    )
    _attach(response, f"{version.plan.key}-v{version.number}-{path.name}")
    return response


def zip_bytes(export: Export) -> bytes:
    """The export as a ZIP holding ``<plan-id>/v<N>/<file>``: unzip it and run
    ``standby verify-export <plan-id>/v<N>`` on the folder."""
    prefix = f"{export.version.plan.key}/v{export.version.number}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in export.files:
            path = _safe_path(export.folder, item.name)
            if path is not None:
                archive.write(path, f"{prefix}/{item.name}")
    return buffer.getvalue()


def zip_response(export: Export) -> HttpResponse:
    response = HttpResponse(zip_bytes(export), content_type="application/zip")
    _attach(response, export.zip_name)
    return response


def _attach(response: HttpResponse, filename: str) -> None:
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it anyway, it runs in an opaque origin with nothing allowed.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-cache"
