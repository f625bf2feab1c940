"""REST API of recovery plans: the same services, checks and permissions as the pages.

Plans are addressed by id (``key``), their versions by number. Every change to the draft carries
the ``revision`` the client read; when someone saved since, the answer is 409 and nothing is
written (as on the web form). Submitting freezes the draft into a version in review; only the
continuity manager (APPROVE) approves or returns it. Approved versions' exports (PDF, offline
HTML, JSON, signed manifest) are listed and downloaded through
:mod:`standby.plans.exports.downloads`, shared with the version page.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from standby.accounts.choices import Capability
from standby.accounts.models import User
from standby.inventory.models import Node, Team
from standby.plans import distribution, selectors, services, staleness
from standby.plans.exports import downloads
from standby.plans.models import Plan, PlanStep, PlanVersion
from standby.plans.serializers import (
    DistributionStatusSerializer,
    ExportSerializer,
    PlanCreateSerializer,
    PlanSerializer,
    PlanUpdateSerializer,
    ReviewSerializer,
    StalePlanSerializer,
    StepMoveSerializer,
    StepSerializer,
    StepWriteSerializer,
    VersionDetailSerializer,
    VersionSerializer,
)


def _actor(request: Request) -> User:
    assert isinstance(request.user, User)  # RolePermission let only signed-in users through
    return request.user


class RevisionConflictError(exceptions.APIException):
    """409: the plan moved on since the client read it; nothing was written."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _conflict(plan: Plan, sent: int) -> RevisionConflictError:
    current = Plan.objects.values_list("revision", flat=True).get(pk=plan.pk)
    return RevisionConflictError(
        f"Someone else changed “{plan.title}” since you read it: you sent revision {sent}, it is "
        f"now at revision {current}. Nothing was saved: read the plan again, reapply your change "
        "and send the new revision."
    )


def _plans() -> QuerySet[Plan]:
    """Plans with scope, teams and versions (no content): 4 queries for any number."""
    versions = PlanVersion.objects.only("id", "plan_id", "number", "status").order_by("-number")
    return Plan.objects.prefetch_related(
        Prefetch("scope", queryset=Node.objects.only("id", "key").order_by("key")),
        Prefetch("teams", queryset=Team.objects.only("id", "key").order_by("key")),
        Prefetch("versions", queryset=versions),
    ).order_by("title", "key")


def _plan(key: str) -> Plan:
    return get_object_or_404(Plan, key=key)


def _version(key: str, number: int) -> PlanVersion:
    return get_object_or_404(
        PlanVersion.objects.select_related("plan", "submitted_by", "approved_by"),
        plan__key=key,
        number=number,
    )


def _plan_data(plan: Plan) -> dict[str, Any]:
    return dict(PlanSerializer(_plans().get(pk=plan.pk)).data)


# -- plans ------------------------------------------------------------------------------------


class PlanListView(generics.ListAPIView[Plan]):
    """Every plan's draft, with its versions in force and in review; POST creates a plan (its
    recovery sequence is generated from the scope)."""

    serializer_class = PlanSerializer

    def get_queryset(self) -> QuerySet[Plan]:
        return _plans()

    @extend_schema(request=PlanCreateSerializer, responses={201: PlanSerializer})
    def post(self, request: Request) -> Response:
        payload = PlanCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        scope, teams = data.pop("scope"), data.pop("teams", [])
        plan = services.plan_create(
            actor=_actor(request), plan=Plan(**data), scope=scope, teams=teams
        )
        return Response(_plan_data(plan), status=status.HTTP_201_CREATED)


