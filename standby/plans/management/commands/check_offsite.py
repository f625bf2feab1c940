"""``standby check-offsite``: do the off-site targets still hold the approved plans intact?

For cron or monitoring: one line per active target and plan, exit status 1 when any copy is
outdated or failed. Each check is recorded and audited (actor "system"), as the target page's
*Check copies* button records its checks.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from standby.plans.exports.offsite import CurrentCheck, check_current


class Command(BaseCommand):
    help = (
        "Read back and verify every active off-site target's copy of each plan's approved "
        "version; print one line per target and plan (target, plan, version held, OK, "
        "OUTDATED or FAILED, and why) and exit 1 when any is outdated or failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--copy",
            action="store_true",
            help="copy the approved version to the targets that are outdated (or whose last "
            "copy or check failed) first, then report",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        results = check_current(copy_outdated=options["copy"], actor=None)
        if not results:
            self.stdout.write("Nothing to check: no active off-site target or no approved version.")
            return
        for result in results:
            held = "-" if result.held is None else f"v{result.held}"
            line = "\t".join(
                (result.target.name, result.plan_key, held, result.state, result.reason)
            )
            if result.state == CurrentCheck.OK:
                self.stdout.write(line)
            else:
                self.stdout.write(self.style.ERROR(line))
        counts = {
            state: sum(r.state == state for r in results)
            for state in (CurrentCheck.OK, CurrentCheck.OUTDATED, CurrentCheck.FAILED)
        }
        bad = counts[CurrentCheck.OUTDATED] + counts[CurrentCheck.FAILED]
        summary = (
            f"{len(results)} checked: {counts[CurrentCheck.OK]} OK, "
            f"{counts[CurrentCheck.OUTDATED]} outdated, {counts[CurrentCheck.FAILED]} failed"
        )
        self.stdout.write(summary)
        if bad:
            raise SystemExit(1)
