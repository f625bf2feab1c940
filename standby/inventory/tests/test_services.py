"""Inventory services: ids unique across the model, cycles refused, deletes guarded."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from standby.analysis.model import NodeKind as Kind
from standby.analysis.model import NodeSpec
from standby.analysis.model import Requirement as Req
from standby.common.models import AuditEntry
from standby.inventory import services
from standby.inventory.models import KEY_VALIDATOR, Node, Person, Requirement
from standby.inventory.selectors import analysis_nodes, dependants_of


@pytest.fixture
def graph(manager):
    def node(key, kind, **extra):
        return services.node_save(
            actor=manager, node=Node(key=key, kind=kind, name=key.upper(), **extra)
        )

    site = node("site", "location", recovery_time=48)
    isp_a = node("isp-a", "asset", asset_type="network", location=site, recovery_time=4)
    isp_b = node("isp-b", "asset", asset_type="network", recovery_time=8)
    web = node("web", "service")
    services.requirement_add(actor=manager, owner=web, members=[isp_a, isp_b], at_least=1)
    enrol = node("enrol", "process")
    services.requirement_add(actor=manager, owner=enrol, members=[web])
    return {n.key: n for n in (site, isp_a, isp_b, web, enrol)}


BAD_KEYS = [".", "..", ".hidden", "-x", "_x", "a" * 101, "a/b", "bad id!", "a\n"]
GOOD_KEYS = ["a", "0", "isp-a", "vm_01", "srv.db.2", "x.", "a..b", "A" * 100]


def _key_fields():
    return [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if KEY_VALIDATOR in getattr(field, "validators", ())
    ]


def test_every_id_starts_with_a_letter_or_digit():
    """Ids name URLs and folders: "." and ".." would be folders outside the exports."""
    fields = _key_fields()
    labels = {f"{field.model._meta.label}.{field.name}" for field in fields}
    assert {"inventory.Node.key", "plans.Plan.key", "risks.Threat.key"} <= labels, labels
    for field in fields:
        for key in GOOD_KEYS:
            field.run_validators(key)
        for key in BAD_KEYS:
            with pytest.raises(ValidationError, match="starting with a letter or digit"):
                field.run_validators(key)


@pytest.mark.django_db
def test_a_node_id_of_dots_is_refused(manager):
    for key in ("..", ".env"):
        with pytest.raises(ValidationError) as info:
            services.node_save(actor=manager, node=Node(key=key, kind="service", name="X"))
        assert "key" in info.value.message_dict
    assert not Node.objects.exists()


@pytest.mark.django_db
def test_ids_are_unique_across_the_whole_model(manager, graph):
    with pytest.raises(ValidationError, match="already used by a node"):
        services.person_save(actor=manager, person=Person(key="web", name="Web Person"))
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_a_cycle_is_refused_naming_its_nodes(manager, graph):
    with pytest.raises(ValidationError) as error:
        services.requirement_add(actor=manager, owner=graph["isp-a"], members=[graph["enrol"]])
    assert "enrol → web → isp-a" in str(error.value)
    assert "isp-a → enrol" in str(error.value)
    assert not Requirement.objects.filter(owner=graph["isp-a"]).exists()


@pytest.mark.django_db
def test_sites_and_suppliers_have_no_requirements(manager, graph):
    with pytest.raises(ValidationError, match="sites and suppliers have no requirements"):
        services.requirement_add(actor=manager, owner=graph["site"], members=[graph["isp-b"]])
    assert not Requirement.objects.filter(owner=graph["site"]).exists()


@pytest.mark.django_db
def test_k_out_of_range_is_refused(manager, graph):
    with pytest.raises(ValidationError, match="between 1 and 2"):
        services.requirement_add(
            actor=manager,
            owner=graph["enrol"],
            members=[graph["isp-a"], graph["isp-b"]],
            at_least=3,
        )


@pytest.mark.django_db
def test_deleting_a_required_node_is_refused_with_its_dependants(manager, graph):
    with pytest.raises(ValidationError, match=r"required by WEB \(web\)"):
        services.node_delete(actor=manager, node=graph["isp-a"])
    assert Node.objects.filter(key="isp-a").exists()


@pytest.mark.django_db
def test_confirmed_delete_removes_the_requirements_too(manager, graph):
    services.node_delete(actor=manager, node=graph["isp-a"], remove_requirements=True)
    requirement = Requirement.objects.get(owner=graph["web"])
    assert [m.node.key for m in requirement.memberships.all()] == ["isp-b"]
    assert requirement.at_least == 1
    assert AuditEntry.objects.filter(action="delete", object_repr="ISP-A").exists()


@pytest.mark.django_db
def test_deleting_a_site_clears_it_from_its_assets(manager, graph):
    assert [d.via for d in dependants_of(graph["site"])] == ["location"]
    services.node_delete(actor=manager, node=graph["site"], remove_requirements=True)
    assert Node.objects.get(key="isp-a").location is None


@pytest.mark.django_db
def test_viewer_cannot_edit(make_user, graph):
    viewer = make_user("viewer", "vic")
    with pytest.raises(PermissionDenied):
        services.node_save(actor=viewer, node=Node(key="x", kind="service", name="X"))


@pytest.mark.django_db
def test_analysis_nodes_fold_location_into_requirements(graph, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        specs = {s.id: s for s in analysis_nodes()}
    assert specs["isp-a"] == NodeSpec("isp-a", Kind.ASSET, (Req.single("site"),), 4.0)
    assert specs["web"].requires == (Req(1, ("isp-a", "isp-b")),)
    assert specs["enrol"].requires == (Req.single("web"),)
