"""``standby export FILE``: write the whole inventory as a model file (YAML or JSON)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from standby.inventory import modelio
from standby.modelfile.dump import dump


class Command(BaseCommand):
    help = "Export the inventory as a model file: JSON for *.json, otherwise YAML; '-' is stdout."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="where to write, or - for stdout")
        parser.add_argument("--format", choices=["yaml", "json"], help="default: by extension")

    def handle(self, *args: Any, file: str, format: str | None, **options: Any) -> None:
        fmt = format or ("json" if file.lower().endswith(".json") else "yaml")
        text = dump(modelio.model_export(), fmt="json" if fmt == "json" else "yaml")
        if file == "-":
            sys.stdout.write(text)
            return
        try:
            Path(file).write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot write {file}: {error.strerror}") from None
        self.stderr.write(f"wrote {file} ({len(text.encode()):,} bytes)")
