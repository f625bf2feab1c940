"""Expected access for the inventory's routes (pages, exports, the map's data, the API).

Merged into ``tests/test_permissions.py``'s walk with every other app's table.
"""

from __future__ import annotations

from typing import Any

from standby.common.tests.access import ALL, EDITORS, Access

NODE_PREFIXES = ("process", "service", "asset", "location", "supplier")
REQUIRING = ("process", "service", "asset")
API_ROUTES = ("process", "service", "asset", "location", "supplier", "person", "team", "contract")


def make_objects(manager: Any) -> dict[str, Any]:
    """One of each kind, a requirement, a team member and a contract."""
    from standby.inventory import services
    from standby.inventory.models import Contract, Node, Person, Team

    person = services.person_save(actor=manager, person=Person(key="acc-person", name="Pat"))
    nodes = {}
    for prefix in NODE_PREFIXES:
        extra: dict[str, Any] = {"asset_type": "hardware"} if prefix == "asset" else {}
        nodes[prefix] = services.node_save(
            actor=manager, node=Node(key=f"acc-{prefix}", kind=prefix, name=prefix, **extra)
        )
    requirements = {
        prefix: services.requirement_add(
            actor=manager, owner=nodes[prefix], members=[services_target]
        )
        for prefix, services_target in (
            ("process", nodes["service"]),
            ("service", nodes["asset"]),
            ("asset", nodes["location"]),
        )
    }
    team = services.team_save(actor=manager, team=Team(key="acc-team", name="Team"))
    services.team_set_members(actor=manager, team=team, members=[(person, "leader")])
    contract = services.contract_save(
        actor=manager,
        contract=Contract(key="acc-contract", supplier=nodes["supplier"], name="Contract"),
    )
    return {
        "inv_nodes": nodes,
        "inv_requirements": requirements,
        "inv_person": person,
        "inv_team": team,
        "inv_membership": team.memberships.get(),
        "inv_contract": contract,
    }


def _node_routes(prefix: str) -> dict[str, Access]:
    def key(o: dict[str, Any]) -> dict[str, Any]:
        return {"key": o["inv_nodes"][prefix].key}

    def requirement(o: dict[str, Any]) -> dict[str, Any]:
        return {"key": o["inv_nodes"][prefix].key, "pk": o["inv_requirements"][prefix].pk}

    routes = {
        f"inventory:{prefix}_list": Access(get=ALL),
        f"inventory:{prefix}_export": Access(get=ALL),
        f"inventory:{prefix}_create": Access(get=EDITORS, post=EDITORS),
        f"inventory:{prefix}_detail": Access(get=ALL, kwargs=key),
        f"inventory:{prefix}_update": Access(get=EDITORS, post=EDITORS, kwargs=key),
        f"inventory:{prefix}_delete": Access(get=EDITORS, post=EDITORS, kwargs=key),
    }
    if prefix in REQUIRING:  # sites and suppliers have no requirements of their own
        routes[f"inventory:{prefix}_requirement_add"] = Access(
            get=EDITORS, post=EDITORS, kwargs=key
        )
        routes[f"inventory:{prefix}_requirement_delete"] = Access(
            get=EDITORS, post=EDITORS, kwargs=requirement
        )
    return routes


def _keyed(name: str) -> Any:
    return lambda o: {"key": o[name].key}


