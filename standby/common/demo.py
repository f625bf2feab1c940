"""The demo organisation: its accounts, then Riverside College (`library/demo-college.yaml`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from standby.accounts import services as account_services
from standby.accounts.choices import Role
from standby.accounts.models import User

DEMO_FILE = Path(__file__).resolve().parent.parent / "library" / "demo-college.yaml"

# A demo database is not production: a known password lets anyone try it. `make demo` prints it.
DEMO_PASSWORD = "standby-demo"  # noqa: S105

DEMO_ACCOUNTS: tuple[tuple[str, Role, str, str], ...] = (
    ("manager", Role.MANAGER, "Morgan", "Hale"),
    ("deputy", Role.DEPUTY, "Dana", "Price"),
    ("engineer", Role.RECOVERY_TEAM, "Eli", "Okafor"),
    ("owner", Role.SERVICE_OWNER, "Olivia", "Grant"),
    ("auditor", Role.AUDITOR, "Ava", "Lindqvist"),
    ("viewer", Role.VIEWER, "Victor", "Reyes"),
)


@dataclass
class DemoResult:
    loaded: bool
    accounts: list[tuple[str, str]] = field(default_factory=list)
    summary: str = ""


@transaction.atomic
def load_demo() -> DemoResult:
    """Create the demo accounts and load the demo college, when there are no users yet."""
    accounts = [(name, role.label) for name, role, _, _ in DEMO_ACCOUNTS]
    if User.objects.exists():
        return DemoResult(loaded=False, accounts=accounts)
    manager_name, _, first, last = DEMO_ACCOUNTS[0]
    manager = account_services.user_create(
        actor=None,
        username=manager_name,
        password=DEMO_PASSWORD,
        role=Role.MANAGER,
        first_name=first,
        last_name=last,
        email=f"{manager_name}@college.example",
    )
    for username, role, first, last in DEMO_ACCOUNTS[1:]:
        account_services.user_create(
            actor=manager,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            first_name=first,
            last_name=last,
            email=f"{username}@college.example",
        )
    summary = _load_college(manager)
    return DemoResult(loaded=True, accounts=accounts, summary=summary)


def _load_college(manager: User) -> str:
    """Import the demo college as the demo manager, only into an empty inventory."""
    from standby.inventory import modelio
    from standby.inventory.models import Node, Person

    if Node.objects.exists() or Person.objects.exists():
        return "the inventory is not empty: the demo college was not loaded"
    report = modelio.model_import_bytes(
        actor=manager, data=DEMO_FILE.read_bytes(), filename=DEMO_FILE.name
    )
    summary = f"Riverside College: {report.summary()}"
    from standby.plans.services import plan_demo_create

    if plan_demo_create(actor=manager) is not None:
        summary += "; an approved recovery plan for its most critical processes"
    return summary
