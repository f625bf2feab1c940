"""``standby generate``: write a synthetic organisation as a model file (tests, benchmarks)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from standby.modelfile.dump import dump
from standby.modelfile.errors import ModelFileError
from standby.modelfile.generate import generate_model
from standby.modelfile.schema import validate


class Command(BaseCommand):
    help = (
        "Write a synthetic organisation (layered processes, services, assets, sites, suppliers) "
        "as a model file. The same seed always gives the same file."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="where to write (JSON for *.json), or - for stdout")
        parser.add_argument("--processes", type=int, default=20)
        parser.add_argument("--services", type=int, default=200)
        parser.add_argument("--assets", type=int, default=2000, help="at least 200")
        parser.add_argument("--seed", type=int, default=1)

    def handle(
        self,
        *args: Any,
        file: str,
        processes: int,
        services: int,
        assets: int,
        seed: int,
        **options: Any,
    ) -> None:
        try:
            data = generate_model(processes=processes, services=services, assets=assets, seed=seed)
            model = validate(data)
        except (ValueError, ModelFileError) as error:
            raise CommandError(str(error)) from None
        text = dump(model, fmt="json" if file.lower().endswith(".json") else "yaml")
        if file == "-":
            sys.stdout.write(text)
            return
        try:
            Path(file).write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot write {file}: {error.strerror}") from None
        self.stderr.write(
            f"wrote {file}: {len(model.assets):,} assets ({len(text.encode()):,} bytes)"
        )
