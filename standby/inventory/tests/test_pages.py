"""Inventory pages: lists, detail, the requirement editor, deletes, exports, query counts."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from standby.inventory import services
from standby.inventory.exports import safe_cell
from standby.inventory.models import Node, Person, Requirement, Team


def _node(actor, key, kind, **extra):
    return services.node_save(actor=actor, node=Node(key=key, kind=kind, name=key.upper(), **extra))


@pytest.fixture
def org(manager):
    site = _node(manager, "dc-1", "location", location_kind="primary", recovery_time=48)
    vendor = _node(manager, "acme", "supplier")
    dbs = [
        _node(manager, f"db-{i}", "asset", asset_type="hardware", location=site, recovery_time=4)
        for i in (1, 2, 3)
    ]
    web = _node(manager, "web", "service")
    services.requirement_add(actor=manager, owner=web, members=dbs, at_least=2)
    pay = _node(manager, "pay", "process")
    services.requirement_add(actor=manager, owner=pay, members=[web])
    return {"site": site, "vendor": vendor, "dbs": dbs, "web": web, "pay": pay}


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


@pytest.mark.django_db
def test_index_counts_each_kind_and_says_what_to_do_next(signed_in):
    response = signed_in.get(reverse("inventory:index"))
    assert "Record your business processes first" in response.text
    _node(response.wsgi_request.user, "p", "process")
    response = signed_in.get(reverse("inventory:index"))
    assert "Record the IT services" in response.text


@pytest.mark.django_db
def test_empty_list_explains_the_next_step_with_a_button(signed_in):
    response = signed_in.get(reverse("inventory:asset_list"))
    assert "No assets yet" in response.text
    assert reverse("inventory:asset_create") in response.text


@pytest.mark.django_db
def test_asset_list_filters_sorts_and_answers_htmx_with_the_table_only(signed_in, org):
    url = reverse("inventory:asset_list")
    response = signed_in.get(url, {"q": "db-2"})
    assert "DB-2" in response.text
    assert "DB-1" not in response.text
    response = signed_in.get(url, {"location": "dc-1", "sort": "-name"})
    names = [n.name for n in response.context["page"]]
    assert names == ["DB-3", "DB-2", "DB-1"]
    partial = signed_in.get(url, {"asset_type": "software"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.text
    assert 'id="table"' in partial.text
    assert "No assets match" in partial.text


@pytest.mark.django_db
def test_create_and_edit_an_asset_through_the_form(signed_in, org):
    response = signed_in.post(
        reverse("inventory:asset_create"),
        {"key": "fw-1", "name": "Firewall", "asset_type": "network", "location": org["site"].pk},
    )
    asset = Node.objects.get(key="fw-1")
    assert response.status_code == 302
    assert response["Location"] == asset.get_absolute_url()
    assert asset.kind == "asset"
    assert asset.location == org["site"]
    signed_in.post(
        reverse("inventory:asset_update", args=["fw-1"]),
        {"key": "fw-1", "name": "Edge firewall", "asset_type": "network"},
    )
    asset.refresh_from_db()
    assert asset.name == "Edge firewall"
    assert asset.location is None


@pytest.mark.django_db
def test_a_taken_id_is_refused_on_the_form(signed_in, org):
    Person.objects.create(key="bob", name="Bob")
    response = signed_in.post(
        reverse("inventory:service_create"), {"key": "bob", "name": "Bob service"}
    )
    assert response.status_code == 200
    assert "already used by a person" in response.text


@pytest.mark.django_db
def test_detail_shows_requires_required_by_and_history(signed_in, org):
    response = signed_in.get(org["web"].get_absolute_url())
    text = response.text
    assert "at least 2 of 3" in text
    assert org["pay"].get_absolute_url() in text  # required by
    assert reverse("inventory:node_graph", args=["web"]) in text
    assert "History" in text
    asset = signed_in.get(org["dbs"][0].get_absolute_url()).text
    assert "fails with its site" in asset


@pytest.mark.django_db
def test_history_is_hidden_from_roles_without_it(client, make_user, org):
    client.force_login(make_user("viewer", "vic"))
    response = client.get(org["web"].get_absolute_url())
    assert response.status_code == 200
    assert 'id="history-heading"' not in response.text
    assert "Add a requirement" not in response.text


@pytest.mark.django_db
def test_add_a_two_of_three_group_and_remove_it(signed_in, org, manager):
    fw = [_node(manager, f"fw-{i}", "asset", asset_type="network") for i in (1, 2, 3)]
    url = reverse("inventory:service_requirement_add", args=["web"])
    # Two picked from the search, one typed.
    response = signed_in.post(url, {"members": ["fw-1", "fw-2", "fw-3"], "at_least": 2})
    assert response.status_code == 302
    requirement = Requirement.objects.filter(owner=org["web"]).order_by("-position").first()
    assert requirement.at_least == 2
    assert sorted(m.node.key for m in requirement.memberships.all()) == [n.key for n in fw]
    remove = reverse("inventory:service_requirement_delete", args=["web", requirement.pk])
    signed_in.post(remove)
    assert not Requirement.objects.filter(pk=requirement.pk).exists()


@pytest.mark.django_db
def test_a_cycle_is_refused_on_the_page_naming_the_nodes(signed_in, org):
    url = reverse("inventory:asset_requirement_add", args=["db-1"])
    response = signed_in.post(url, {"members": "pay", "at_least": 1})
    assert response.status_code == 200
    assert "dependency cycle" in response.text


@pytest.mark.django_db
def test_node_picker_keeps_what_was_picked(signed_in, org):
    response = signed_in.get(
        reverse("inventory:node_picker"), {"q": "db", "members": ["db-1"], "owner": "web"}
    )
    assert 'value="db-1" id="pick-db-1" checked' in response.text
    assert 'value="db-2"' in response.text


@pytest.mark.django_db
def test_deleting_a_required_node_lists_dependants_and_needs_confirmation(signed_in, org):
    url = reverse("inventory:asset_delete", args=["db-1"])
    page = signed_in.get(url)
    assert "is required by 1 node" in page.text
    assert "WEB" in page.text
    refused = signed_in.post(url, {})
    assert refused.status_code == 200
    assert Node.objects.filter(key="db-1").exists()
    done = signed_in.post(url, {"confirm": "on"})
    assert done.status_code == 302
    assert not Node.objects.filter(key="db-1").exists()
    requirement = Requirement.objects.get(owner=org["web"])
    assert requirement.memberships.count() == 2
    assert requirement.at_least == 2


@pytest.mark.django_db
def test_deleting_an_unrequired_node_is_a_plain_confirmation(signed_in, org):
    url = reverse("inventory:supplier_delete", args=["acme"])
    assert "Nothing requires" in signed_in.get(url).text
    signed_in.post(url)
    assert not Node.objects.filter(key="acme").exists()


@pytest.mark.django_db
def test_a_person_who_owns_things_cannot_be_deleted_and_is_told_why(signed_in, org, manager):
    ann = services.person_save(actor=manager, person=Person(key="ann", name="Ann"))
    org["web"].owner = ann
    services.node_save(actor=manager, node=org["web"])
    team = services.team_save(actor=manager, team=Team(key="red", name="Red team"))
    services.team_set_members(actor=manager, team=team, members=[(ann, "technical")])
    url = reverse("inventory:person_delete", args=["ann"])
    page = signed_in.get(url)
    assert "cannot be deleted yet" in page.text
    assert "Red team" in page.text
    signed_in.post(url)
    assert Person.objects.filter(key="ann").exists()


@pytest.mark.django_db
def test_team_members_are_added_and_removed(signed_in, manager):
    services.person_save(actor=manager, person=Person(key="ann", name="Ann"))
    team = services.team_save(actor=manager, team=Team(key="red", name="Red team"))
    signed_in.post(
        reverse("inventory:team_member_add", args=["red"]), {"person": "ann", "role": "user"}
    )
    membership = team.memberships.get()
    assert membership.role == "user"
    signed_in.post(reverse("inventory:team_member_remove", args=["red", membership.pk]))
    assert not team.memberships.exists()


# -- exports ----------------------------------------------------------------------------------


def test_safe_cell_defuses_every_formula_start():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert safe_cell(f"{start}cmd") == f"'{start}cmd"
    assert safe_cell("plain") == "plain"
    assert safe_cell(4.5) == 4.5
    assert safe_cell(None) == ""


@pytest.mark.django_db
def test_csv_export_applies_the_filter_and_is_injection_safe(signed_in, org, manager):
    _node(manager, "evil", "asset", asset_type="data", description="=HYPERLINK(1)")
    url = reverse("inventory:asset_export")
    rows = list(csv.reader(io.StringIO(signed_in.get(url, {"asset_type": "data"}).text)))
    assert rows[0][:2] == ["id", "name"]
    assert [r[0] for r in rows[1:]] == ["evil"]
    assert rows[1][-1] == "'=HYPERLINK(1)"
    service_rows = list(
        csv.reader(io.StringIO(signed_in.get(reverse("inventory:service_export")).text))
    )
    assert "2 of db-1, db-2, db-3" in service_rows[1]


@pytest.mark.django_db
def test_xlsx_export_has_the_rows_and_no_formulas(signed_in, org, manager):
    services.node_save(
        actor=manager, node=Node(key="evil", kind="asset", asset_type="data", name="@SUM(A1)")
    )
    response = signed_in.get(reverse("inventory:asset_export"), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "id"
    assert len(values) == 5  # header + db-1..3 + evil
    names = [row[1] for row in values[1:]]
    assert "'@SUM(A1)" in names
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", ["process", "service", "location", "supplier", "person", "team", "contract"]
)
def test_every_list_exports(signed_in, org, route):
    response = signed_in.get(reverse(f"inventory:{route}_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.csv"')


# -- query counts -----------------------------------------------------------------------------


def _bulk_assets(site, vendor, count, start=0):
    Node.objects.bulk_create(
        Node(
            key=f"bulk-{i}",
            kind="asset",
            name=f"Bulk {i}",
            asset_type="software",
            location=site,
            supplier=vendor,
        )
        for i in range(start, start + count)
    )


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("inventory:asset_list", {}),
        ("inventory:asset_list", {"sort": "location", "page": "2"}),
        ("inventory:location_list", {}),
        ("inventory:supplier_list", {}),
        ("inventory:service_list", {}),
        ("inventory:asset_export", {}),
        ("api:asset_list", {}),
        ("api:asset_list", {"page_size": "1000"}),
    ],
)
def test_lists_run_a_constant_number_of_queries(signed_in, org, url, params):
    def requirements(start, stop):  # requirement rows grow with the assets
        for i in range(start, stop, 7):
            Requirement.objects.create(owner=Node.objects.get(key=f"bulk-{i}"), at_least=1)

    _bulk_assets(org["site"], org["vendor"], 10)
    requirements(0, 10)
    few = _queries(signed_in, reverse(url), params)
    _bulk_assets(org["site"], org["vendor"], 990, start=10)
    requirements(10, 1000)
    assert _queries(signed_in, reverse(url), params) == few


@pytest.mark.django_db
def test_detail_page_runs_a_constant_number_of_queries(signed_in, org, manager):
    url = org["web"].get_absolute_url()
    few = _queries(signed_in, url)
    _bulk_assets(org["site"], org["vendor"], 300)
    bulk = list(Node.objects.filter(key__startswith="bulk-"))
    services.requirement_add(actor=manager, owner=org["web"], members=bulk[:150], at_least=100)
    for i in range(150, 300, 2):
        services.requirement_add(actor=manager, owner=bulk[i], members=[org["site"]])
    assert _queries(signed_in, url) == few
    site_url = org["site"].get_absolute_url()
    assert _queries(signed_in, site_url) <= few + 2
