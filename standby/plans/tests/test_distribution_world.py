"""Builders shared by the distribution and staleness tests (plain ORM for the plan and version,
inventory services for everything the audit log must see)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils import timezone

from standby import urls as site_urls
from standby.inventory import services as inventory
from standby.inventory.models import Node, Person
from standby.plans import urls_distribution
from standby.plans.choices import DistributionRole, VersionStatus
from standby.plans.models import DistributionEntry, Plan, PlanVersion


def _plans_mounted() -> bool:
    return any(getattr(p, "namespace", None) == "plans" for p in site_urls.urlpatterns)


# Used when the plan pages are not mounted (this module was written before they were).


def _stub(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse("plan page (not mounted yet)")


# The site's URLs, plus the distribution routes under ``plans:`` (and stand-ins for the plan and
# version pages the templates link to) until the plans app mounts its own.
urlpatterns = list(site_urls.urlpatterns)
if not _plans_mounted():
    stand_ins = [
        path("<str:key>/", _stub, name="plan_detail"),
        path("<str:key>/v<int:number>/", _stub, name="version_detail"),
    ]
    urlpatterns.append(
        path("plans/", include(([*urls_distribution.urlpatterns, *stand_ins], "plans")))
    )
URLCONF = __name__


@dataclass
class World:
    manager: Any
    plan: Plan
    version: PlanVersion
    process: Node
    service: Node
    asset: Node
    people: dict[str, Person]


def person(manager: Any, key: str, email: str = "", **extra: Any) -> Person:
    return inventory.person_save(
        actor=manager, person=Person(key=key, name=key.title(), email=email, **extra)
    )


def node(manager: Any, key: str, kind: str, **extra: Any) -> Node:
    return inventory.node_save(
        actor=manager, node=Node(key=key, kind=kind, name=key.replace("-", " ").title(), **extra)
    )


def approved_version(manager: Any, plan: Plan, number: int = 1) -> PlanVersion:
    now = timezone.now()
    return PlanVersion.objects.create(
        plan=plan,
        number=number,
        status=VersionStatus.APPROVED,
        content={"plan": {"key": plan.key, "title": plan.title}},
        data_as_of=now,
        submitted_at=now,
        submitted_by=manager,
        approved_at=now,
        approved_by=manager,
    )


def build_world(manager: Any, key: str = "payroll-plan", *, approve: bool = True) -> World:
    """Payroll (process) requires HR system (service) requires a server (asset); a plan for
    payroll with Ann and Bob (e-mail) and Cat (none) on its distribution list."""
    suffix = "" if key == "payroll-plan" else f"-{key}"
    people = {
        "ann": person(manager, f"ann{suffix}", f"ann{suffix}@example.org"),
        "bob": person(manager, f"bob{suffix}", f"bob{suffix}@example.org"),
        "cat": person(manager, f"cat{suffix}"),
    }
    asset = node(manager, f"hr-server{suffix}", "asset", asset_type="hardware")
    service = node(manager, f"hr-system{suffix}", "service")
    process = node(manager, f"payroll{suffix}", "process", owner=people["ann"])
    inventory.requirement_add(actor=manager, owner=service, members=[asset])
    inventory.requirement_add(actor=manager, owner=process, members=[service])
    plan = Plan.objects.create(key=key, title=f"Plan {key}")
    plan.scope.set([process])
    roles = [DistributionRole.KEY_STAFF, DistributionRole.RECOVERY_TEAM, DistributionRole.KEY_STAFF]
    for who, role in zip(("ann", "bob", "cat"), roles, strict=True):
        DistributionEntry.objects.create(plan=plan, person=people[who], role=role)
    version = approved_version(manager, plan) if approve else None
    return World(manager, plan, version, process, service, asset, people)  # type: ignore[arg-type]


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)
