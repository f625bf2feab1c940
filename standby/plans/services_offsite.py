"""Writes of off-site targets: create, change, deactivate, copy now, check now.

Configuring where plans are copied is the continuity manager's (``APPROVE``, as the BIA settings
are): a target decides where every approved plan ends up. Every write is audited. Copies and
checks run outside a database transaction (a slow share or bucket must not hold the write
lock); each records its own outcome (:mod:`standby.plans.exports.offsite`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from standby.accounts.choices import Capability
from standby.accounts.permissions import require
from standby.common import audit
from standby.plans.choices import TargetKind
from standby.plans.exports import offsite, s3
from standby.plans.models import OffsiteCopy, OffsiteTarget

if TYPE_CHECKING:
    from standby.accounts.models import User


def _code_tree() -> Path:
    """Standby's code: the checkout when run from one, else the installed package."""
    package = Path(settings.BASE_DIR).resolve()
    checkout = package.parent
    return checkout if (checkout / "pyproject.toml").is_file() else package


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def folder_problems(location: str) -> list[str]:
    """What is wrong with a folder target's location; empty when Standby can copy there.

    The folder must be absolute, exist and be writable (a share not mounted or a drive not
    plugged in is caught here rather than at the next approval), and lie outside Standby's
    data folder and code, which a copy could overwrite and which are no off-site copy at all.
    It may not be a mount point itself but a folder on the mounted drive or share: the mount
    point stays behind, empty, when the drive is unplugged, and a copy there would land on the
    local disk; a folder on the drive goes away with it, and copies then fail
    (:func:`standby.plans.exports.offsite.root_problem`).
    """
    if not location.strip():
        return ["Give the folder's path."]
    if "\x00" in location or any(ord(c) < 32 for c in location):
        return ["The path may not contain control characters."]
    if not os.path.isabs(location):
        return [f"{location} is not an absolute path: start it at the root, e.g. /mnt/offsite."]
    path = Path(location).resolve()
    data = Path(settings.DATA_DIR).resolve()
    for folder, what in ((data, "Standby's data folder"), (_code_tree(), "Standby's code")):
        if _inside(path, folder):
            return [
                f"{path} is inside {what} ({folder}): an off-site copy belongs on a mounted "
                "share or a removable drive."
            ]
        if _inside(folder, path):
            return [
                f"{path} contains {what} ({folder}): choose a folder of its own on the share "
                "or drive."
            ]
    try:
        if not path.is_dir():
            return [f"{path} is not a folder (is the share mounted, the drive plugged in?)."]
        if os.path.ismount(path):
            return [
                f"{path} is a mount point: choose a folder on the drive or share, e.g. "
                f"{path / 'standby'}, so that copies fail rather than land on the local disk "
                "when it is not mounted."
            ]
        if not os.access(path, os.W_OK | os.X_OK):
            return [f"Standby (running as user {os.getuid()}) cannot write to {path}."]
    except OSError as error:
        return [f"{path} cannot be read: {error.strerror or error}."]
    return []


def location_problems(target: OffsiteTarget) -> dict[str, list[str]]:
    """Field errors of a target's kind, location and endpoint."""
    if target.kind == TargetKind.S3:
        problems = s3.location_problems(target.location.strip(), target.endpoint_url.strip())
        endpoint = [p for p in problems if p.startswith("The endpoint")]
        where = [p for p in problems if p not in endpoint]
        return {k: v for k, v in (("location", where), ("endpoint_url", endpoint)) if v}
    errors = {}
    if target.endpoint_url.strip():
        errors["endpoint_url"] = ["Only an S3 target has an endpoint: leave it empty."]
    where = folder_problems(target.location)
    if where:
        errors["location"] = where
    return errors


def _check(target: OffsiteTarget) -> None:
    target.location = target.location.strip()
    target.endpoint_url = target.endpoint_url.strip()
    errors = location_problems(target)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def target_create(*, actor: User, target: OffsiteTarget) -> OffsiteTarget:
    """Add a target (APPROVE); it receives the next approved versions (copy now for the rest)."""
    require(actor, Capability.APPROVE)
    _check(target)
    return audit.audited_save(actor=actor, instance=target)


@transaction.atomic
def target_update(*, actor: User, target: OffsiteTarget) -> OffsiteTarget:
    """Change a target (APPROVE). Its location is checked again only when it changed: a drive
    unplugged today does not stop renaming the target."""
    require(actor, Capability.APPROVE)
    stored = OffsiteTarget.objects.select_for_update().get(pk=target.pk)
    moved = (stored.kind, stored.location.strip(), stored.endpoint_url.strip()) != (
        target.kind,
        target.location.strip(),
        target.endpoint_url.strip(),
    )
    if moved or (target.active and not stored.active):
        _check(target)
    return audit.audited_save(actor=actor, instance=target)


@transaction.atomic
def target_deactivate(*, actor: User, target: OffsiteTarget) -> OffsiteTarget:
    """Stop copying to a target (APPROVE); its history stays."""
    require(actor, Capability.APPROVE)
    stored = OffsiteTarget.objects.select_for_update().get(pk=target.pk)
    stored.active = False
    return audit.audited_save(actor=actor, instance=stored)


def _usable(target: OffsiteTarget) -> None:
    if not target.active:
        raise ValidationError(f"{target.name} is not active: activate it before copying to it.")


def target_copy_now(*, actor: User, target: OffsiteTarget) -> list[OffsiteCopy]:
    """Copy every plan's current approved version to ``target`` now (APPROVE); each copy is
    recorded with its outcome. Not one transaction: see the module's docstring."""
    require(actor, Capability.APPROVE)
    _usable(target)
    return offsite.copy_current_to_target(target, actor=actor)


def target_check_now(*, actor: User, target: OffsiteTarget) -> list[OffsiteCopy]:
    """Read back and verify what ``target`` holds (APPROVE); each check is recorded."""
    require(actor, Capability.APPROVE)
    _usable(target)
    return offsite.check_target(target, actor=actor)
