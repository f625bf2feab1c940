"""``standby demo``: load the demo organisation into an empty database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from standby.common import demo


class Command(BaseCommand):
    help = "Load the demo organisation (accounts and data) when the database is empty."

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo.load_demo()
        if result.loaded:
            self.stdout.write(f"Loaded the demo organisation: {result.summary}")
            if result.mail_dir is not None:
                self.stdout.write(
                    "The plan's approval e-mails (with their acknowledgement links) are in "
                    f"{result.mail_dir}"
                )
        else:
            self.stdout.write("The database is not empty: the demo was not loaded.")
        self.stdout.write("Demo sign-in (every demo account has the same password):")
        for username, role in result.accounts:
            self.stdout.write(f"  {username:<10} {role}")
        self.stdout.write(f"  password: {demo.DEMO_PASSWORD}")