class PlanDetailView(generics.RetrieveAPIView[Plan]):
    """One plan's draft. ``PUT``/``PATCH`` with the ``revision`` you read (409 when someone saved
    since); fields left out of a PATCH keep their value."""

    serializer_class = PlanSerializer
    lookup_field = "key"

    def get_queryset(self) -> QuerySet[Plan]:
        return _plans()

    def _update(self, request: Request, key: str, *, partial: bool) -> Response:
        plan = _plan(key)
        payload = PlanUpdateSerializer(plan, data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        revision = data.pop("revision")
        scope, teams = data.pop("scope", None), data.pop("teams", None)
        for field, value in data.items():
            setattr(plan, field, value)
        try:
            # As the web's scope section: a new scope brings its recovery sequence along.
            with transaction.atomic():
                services.plan_update(
                    actor=_actor(request),
                    plan=plan,
                    expected_revision=revision,
                    scope=scope,
                    teams=teams,
                )
                if scope is not None:
                    services.steps_generate(
                        actor=_actor(request), plan=plan, expected_revision=None
                    )
        except services.EditConflictError:
            raise _conflict(plan, revision) from None
        return Response(_plan_data(plan))

    @extend_schema(request=PlanUpdateSerializer, responses=PlanSerializer)
    def put(self, request: Request, key: str) -> Response:
        return self._update(request, key, partial=False)

    @extend_schema(request=PlanUpdateSerializer, responses=PlanSerializer)
    def patch(self, request: Request, key: str) -> Response:
        return self._update(request, key, partial=True)


# -- steps ------------------------------------------------------------------------------------


class _StepMixin:
    kwargs: dict[str, Any]

    def get_queryset(self) -> QuerySet[PlanStep]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the schema
            return PlanStep.objects.none()
        return selectors.steps_of(_plan(self.kwargs["key"]))


def _save_step(request: Request, step: PlanStep, data: dict[str, Any]) -> PlanStep:
    revision = data.pop("revision")
    for field, value in data.items():
        setattr(step, field, value)
    try:
        return services.step_save(actor=_actor(request), step=step, expected_revision=revision)
    except services.EditConflictError:
        raise _conflict(step.plan, revision) from None


class StepListView(_StepMixin, generics.ListAPIView[PlanStep]):
    """The draft's recovery steps in order; POST adds a manual step (it goes last)."""

    serializer_class = StepSerializer
    pagination_class = None

    @extend_schema(request=StepWriteSerializer, responses={201: StepSerializer})
    def post(self, request: Request, key: str) -> Response:
        plan = _plan(key)
        payload = StepWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        step = _save_step(request, PlanStep(plan=plan, position=0), dict(payload.validated_data))
        return Response(StepSerializer(step).data, status=status.HTTP_201_CREATED)


class StepDetailView(_StepMixin, generics.RetrieveAPIView[PlanStep]):
    """One step. ``PUT``/``PATCH`` with the plan's ``revision`` you read (409 when stale)."""

    serializer_class = StepSerializer

    def _update(self, request: Request, key: str, pk: int, *, partial: bool) -> Response:
        step = get_object_or_404(PlanStep.objects.select_related("plan"), plan__key=key, pk=pk)
        payload = StepWriteSerializer(step, data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        step = _save_step(request, step, dict(payload.validated_data))
        return Response(StepSerializer(step).data)

    @extend_schema(request=StepWriteSerializer, responses=StepSerializer)
    def put(self, request: Request, key: str, pk: int) -> Response:
        return self._update(request, key, pk, partial=False)

    @extend_schema(request=StepWriteSerializer, responses=StepSerializer)
    def patch(self, request: Request, key: str, pk: int) -> Response:
        return self._update(request, key, pk, partial=True)


class StepMoveView(APIView):
    """Move a step up or down (``offset``) or to a ``position``, within the dependencies: a step
    never comes before a step of something it requires (400 naming the step). Answers the steps
    in their new order. GET says where the step is."""

    read_capability = Capability.EDIT

    @extend_schema(responses=StepSerializer)
    def get(self, request: Request, key: str, pk: int) -> Response:
        step = get_object_or_404(PlanStep, plan__key=key, pk=pk)
        return Response(StepSerializer(step).data)

    @extend_schema(request=StepMoveSerializer, responses=StepSerializer(many=True))
    def post(self, request: Request, key: str, pk: int) -> Response:
        step = get_object_or_404(PlanStep.objects.select_related("plan"), plan__key=key, pk=pk)
        payload = StepMoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        revision = payload.validated_data["revision"]
        actor = _actor(request)
        try:
            if "offset" in payload.validated_data:
                services.step_move(
                    actor=actor,
                    step=step,
                    offset=payload.validated_data["offset"],
                    expected_revision=revision,
                )
            else:
                order = list(
                    PlanStep.objects.filter(plan=step.plan)
                    .order_by("position")
                    .values_list("pk", flat=True)
                )
                position = payload.validated_data["position"]
                if position > len(order):
                    raise exceptions.ValidationError(
                        {"position": [f"The plan has {len(order)} steps."]}
                    )
                order.remove(step.pk)
                order.insert(position - 1, step.pk)
                services.steps_reorder(
                    actor=actor, plan=step.plan, order=order, expected_revision=revision
                )
        except services.EditConflictError:
            raise _conflict(step.plan, revision) from None
        return Response(StepSerializer(selectors.steps_of(step.plan), many=True).data)


# -- versions and their review ----------------------------------------------------------------


class PlanSubmitView(APIView):
    """POST freezes the draft into a new version in review (one already in review is withdrawn:
    the newest submission is the one reviewed). GET says what would be submitted."""

    read_capability = Capability.EDIT

    @extend_schema(responses=PlanSerializer)
    def get(self, request: Request, key: str) -> Response:
        return Response(_plan_data(_plan(key)))

    @extend_schema(request=None, responses={201: VersionSerializer})
    def post(self, request: Request, key: str) -> Response:
        version = services.plan_submit(actor=_actor(request), plan=_plan(key))
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


class VersionListView(generics.ListAPIView[PlanVersion]):
    """A plan's versions, newest first (without their content)."""

    serializer_class = VersionSerializer

    def get_queryset(self) -> QuerySet[PlanVersion]:
        if getattr(self, "swagger_fake_view", False):
            return PlanVersion.objects.none()
        return selectors.versions_of(_plan(self.kwargs["key"])).order_by("-number")


class VersionDetailView(APIView):
    """One version with its whole content (what the PDF, HTML and JSON are made from)."""

    @extend_schema(responses=VersionDetailSerializer)
    def get(self, request: Request, key: str, number: int) -> Response:
        return Response(VersionDetailSerializer(_version(key, number)).data)


class VersionReviewView(APIView):
    """``POST {"action": "approve"|"return", "comment": …}``: the continuity manager approves the
    version in review (the previous one is superseded; exports and distribution e-mails follow)
    or returns it saying what should change. GET shows the version."""

    read_capability = Capability.APPROVE
    write_capability = Capability.APPROVE

    @extend_schema(responses=VersionSerializer)
    def get(self, request: Request, key: str, number: int) -> Response:
        return Response(VersionSerializer(_version(key, number)).data)

    @extend_schema(request=ReviewSerializer, responses=VersionSerializer)
    def post(self, request: Request, key: str, number: int) -> Response:
        version = _version(key, number)
        payload = ReviewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        comment = payload.validated_data["comment"]
        if payload.validated_data["action"] == "approve":
            services.version_approve(actor=_actor(request), version=version, comment=comment)
        else:
            services.version_return(actor=_actor(request), version=version, comment=comment)
        return Response(VersionSerializer(_version(key, number)).data)


# -- exports ----------------------------------------------------------------------------------


def _export(request: Request, key: str, number: int) -> downloads.Export:
    try:
        return downloads.version_export_ensure(actor=_actor(request), version=_version(key, number))
    except downloads.NoExportError as error:
        raise exceptions.NotFound(str(error)) from None


class _Download(APIView):
    """A file, not JSON: whatever the client accepts, errors are still JSON."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        return (JSONRenderer(), JSONRenderer.media_type)


class ExportListView(APIView):
    """An approved version's export files with size and SHA-256 (the signed manifest's), whether
    they check out, and where to download each one and the ZIP. 404 for a version never
    approved. A missing folder is written again from the approved content (audited)."""

    @extend_schema(operation_id="plans_versions_exports_list", responses=ExportSerializer)
    def get(self, request: Request, key: str, number: int) -> Response:
        export = _export(request, key, number)
        files = [
            {
                "name": f.name,
                "size": f.size,
                "sha256": f.sha256,
                "content_type": f.content_type,
                "description": f.description,
                "download": reverse("api:plan_export_file", args=[key, number, f.name]),
            }
            for f in export.files
        ]
        data = {
            "plan": key,
            "version": number,
            "intact": not export.problems,
            "problems": export.problems,
            "written_again": export.written_again,
            "files": files,
            "zip": reverse("api:plan_export_zip", args=[key, number]),
        }
        return Response(ExportSerializer(data).data)


class ExportFileView(_Download):
    """One export file by the name the manifest lists (anything else: 404), as an attachment."""

    @extend_schema(
        operation_id="plans_versions_exports_file",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, key: str, number: int, name: str) -> HttpResponse:
        export = _export(request, key, number)
        path = downloads.servable(export, name)
        if path is None:
            raise exceptions.NotFound("This version's export has no file of that name.")
        return downloads.file_response(export, path)


class ExportZipView(_Download):
    """The export folder as a ZIP (``<plan-id>/v<N>/…``): unzip it and run ``verify-export``."""

    @extend_schema(
        operation_id="plans_versions_exports_zip",
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, key: str, number: int) -> HttpResponse:
        return downloads.zip_response(_export(request, key, number))


# -- distribution and staleness ---------------------------------------------------------------


def _state(row: distribution.AckRow) -> str:
    if row.ack.acknowledged_at is not None:
        return "acknowledged"
    if row.ack.emailed_at is None:
        return "not_emailed"
    return "overdue" if row.status == "status-breach" else "waiting"


class DistributionStatusView(APIView):
    """Who a version was sent to, who acknowledged it and when, who is missing (overdue after
    ``due_days``)."""

    @extend_schema(responses=DistributionStatusSerializer)
    def get(self, request: Request, key: str, number: int) -> Response:
        version = _version(key, number)
        rows = distribution.ack_rows(version)
        acknowledged = sum(1 for r in rows if r.ack.acknowledged_at is not None)
        data = {
            "plan": key,
            "version": number,
            "status": version.status,
            "due_days": distribution.ACK_DUE_DAYS,
            "acknowledged": acknowledged,
            "missing": len(rows) - acknowledged,
            "acknowledgements": [
                {
                    "person": r.ack.person.key,
                    "name": r.ack.person.name,
                    "role": r.role,
                    "state": _state(r),
                    "words": r.words,
                    "emailed_at": r.ack.emailed_at,
                    "reminded_at": r.ack.reminded_at,
                    "acknowledged_at": r.ack.acknowledged_at,
                    "days_waiting": r.days_waiting,
                }
                for r in rows
            ],
        }
        return Response(DistributionStatusSerializer(data).data)


class StalePlanListView(APIView):
    """Every approved plan whose version in force is stale, with every reason (most pressing
    first) and where to look."""

    @extend_schema(responses=StalePlanSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(StalePlanSerializer(staleness.stale_plans(), many=True).data)
