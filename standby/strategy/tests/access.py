"""Expected access for the strategy routes: every role reads the analyses."""

from __future__ import annotations

from typing import Any

from standby.common.tests.access import ALL, EDITORS, Access


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
    objects = {"spof_service": service, "spof_server": server}
    objects.update(_strategy_objects(manager, server))
    return objects


def _strategy_objects(manager: Any, server: Any) -> dict[str, Any]:
    from standby.inventory import services as inventory
    from standby.inventory.models import Node, Team
    from standby.strategy import services
    from standby.strategy.models import (
        Backup,
        NodeStrategy,
        RecoveryOption,
        Scenario,
        StrategyAlternative,
    )

    services.catalogue_load(actor=manager)
    warm = RecoveryOption.objects.get(key="intermediate-recovery")
    hot = RecoveryOption.objects.get(key="fast-recovery")
    services.strategy_save(actor=manager, strategy=NodeStrategy(node=server, option=warm))
    alternative = services.alternative_save(
        actor=manager, alternative=StrategyAlternative(node=server, option=hot)
    )
    data = inventory.node_save(
        actor=manager, node=Node(key="walk-data", kind="asset", name="Data", asset_type="data")
    )
    services.backup_save(actor=manager, backup=Backup(node=data, interval=24))
    team = inventory.team_save(actor=manager, team=Team(key="walk-team", name="Walk team"))
    supplier = inventory.node_save(
        actor=manager, node=Node(key="walk-supplier", kind="supplier", name="Supplier")
    )
    scenario = services.scenario_save(
        actor=manager, scenario=Scenario(key="walk-fire", name="Fire"), failed=[server]
    )
    return {
        "strategy_option": warm,
        "strategy_alternative": alternative,
        "strategy_data": data,
        "strategy_team": team,
        "strategy_scenario": scenario,
        "strategy_supplier": supplier,
    }


ACCESS = {
    "strategy:index": Access(get=ALL),
    "strategy:whatif": Access(get=ALL),
    "strategy:whatif_graph": Access(get=ALL, query=lambda o: f"?fail={o['spof_server'].key}"),
    "strategy:spof_report": Access(get=ALL),
    "strategy:spof_panel": Access(get=ALL, kwargs=lambda o: {"key": o["spof_service"].key}),
    "api:analysis_impact": Access(
        get=ALL, api=True, query=lambda o: f"?fail={o['spof_server'].key}"
    ),
    "api:analysis_recovery": Access(
        get=ALL, api=True, query=lambda o: f"?fail={o['spof_server'].key}"
    ),
    "api:analysis_spof": Access(get=ALL, api=True),
    "strategy:gap_analysis": Access(get=ALL),
    "strategy:gap_export": Access(get=ALL),
    "strategy:optimiser": Access(get=ALL),
    "strategy:optimiser_apply": Access(get=EDITORS, post=EDITORS),
    "strategy:supplier_checks": Access(get=ALL),
    "strategy:supplier_panel": Access(
        get=ALL, kwargs=lambda o: {"key": o["strategy_supplier"].key}
    ),
    "strategy:option_list": Access(get=ALL, post=EDITORS),
    "strategy:option_update": Access(
        get=EDITORS, post=EDITORS, kwargs=lambda o: {"key": o["strategy_option"].key}
    ),
    "strategy:node_strategy_list": Access(get=ALL),
    "strategy:node_strategy": Access(
        get=ALL, post=EDITORS, kwargs=lambda o: {"key": o["spof_server"].key}
    ),
    "strategy:alternative_add": Access(
        get=EDITORS, post=EDITORS, kwargs=lambda o: {"key": o["spof_server"].key}
    ),
    "strategy:alternative_delete": Access(
        get=EDITORS, post=EDITORS, kwargs=lambda o: {"pk": o["strategy_alternative"].pk}
    ),
    "strategy:backup_list": Access(get=ALL),
    "strategy:backup_update": Access(
        get=EDITORS, post=EDITORS, kwargs=lambda o: {"key": o["strategy_data"].key}
    ),
    "strategy:team_capacity": Access(get=ALL),
    "strategy:team_capacity_update": Access(
        get=EDITORS, post=EDITORS, kwargs=lambda o: {"key": o["strategy_team"].key}
    ),
    "strategy:scenario_list": Access(get=ALL),
    "strategy:scenario_create": Access(get=EDITORS, post=EDITORS),
    "strategy:scenario_detail": Access(
        get=ALL, kwargs=lambda o: {"key": f"user:{o['strategy_scenario'].key}"}
    ),
    "strategy:scenario_update": Access(
        get=EDITORS, post=EDITORS, kwargs=lambda o: {"key": o["strategy_scenario"].key}
    ),
    "strategy:scenario_delete": Access(
        get=EDITORS, post=EDITORS, kwargs=lambda o: {"key": o["strategy_scenario"].key}
    ),
}
