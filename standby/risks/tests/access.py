"""Expected access for the risk routes: every role reads; managers and deputies change."""

from __future__ import annotations

from typing import Any

from standby.common.tests.access import ALL, EDITORS, Access


def make_objects(manager: Any) -> dict[str, Any]:
    from standby.inventory import services as inventory
    from standby.inventory.models import Node
    from standby.risks import services
    from standby.risks.models import Measure, Risk, Threat

    server = inventory.node_save(
        actor=manager,
        node=Node(key="walk-risk-server", kind="asset", name="Risk server", asset_type="hardware"),
    )
    threat = services.threat_save(
        actor=manager,
        threat=Threat(key="walk_threat", name="Walk threat", category="technical", frequency=1),
    )
    risk = services.risk_save(
        actor=manager,
        risk=Risk(
            name="Walk risk",
            category="internal_ict",
            inherent_likelihood=4,
            inherent_impact=4,
            treatment="reduce",
            treatment_reason="Cheap to fix.",
        ),
        threats=[threat],
        nodes=[server],
    )
    measure = services.measure_save(
        actor=manager,
        measure=Measure(risk=risk, name="Walk UPS", effect="frequency", factor=0.5),
    )
    return {"risk": risk, "measure": measure, "threat": threat}


def _risk(o: dict[str, Any]) -> dict[str, Any]:
    return {"pk": o["risk"].pk}


def _measure(o: dict[str, Any]) -> dict[str, Any]:
    return {"pk": o["risk"].pk, "measure": o["measure"].pk}


def _threat(o: dict[str, Any]) -> dict[str, Any]:
    return {"key": o["threat"].key}


ACCESS = {
    "risks:risk_list": Access(get=ALL),
    "risks:risk_create": Access(get=EDITORS, post=EDITORS),
    "risks:risk_detail": Access(get=ALL, kwargs=_risk),
    "risks:risk_update": Access(get=EDITORS, post=EDITORS, kwargs=_risk),
    "risks:risk_delete": Access(get=EDITORS, post=EDITORS, kwargs=_risk),
    "risks:measure_create": Access(get=EDITORS, post=EDITORS, kwargs=_risk),
    "risks:measure_update": Access(get=EDITORS, post=EDITORS, kwargs=_measure),
    "risks:measure_delete": Access(get=EDITORS, post=EDITORS, kwargs=_measure),
    "risks:heat_map": Access(get=ALL),
    "risks:quantitative": Access(get=ALL),
    "risks:threat_list": Access(get=ALL),
    "risks:threat_create": Access(get=EDITORS, post=EDITORS),
    "risks:threat_update": Access(get=EDITORS, post=EDITORS, kwargs=_threat),
    "risks:threat_delete": Access(get=EDITORS, post=EDITORS, kwargs=_threat),
    "api:risk_list": Access(get=ALL, post=EDITORS, api=True),
    "api:risk_detail": Access(get=ALL, post=frozenset(), api=True, kwargs=_risk),
    "api:measure_list": Access(get=ALL, post=EDITORS, api=True, kwargs=_risk),
    "api:measure_detail": Access(get=ALL, api=True, kwargs=_measure),
    "api:threat_list": Access(get=ALL, api=True),
    "api:threat_detail": Access(get=ALL, api=True, kwargs=_threat),
}
