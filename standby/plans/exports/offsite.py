"""Off-site copies: every approved version's export folder, on every active target.

A folder target (a mounted share, a removable drive) receives ``<location>/<plan-key>/v<N>/``;
an S3-compatible bucket ``s3://bucket/prefix`` receives ``<prefix>/<plan-key>/v<N>/``
(:mod:`standby.plans.exports.s3`). Either way the copy is read back and checked with
:func:`~standby.plans.exports.manifest.verify_export` before it counts. Every attempt is recorded
as an :class:`OffsiteCopy` (through the audit log), failures with their reason, so a target that
could not be written shows as outdated rather than silently current. :func:`check_target`
re-checks what a target holds (someone may have changed it since); :func:`check_current`
re-checks every active target's copies of the approved versions (``standby check-offsite``).

A folder target's own location is never created: only ``<plan-key>/v<N>/`` below it are. A
drive that is not mounted (or a share not connected) leaves its location missing, and the
copy fails with "is the drive mounted?" instead of landing on the local disk under the mount
point and counting as an off-site copy. The location may not itself be a mount point
(:func:`standby.plans.services_offsite.folder_problems`): a drive's mount point usually stays
as an empty folder when the drive is unplugged, and telling it apart from an empty drive
would need the mount state stored at configuration time, so the target is a folder *on* the
drive, which disappears with it.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from standby.common.audit import audited_save
from standby.plans.choices import TargetKind, VersionStatus
from standby.plans.exports import export_dir, export_version, s3
from standby.plans.exports.manifest import MANIFEST, verify_export
from standby.plans.models import OffsiteCopy, OffsiteTarget, PlanVersion


def root_problem(location: str) -> str:
    """Why a folder target's own location cannot receive or hold copies now; empty when it can.

    Checked before every copy and check: the location is never created (see the module).
    """
    root = Path(location)
    try:
        if not root.exists():
            return (
                f"The target folder {root} is missing: is the drive mounted (the share "
                "connected)? Standby does not create it, so nothing was written."
            )
        if not root.is_dir():
            return f"The target folder {root} is not a folder: is the drive mounted?"
    except OSError as problem:
        return f"The target folder {root} cannot be read: {problem}"
    return ""


def _copy_folder(source: Path, destination: Path) -> None:
    """Copy ``source`` to ``destination`` (``<root>/<plan-key>/v<N>``), replacing it atomically.

    Only ``<plan-key>`` and ``v<N>`` are created, never ``<root>``: should the drive go away
    after :func:`root_problem` was asked, ``mkdir`` fails rather than write to the mount point.
    """
    destination.parent.mkdir(exist_ok=True)
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


def _folder_of(target: OffsiteTarget, version: PlanVersion) -> Path:
    return Path(target.location) / version.plan.key / f"v{version.number}"


def _record(
    target: OffsiteTarget,
    version: PlanVersion,
    *,
    manifest_sha: str,
    error: str,
    check_only: bool,
    actor: Any,
) -> OffsiteCopy:
    with transaction.atomic():
        return audited_save(
            actor=actor,
            instance=OffsiteCopy(
                target=target,
                version=version,
                copied_at=timezone.now(),
                manifest_sha256=manifest_sha if not error else "",
                error=error,
                check_only=check_only,
            ),
        )


def copy_to_target(
    version: PlanVersion, target: OffsiteTarget, *, actor: Any = None
) -> OffsiteCopy:
    """Copy ``version``'s exports to ``target`` and record the outcome (never raises on I/O).

    ``actor``: who asked (None: the system, e.g. the approval hook). The copy itself runs
    outside any database transaction: a slow share or bucket must not hold the write lock.
    """
    source = export_dir(version.plan.key, version.number)
    try:
        if not (source / MANIFEST).exists():
            source = export_version(version)
        manifest_sha = hashlib.sha256((source / MANIFEST).read_bytes()).hexdigest()
    except OSError as problem:
        error = f"Could not export {version} to copy it: {problem}"
        return _record(target, version, manifest_sha="", error=error, check_only=False, actor=actor)
    error = ""
    problems: list[str] = []
    try:
        if target.kind == TargetKind.S3:
            problems = s3.upload_version(
                source, target.location, target.endpoint_url, version.plan.key, version.number
            ).problems
        elif missing := root_problem(target.location):
            error = missing
        else:
            destination = _folder_of(target, version)
            _copy_folder(source, destination)
            problems = verify_export(destination)
    except s3.S3Error as problem:
        error = str(problem)
    except OSError as problem:
        error = f"Could not copy to {target.location}: {problem}"
    if problems:
        error = "The copy does not verify: " + "; ".join(problems)
    return _record(
        target, version, manifest_sha=manifest_sha, error=error, check_only=False, actor=actor
    )


def check_copy(version: PlanVersion, target: OffsiteTarget, *, actor: Any = None) -> OffsiteCopy:
    """Read ``version``'s copy on ``target`` back, verify it, and record the outcome."""
    error = ""
    manifest_sha = ""
    try:
        if target.kind == TargetKind.S3:
            found = s3.check_version(
                target.location, target.endpoint_url, version.plan.key, version.number
            )
            problems, manifest_sha = found.problems, found.manifest_sha256
        elif missing := root_problem(target.location):
            problems, error = [], missing
        else:
            folder = _folder_of(target, version)
            problems = verify_export(folder)
            if not problems:
                manifest_sha = hashlib.sha256((folder / MANIFEST).read_bytes()).hexdigest()
    except s3.S3Error as problem:
        error = str(problem)
    except OSError as problem:
        error = f"Could not read {target.location}: {problem}"
    else:
        if problems:
            error = "The copy does not verify: " + "; ".join(problems)
    return _record(
        target, version, manifest_sha=manifest_sha, error=error, check_only=True, actor=actor
    )


