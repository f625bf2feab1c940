"""``standby createadmin``: the first account, the continuity manager. No default passwords."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from standby.accounts import services
from standby.accounts.choices import Role


class Command(BaseCommand):
    help = (
        "Create the first account (the continuity manager). The password is read from "
        "STANDBY_ADMIN_PASSWORD or asked for."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, username: str, email: str, **options: Any) -> None:
        password = os.environ.get("STANDBY_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        try:
            user = services.user_create(
                actor=None, username=username, email=email, password=password, role=Role.MANAGER
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"Created {user.username}, continuity manager.")
