"""``standby audit verify``: check the audit log's hash chain."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from standby.common import audit


class Command(BaseCommand):
    help = "Audit log tools."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="check the hash chain and name the first broken entry")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        checked, broken = audit.verify()
        if broken is not None:
            raise CommandError(
                f"audit log broken at entry #{broken.entry_id}: {broken.reason} "
                f"({checked} entries before it are intact)"
            )
        self.stdout.write(f"audit log intact: {checked} entries verified")
