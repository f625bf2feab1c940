"""``standby remind``: e-mail everyone who has not acknowledged a plan version in force."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from standby.plans import distribution


class Command(BaseCommand):
    help = (
        "Remind those on plans' distribution lists who have not acknowledged the approved "
        "version, when their last e-mail is at least --days old (a new one-time link each)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=distribution.REMIND_AFTER_DAYS,
            help=f"remind only those waiting at least this many days "
            f"(default {distribution.REMIND_AFTER_DAYS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < 0:
            self.stderr.write("--days cannot be negative")
            raise SystemExit(2)
        mailing = distribution.remind(actor=None, older_than_days=days)
        for address in mailing.sent:
            self.stdout.write(f"reminded {address}")
        for name, reason in mailing.failed:
            self.stderr.write(f"not reminded: {name}: {reason}")
        self.stdout.write(f"{len(mailing.sent)} reminder(s) sent, {len(mailing.failed)} failed")
        if mailing.failed:
            raise SystemExit(1)
