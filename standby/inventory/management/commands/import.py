# ruff: noqa: N999  -- the command is `standby import`; Django names it after the module
"""``standby import FILE [--dry-run] [--user U]``: apply a model file to the inventory, by id."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from standby.accounts.choices import Role
from standby.accounts.models import User
from standby.inventory import modelio
from standby.modelfile.errors import ModelFileError


def _actor(username: str | None) -> User:
    """The named user, or else the one continuity manager (the audit log records who)."""
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        return user
    managers = list(User.objects.filter(role=Role.MANAGER, is_active=True)[:2])
    if len(managers) != 1:
        raise CommandError("name the importing user with --user (an editor: manager or deputy)")
    return managers[0]


def print_report(write: Any, report: modelio.ImportReport) -> None:
    """The report as a small table, then one summary line."""
    write(f"{'section':<10} {'created':>8} {'changed':>8} {'unchanged':>10}")
    for name, section in report.rows():
        counts = section.counts()
        write(f"{name:<10} {counts['created']:>8} {counts['changed']:>8} {counts['unchanged']:>10}")
    write(report.summary() + (" (dry run: nothing written)" if report.dry_run else ""))


class Command(BaseCommand):
    help = (
        "Import a model file (YAML or JSON; '-' reads stdin): creates what is new, changes what "
        "differs, leaves the rest. Nothing is written when the file has any problem."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the model file, or - for stdin")
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")
        parser.add_argument("--user", help="who imports (default: the continuity manager)")

    def handle(self, *args: Any, file: str, dry_run: bool, user: str | None, **opts: Any) -> None:
        actor = _actor(user)
        try:
            data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        try:
            report = modelio.model_import_bytes(
                actor=actor, data=data, filename=file, dry_run=dry_run
            )
        except ModelFileError as error:
            for problem in error.problems:
                self.stderr.write(f"{problem.path or file}: {problem.message}")
            raise CommandError(
                f"{len(error.problems)} problem(s) in {file}: nothing was imported"
            ) from None
        except PermissionDenied as error:
            raise CommandError(f"{actor.username}: {error}") from None
        print_report(self.stdout.write, report)
