"""Exports of approved plan versions: PDF, self-contained HTML, JSON, signed manifest.

``DATA_DIR/exports/<plan-key>/v<N>/`` holds ``plan.pdf``, ``plan.html``, ``plan.json``,
``manifest.json``, ``manifest.sig`` and ``signing-key.pub``. :func:`export_version` writes it
(atomically: a new folder is moved into place), :func:`on_approval` is the approval hook that
writes it and copies it off-site.
"""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # not at run time: the PDF workers import this package without Django
    from standby.plans.content import PlanContent
    from standby.plans.models import PlanVersion

FILES = ("plan.pdf", "plan.html", "plan.json")
ALL_FILES = (*FILES, "manifest.json", "manifest.sig", "signing-key.pub")


def exports_root() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / "exports"


def export_dir(plan_key: str, number: int, *, root: Path | None = None) -> Path:
    """``root/<plan_key>/v<number>``, ``root`` being the exports root.

    Plan ids are validated before they are stored, but the folder is not trusted to that: a key
    that does not name one folder directly inside the root (``..``, ``.``, ``a/b``, an absolute
    path) raises ``ValueError`` rather than write or serve files elsewhere.
    """
    base = root or exports_root()
    plan_folder = base / plan_key
    if not plan_key or plan_folder.resolve().parent != base.resolve():
        raise ValueError(f"plan id {plan_key!r} is not a folder inside the exports root {base}")
    return plan_folder / f"v{number}"


def write_export(content: PlanContent, folder: Path) -> Path:
    """Render ``content`` into ``folder`` (replaced as a whole) and sign it; returns ``folder``."""
    from standby.plans.exports.manifest import signing_key, write_manifest
    from standby.plans.exports.pdf import render_plan_pdf
    from standby.plans.exports.render import render_plan_html

    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        (staging / "plan.html").write_text(render_plan_html(content, medium="offline"), "utf-8")
        (staging / "plan.pdf").write_bytes(render_plan_pdf(content))
        (staging / "plan.json").write_text(
            json.dumps(content, indent=2, sort_keys=True, ensure_ascii=False) + "\n", "utf-8"
        )
        version = content["version"]
        write_manifest(
            staging,
            files=list(FILES),
            plan_key=content["plan"]["key"],
            plan_title=content["plan"]["title"],
            version=version["number"],
            approved_by=version["approved_by"],
            approved_at=version["approved_at"],
            data_as_of=version["data_as_of"],
            key=signing_key(),
        )
        staging.chmod(0o755)
        _replace(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def _replace(new: Path, folder: Path) -> None:
    """Move ``new`` to ``folder``; an older ``folder`` goes only once the new one is in place."""
    old = None
    if folder.exists():
        old = folder.with_name(f".{folder.name}-old-{new.name}")
        folder.rename(old)
    new.rename(folder)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def version_content(version: PlanVersion) -> PlanContent:
    """The version's content with its approval as recorded on the version row.

    Content is frozen when the draft is submitted; who approved it and when is known later.
    """
    content: PlanContent = copy.deepcopy(version.content)
    info = content["version"]
    info["number"] = version.number
    info["status"] = version.status
    info["data_as_of"] = info.get("data_as_of") or version.data_as_of.isoformat()
    if version.approved_at is not None:
        info["approved_at"] = version.approved_at.isoformat()
    if version.approved_by is not None:
        info["approved_by"] = version.approved_by.get_full_name() or version.approved_by.username
    return content


def export_version(version: PlanVersion, *, root: Path | None = None) -> Path:
    """Write the exports of an approved (or superseded) version; returns their folder."""
    if version.approved_at is None:
        raise ValueError(f"{version} was never approved: only approved versions are exported")
    folder = export_dir(version.plan.key, version.number, root=root)
    return write_export(version_content(version), folder)


def on_approval(version: PlanVersion) -> None:
    """Approval hook: export the version, then copy it to every active off-site target."""
    from standby.plans.exports.offsite import copy_version

    export_version(version)
    copy_version(version)