def copy_version(
    version: PlanVersion, *, targets: list[OffsiteTarget] | None = None, actor: Any = None
) -> list[OffsiteCopy]:
    """Copy ``version`` to every active target (or to ``targets``)."""
    chosen = targets if targets is not None else list(OffsiteTarget.objects.filter(active=True))
    return [copy_to_target(version, target, actor=actor) for target in chosen]


def copy_current_to_target(target: OffsiteTarget, *, actor: Any = None) -> list[OffsiteCopy]:
    """Bring ``target`` up to date: copy every plan's current approved version to it."""
    current = PlanVersion.objects.filter(status=VersionStatus.APPROVED).select_related("plan")
    return [copy_to_target(version, target, actor=actor) for version in current]


def check_target(target: OffsiteTarget, *, actor: Any = None) -> list[OffsiteCopy]:
    """Re-check the newest version of every plan that ``target`` holds (tampering, decay)."""
    (status,) = target_statuses([target])
    held = {(h.plan_key, h.held) for h in status.holdings if h.held is not None}
    versions = [
        v
        for v in PlanVersion.objects.filter(plan__key__in={k for k, _ in held}).select_related(
            "plan"
        )
        if (v.plan.key, v.number) in held
    ]
    return [check_copy(version, target, actor=actor) for version in versions]


@dataclass(frozen=True)
class CurrentCheck:
    """One active target and one plan's approved version: OK, OUTDATED or FAILED, and why."""

    OK = "OK"
    OUTDATED = "OUTDATED"
    FAILED = "FAILED"

    target: OffsiteTarget
    plan_key: str
    current: int  # the approved version's number
    held: int | None  # the newest version the target holds intact as far as known; None: none
    state: str
    reason: str = ""


def check_current(*, copy_outdated: bool = False, actor: Any = None) -> list[CurrentCheck]:
    """Re-verify every active target's copy of every plan's approved version (``check-offsite``).

    A target holding the approved version has it read back and verified by :func:`check_copy`
    and the check recorded, as *Check copies* does: OK, or FAILED with the reason. One holding
    an older version (or none) is OUTDATED, with the last copy's error if it failed. With
    ``copy_outdated``, an outdated one — or one whose last copy or check failed — is copied
    first with :func:`copy_to_target` (which reads the copy back and verifies it): OK or FAILED.
    """
    targets = list(OffsiteTarget.objects.filter(active=True))
    approved: dict[str, PlanVersion] = {}
    for version in PlanVersion.objects.filter(status=VersionStatus.APPROVED).select_related("plan"):
        kept = approved.get(version.plan.key)
        if kept is None or version.number > kept.number:
            approved[version.plan.key] = version
    return [
        _check_current(status.target, holding, approved[holding.plan_key], copy_outdated, actor)
        for status in target_statuses(targets)
        for holding in status.holdings
        if holding.plan_key in approved  # else held, but nothing of the plan is approved now
    ]


def _check_current(
    target: OffsiteTarget, holding: Holding, version: PlanVersion, copy_outdated: bool, actor: Any
) -> CurrentCheck:
    found = partial(CurrentCheck, target, holding.plan_key, version.number)
    if copy_outdated and holding.outdated:
        record = copy_to_target(version, target, actor=actor)
        if record.error:
            return found(holding.held, CurrentCheck.FAILED, record.error)
        return found(version.number, CurrentCheck.OK, "copied, read back and verified")
    if holding.behind:
        held = "nothing" if holding.held is None else f"v{holding.held}"
        reason = f"holds {held}, v{version.number} is approved"
        if holding.last_error:
            reason += f"; the last copy failed: {holding.last_error}"
        return found(holding.held, CurrentCheck.OUTDATED, reason)
    record = check_copy(version, target, actor=actor)
    if record.error:
        return found(holding.held, CurrentCheck.FAILED, record.error)
    return found(holding.held, CurrentCheck.OK, "read back and verified")


# -- selectors ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Holding:
    """What one target holds of one plan, against the plan's current approved version."""

    plan_key: str
    plan_title: str
    current: int | None  # the approved version number; None: nothing approved now
    held: int | None  # the newest version copied successfully; None: none
    last_copied_at: object = None
    last_error: str = ""  # of the last copy or check: the target may hold a broken copy

    @property
    def behind(self) -> bool:
        return self.current is not None and (self.held is None or self.held < self.current)

    @property
    def outdated(self) -> bool:
        """Behind the approved version, or the last copy or check of the plan failed."""
        return self.current is not None and (self.behind or bool(self.last_error))


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
        .order_by("copied_at", "pk")
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


@dataclass(frozen=True)
class OutdatedCopy:
    """One active target that does not hold a plan's approved version intact."""

    target: OffsiteTarget
    holding: Holding


def outdated_warnings(plan_key: str | None = None) -> list[OutdatedCopy]:
    """Every active target outdated for a plan (or for ``plan_key`` only), 3 queries."""
    statuses = target_statuses(list(OffsiteTarget.objects.filter(active=True)))
    return [
        OutdatedCopy(target=status.target, holding=holding)
        for status in statuses
        for holding in status.outdated_plans
        if plan_key is None or holding.plan_key == plan_key
    ]
