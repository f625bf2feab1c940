"""Expected access for distribution, acknowledgement and staleness routes (merged into the
plans' ``ACCESS``).

Everyone sees the distribution list, the acknowledgement dashboard and the stale plans; editors
change the list; only the continuity manager (APPROVE) sends reminders. Acknowledging in the app
changes only the caller's own acknowledgement (self-service); the e-mailed one-time link is open
without signing in (public): its GET only shows what would be acknowledged.
"""

from __future__ import annotations

from typing import Any

from standby.common.tests.access import ALL, EDITORS, MANAGER, Access

WALK_TOKEN = "walk-token-0123456789abcdefghijklmnopqrstuv"


def make_objects(manager: Any) -> dict[str, Any]:
    """An approved plan with one person on its list and their (unused) acknowledgement link."""
    from django.utils import timezone

    from standby.inventory.models import Person
    from standby.plans.distribution import hash_token
    from standby.plans.models import Acknowledgement, DistributionEntry, Plan, PlanVersion

    person = Person.objects.create(key="dist-walk-person", name="Dist Walk", email="d@example.org")
    plan = Plan.objects.create(key="dist-walk-plan", title="Distribution walk plan")
    entry = DistributionEntry.objects.create(plan=plan, person=person, role="key_staff")
    now = timezone.now()
    version = PlanVersion.objects.create(
        plan=plan,
        number=1,
        status="approved",
        content={},
        data_as_of=now,
        submitted_at=now,
        submitted_by=manager,
        approved_at=now,
        approved_by=manager,
    )
    Acknowledgement.objects.create(
        version=version, person=person, token_hash=hash_token(WALK_TOKEN), emailed_at=now
    )
    return {"dist_plan": plan, "dist_entry": entry, "dist_version": version}


def _plan(o: dict[str, Any]) -> dict[str, Any]:
    return {"key": o["dist_plan"].key}


def _version(o: dict[str, Any]) -> dict[str, Any]:
    return {"key": o["dist_plan"].key, "number": o["dist_version"].number}


ACCESS: dict[str, Access] = {
    "plans:stale_list": Access(get=ALL),
    "plans:ack_link": Access(
        get=ALL, post=ALL, public=True, kwargs=lambda o: {"token": WALK_TOKEN}
    ),
    "plans:distribution_list": Access(get=ALL, post=EDITORS, kwargs=_plan),
    "plans:distribution_remove": Access(
        get=EDITORS,
        post=EDITORS,
        kwargs=lambda o: {"key": o["dist_plan"].key, "pk": o["dist_entry"].pk},
    ),
    "plans:ack_dashboard": Access(get=ALL, kwargs=_version),
    "plans:ack_remind": Access(get=MANAGER, post=MANAGER, kwargs=_version),
    "plans:ack_in_app": Access(get=ALL, post=ALL, self_service=True, kwargs=_version),
}
