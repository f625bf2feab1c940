"""What-if page, single points of failure report and panel, and the analysis API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from standby.inventory import services
from standby.inventory.models import Node


@pytest.fixture
def college(manager):
    def node(key, kind, **extra):
        return services.node_save(
            actor=manager, node=Node(key=key, kind=kind, name=key.title(), **extra)
        )

    campus = node("campus", "location", recovery_time=72)
    isp_a = node("isp-a", "asset", asset_type="network", recovery_time=4)
    isp_b = node("isp-b", "asset", asset_type="network", recovery_time=8)
    srv = node("srv", "asset", asset_type="hardware", location=campus)  # no recovery time
    web = node("web", "service")
    services.requirement_add(actor=manager, owner=web, members=[isp_a, isp_b], at_least=1)
    services.requirement_add(actor=manager, owner=web, members=[srv])
    enrol = node("enrol", "process")
    services.requirement_add(actor=manager, owner=enrol, members=[web])
    return manager


@pytest.mark.django_db
def test_whatif_shows_what_goes_down_and_when_it_is_back(client, college):
    client.force_login(college)
    response = client.get(reverse("strategy:whatif"), {"fail": ["isp-a", "isp-b"]})
    assert response.status_code == 200
    result = response.context["result"]
    assert [d.node.key for d in result.down] == ["enrol", "web", "isp-b", "isp-a"]
    assert {d.node.key: d.rta for d in result.down} == {
        "enrol": 4,
        "web": 4,
        "isp-a": 4,
        "isp-b": 8,
    }
    body = response.content.decode()
    assert "<svg" in body
    assert "When each process and service is back" in body
    assert "1 business process down" in body
    assert "1 IT service down" in body


@pytest.mark.django_db
def test_whatif_unknown_recovery_time_is_shown_as_unknown(client, college):
    client.force_login(college)
    # srv did not fail itself: it is back when its site is back (72 h).
    site = client.get(reverse("strategy:whatif"), {"fail": ["campus"]}).context["result"]
    assert {d.node.key: d.rta for d in site.down} == {
        "campus": 72,
        "srv": 72,
        "web": 72,
        "enrol": 72,
    }
    # srv failing itself has no recovery time: unknown, and so is everything waiting on it.
    response = client.get(reverse("strategy:whatif"), {"fail": ["srv"]})
    result = response.context["result"]
    assert {d.node.key: d.rta for d in result.down} == {"srv": None, "web": None, "enrol": None}
    assert result.worst_rta is None
    assert "Full recovery time unknown" in response.content.decode()


@pytest.mark.django_db
def test_whatif_refuses_a_choice_that_is_not_failable(client, college):
    client.force_login(college)
    response = client.get(reverse("strategy:whatif"), {"fail": ["web"]})
    assert response.status_code == 200
    assert response.context["result"] is None
    assert "web" in str(response.context["form"].errors["fail"])


@pytest.mark.django_db
def test_spof_report_and_panel(client, college):
    client.force_login(college)
    response = client.get(reverse("strategy:spof_report"))
    rows = {r.target.key: [n.key for n in r.single] for r in response.context["rows"]}
    assert rows == {"enrol": ["campus", "srv"], "web": ["campus", "srv"]}
    panel = client.get(reverse("strategy:spof_panel", args=["web"]))
    assert [(a.key, b.key) for a, b in panel.context["row"].pairs] == [("isp-a", "isp-b")]


@pytest.mark.django_db
def test_spof_report_show_pairs_shows_only_the_pairs_and_toggles(client, college):
    client.force_login(college)
    body = client.get(reverse("strategy:spof_report")).content.decode()
    # A disclosure: Bootstrap's collapse flips aria-expanded, the words follow it (CSS).
    assert 'data-bs-toggle="collapse"' in body
    assert 'aria-expanded="false" aria-controls="pairs-1"' in body
    assert (
        '<span class="if-collapsed">Show pairs</span><span class="if-expanded">Hide pairs</span>'
        in body
    )
    assert "?show=pairs" in body
    pairs = client.get(reverse("strategy:spof_panel", args=["web"]), {"show": "pairs"})
    text = pairs.content.decode()
    assert "Failing pairs" in text
    assert "Single points of failure" not in text
    # The node page's panel still shows both.
    both = client.get(reverse("strategy:spof_panel", args=["web"])).content.decode()
    assert "Single points of failure" in both


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "label"),
    [
        ("strategy:index", "Overview"),
        ("strategy:whatif", "What if…?"),
        ("strategy:spof_report", "Single points of failure"),
        ("strategy:gap_analysis", "Gap analysis"),
    ],
)
def test_strategy_pages_share_a_subnav_with_whatif_and_spof(client, college, url_name, label):
    client.force_login(college)
    body = client.get(reverse(url_name)).content.decode()
    nav = body[body.index('aria-label="Strategy sections"') :]
    nav = nav[: nav.index("</nav>")]
    assert f'href="{reverse("strategy:whatif")}">What if…?</a>' in nav
    assert f'href="{reverse("strategy:spof_report")}">Single points of failure</a>' in nav
    assert f'aria-current="page" href="{reverse(url_name)}">{label}</a>' in nav


@pytest.mark.django_db
def test_spof_report_runs_a_constant_number_of_queries(
    client, college, django_assert_max_num_queries
):
    client.force_login(college)
    with django_assert_max_num_queries(8):
        client.get(reverse("strategy:spof_report"))
    for i in range(30):
        services.node_save(actor=college, node=Node(key=f"svc-{i}", kind="service", name=f"S{i}"))
    with django_assert_max_num_queries(8):
        client.get(reverse("strategy:spof_report"))


@pytest.mark.django_db
def test_analysis_api(college):
    api = APIClient()
    api.force_authenticate(college)
    assert api.get("/api/analysis/impact/?fail=srv").json() == {
        "failed": ["srv"],
        "down": ["enrol", "srv", "web"],
    }
    assert api.get("/api/analysis/recovery/?fail=isp-a,isp-b").json() == {
        "rta": {"enrol": 4.0, "isp-a": 4.0, "isp-b": 8.0, "web": 4.0}
    }
    spof = api.get("/api/analysis/spof/?order=2").json()
    assert spof["web"] == {"single": ["campus", "srv"], "pairs": [["isp-a", "isp-b"]]}
    bad = api.get("/api/analysis/impact/?fail=web")
    assert bad.status_code == 400
    assert "only assets, locations and suppliers fail directly" in str(
        bad.json()["error"]["details"]
    )


@pytest.mark.django_db
def test_whatif_map_marks_failed_and_down_nodes_with_their_links(client, college):
    client.force_login(college)
    data = client.get(reverse("strategy:whatif_graph"), {"fail": ["isp-a", "isp-b"]}).json()
    status = {n["key"]: n["status"] for n in data["nodes"]}
    assert status == {"isp-a": "failed", "isp-b": "failed", "web": "down", "enrol": "down"}
    key_of = {n["id"]: n["key"] for n in data["nodes"]}
    links = {(key_of[e["source"]], key_of[e["target"]]) for e in data["edges"]}
    assert links == {("web", "isp-a"), ("web", "isp-b"), ("enrol", "web")}
    layer = {n["key"]: n["layer"] for n in data["nodes"]}
    assert layer["enrol"] < layer["web"] < layer["isp-a"]  # processes drawn on top
    bad = client.get(reverse("strategy:whatif_graph"), {"fail": ["web"]})
    assert bad.status_code == 400
    assert "only assets, locations and suppliers fail directly" in bad.json()["error"]


@pytest.mark.django_db
def test_whatif_with_many_failable_nodes_types_names_instead_of_a_huge_select(client, college):
    from standby.strategy.forms import WHATIF_SELECT_MAX

    client.force_login(college)
    Node.objects.bulk_create(
        Node(key=f"pc-{i:04}", kind="asset", name=f"Laptop {i:04}", asset_type="hardware")
        for i in range(WHATIF_SELECT_MAX + 50)
    )
    url = reverse("strategy:whatif")
    body = client.get(url).content.decode()
    assert '<select name="fail"' not in body
    assert body.count('<input type="text" name="fail"') == 3  # several can fail at once
    assert 'list="id_fail_names"' in body
    assert '<datalist id="id_fail_names">' in body
    assert '<option value="Laptop 0007" label="Laptop 0007 (Asset, id pc-0007)">' in body
    assert '<label class="form-label" for="id_fail"' in body
    assert 'aria-label="What fails (2)"' in body

    # A name (any case) or an id; the empty boxes are ignored; the result and the map use ids.
    response = client.get(url, {"fail": ["isp-a", "  isp-B ", "laptop 0007", ""]})
    assert response.status_code == 200
    result = response.context["result"]
    assert [f.key for f in result.failed] == ["isp-a", "isp-b", "pc-0007"]
    assert "web" in [d.node.key for d in result.down]
    body = response.content.decode()
    assert "fail=isp-a&amp;fail=isp-b&amp;fail=pc-0007" in body
    assert body.count('<input type="text" name="fail"') == 4  # what was typed, and one more

    # An unknown name, a process and an ambiguous name: a form error each, never a 500.
    Node.objects.bulk_create(
        [
            Node(key="dup-1", kind="location", name="Twin"),
            Node(key="dup-2", kind="location", name="Twin"),
        ]
    )
    response = client.get(url, {"fail": ["No such thing", "enrol", "Twin"]})
    assert response.status_code == 200
    assert response.context["result"] is None
    errors = response.context["form"].errors["fail"]
    assert "“No such thing” is not an asset, site or supplier" in errors[0]
    assert "“enrol” is not an asset, site or supplier" in errors[1]
    assert "(dup-1, dup-2)" in errors[2]
    assert '<option value="dup-1"' in response.content.decode()
    assert client.get(url, {"fail": ["", ""]}).context["form"].errors["fail"]
