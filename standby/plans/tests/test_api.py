"""The plans API: plans, steps, versions and their review, export downloads, acknowledgements,
stale plans — the same services and checks as the pages (409 on a stale revision, 403 without
the capability, 400 with field errors), and an OpenAPI schema generated without a warning."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from rest_framework.test import APIClient

from standby.common.models import AuditEntry
from standby.inventory.models import Person, Team
from standby.plans import services
from standby.plans.choices import VersionStatus
from standby.plans.exports import ALL_FILES, export_dir
from standby.plans.exports.manifest import verify_export
from standby.plans.models import DistributionEntry, Plan, PlanStep

API = "/api/plans/"


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def approved(small, django_capture_on_commit_callbacks):
    """Version 1 of the small plan, approved; its exports written by the approval hook."""
    version = services.plan_submit(actor=small["manager"], plan=small["plan"])
    with django_capture_on_commit_callbacks(execute=True):
        return services.version_approve(actor=small["manager"], version=version)


# -- plans ------------------------------------------------------------------------------------


def test_list_and_detail_show_scope_teams_text_and_revision(small, django_assert_max_num_queries):
    plan = small["plan"]
    plan.teams.add(Team.objects.create(key="ops", name="Ops"))
    services.plan_create(
        actor=small["manager"], plan=Plan(key="second", title="Second"), scope=[small["process"]]
    )
    client = _client(small["manager"])
    with django_assert_max_num_queries(8):
        listed = client.get(API)
    assert listed.status_code == 200
    assert listed.json()["count"] == 2
    row = next(r for r in listed.json()["results"] if r["id"] == "critical")
    assert row["scope"] == ["payroll"]
    assert row["teams"] == ["ops"]
    assert row["revision"] == Plan.objects.get(key="critical").revision
    assert row["approved_version"] is None
    detail = client.get(f"{API}critical/").json()
    for field in ("purpose", "invocation_triggers", "invocation_procedure", "return_to_normal"):
        assert field in detail
    assert detail["url"] == "/plans/critical/"


def test_create_generates_the_recovery_sequence(small, make_user):
    deputy = make_user("deputy", "dee")
    response = _client(deputy).post(
        API,
        {"id": "it", "title": "IT recovery", "scope": ["app"], "purpose": "Bring IT back."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["id"] == "it"
    plan = Plan.objects.get(key="it")
    assert plan.purpose == "Bring IT back."
    titles = list(plan.steps.order_by("position").values_list("title", flat=True))
    assert titles[-1] == "Restore App"
    assert AuditEntry.objects.filter(object_type="plans.plan", object_id=str(plan.pk)).exists()


def test_bad_input_answers_400_with_field_errors(small):
    client = _client(small["manager"])
    response = client.post(
        API, {"id": "bad id!", "scope": ["server", "nowhere"], "template": "x"}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert {"id", "title", "scope", "template"} <= set(error["details"])
    duplicate = client.post(API, {"id": "critical", "title": "x", "scope": ["payroll"]})
    assert duplicate.status_code == 400
    assert "exists already" in duplicate.json()["error"]["details"]["id"][0]
    empty = client.post(API, {"id": "empty", "title": "x", "scope": []}, format="json")
    assert empty.status_code == 400
    assert "scope" in empty.json()["error"]["details"]
    assert not Plan.objects.filter(key__in=["empty", "bad id!"]).exists()


def test_ids_that_are_pages_or_dots_are_refused(small):
    client = _client(small["manager"])
    for key, message in (
        ("stale", "a plan id cannot be ack, new, offsite or stale"),
        ("..", "starting with a letter or digit"),
    ):
        response = client.post(API, {"id": key, "title": "x", "scope": ["payroll"]}, format="json")
        assert response.status_code == 400
        assert message in response.json()["error"]["details"]["id"][0]
    assert not Plan.objects.filter(key__in=["stale", ".."]).exists()


def test_update_needs_the_revision_read_and_a_stale_one_is_409(small):
    plan = small["plan"]
    client = _client(small["manager"])
    seen = client.get(f"{API}critical/").json()["revision"]
    first = client.patch(
        f"{API}critical/", {"purpose": "First writer", "revision": seen}, format="json"
    )
    assert first.status_code == 200, first.json()
    assert first.json()["purpose"] == "First writer"
    assert first.json()["revision"] == seen + 1
    late = client.patch(
        f"{API}critical/", {"purpose": "Second writer", "revision": seen}, format="json"
    )
    assert late.status_code == 409
    error = late.json()["error"]
    assert error["code"] == "conflict"
    assert f"you sent revision {seen}, it is now at revision {seen + 1}" in error["message"]
    assert Plan.objects.get(pk=plan.pk).purpose == "First writer"
    missing = client.patch(f"{API}critical/", {"purpose": "No revision"}, format="json")
    assert missing.status_code == 400
    assert "revision" in missing.json()["error"]["details"]


def test_put_with_a_new_scope_regenerates_the_steps(small):
    client = _client(small["manager"])
    seen = client.get(f"{API}critical/").json()["revision"]
    response = client.put(
        f"{API}critical/",
        {"title": "Critical processes", "scope": ["app"], "revision": seen},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["scope"] == ["app"]
    nodes = set(PlanStep.objects.filter(plan=small["plan"]).values_list("node__key", flat=True))
    assert "payroll" not in nodes
    assert "app" in nodes


@pytest.mark.parametrize("role", ["viewer", "auditor", "recovery_team", "service_owner"])
def test_roles_without_edit_cannot_change_plans(small, make_user, role):
    client = _client(make_user(role, f"{role}-x"))
    before = AuditEntry.objects.count()
    assert client.get(API).status_code == 200
    assert client.post(API, {"id": "x", "title": "x", "scope": ["payroll"]}).status_code == 403
    assert client.patch(f"{API}critical/", {"revision": 0}, format="json").status_code == 403
    assert client.post(f"{API}critical/steps/", {"title": "x", "revision": 0}).status_code == 403
    assert client.post(f"{API}critical/submit/").status_code == 403
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_anonymous_and_bad_tokens_are_refused():
    assert APIClient().get(API).status_code in {401, 403}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(API).status_code == 401


@pytest.mark.django_db
def test_a_token_reads_plans(small):
    from standby.api.services import token_create

    _, key = token_create(actor=small["manager"], name="ci")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(f"{API}critical/").json()["title"] == "Critical processes"


# -- steps ------------------------------------------------------------------------------------


def test_steps_list_create_and_update_with_the_revision(small):
    client = _client(small["manager"])
    steps = client.get(f"{API}critical/steps/").json()
    assert [s["position"] for s in steps] == list(range(1, len(steps) + 1))
    assert steps[-1]["node"] == "payroll"
    revision = client.get(f"{API}critical/").json()["revision"]
    Person.objects.create(key="bob", name="Bob", phone="1")
    added = client.post(
        f"{API}critical/steps/",
        {"title": "Tell the bank", "owner": "bob", "expected_duration": 0.5, "revision": revision},
        format="json",
    )
    assert added.status_code == 201, added.json()
    assert added.json()["position"] == len(steps) + 1
    assert added.json()["node"] is None
    assert added.json()["owner"] == "bob"
    url = f"{API}critical/steps/{added.json()['id']}/"
    stale = client.patch(url, {"title": "Tell both banks", "revision": revision}, format="json")
    assert stale.status_code == 409
    changed = client.patch(
        url, {"title": "Tell both banks", "revision": revision + 1}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    assert PlanStep.objects.get(pk=added.json()["id"]).title == "Tell both banks"
    bad = client.patch(url, {"expected_duration": -1, "owner": "nobody", "revision": revision + 2})
    assert bad.status_code == 400
    assert {"expected_duration", "owner"} <= set(bad.json()["error"]["details"])


def test_moving_a_step_keeps_the_dependencies(small):
    client = _client(small["manager"])
    steps = client.get(f"{API}critical/steps/").json()
    revision = client.get(f"{API}critical/").json()["revision"]
    payroll = steps[-1]
    assert payroll["node"] == "payroll"
    refused = client.post(
        f"{API}critical/steps/{payroll['id']}/move/",
        {"position": 1, "revision": revision},
        format="json",
    )
    assert refused.status_code == 400
    message = refused.json()["error"]["details"]["non_field_errors"][0]
    assert "cannot come before" in message
    assert "Resume Payroll" in message
    # A manual step (no dependencies) moves anywhere, by offset or to a position.
    manual = client.post(
        f"{API}critical/steps/", {"title": "Call the press", "revision": revision}, format="json"
    ).json()
    move = f"{API}critical/steps/{manual['id']}/move/"
    up = client.post(move, {"offset": -1, "revision": revision + 1}, format="json")
    assert up.status_code == 200, up.json()
    assert [s["id"] for s in up.json()].index(manual["id"]) == len(steps) - 1
    first = client.post(move, {"position": 1, "revision": revision + 2}, format="json")
    assert first.status_code == 200, first.json()
    assert first.json()[0]["id"] == manual["id"]
    stale = client.post(move, {"offset": 1, "revision": revision}, format="json")
    assert stale.status_code == 409
    both = client.post(move, {"offset": 1, "position": 2, "revision": revision + 3})
    assert both.status_code == 400
    beyond = client.post(move, {"position": 99, "revision": revision + 3}, format="json")
    assert beyond.status_code == 400
    assert "position" in beyond.json()["error"]["details"]


# -- versions and review ----------------------------------------------------------------------


def test_submit_then_only_the_manager_approves(
    small, make_user, django_capture_on_commit_callbacks
):
    deputy = make_user("deputy", "dee")
    submitted = _client(deputy).post(f"{API}critical/submit/")
    assert submitted.status_code == 201, submitted.json()
    assert submitted.json()["number"] == 1
    assert submitted.json()["status"] == VersionStatus.IN_REVIEW
    versions = _client(deputy).get(f"{API}critical/versions/").json()
    assert [v["number"] for v in versions["results"]] == [1]
    detail = _client(deputy).get(f"{API}critical/versions/1/").json()
    assert detail["content"]["plan"]["key"] == "critical"
    assert detail["content"]["steps"]
    review = f"{API}critical/versions/1/review/"
    refused = _client(deputy).post(review, {"action": "approve"}, format="json")
    assert refused.status_code == 403
    assert _client(small["manager"]).get(review).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        approved = _client(small["manager"]).post(
            review, {"action": "approve", "comment": "Fine."}, format="json"
        )
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == VersionStatus.APPROVED
    assert approved.json()["approved_by"] == "manager"
    again = _client(small["manager"]).post(review, {"action": "approve"}, format="json")
    assert again.status_code == 400
    assert "only a version in review" in again.json()["error"]["details"]["non_field_errors"][0]
    assert _client(deputy).get(f"{API}critical/").json()["approved_version"] == 1


def test_return_needs_a_comment(small):
    services.plan_submit(actor=small["manager"], plan=small["plan"])
    client = _client(small["manager"])
    review = f"{API}critical/versions/1/review/"
    bad = client.post(review, {"action": "return"}, format="json")
    assert bad.status_code == 400
    assert "comment" in bad.json()["error"]["details"]
    unknown = client.post(review, {"action": "publish"}, format="json")
    assert "action" in unknown.json()["error"]["details"]
    returned = client.post(review, {"action": "return", "comment": "Add the bank."})
    assert returned.status_code == 200
    assert returned.json()["status"] == VersionStatus.WITHDRAWN
    assert returned.json()["review_comment"] == "Add the bank."


def test_an_unknown_plan_or_version_is_404(small):
    client = _client(small["manager"])
    assert client.get(f"{API}nowhere/").status_code == 404
    missing = client.get(f"{API}critical/versions/9/")
    assert missing.status_code == 404
    assert set(missing.json()["error"]) == {"code", "message", "details"}


# -- exports ----------------------------------------------------------------------------------


def test_export_list_and_downloads(approved, make_user, tmp_path):
    client = _client(make_user("viewer", "val"))
    listed = client.get(f"{API}critical/versions/1/exports/")
    assert listed.status_code == 200
    data = listed.json()
    assert data["intact"] is True
    assert data["problems"] == []
    folder = export_dir("critical", 1)
    by_name = {f["name"]: f for f in data["files"]}
    assert set(by_name) == set(ALL_FILES)
    for name, item in by_name.items():
        response = client.get(item["download"])
        assert response.status_code == 200, name
        assert _body(response) == (folder / name).read_bytes(), name
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Type"] == item["content_type"]
    assert by_name["plan.pdf"]["content_type"] == "application/pdf"
    assert by_name["plan.html"]["content_type"].startswith("text/html")
    assert by_name["plan.json"]["sha256"]
    # Whatever the client says it accepts.
    pdf = client.get(by_name["plan.pdf"]["download"], HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200
    archive = client.get(data["zip"])
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(_body(archive))) as opened:
        opened.extractall(tmp_path)
    assert verify_export(tmp_path / "critical" / "v1") == []


def test_export_names_outside_the_manifest_and_versions_in_review_are_404(approved):
    client = _client(approved.approved_by)
    base = f"{API}critical/versions/1/exports/"
    for name in ("notes.txt", "..", "%2e%2e", "..%2F..%2Fkeys%2Fexport-signing.key"):
        response = client.get(base + name)
        assert response.status_code == 404, name
        assert b"PRIVATE KEY" not in _body(response)
    services.plan_submit(actor=approved.approved_by, plan=approved.plan)
    in_review = client.get(f"{API}critical/versions/2/exports/")
    assert in_review.status_code == 404
    assert "only approved versions have exports" in in_review.json()["error"]["message"]
    assert client.get(f"{API}critical/versions/2/exports.zip").status_code == 404


def test_a_wiped_export_is_written_again_for_the_api(small):
    version = services.plan_submit(actor=small["manager"], plan=small["plan"])
    services.version_approve(actor=small["manager"], version=version)  # hooks not run
    response = _client(small["manager"]).get(f"{API}critical/versions/1/exports/")
    assert response.status_code == 200
    assert response.json()["written_again"] is True
    assert verify_export(export_dir("critical", 1)) == []


# -- acknowledgements and stale plans -----------------------------------------------------------


def test_acknowledgement_status_of_a_version(small, django_capture_on_commit_callbacks):
    ann = Person.objects.get(key="ann")
    ann.email = "ann@example.org"
    ann.save()
    DistributionEntry.objects.create(plan=small["plan"], person=ann, role="key_staff")
    version = services.plan_submit(actor=small["manager"], plan=small["plan"])
    with django_capture_on_commit_callbacks(execute=True):
        services.version_approve(actor=small["manager"], version=version)
    response = _client(small["manager"]).get(f"{API}critical/versions/1/acknowledgements/")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == VersionStatus.APPROVED
    assert (data["acknowledged"], data["missing"]) == (0, 1)
    (row,) = data["acknowledgements"]
    assert row["person"] == "ann"
    assert row["role"] == "Key staff"
    assert row["state"] == "waiting"
    assert row["emailed_at"]


def test_stale_plans_with_their_reasons(small):
    plan = small["plan"]
    plan.review_by = dt.date(2020, 1, 1)
    services.plan_update(actor=small["manager"], plan=plan, expected_revision=plan.revision)
    version = services.plan_submit(actor=small["manager"], plan=plan)
    services.version_approve(actor=small["manager"], version=version)
    response = _client(small["manager"]).get(f"{API}stale/")
    assert response.status_code == 200
    (stale,) = response.json()
    assert stale["id"] == "critical"
    assert stale["version"] == 1
    assert stale["reasons"][0]["kind"] == "review"
    assert stale["reasons"][0]["text"]


# -- the schema -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_openapi_schema_has_every_plans_endpoint_and_no_warning():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    warnings = dict(GENERATOR_STATS._warn_cache)
    errors = dict(GENERATOR_STATS._error_cache)
    assert not warnings, warnings
    assert not errors, errors
    paths = set(schema["paths"])
    for path in (
        "/api/plans/",
        "/api/plans/{key}/",
        "/api/plans/{key}/steps/{id}/move/",
        "/api/plans/{key}/versions/{number}/review/",
        "/api/plans/{key}/versions/{number}/exports/{name}",
        "/api/plans/{key}/versions/{number}/exports.zip",
        "/api/plans/{key}/versions/{number}/acknowledgements/",
        "/api/plans/stale/",
    ):
        assert path in paths, path
