"""Expected access for the strategy routes: every role reads the analyses."""

from __future__ import annotations

from typing import Any

from standby.common.tests.access import ALL, Access


def make_objects(manager: Any) -> dict[str, Any]:
    from standby.inventory import services
    from standby.inventory.models import Node

    service = services.node_save(
        actor=manager, node=Node(key="walk-service", kind="service", name="Walk service")
    )
    server = services.node_save(
        actor=manager,
        node=Node(key="walk-server", kind="asset", name="Server", asset_type="hardware"),
    )
    services.requirement_add(actor=manager, owner=service, members=[server])
    return {"spof_service": service, "spof_server": server}


ACCESS = {
    "strategy:index": Access(get=ALL),
    "strategy:whatif": Access(get=ALL),
    "strategy:spof_report": Access(get=ALL),
    "strategy:spof_panel": Access(get=ALL, kwargs=lambda o: {"key": o["spof_service"].key}),
    "api:analysis_impact": Access(
        get=ALL, api=True, query=lambda o: f"?fail={o['spof_server'].key}"
    ),
    "api:analysis_recovery": Access(
        get=ALL, api=True, query=lambda o: f"?fail={o['spof_server'].key}"
    ),
    "api:analysis_spof": Access(get=ALL, api=True),
}
