"""Expected access for the off-site target routes (merged into the plans' ``ACCESS``).

Everyone sees where the plans are copied and what each target holds; only the continuity
manager (APPROVE) adds, changes or deactivates a target, or starts a copy or a check.
"""

from __future__ import annotations

from typing import Any

from standby.common.tests.access import ALL, MANAGER, Access


def make_objects(manager: Any) -> dict[str, Any]:
    """A folder target (never written to by the walk: refused POSTs copy nothing)."""
    from standby.plans.models import OffsiteTarget

    target = OffsiteTarget.objects.create(name="Walk share", location="/nonexistent/walk-share")
    return {"offsite_target": target}


def _target(o: dict[str, Any]) -> dict[str, Any]:
    return {"pk": o["offsite_target"].pk}


ACCESS: dict[str, Access] = {
    "plans:target_list": Access(get=ALL),
    "plans:target_create": Access(get=MANAGER, post=MANAGER),
    "plans:target_detail": Access(get=ALL, kwargs=_target),
    "plans:target_update": Access(get=MANAGER, post=MANAGER, kwargs=_target),
    "plans:target_deactivate": Access(get=MANAGER, post=MANAGER, kwargs=_target),
    "plans:target_copy": Access(get=MANAGER, post=MANAGER, kwargs=_target),
    "plans:target_check": Access(get=MANAGER, post=MANAGER, kwargs=_target),
}
