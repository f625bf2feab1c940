"""Off-site copies: every approved version's export folder, on every active target.

A folder target (a mounted share, a removable drive) receives ``<location>/<plan-key>/v<N>/``,
checked with :func:`~standby.plans.exports.manifest.verify_export` after copying. S3 targets
are recorded as not copied (with the reason) until they are supported, so they show as outdated
rather than silently current.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from standby.plans.choices import TargetKind, VersionStatus
from standby.plans.exports import export_dir, export_version
from standby.plans.exports.manifest import MANIFEST, verify_export
from standby.plans.models import OffsiteCopy, OffsiteTarget, PlanVersion


def _copy_folder(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}-", dir=destination.parent))
    try:
        shutil.copytree(source, staging, dirs_exist_ok=True)
        old = None
        if destination.exists():
            old = destination.with_name(f".{destination.name}-old-{staging.name}")
            destination.rename(old)
        staging.rename(destination)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def copy_to_target(version: PlanVersion, target: OffsiteTarget) -> OffsiteCopy:
    """Copy ``version``'s exports to ``target`` and record the outcome (never raises on I/O)."""
    source = export_dir(version.plan.key, version.number)
    if not (source / MANIFEST).exists():
        source = export_version(version)
    manifest_sha = hashlib.sha256((source / MANIFEST).read_bytes()).hexdigest()
    error = ""
    if target.kind != TargetKind.FOLDER:
        error = "S3 targets are not supported yet: copy the export folder by hand."
    else:
        destination = Path(target.location) / version.plan.key / f"v{version.number}"
        try:
            _copy_folder(source, destination)
            problems = verify_export(destination)
            if problems:
                error = "The copy does not verify: " + "; ".join(problems)
        except OSError as problem:
            error = f"Could not copy to {target.location}: {problem}"
    with transaction.atomic():
        record = OffsiteCopy(
            target=target,
            version=version,
            copied_at=timezone.now(),
            manifest_sha256=manifest_sha if not error else "",
            error=error,
        )
        record.full_clean()
        record.save()
    return record


def copy_version(
    version: PlanVersion, *, targets: list[OffsiteTarget] | None = None
) -> list[OffsiteCopy]:
    """Copy ``version`` to every active target (or to ``targets``)."""
    chosen = targets if targets is not None else list(OffsiteTarget.objects.filter(active=True))
    return [copy_to_target(version, target) for target in chosen]


def copy_current_to_target(target: OffsiteTarget) -> list[OffsiteCopy]:
    """Bring ``target`` up to date: copy every plan's current approved version to it."""
    current = PlanVersion.objects.filter(status=VersionStatus.APPROVED).select_related("plan")
    return [copy_to_target(version, target) for version in current]


# -- selectors ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Holding:
    """What one target holds of one plan, against the plan's current approved version."""

    plan_key: str
    plan_title: str
    current: int | None  # the approved version number; None: nothing approved now
    held: int | None  # the newest version copied successfully; None: none
    last_copied_at: object = None
    last_error: str = ""

    @property
    def outdated(self) -> bool:
        return self.current is not None and (self.held is None or self.held < self.current)


@dataclass(frozen=True)
class TargetStatus:
    target: OffsiteTarget
    holdings: list[Holding] = field(default_factory=list)

    @property
    def outdated(self) -> bool:
        return any(h.outdated for h in self.holdings)

    @property
    def outdated_plans(self) -> list[Holding]:
        return [h for h in self.holdings if h.outdated]


def target_statuses(targets: list[OffsiteTarget] | None = None) -> list[TargetStatus]:
    """Which version of each plan every target holds, and whether it is outdated (3 queries)."""
    chosen = targets if targets is not None else list(OffsiteTarget.objects.all())
    current: dict[str, tuple[str, int]] = {}
    for key, title, number in PlanVersion.objects.filter(status=VersionStatus.APPROVED).values_list(
        "plan__key", "plan__title", "number"
    ):
        if key not in current or number > current[key][1]:
            current[key] = (title, number)
    held: dict[tuple[int, str], int] = {}
    last: dict[tuple[int, str], tuple[object, str]] = {}
    titles: dict[str, str] = {key: title for key, (title, _) in current.items()}
    copies = (
        OffsiteCopy.objects.filter(target__in=chosen)
        .order_by("copied_at")
        .values_list(
            "target_id",
            "version__plan__key",
            "version__plan__title",
            "version__number",
            "copied_at",
            "error",
        )
    )
    for target_id, key, title, number, copied_at, error in copies:
        titles.setdefault(key, title)
        if not error:
            held[(target_id, key)] = max(held.get((target_id, key), 0), number)
        last[(target_id, key)] = (copied_at, error)
    statuses = []
    for target in chosen:
        keys = sorted({*current, *(k for (t, k) in held if t == target.pk)})
        holdings = [
            Holding(
                plan_key=key,
                plan_title=titles.get(key, key),
                current=current[key][1] if key in current else None,
                held=held.get((target.pk, key)),
                last_copied_at=last.get((target.pk, key), (None, ""))[0],
                last_error=last.get((target.pk, key), (None, ""))[1],
            )
            for key in keys
        ]
        statuses.append(TargetStatus(target=target, holdings=holdings))
    return statuses
