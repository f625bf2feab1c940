"""The ``standby`` command: Django's management commands, with Standby's listed first.

Configuration errors (a bad environment variable) stop the command with one line naming the
variable, never a traceback.
"""

from __future__ import annotations

import os
import sys

STANDBY_COMMANDS = {
    "serve": "serve Standby with a production WSGI server (waitress + WhiteNoise)",
    "demo": "load the demo organisation into an empty database",
    "createadmin": "create the first account: the continuity manager",
    "import": "import a model file (YAML/JSON) by id: `--dry-run` only reports",
    "export": "export the inventory as a model file (YAML, or JSON for *.json; - for stdout)",
    "generate": "write a synthetic organisation as a model file (benchmarks, trials)",
    "audit": "audit log tools: `standby audit verify` checks the hash chain",
    "analyze": "analyses: impact, spof, recovery, bia, objectives, risk, gaps (--json for JSON)",
    "optimise": "the cheapest mix of recovery options that meets every RTO (HiGHS)",
    "remind": "e-mail reminders to those who have not acknowledged a plan (`--days N`)",
    "verify-export": "check a plan export folder: checksums and signature (exit 1 on a problem)",
    "check-offsite": "re-verify the off-site copies of approved plans (exit 1: outdated/failed)",
    "migrate": "create or update the database tables",
    "check": "check the configuration (`--deploy` for production settings)",
}

# Spelled with a dash on the command line; Django's command modules use underscores.
ALIASES = {"verify-export": "verify_export", "check-offsite": "check_offsite"}


def _print_help() -> None:
    print("usage: standby <command> [options]\n")
    print("Standby: IT Service Continuity Management.\n\nCommands:")
    width = max(len(name) for name in STANDBY_COMMANDS)
    for name, text in STANDBY_COMMANDS.items():
        print(f"  {name.ljust(width)}  {text}")
    print("\n`standby <command> --help` describes a command; `standby help --all` lists every")
    print("administration command (Django's included).")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``standby`` console script."""
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "standby.settings")
    if len(argv) < 2 or argv[1] in {"-h", "--help"} or argv[1:] == ["help"]:
        _print_help()
        return
    if argv[1] in ALIASES:
        argv[1] = ALIASES[argv[1]]
    if argv[1] == "help" and len(argv) > 2 and argv[2] in ALIASES:  # standby help verify-export
        argv[2] = ALIASES[argv[2]]
    if argv[1:] == ["help", "--all"]:
        argv = [*argv[:1], "help"]
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 -- loads the settings, surfacing bad variables
    except ImproperlyConfigured as error:
        print(f"standby: configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
