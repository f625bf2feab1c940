"""Expected access for the campaign and task routes (merged into the BIA's ``ACCESS``).

Everyone may follow campaigns; only the manager (APPROVE) starts them and reviews answers. A
task is opened by its owner (here the service owner, whose e-mail is the owner's), by those who
may edit any BIA (manager, deputy), and by approvers; nobody else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from standby.accounts.choices import Role
from standby.common.tests.access import ALL, MANAGER, Access

ANSWERERS = frozenset({Role.MANAGER, Role.DEPUTY, Role.SERVICE_OWNER})


def _task(o: dict[str, Any]) -> dict[str, Any]:
    return {"pk": o["bia_task"].pk}


ACCESS: dict[str, Access] = {
    "bia:campaign_list": Access(get=ALL),
    "bia:campaign_create": Access(get=MANAGER, post=MANAGER),
    "bia:campaign_detail": Access(get=ALL, kwargs=lambda o: {"pk": o["bia_campaign"].pk}),
    "bia:task_list": Access(get=ANSWERERS),
    "bia:task_detail": Access(get=ANSWERERS, kwargs=_task),
    "bia:task_download": Access(get=ANSWERERS, kwargs=_task),
    "bia:task_upload": Access(get=ANSWERERS, post=ANSWERERS, kwargs=_task),
    "bia:task_submit": Access(get=ANSWERERS, post=ANSWERERS, kwargs=_task),
    "bia:task_review": Access(get=MANAGER, post=MANAGER, kwargs=_task),
}


def make_objects(manager: Any) -> dict[str, Any]:
    """A campaign with one task, owned by the person whose e-mail the service owner uses."""
    from django.utils import timezone

    from standby.bia import campaigns
    from standby.inventory import services as inventory
    from standby.inventory.models import Node, Person

    email = "service_owner@example.org"  # make_user's address for the service owner
    owner = Person.objects.filter(email__iexact=email).order_by("pk").first()
    if owner is None:
        owner = inventory.person_save(
            actor=manager, person=Person(key="acc-owner", name="Access Owner", email=email)
        )
    node = inventory.node_save(
        actor=manager,
        node=Node(key="acc-campaign-process", kind="process", name="Access process", owner=owner),
    )
    campaign, _ = campaigns.campaign_start(
        actor=manager,
        name="Access walk",
        due_on=timezone.localdate() + dt.timedelta(days=7),
        nodes=[node],
        base_url="http://testserver",
    )
    return {"bia_campaign": campaign, "bia_task": campaign.tasks.get()}