ACCESS: dict[str, Access] = {
    "inventory:index": Access(get=ALL),
    **{route: access for prefix in NODE_PREFIXES for route, access in _node_routes(prefix).items()},
    "inventory:node_picker": Access(get=ALL),
    "inventory:node_graph": Access(
        get=ALL, kwargs=lambda o: {"key": o["inv_nodes"]["service"].key}
    ),
    "inventory:person_list": Access(get=ALL),
    "inventory:person_export": Access(get=ALL),
    "inventory:person_create": Access(get=EDITORS, post=EDITORS),
    "inventory:person_detail": Access(get=ALL, kwargs=_keyed("inv_person")),
    "inventory:person_update": Access(get=EDITORS, post=EDITORS, kwargs=_keyed("inv_person")),
    "inventory:person_delete": Access(get=EDITORS, post=EDITORS, kwargs=_keyed("inv_person")),
    "inventory:team_list": Access(get=ALL),
    "inventory:team_export": Access(get=ALL),
    "inventory:team_create": Access(get=EDITORS, post=EDITORS),
    "inventory:team_detail": Access(get=ALL, kwargs=_keyed("inv_team")),
    "inventory:team_update": Access(get=EDITORS, post=EDITORS, kwargs=_keyed("inv_team")),
    "inventory:team_delete": Access(get=EDITORS, post=EDITORS, kwargs=_keyed("inv_team")),
    "inventory:team_member_add": Access(get=EDITORS, post=EDITORS, kwargs=_keyed("inv_team")),
    "inventory:team_member_remove": Access(
        get=EDITORS,
        post=EDITORS,
        kwargs=lambda o: {"key": o["inv_team"].key, "pk": o["inv_membership"].pk},
    ),
    "inventory:contract_list": Access(get=ALL),
    "inventory:contract_export": Access(get=ALL),
    "inventory:contract_create": Access(get=EDITORS, post=EDITORS),
    "inventory:contract_detail": Access(get=ALL, kwargs=_keyed("inv_contract")),
    "inventory:contract_update": Access(get=EDITORS, post=EDITORS, kwargs=_keyed("inv_contract")),
    "inventory:contract_delete": Access(get=EDITORS, post=EDITORS, kwargs=_keyed("inv_contract")),
}

# The model-file and spreadsheet import pages list their own routes; merged here.
for _extra in ("access_modelfile", "access_tabular"):
    try:
        _module = __import__(f"standby.inventory.tests.{_extra}", fromlist=["ACCESS"])
    except ModuleNotFoundError:
        continue
    ACCESS.update(_module.ACCESS)

# The API: reads for every role, writes for editors; anonymous requests get 401/403.
for _name in API_ROUTES:
    ACCESS[f"api:{_name}_list"] = Access(get=ALL, post=EDITORS, api=True)
ACCESS["api:process_detail"] = Access(
    get=ALL, post=EDITORS, api=True, kwargs=lambda o: {"key": o["inv_nodes"]["process"].key}
)
ACCESS["api:service_detail"] = Access(
    get=ALL, post=EDITORS, api=True, kwargs=lambda o: {"key": o["inv_nodes"]["service"].key}
)
ACCESS["api:asset_detail"] = Access(
    get=ALL, post=EDITORS, api=True, kwargs=lambda o: {"key": o["inv_nodes"]["asset"].key}
)
ACCESS["api:location_detail"] = Access(
    get=ALL, post=EDITORS, api=True, kwargs=lambda o: {"key": o["inv_nodes"]["location"].key}
)
ACCESS["api:supplier_detail"] = Access(
    get=ALL, post=EDITORS, api=True, kwargs=lambda o: {"key": o["inv_nodes"]["supplier"].key}
)
ACCESS["api:person_detail"] = Access(get=ALL, post=EDITORS, api=True, kwargs=_keyed("inv_person"))
ACCESS["api:team_detail"] = Access(get=ALL, post=EDITORS, api=True, kwargs=_keyed("inv_team"))
ACCESS["api:contract_detail"] = Access(
    get=ALL, post=EDITORS, api=True, kwargs=_keyed("inv_contract")
)
ACCESS["api:requirement_list"] = Access(
    get=ALL, post=EDITORS, api=True, kwargs=lambda o: {"key": o["inv_nodes"]["service"].key}
)
ACCESS["api:requirement_detail"] = Access(
    get=ALL,
    post=EDITORS,
    api=True,
    kwargs=lambda o: {
        "key": o["inv_nodes"]["service"].key,
        "pk": o["inv_requirements"]["service"].pk,
    },
)
