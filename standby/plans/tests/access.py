"""Expected access for the plan routes: everyone reads plans; editors build them; only the
continuity manager approves or returns a version."""

from __future__ import annotations

from typing import Any

from standby.common.tests.access import ALL, EDITORS, MANAGER, Access
from standby.plans.tests import access_distribution, access_offsite


def make_objects(manager: Any) -> dict[str, Any]:
    from standby.inventory import services as inventory
    from standby.inventory.models import Node, Person
    from standby.plans import services
    from standby.plans.models import Plan

    service = inventory.node_save(
        actor=manager, node=Node(key="plan-walk-service", kind="service", name="Walk service")
    )
    server = inventory.node_save(
        actor=manager,
        node=Node(key="plan-walk-server", kind="asset", name="Server", asset_type="hardware"),
    )
    inventory.requirement_add(actor=manager, owner=service, members=[server])
    Person.objects.create(key="plan-walk-person", name="Walk Person", phone="01")
    plan = services.plan_create(
        actor=manager, plan=Plan(key="walk-plan", title="Walk plan"), scope=[service]
    )
    approved = services.plan_submit(actor=manager, plan=plan)
    services.version_approve(actor=manager, version=approved)
    review = services.plan_submit(actor=manager, plan=plan)
    return {
        "plan": plan,
        "plan_step": plan.steps.order_by("position").first(),
        "plan_review": review,
        "plan_approved": approved,
        **access_distribution.make_objects(manager),
        **access_offsite.make_objects(manager),
    }


def _plan(o: dict[str, Any]) -> dict[str, Any]:
    return {"key": o["plan"].key}


def _review(o: dict[str, Any]) -> dict[str, Any]:
    return {"key": o["plan"].key, "number": o["plan_review"].number}


ACCESS = {
    "plans:plan_list": Access(get=ALL),
    "plans:plan_create": Access(get=EDITORS, post=EDITORS),
    "plans:plan_detail": Access(get=ALL, kwargs=_plan),
    "plans:plan_update": Access(
        get=EDITORS, post=EDITORS, kwargs=lambda o: {"key": o["plan"].key, "section": "purpose"}
    ),
    "plans:step_list": Access(get=ALL, post=EDITORS, kwargs=_plan),
    "plans:step_create": Access(get=EDITORS, post=EDITORS, kwargs=_plan),
    "plans:step_update": Access(
        get=EDITORS,
        post=EDITORS,
        kwargs=lambda o: {"key": o["plan"].key, "pk": o["plan_step"].pk},
    ),
    "plans:call_tree": Access(get=ALL, post=EDITORS, kwargs=_plan),
    "plans:communication_list": Access(get=ALL, post=EDITORS, kwargs=_plan),
    "plans:plan_submit": Access(get=EDITORS, post=EDITORS, kwargs=_plan),
    "plans:version_list": Access(get=ALL, kwargs=_plan),
    "plans:version_diff": Access(get=ALL, kwargs=_plan),
    "plans:version_detail": Access(get=ALL, kwargs=_review),
    "plans:version_approve": Access(get=MANAGER, post=MANAGER, kwargs=_review),
    "plans:version_return": Access(get=MANAGER, post=MANAGER, kwargs=_review),
    "plans:version_export_file": Access(
        get=ALL,
        kwargs=lambda o: {
            "key": o["plan"].key,
            "number": o["plan_approved"].number,
            "name": "plan.pdf",
        },
    ),
    "plans:version_export_zip": Access(
        get=ALL, kwargs=lambda o: {"key": o["plan"].key, "number": o["plan_approved"].number}
    ),
    **access_distribution.ACCESS,
    **access_offsite.ACCESS,
}


def _approved(o: dict[str, Any]) -> dict[str, Any]:
    return {"key": o["plan"].key, "number": o["plan_approved"].number}


def _step(o: dict[str, Any]) -> dict[str, Any]:
    return {"key": o["plan"].key, "pk": o["plan_step"].pk}


# The plans API: everyone reads (and downloads exports); editors change the draft, move steps
# and submit; only the continuity manager reviews (approves or returns) a version.
ACCESS |= {
    "api:plan_stale_list": Access(get=ALL, api=True),
    "api:plan_list": Access(get=ALL, post=EDITORS, api=True),
    "api:plan_detail": Access(get=ALL, api=True, kwargs=_plan),
    "api:plan_step_list": Access(get=ALL, post=EDITORS, api=True, kwargs=_plan),
    "api:plan_step_detail": Access(get=ALL, api=True, kwargs=_step),
    "api:plan_step_move": Access(get=EDITORS, post=EDITORS, api=True, kwargs=_step),
    "api:plan_submit": Access(get=EDITORS, post=EDITORS, api=True, kwargs=_plan),
    "api:plan_version_list": Access(get=ALL, api=True, kwargs=_plan),
    "api:plan_version_detail": Access(get=ALL, api=True, kwargs=_review),
    "api:plan_version_review": Access(get=MANAGER, post=MANAGER, api=True, kwargs=_review),
    "api:plan_export_list": Access(get=ALL, api=True, kwargs=_approved),
    "api:plan_export_file": Access(
        get=ALL, api=True, kwargs=lambda o: {**_approved(o), "name": "manifest.json"}
    ),
    "api:plan_export_zip": Access(get=ALL, api=True, kwargs=_approved),
    "api:plan_acknowledgements": Access(get=ALL, api=True, kwargs=_approved),
}
