"""Expected access for the BIA routes.

Everyone reads the BIA. Answering needs EDIT (manager, deputy) or ANSWER_BIA on what one owns:
the walk's process is owned by someone else, so the service owner is refused it here (their own
process is tested in ``test_views``). Approving, returning and changing the settings are the
manager's (APPROVE).
"""

from __future__ import annotations

from typing import Any

from standby.bia.tests import access_campaigns
from standby.common.tests.access import ALL, EDITORS, MANAGER, Access


def make_objects(manager: Any) -> dict[str, Any]:
    from standby.bia import services
    from standby.bia.tests.helpers import person, process, table

    someone = person(manager, "walk-bia-owner", "someone.else@example.org")
    node = process(manager, "walk-bia-process", owner=someone)
    record = services.record_get_or_create(node, actor=manager)
    record = services.record_answer(
        actor=manager,
        record=record,
        expected_revision=0,
        impacts=table(financial=[0, 1, 2, 4, 5, 5, 5]),
        losses=[0, 100, 1000, 5000, 20000, 50000, 90000],
        rto=24,
        rpo=4,
    )
    services.record_submit(actor=manager, record=record)
    return {"bia_record": record, **access_campaigns.make_objects(manager)}


def _key(o: dict[str, Any]) -> dict[str, Any]:
    return {"key": o["bia_record"].node.key}


ACCESS: dict[str, Access] = {
    "bia:index": Access(get=ALL),
    "bia:heat_table": Access(get=ALL),
    "bia:heat_table_svg": Access(get=ALL),
    "bia:objectives": Access(get=ALL),
    "bia:settings_list": Access(get=ALL),
    "bia:settings_detail": Access(get=ALL, kwargs=lambda o: {"version": 1}),
    "bia:settings_create": Access(get=MANAGER, post=MANAGER),
    "bia:record_detail": Access(get=ALL, kwargs=_key),
    "bia:record_edit": Access(get=EDITORS, post=EDITORS, kwargs=_key),
    "bia:record_submit": Access(get=EDITORS, post=EDITORS, kwargs=_key),
    "bia:record_approve": Access(get=MANAGER, post=MANAGER, kwargs=_key),
    "bia:record_return": Access(get=MANAGER, post=MANAGER, kwargs=_key),
    "api:bia_record_list": Access(get=ALL, api=True),
    "api:bia_record_detail": Access(get=ALL, api=True, kwargs=_key),
    "api:bia_record_review": Access(get=ALL, post=EDITORS, api=True, kwargs=_key),
    "api:bia_priority": Access(get=ALL, api=True),
    "api:bia_objectives": Access(get=ALL, api=True),
}
ACCESS.update(access_campaigns.ACCESS)  # campaigns and owners' tasks
