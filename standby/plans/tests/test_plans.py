"""Plans: generated sequence, lifecycle, permissions, immutability, diff, edit conflicts,
reorder refusal, Markdown sanitising."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import get_resolver, reverse

from standby.common.markdown import render_markdown
from standby.inventory.models import Node
from standby.modelfile import plans as mf
from standby.plans import selectors, sequence, services, urls
from standby.plans.choices import VersionStatus
from standby.plans.models import Plan, PlanStep, PlanVersion

pytestmark = pytest.mark.django_db


def _top_plan(manager: Any) -> Plan:
    return Plan.objects.get(key=services.DEMO_PLAN_KEY)


def test_demo_sequence_respects_dependencies_and_priorities(demo):
    plan = _top_plan(demo)
    version = plan.versions.get()
    assert version.status == VersionStatus.APPROVED  # the demo has an approved plan
    ranks = selectors.bia_ranks()
    top = sorted((k for k in ranks if Node.objects.get(key=k).kind == "process"), key=ranks.get)
    assert selectors.scope_keys(plan) == sorted(top[:2])  # its most critical processes
    assert [s["position"] for s in version.content["steps"]] == list(
        range(1, len(version.content["steps"]) + 1)
    )
    g = selectors.graph()
    steps = list(plan.steps.select_related("node").order_by("position"))
    keys = [s.node.key for s in steps if s.node]
    cone = g.cone(selectors.scope_keys(plan))
    assert set(keys) == cone
    assert len(keys) == len(cone)
    where = {k: i for i, k in enumerate(keys)}
    for key in keys:  # never before what it requires
        for required in g.requires[key]:
            assert where[required] < where[key], f"{key} before {required}"
    prio = sequence.priorities(g.requires, g.kinds, ranks, cone)

    def p(k: str) -> float:
        return float("inf") if prio[k] is None else float(prio[k])  # type: ignore[arg-type]

    # Among independent steps, higher priority first: whenever a lower-priority step comes
    # first, the higher-priority one was still waiting for something placed after it.
    for i, early in enumerate(keys):
        for late in keys[i + 1 :]:
            if p(late) < p(early):
                blockers = sequence.cone(g.requires, g.requires[late])
                assert any(where[b] >= i for b in blockers if b in where), (early, late)


def test_sequence_generation_orders_priority_then_kind():
    requires = {"p1": ["s1"], "p2": ["s2"], "s1": ["a1"], "s2": ["a2"], "a1": [], "a2": []}
    kinds = {"p1": "process", "p2": "process", "s1": "service", "s2": "service"}
    kinds |= {"a1": "asset", "a2": "asset"}
    order = sequence.generate(requires, kinds, {"p2": 1, "p1": 2}, ["p1", "p2"])
    assert order == ["a2", "s2", "p2", "a1", "s1", "p1"]
    unranked = sequence.generate(requires, kinds, {"p2": 1}, ["p1", "p2"])
    assert unranked[-3:] == ["a1", "s1", "p1"]


def test_lifecycle_submit_approve_supersede(small, make_user, django_capture_on_commit_callbacks):
    demo, plan = small["manager"], small["plan"]
    seen: list[int] = []
    services.APPROVAL_HOOKS.append(lambda v: seen.append(v.number))
    try:
        v1 = services.plan_submit(actor=demo, plan=plan)
        assert v1.status == VersionStatus.IN_REVIEW
        assert v1.content["version"]["number"] == 1
        with django_capture_on_commit_callbacks(execute=True):
            services.version_approve(actor=demo, version=v1)
        assert seen == [1]
        v2 = services.plan_submit(actor=demo, plan=plan)
        with django_capture_on_commit_callbacks(execute=True):
            services.version_approve(actor=demo, version=v2)
    finally:
        services.APPROVAL_HOOKS.pop()
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v1.status == VersionStatus.SUPERSEDED
    assert v2.status == VersionStatus.APPROVED
    assert v2.content["version"]["approved_by"]
    assert v2.approved_by == demo
    assert seen == [1, 2]


def test_only_the_manager_approves_and_returns(small, make_user):
    demo, plan = small["manager"], small["plan"]
    version = services.plan_submit(actor=demo, plan=plan)
    deputy = make_user("deputy", "dep")
    with pytest.raises(PermissionDenied):
        services.version_approve(actor=deputy, version=version)
    with pytest.raises(PermissionDenied):
        services.version_return(actor=deputy, version=version, comment="no")
    viewer = make_user("viewer", "vie")
    with pytest.raises(PermissionDenied):
        services.plan_submit(actor=viewer, plan=plan)
    returned = services.version_return(actor=demo, version=version, comment="Add the call tree.")
    assert returned.status == VersionStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        services.version_approve(actor=demo, version=returned)


def test_approved_versions_never_change(small):
    demo, plan = small["manager"], small["plan"]
    version = services.plan_submit(actor=demo, plan=plan)
    services.version_approve(actor=demo, version=version)
    frozen = PlanVersion.objects.get(pk=version.pk).content
    plan.purpose = "Changed after approval"
    services.plan_update(actor=demo, plan=plan, expected_revision=plan.revision)
    version.refresh_from_db()
    assert version.content == frozen
    version.content["plan"]["purpose"] = "tampered"
    with pytest.raises(ValidationError, match="never changes"):
        services.version_save(actor=demo, version=version)
    with pytest.raises(ValidationError):
        services.version_return(actor=demo, version=version, comment="x")
    # a new approval supersedes it without touching its content
    services.version_approve(actor=demo, version=services.plan_submit(actor=demo, plan=plan))
    assert PlanVersion.objects.get(pk=version.pk).content == frozen


def test_diff_between_versions(small):
    demo, plan = small["manager"], small["plan"]
    v1 = services.plan_submit(actor=demo, plan=plan)
    plan.refresh_from_db()
    plan.purpose = "Recover exams first."
    services.plan_update(actor=demo, plan=plan, expected_revision=plan.revision)
    first = plan.steps.order_by("position").first()
    assert first is not None
    first.procedure = "Power on."
    services.step_save(actor=demo, step=first, expected_revision=plan.revision)
    manual = PlanStep(plan=plan, position=0, title="Tell the principal")
    services.step_save(actor=demo, step=manual, expected_revision=plan.revision)
    v2 = services.plan_submit(actor=demo, plan=plan)
    diff = selectors.compare(v1.content, v2.content)
    changed = {s.name for s in diff.sections if s.changed}
    assert "purpose" in changed
    assert "invocation" not in changed
    assert [s["title"] for s in diff.added] == ["Tell the principal"]
    assert diff.removed == []
    assert [(c.title, c.fields) for c in diff.changed] == [(first.title, ["procedure"])]
    assert not selectors.compare(v1.content, v1.content).any


def test_concurrent_edit_is_refused_and_the_loser_keeps_their_text(small, client):
    demo, plan = small["manager"], small["plan"]
    seen = plan.revision
    plan.purpose = "First writer"
    services.plan_update(actor=demo, plan=plan, expected_revision=seen)
    stale = Plan.objects.get(pk=plan.pk)
    stale.purpose = "Second writer"
    with pytest.raises(services.EditConflictError):
        services.plan_update(actor=demo, plan=stale, expected_revision=seen)
    assert Plan.objects.get(pk=plan.pk).purpose == "First writer"
    client.force_login(demo)
    url = reverse("plans:plan_update", args=[plan.key, "purpose"])
    response = client.post(url, {"purpose": "My careful text", "revision": seen})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else changed" in body
    assert "My careful text" in body
    assert Plan.objects.get(pk=plan.pk).purpose == "First writer"


def test_reorder_breaking_a_dependency_is_refused_naming_the_step(small, client):
    demo, plan = small["manager"], small["plan"]
    steps = list(plan.steps.select_related("node").order_by("position"))
    g = selectors.graph()
    late = next(s for s in steps if s.node and g.requires[s.node.key])
    required = next(s for s in steps if s.node and s.node.key in g.requires[late.node.key])
    order = [s.pk for s in steps if s.pk != late.pk]
    order.insert(order.index(required.pk), late.pk)  # just before what it requires
    with pytest.raises(ValidationError) as error:
        services.steps_reorder(actor=demo, plan=plan, order=order, expected_revision=plan.revision)
    message = str(error.value)
    assert f"“{late.title}” cannot come before" in message
    needed = sequence.cone(g.requires, g.requires[late.node.key])
    assert any(f"must follow “{s.title}”" in message for s in steps if s.node.key in needed)
    # a manual step moves freely
    manual = services.step_save(
        actor=demo,
        step=PlanStep(plan=plan, position=0, title="Call insurer"),
        expected_revision=plan.revision,
    )
    ids = [manual.pk] + [s.pk for s in steps]
    services.steps_reorder(actor=demo, plan=plan, order=ids, expected_revision=plan.revision)
    assert plan.steps.order_by("position").first() == manual
    # through the page: refused with a message, order unchanged
    client.force_login(demo)
    plan.refresh_from_db()
    first_node_step = plan.steps.order_by("position")[1]
    response = client.post(
        reverse("plans:step_list", args=[plan.key]),
        {"action": "up", "step": first_node_step.pk, "revision": plan.revision},
        follow=True,
    )
    assert response.status_code == 200


def test_markdown_is_sanitised():
    html = str(
        render_markdown(
            "Hi <script>alert(1)</script> <img src=http://127.0.0.1:9/x> "
            "[bad](javascript:alert(1)) [ok](https://example.org) "
            "<link rel=attachment href=file:///etc/passwd><style>p{}</style>"
        )
    )
    assert "<script" not in html
    assert "alert(1)" not in html
    assert "<img" not in html
    assert "127.0.0.1" not in html
    assert "javascript:" not in html
    assert "<link" not in html
    assert "<style" not in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer"' in html


def test_pages_render_a_draft_and_a_version(small, client):
    demo, plan = small["manager"], small["plan"]
    version = services.plan_submit(actor=demo, plan=plan)
    client.force_login(demo)
    detail = client.get(reverse("plans:plan_detail", args=[plan.key])).content.decode()
    first = plan.steps.order_by("position").first()
    assert first is not None
    assert first.title in detail
    # Dates as the exports write them, not raw ISO ("2026-11-29T10:00").
    assert re.search(r"data as of \d{4}-\d\d-\d\d \d\d:\d\d UTC\s", detail)
    assert "review by not set" in detail
    page = client.get(version.get_absolute_url()).content.decode()
    assert "version 1" in page
    # The version page shows the document as exported: every step, the timeline, the stamp.
    for step in plan.steps.all():
        assert f"Step {step.position}. {step.title}" in page
    assert 'class="plan-doc"' in page
    assert "When each recovery step is expected to be done" in page
    assert "data as of" in page
    assert client.get(reverse("plans:version_diff", args=[plan.key])).status_code == 200


def test_plan_list_query_count(small, client, django_assert_max_num_queries):
    demo = small["manager"]
    for i in range(3):
        services.plan_create(
            actor=demo,
            plan=Plan(key=f"p{i}", title=f"P{i}"),
            scope=list(Node.objects.filter(kind="service")[:1]),
        )
    client.force_login(demo)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("plans:plan_list")).status_code == 200


# -- ids that are pages -----------------------------------------------------------------------

RESERVED_MESSAGE = "a plan id cannot be ack, new, offsite or stale"


def _fixed_first_segments() -> set[str]:
    """The first path segments under /plans/ that are words rather than a plan's id."""
    _prefix, resolver = get_resolver().namespace_dict["plans"]
    firsts = {str(pattern.pattern).split("/", 1)[0] for pattern in resolver.url_patterns}
    return {first for first in firsts if first and "<" not in first}


