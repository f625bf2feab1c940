"""BIA pages and API: ranked list, derived values shown, answer form, heat table, objectives."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from standby.bia import services
from standby.bia.models import BiaRecord
from standby.bia.tests.helpers import answered, person, process, table
from standby.inventory import services as inventory
from standby.inventory.models import Node

pytestmark = pytest.mark.django_db


@pytest.fixture
def college(manager):
    """Three processes: exams (MTPD 4 h), payroll (MTPD 3 d), library (no MTPD)."""
    exams = process(manager, "exams")
    pay = process(manager, "payroll")
    library = process(manager, "library")
    answered(manager, exams, impacts=table(customer=[2, 4, 5, 5, 5, 5, 5]), rto=2, rpo=1)
    answered(
        manager,
        pay,
        impacts=table(financial=[0, 1, 2, 4, 5, 5, 5]),
        losses=[0, 500, 2000, 40000, 90000, 150000, 300000],
        rto=24,
        rpo=24,
        wrt=8,
    )
    answered(manager, library, impacts=table(operational=[0, 0, 1, 1, 2, 3, 3]))
    return manager


def test_the_ranked_list_orders_by_mtpd_and_shows_the_reason(client, college):
    client.force_login(college)
    response = client.get(reverse("bia:index"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r.rank, r.node.key) for r in rows] == [(1, "exams"), (2, "payroll"), (3, "library")]
    assert [r.derived.mtpd for r in rows] == [4, 72, None]
    body = response.content.decode()
    assert (
        "MTPD 4 h; reaches level 5 (Catastrophic) in Customers (students, learners) at 24 h" in body
    )
    assert "no MTPD (never intolerable)" in body


def test_record_detail_shows_entered_next_to_derived_with_charts(client, college):
    client.force_login(college)
    response = client.get(reverse("bia:record_detail", args=["payroll"]))
    assert response.status_code == 200
    derived = response.context["derived"]
    assert (derived.mtpd, derived.suggested_rto) == (72, 64)
    assert derived.rto_within_mtpd is True
    assert response.context["rank"].rank == 2
    body = response.content.decode()
    assert body.count("<svg") == 2  # impact over time and money lost
    assert "Impact of losing Payroll over time" in body
    assert "Money lost if Payroll stops" in body
    assert "suggested 2 d 16 h" in body  # 64 h: from 48 h on in days and hours
    assert "✓ within the MTPD" in body


def test_a_process_without_a_bia_says_what_to_do(client, manager):
    process(manager, "enrol")
    client.force_login(manager)
    body = client.get(reverse("bia:record_detail", args=["enrol"])).content.decode()
    assert "No BIA recorded for Enrol yet" in body
    assert reverse("bia:record_edit", args=["enrol"]) in body


def _grid(rto="", **rows):
    data = {"revision": "0", "rto": rto, "save": "1"}
    levels = table(**rows)
    for category, values in levels.items():
        for j, level in enumerate(values):
            data[f"impact__{category}__{j}"] = str(level)
    return data


def test_an_owner_answers_their_own_process_in_the_form(client, manager, make_user):
    owner = make_user("service_owner", "olivia")
    mine = process(manager, "pay", owner=person(manager, "olivia", "service_owner@example.org"))
    process(manager, "enrol", owner=person(manager, "sam", "sam@example.org"))
    client.force_login(owner)
    assert client.get(reverse("bia:record_edit", args=["enrol"])).status_code == 403
    assert client.post(reverse("bia:record_edit", args=["enrol"]), _grid()).status_code == 403
    assert not BiaRecord.objects.exists()
    url = reverse("bia:record_edit", args=["pay"])
    assert client.get(url).status_code == 200
    response = client.post(url, _grid(rto="4", financial=[0, 4, 5, 5, 5, 5, 5]))
    assert response.status_code == 302
    record = BiaRecord.objects.get(node=mine)
    assert record.rto == 4
    assert record.impacts["financial"] == [0, 4, 5, 5, 5, 5, 5]


def test_the_form_refuses_rto_beyond_mtpd_and_keeps_the_input(client, manager):
    process(manager, "pay")
    client.force_login(manager)
    url = reverse("bia:record_edit", args=["pay"])
    response = client.post(url, _grid(rto="48", financial=[0, 4, 5, 5, 5, 5, 5]))
    assert response.status_code == 200
    assert "beyond the MTPD (4 h)" in response.content.decode()
    assert response.context["form"]["rto"].value() == "48"
    assert not BiaRecord.objects.exists()  # nothing half-created


def test_a_stale_form_is_refused_and_the_loser_keeps_their_input(client, manager, make_user):
    node = process(manager, "pay")
    answered(manager, node, rto=4)  # revision 1
    deputy = make_user("deputy")
    record = BiaRecord.objects.get(node=node)
    services.record_answer(actor=deputy, record=record, expected_revision=1, rto=6)  # now 2
    client.force_login(manager)
    data = _grid(rto="3") | {"revision": "1"}
    response = client.post(reverse("bia:record_edit", args=["pay"]), data)
    assert response.status_code == 200
    assert "Someone else saved this BIA (now revision 2)" in response.content.decode()
    form = response.context["form"]
    assert form["rto"].value() == "3"
    assert form["revision"].value() == "2"  # saving again now replaces the newer version
    record.refresh_from_db()
    assert record.rto == 6


def test_manager_approves_and_returns(client, college):
    client.force_login(college)
    record = BiaRecord.objects.get(node__key="payroll")
    services.record_submit(actor=college, record=record)
    url = reverse("bia:record_return", args=["payroll"])
    assert client.post(url, {"comment": ""}).status_code == 200  # comment required
    assert client.post(url, {"comment": "Check the 3 d figure"}).status_code == 302
    record.refresh_from_db()
    assert record.status == "returned"
    approve = reverse("bia:record_approve", args=["payroll"])
    assert client.post(approve, {"revision": str(record.revision)}).status_code == 302
    assert record.snapshots.count() == 1


def _bulk(n: int) -> None:
    """``n`` processes with complete BIAs, written in bulk (fast set-up for query counts)."""
    settings = services.current_settings()
    start = Node.objects.count()
    nodes = Node.objects.bulk_create(
        Node(key=f"p{start + i}", kind="process", name=f"Process {start + i:04d}") for i in range(n)
    )
    BiaRecord.objects.bulk_create(
        BiaRecord(
            node=node,
            settings=settings,
            impacts=table(financial=[0, 1, 2, i % 6, 5, 5, 5]),
            rto=4,
            rpo=1,
        )
        for i, node in enumerate(nodes)
    )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("route", ["bia:index", "bia:heat_table", "bia:heat_table_svg"])
def test_the_ranked_list_and_heat_table_take_a_constant_number_of_queries(client, manager, route):
    client.force_login(manager)
    _bulk(10)
    few = _queries(client, reverse(route))
    _bulk(190)
    many = _queries(client, reverse(route))
    assert few == many
    assert many <= 8


def test_the_heat_table_shows_the_worst_level_by_name(client, college):
    client.force_login(college)
    response = client.get(reverse("bia:heat_table"))
    table_ = response.context["table"]
    exams = table_.rows[0]
    assert exams.record.node.key == "exams"
    assert [c.level for c in exams.cells] == [2, 4, 5, 5, 5, 5, 5]
    assert "4 Severe" in response.content.decode()
    svg = client.get(reverse("bia:heat_table_svg"))
    assert svg["Content-Type"].startswith("image/svg+xml")
    assert "Catastrophic" in svg.content.decode()


def test_objectives_cascade_and_flag_inversions(client, manager):
    exams = process(manager, "exams")
    portal = process(manager, "portal", kind="service")
    server = inventory.node_save(
        actor=manager, node=Node(key="srv", kind="asset", name="Server", asset_type="hardware")
    )
    inventory.requirement_add(actor=manager, owner=exams, members=[portal])
    inventory.requirement_add(actor=manager, owner=portal, members=[server])
    answered(manager, exams, rto=2, rpo=1)
    answered(manager, portal, rto=8, rpo=0.5)
    client.force_login(manager)
    response = client.get(reverse("bia:objectives"))
    rows = {r.key: r for r in response.context["rows"]}
    assert (rows["srv"].required_rto, rows["srv"].required_rpo) == (2, 0.5)
    assert rows["srv"].rto_bound_by == "exams"
    assert rows["srv"].rpo_bound_by == "portal"
    [inversion] = response.context["inversions"]
    assert (inversion.node, inversion.objective, inversion.bound_by) == ("portal", "rto", "exams")
    assert "stated RTO 8 h is looser than the 2 h required by &#x27;exams&#x27;" in (
        response.content.decode()
    )


def test_api_lists_records_with_derived_values_and_writes_through_services(college):
    api = APIClient()
    api.force_authenticate(college)
    listed = api.get(reverse("api:bia_record_list")).json()
    assert [r["id"] for r in listed] == ["exams", "payroll", "library"]
    assert listed[1]["derived"]["mtpd"] == 72
    assert listed[1]["derived"]["suggested_rto"] == 64
    assert listed[1]["derived"]["priority"] == 2
    url = reverse("api:bia_record_detail", args=["payroll"])
    revision = api.get(url).json()["revision"]
    ok = api.patch(url, {"revision": revision, "rpo": 12}, format="json")
    assert ok.status_code == 200
    assert ok.json()["rpo"] == 12
    stale = api.patch(url, {"revision": revision, "rpo": 6}, format="json")
    assert stale.status_code == 409
    assert "now revision" in stale.json()["error"]["details"]["revision"][0]
    bad = api.patch(url, {"revision": revision + 1, "rto": 100}, format="json")
    assert bad.status_code == 400
    assert "beyond the MTPD" in bad.json()["error"]["details"]["rto"][0]
    priority = api.get(reverse("api:bia_priority")).json()
    assert [(p["rank"], p["id"]) for p in priority] == [
        (1, "exams"),
        (2, "payroll"),
        (3, "library"),
    ]
    review = reverse("api:bia_record_review", args=["payroll"])
    assert api.post(review, {"action": "submit"}, format="json").status_code == 200
    assert api.post(review, {"action": "approve"}, format="json").json()["status"] == "approved"
