"""The demo organisation: its accounts, then Riverside College (`library/demo-college.yaml`), then
an approved recovery plan for its most critical processes.

Each demo account's e-mail address is its person's in the college (``morgan.hale@…``), so a
signed-in demo user is recognised on the plan's distribution list and can acknowledge it in the
app. The plan is approved while loading: the approval e-mails to its distribution list are
written to files in ``<STANDBY_DATA_DIR>/demo-mail/`` (the demo's addresses are not real and a
demo needs no mail server), where their one-time acknowledgement links can be opened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from standby.accounts import services as account_services
from standby.accounts.choices import Role
from standby.accounts.models import User

if TYPE_CHECKING:
    from standby.plans.models import PlanVersion

DEMO_FILE = Path(__file__).resolve().parent.parent / "library" / "demo-college.yaml"

# A demo database is not production: a known password lets anyone try it. `make demo` prints it.
DEMO_PASSWORD = "standby-demo"  # noqa: S105

# username, role, first name, last name: each is a person of the college (same name, same e-mail).
DEMO_ACCOUNTS: tuple[tuple[str, Role, str, str], ...] = (
    ("manager", Role.MANAGER, "Morgan", "Hale"),
    ("deputy", Role.DEPUTY, "Dana", "Price"),
    ("engineer", Role.RECOVERY_TEAM, "Eli", "Okafor"),
    ("owner", Role.SERVICE_OWNER, "Olivia", "Grant"),
    ("auditor", Role.AUDITOR, "Ava", "Lindqvist"),
    ("viewer", Role.VIEWER, "Victor", "Reyes"),
)

# The plan's call tree, in order: (caller, callee, fall-back) by person id. A tree from whoever
# invokes the plan (the manager, or the deputy; caller None): the deputy, who leads student
# services' recovery, then the IT recovery team's leader, who calls the engineers.
DEMO_CALL_TREE: tuple[tuple[str | None, str, str], ...] = (
    (None, "p-price", "p-shah"),
    ("p-price", "p-shah", "p-okafor"),
    ("p-price", "p-taylor", "p-oconnor"),
    ("p-shah", "p-okafor", "p-reyes"),
    ("p-shah", "p-evans", "p-kowalski"),
)

# Who receives each approved version of the plan: (person id, distribution role).
DEMO_DISTRIBUTION: tuple[tuple[str, str], ...] = (
    ("p-hale", "key_staff"),
    ("p-price", "key_staff"),
    ("p-shah", "recovery_team"),
    ("p-okafor", "recovery_team"),
    ("p-evans", "recovery_team"),
    ("p-davies", "offsite_holder"),
)

DEMO_PLAN_PROCESSES = 2  # the plan covers the BIA's most critical processes


@dataclass
class DemoResult:
    loaded: bool
    accounts: list[tuple[str, str]] = field(default_factory=list)
    summary: str = ""
    mail_dir: Path | None = None  # where the approval e-mails were written


def demo_email(first: str, last: str) -> str:
    """A demo account's e-mail address: its person's in the college."""
    return f"{first}.{last}@college.example".lower()


def demo_mail_dir() -> Path:
    """Where the demo's e-mails are written (a file per sending)."""
    return Path(settings.DATA_DIR) / "demo-mail"


