"""Fixtures of the plan tests: the demo college loaded once per test that asks for it."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def demo(db: None) -> Any:
    """The demo organisation (accounts and Riverside College); returns the demo manager."""
    from standby.accounts.models import User
    from standby.common.demo import load_demo

    load_demo()
    return User.objects.get(username="manager")


@pytest.fixture
def small(manager: Any) -> dict[str, Any]:
    """A small organisation: a process needing a service on a server at a site, and a
    supplier; the manager and a plan over the process."""
    from standby.inventory import services as inventory
    from standby.inventory.models import Node, Person
    from standby.plans import services
    from standby.plans.models import Plan

    def node(key: str, kind: str, **extra: Any) -> Node:
        return inventory.node_save(
            actor=manager, node=Node(key=key, kind=kind, name=key.title(), **extra)
        )

    site = node("site", "location", location_kind="primary")
    vendor = node("vendor", "supplier")
    server = node("server", "asset", asset_type="hardware", location=site, supplier=vendor)
    app = node("app", "service")
    process = node("payroll", "process")
    inventory.requirement_add(actor=manager, owner=app, members=[server])
    inventory.requirement_add(actor=manager, owner=process, members=[app])
    Person.objects.create(key="ann", name="Ann Ops", phone="0100", out_of_hours_phone="0777")
    plan = services.plan_create(
        actor=manager, plan=Plan(key="critical", title="Critical processes"), scope=[process]
    )
    return {"manager": manager, "plan": plan, "process": process}


@pytest.fixture
def plan(db: None) -> Any:
    """An empty plan "it-recovery" (give it versions with ``versions.approve``)."""
    from standby.plans.models import Plan

    return Plan.objects.create(key="it-recovery", title="IT recovery plan")


@pytest.fixture
def share(tmp_path: Any) -> Any:
    """An existing folder standing for a mounted share or drive."""
    folder = tmp_path / "share"
    folder.mkdir()
    return folder
