"""The inventory API (same services and filters as the pages) and the dependency map's data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from standby.inventory import services
from standby.inventory.depmap import neighbourhood
from standby.inventory.models import Node, Requirement, RequirementMember


@pytest.fixture
def api(manager):
    client = APIClient()
    client.force_authenticate(manager)
    return client


@pytest.mark.django_db
def test_api_creates_an_asset_adds_a_group_and_refuses_a_guarded_delete(api):
    assert (
        api.post("/api/locations/", {"key": "dc", "name": "DC"}, format="json").status_code == 201
    )
    for i in (1, 2, 3):
        created = api.post(
            "/api/assets/",
            {"key": f"db-{i}", "name": f"DB {i}", "asset_type": "hardware", "location": "dc"},
            format="json",
        )
        assert created.status_code == 201, created.json()
    assert (
        api.post("/api/services/", {"key": "web", "name": "Web"}, format="json").status_code == 201
    )
    added = api.post(
        "/api/nodes/web/requirements/",
        {"members": ["db-1", "db-2", "db-3"], "at_least": 2},
        format="json",
    )
    assert added.status_code == 201
    assert added.json()["members"] == ["db-1", "db-2", "db-3"]
    web = api.get("/api/services/web/").json()
    assert web["requires"][0]["at_least"] == 2
    listed = api.get("/api/assets/", {"location": "dc", "sort": "-key"}).json()
    assert [a["key"] for a in listed["results"]] == ["db-3", "db-2", "db-1"]
    refused = api.delete("/api/assets/db-1/")
    assert refused.status_code == 400
    assert "required by Web" in refused.json()["error"]["details"]["non_field_errors"][0]
    assert api.delete("/api/assets/db-1/?remove_requirements=1").status_code == 204
    cycle = api.post("/api/nodes/db-2/requirements/", {"members": ["web"]}, format="json")
    assert cycle.status_code == 400
    unknown = api.post("/api/nodes/web/requirements/", {"members": ["nope"]}, format="json")
    assert unknown.status_code == 400


@pytest.mark.django_db
def test_api_teams_take_their_members_in_order(api):
    api.post("/api/people/", {"key": "ann", "name": "Ann"}, format="json")
    api.post("/api/people/", {"key": "bo", "name": "Bo"}, format="json")
    members = [{"person": "bo", "role": "leader"}, {"person": "ann", "role": "technical"}]
    team = api.post("/api/teams/", {"key": "red", "name": "Red", "members": members}, format="json")
    assert team.status_code == 201, team.json()
    assert team.json()["members"] == members
    refused = api.delete("/api/people/ann/")
    assert refused.status_code == 400


@pytest.mark.django_db
def test_a_viewer_reads_but_cannot_write_through_the_api(make_user):
    client = APIClient()
    client.force_authenticate(make_user("viewer", "vic"))
    assert client.get("/api/assets/").status_code == 200
    assert client.post("/api/locations/", {"key": "x", "name": "X"}).status_code == 403


# -- the map ----------------------------------------------------------------------------------


def _make(actor, key, kind, **extra):
    extra.setdefault("asset_type", "hardware" if kind == "asset" else "")
    return services.node_save(actor=actor, node=Node(key=key, kind=kind, name=key, **extra))


@pytest.mark.django_db
def test_the_map_shows_upstream_downstream_and_k_of_n_groups(client, manager):
    site = _make(manager, "dc", "location")
    dbs = [_make(manager, f"db-{i}", "asset", location=site) for i in (1, 2, 3)]
    web = _make(manager, "web", "service")
    services.requirement_add(actor=manager, owner=web, members=dbs, at_least=2)
    pay = _make(manager, "pay", "process")
    services.requirement_add(actor=manager, owner=pay, members=[web])
    client.force_login(manager)
    data = client.get(reverse("inventory:node_graph", args=["web"])).json()
    keys = {n["key"]: n["layer"] for n in data["nodes"]}
    assert keys == {"web": 0, "pay": -1, "db-1": 1, "db-2": 1, "db-3": 1, "dc": 2}
    assert [g["label"] for g in data["groups"]] == ["2 of 3"]
    group = data["groups"][0]["id"]
    targets = {e["target"] for e in data["edges"] if e["source"] == group}
    assert len(targets) == 3
    assert any(e["via"] == "location" for e in data["edges"])
    one_level = client.get(reverse("inventory:node_graph", args=["web"]), {"up": 1, "down": 0})
    assert {n["key"] for n in one_level.json()["nodes"]} == {"web", "db-1", "db-2", "db-3"}
    # From an asset, downstream: the service through its group, then the process.
    from_db = neighbourhood(dbs[0], up=2, down=2)
    assert {n["key"] for n in from_db["nodes"]} == {"db-1", "dc", "web", "pay"}
    assert from_db["groups"][0]["label"] == "2 of 3"


@pytest.mark.django_db
def test_a_200_node_neighbourhood_loads_in_a_constant_number_of_queries(manager):
    site = _make(manager, "dc", "location")
    svc = _make(manager, "svc", "service")
    assets = Node.objects.bulk_create(
        Node(key=f"a-{i}", kind="asset", name=f"Asset {i}", asset_type="software", location=site)
        for i in range(200)
    )
    requirement = Requirement.objects.create(owner=svc, at_least=150, form="at_least")
    RequirementMember.objects.bulk_create(
        RequirementMember(requirement=requirement, node=a, position=i) for i, a in enumerate(assets)
    )
    procs = [_make(manager, f"p-{i}", "process") for i in range(20)]
    for p in procs:
        services.requirement_add(actor=manager, owner=p, members=[svc])
    with CaptureQueriesContext(connection) as captured:
        data = neighbourhood(svc, up=2, down=2)
    assert len(data["nodes"]) == 1 + 200 + 1 + 20
    assert data["groups"][0]["label"] == "150 of 200"
    assert len(data["edges"]) == 1 + 200 + 200 + 20
    assert not data["truncated"]
    assert len(captured) <= 12
