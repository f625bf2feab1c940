"""Approved plan versions for tests, made directly (no approval hooks: nothing exported yet)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from standby.plans.choices import VersionStatus
from standby.plans.exports.sample import synthetic_content
from standby.plans.models import Plan, PlanVersion


def approve(plan: Plan, number: int, manager: Any) -> PlanVersion:
    """Version ``number`` of ``plan``, approved now with synthetic content; the approved one
    before it becomes superseded."""
    PlanVersion.objects.filter(plan=plan, status=VersionStatus.APPROVED).update(
        status=VersionStatus.SUPERSEDED
    )
    now = timezone.now()
    return PlanVersion.objects.create(
        plan=plan,
        number=number,
        status=VersionStatus.APPROVED,
        content=synthetic_content(steps=2, contacts=2, number=number),
        data_as_of=now - dt.timedelta(minutes=5),
        submitted_at=now - dt.timedelta(minutes=4),
        submitted_by=manager,
        approved_at=now,
        approved_by=manager,
    )
