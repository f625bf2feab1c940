"""``standby serve``: waitress + WhiteNoise, never Django's development server."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Standby with a production WSGI server (waitress) and WhiteNoise static files."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-migrate", action="store_true", help="do not apply pending migrations first"
        )
        parser.add_argument(
            "--collectstatic",
            action="store_true",
            help="collect the static files even when they have not changed since the last start",
        )

    def handle(self, *args: Any, host: str, port: int, threads: int, **options: Any) -> None:
        from waitress import serve

        from standby.common import static_files

        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        # Before the application loads: WhiteNoise indexes the static folder once, at start.
        # Collected only when something changed since the last start (an install, an upgrade).
        if options["collectstatic"] or not static_files.up_to_date():
            self.stdout.write("Collecting and compressing the static files (about a minute)…")
            self.stdout.flush()
            static_files.collect(force=True)
        from standby.wsgi import application

        self.stdout.write(f"Standby is serving on http://{host}:{port}/ (Ctrl+C stops it)")
        serve(application, host=host, port=port, threads=threads, ident="Standby")
