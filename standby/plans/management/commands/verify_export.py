"""``standby verify-export DIR``: is a plan export folder intact and signed by this installation?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from standby.plans.exports.manifest import load_public_key, verify_export


class Command(BaseCommand):
    help = (
        "Check a plan export folder: every file's SHA-256 against the manifest and the "
        "manifest's Ed25519 signature against this installation's key (or --public-key)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="the export folder, e.g. …/exports/<plan>/v3")
        parser.add_argument(
            "--public-key",
            help="the signing-key.pub you trust (default: this installation's key)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        trusted = None
        if options["public_key"]:
            try:
                trusted = load_public_key(Path(options["public_key"]).read_bytes())
            except (OSError, ValueError) as error:
                raise CommandError(f"cannot read the public key: {error}") from None
        folder = Path(options["folder"])
        problems = verify_export(folder, trusted_key=trusted)
        if problems:
            for problem in problems:
                self.stderr.write(f"problem: {problem}")
            raise CommandError(f"{folder}: {len(problems)} problem(s), the export is NOT intact")
        self.stdout.write(f"{folder}: intact")
