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

    def handle(self, *args: Any, host: str, port: int, threads: int, **options: Any) -> None:
        from waitress import serve

        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        # Before the application loads: WhiteNoise indexes the static folder once, at start.
        call_command("collectstatic", interactive=False, verbosity=0)
        from standby.wsgi import application

        self.stdout.write(f"Standby is serving on http://{host}:{port}/ (Ctrl+C stops it)")
        serve(application, host=host, port=port, threads=threads, ident="Standby")