def one_year_after(day: dt.date) -> dt.date:
    """The same day a year later (29 February: 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def load_demo() -> DemoResult:
    """Create the demo accounts and load the demo college, when there are no users yet.

    The approval's e-mails go out when the loading transaction commits: to files, never to a
    mail server (see the module's docstring).
    """
    mail_dir = demo_mail_dir()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
    ):
        result = _load()
    if result.loaded and mail_dir.is_dir() and any(mail_dir.iterdir()):
        result.mail_dir = mail_dir
    return result


@transaction.atomic
def _load() -> DemoResult:
    accounts = [(name, role.label) for name, role, _, _ in DEMO_ACCOUNTS]
    if User.objects.exists():
        return DemoResult(loaded=False, accounts=accounts)
    manager: User | None = None
    for username, role, first, last in DEMO_ACCOUNTS:
        user = account_services.user_create(
            actor=manager,  # None: the first account, the manager, makes the others
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            first_name=first,
            last_name=last,
            email=demo_email(first, last),
        )
        manager = manager or user
    assert manager is not None
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
    if _load_plan(manager) is not None:
        summary += "; an approved recovery plan for its most critical processes"
    return summary


def _load_plan(manager: User) -> PlanVersion | None:
    """The demo's approved plan for its most critical processes (top BIA priorities), with a
    call tree, a communication, a distribution list and a review date a year after approval.

    Built through the plan services and approved by the demo manager. None when there is no
    ranked process or the plan exists already.
    """
    from standby.inventory.models import Node, Person, Team
    from standby.plans import distribution, selectors, services
    from standby.plans.models import CallTreeEntry, Communication, Plan

    ranks = selectors.bia_ranks()
    top = [
        key
        for key in sorted(ranks, key=ranks.__getitem__)
        if Node.objects.filter(key=key, kind="process").exists()
    ][:DEMO_PLAN_PROCESSES]
    if not top or Plan.objects.filter(key=services.DEMO_PLAN_KEY).exists():
        return None
    scope = list(Node.objects.filter(key__in=top))
    plan = services.plan_create(
        actor=manager,
        plan=Plan(
            key=services.DEMO_PLAN_KEY,
            title="Recovery of the most critical processes",
            purpose=(
                "Bring back, in order, what "
                + " and ".join(n.name for n in scope)
                + " need after a disaster at the college, within their RTO."
            ),
            invocation_triggers=(
                "- A site or the server room is unusable for more than **2 hours**\n"
                "- A service in scope is down and cannot be restored within its RTO\n"
                "- A cyber attack (e.g. ransomware) on the servers in scope"
            ),
            invocation_procedure=(
                "1. The manager (or the deputy) declares the disaster.\n"
                "2. Start the call tree.\n3. Gather the recovery team at the alternate site."
            ),
            return_to_normal=(
                "Move users back to the restored primary systems, check the data, and stand "
                "the plan down with a short report."
            ),
            # Approved today: reviewed a year from now (the stale plans list names it then).
            review_by=one_year_after(timezone.localdate()),
        ),
        scope=scope,
        teams=list(Team.objects.order_by("name")[:2]),
    )
    # Who carries out each generated step: the IT team brings back sites, assets, suppliers
    # and services; the student services team the business processes.
    teams = Team.objects.in_bulk(["team-it-recovery", "team-student-services"], field_name="key")
    for step in plan.steps.select_related("node").order_by("position"):
        is_process = step.node is not None and step.node.kind == "process"
        step.team = teams.get("team-student-services" if is_process else "team-it-recovery")
        services.step_save(
            actor=manager, step=step, expected_revision=Plan.objects.get(pk=plan.pk).revision
        )
    people = Person.objects.in_bulk(
        {key for row in DEMO_CALL_TREE for key in row if key}
        | {key for key, _ in DEMO_DISTRIBUTION},
        field_name="key",
    )
    for position, (caller, callee, fallback) in enumerate(DEMO_CALL_TREE, start=1):
        services.call_tree_entry_save(
            actor=manager,
            entry=CallTreeEntry(
                plan=plan,
                position=position,
                caller=people[caller] if caller else None,
                callee=people[callee],
                fallback=people[fallback],
            ),
            expected_revision=Plan.objects.get(pk=plan.pk).revision,
        )
    services.communication_save(
        actor=manager,
        communication=Communication(
            plan=plan,
            position=1,
            audience="Students and staff",
            channel="Text message and the website",
            timing="Within 1 hour of invocation, then every 4 hours",
            message="Systems are down; exams go ahead as planned. Updates at {website}.",
        ),
        expected_revision=Plan.objects.get(pk=plan.pk).revision,
    )
    for key, role in DEMO_DISTRIBUTION:
        distribution.distribution_add(actor=manager, plan=plan, person=people[key], role=role)
    version = services.plan_submit(actor=manager, plan=plan)
    return services.version_approve(actor=manager, version=version)
