"""``{% offsite_warning %}``: the outdated off-site copies, as a small panel of its own.

A tag rather than view context so the dashboard and the plan page each gain one line, not a
change to their views; it reads through the selector (3 queries).
"""

from __future__ import annotations

from typing import Any

from django import template

from standby.plans.exports.offsite import outdated_warnings
from standby.plans.models import Plan

register = template.Library()


@register.inclusion_tag("plans/target_warning.html")
def offsite_warning(plan: Plan | None = None) -> dict[str, Any]:
    """Active targets outdated for ``plan`` (or for any plan on the dashboard)."""
    return {"warnings": outdated_warnings(plan.key if plan else None), "plan": plan}
