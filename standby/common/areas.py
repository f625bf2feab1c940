"""The areas of Standby (PRODUCT.md), in navigation order.

An area whose app has not been built yet links to an honest "not yet available" page that says
what it will do. When an app lands, its entry gets its real URL name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    """One entry of the main navigation."""

    slug: str
    title: str
    summary: str
    url_name: str | None = None  # None: not built yet

    @property
    def available(self) -> bool:
        return self.url_name is not None


AREAS: tuple[Area, ...] = (
    Area(
        "inventory",
        "Inventory",
        "Business processes, IT services, assets, people, teams, sites, suppliers and what "
        "depends on what.",
        url_name="inventory:index",
    ),
    Area(
        "bia",
        "BIA",
        "Impact over time, MTPD, RTO, RPO and MBCO per process; recovery priority; BIA campaigns.",
        "bia:index",
    ),
    Area(
        "risks",
        "Risks",
        "Risk register, threat library, heat map, proactive measures and annual-loss simulation.",
        "risks:risk_list",
    ),
    Area(
        "strategy",
        "Strategy",
        "What-if scenarios and single points of failure; recovery options, backups, gap "
        "analysis and the cost optimiser to come.",
        "strategy:index",
    ),
    Area(
        "plans",
        "Plans",
        "Recovery plans: invocation, people, communications, recovery sequence, approval, "
        "distribution and offline exports.",
        "plans:plan_list",
    ),
    Area(
        "exercises",
        "Exercises",
        "Walkthroughs, tabletops, simulations and full tests with findings and corrective actions.",
    ),
    Area(
        "incidents",
        "Invocation",
        "Declare a disaster, invoke a plan and follow recovery on a live board.",
    ),
    Area(
        "governance",
        "Governance",
        "Programme lifecycle, readiness checks, training, reviews and change management.",
    ),
)

AREAS_BY_SLUG = {area.slug: area for area in AREAS}