def test_every_fixed_route_under_plans_is_a_reserved_plan_id():
    """A plan called "new" would be unreachable: /plans/new/ is the create page. Add a fixed
    route and this fails until the model file's list has it too."""
    fixed = _fixed_first_segments()
    assert {"ack", "new", "offsite", "stale"} <= fixed
    assert set(urls.RESERVED_KEYS) == fixed
    assert set(mf.RESERVED_PLAN_IDS) == fixed


def test_a_plan_cannot_take_a_reserved_id(small, client):
    manager, process = small["manager"], small["process"]
    for key in ("new", "stale", "offsite", "ack"):
        with pytest.raises(ValidationError) as info:
            services.plan_create(actor=manager, plan=Plan(key=key, title="X"), scope=[process])
        assert RESERVED_MESSAGE in str(info.value.message_dict["key"])
    client.force_login(manager)
    page = client.post(
        reverse("plans:plan_create"),
        {"key": "offsite", "title": "Off-site", "template": "itscm", "scope": [process.pk]},
    )
    assert page.status_code == 200
    assert RESERVED_MESSAGE in page.content.decode()
    assert not Plan.objects.filter(key__in=["new", "stale", "offsite", "ack"]).exists()
    # Only the exact words: a plan may still be called "new-intake" or "New".
    for key in ("new-intake", "New"):
        services.plan_create(actor=manager, plan=Plan(key=key, title=key), scope=[process])
        url = reverse("plans:plan_detail", args=[key])
        assert client.get(url).status_code == 200
