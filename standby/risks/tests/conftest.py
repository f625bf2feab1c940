"""A small organisation for the risk tests: a process needing a service on one server."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def world(manager: Any) -> dict[str, Any]:
    from standby.bia.tests.helpers import answered
    from standby.inventory import services as inventory
    from standby.inventory.models import Node, Person

    owner = inventory.person_save(actor=manager, person=Person(key="olga", name="Olga Owner"))
    server = inventory.node_save(
        actor=manager,
        node=Node(key="srv", kind="asset", name="Server", asset_type="hardware", recovery_time=24),
    )
    service = inventory.node_save(actor=manager, node=Node(key="mail", kind="service", name="Mail"))
    process = inventory.node_save(
        actor=manager, node=Node(key="pay", kind="process", name="Pay staff")
    )
    inventory.requirement_add(actor=manager, owner=service, members=[server])
    inventory.requirement_add(actor=manager, owner=process, members=[service])
    # Money lost after 1h, 4h, 1d, 3d, 1w, 2w, 4w down.
    answered(manager, process, losses=[100, 400, 1000, 3000, 7000, 14000, 28000])
    return {
        "manager": manager,
        "owner": owner,
        "server": server,
        "service": service,
        "process": process,
    }
