"""``standby optimise``: the cheapest recovery options meeting every RTO in every scenario."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from standby.analysis.errors import ModelError
from standby.strategy.selectors_optimiser import as_json, recommend


class Command(BaseCommand):
    help = "Recommend one recovery option per node (today's or an alternative) on the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--budget", type=float, help="upper bound on the annual cost")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = as_json(recommend(budget=options["budget"]))
        except ModelError as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2, sort_keys=True))
            return
        write = self.stdout.write
        write(f"status: {result['status']}; annual cost {result['annual_cost']:,.2f}")
        for change in result["changes"]:
            needed = ", ".join(change["needed_for"]) or "no RTO needs it"
            write(
                f"  {change['node']}: {change['current'] or 'none'} -> {change['chosen']} "
                f"({change['annual_cost_delta']:+,.2f} a year; for {needed})"
            )
        for item in result["unmeetable"]:
            write(f"  cannot be met: {item['reason']}")
