"""API of the business impact analysis: records with derived values, priority, objectives.

Writes go through the same services as the pages: ``PUT``/``PATCH`` a record (with the
``revision`` it was read at), ``POST`` a review action (submit, approve, return).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from standby.accounts.choices import Capability
from standby.accounts.models import User
from standby.accounts.permissions import has_capability
from standby.analysis.errors import ModelError
from standby.bia import selectors, services
from standby.bia.models import BiaRecord
from standby.inventory.models import Node

ANSWER_FIELDS = [
    "impacts",
    "losses",
    "rto",
    "rpo",
    "wrt",
    "mbco",
    "rto_reason",
    "rpo_reason",
    "wrt_reason",
    "mbco_reason",
    "rto_override",
    "damage_form",
    "growth",
    "min_staff",
    "min_skills",
    "min_facilities",
]


def record_data(record: BiaRecord, rank: selectors.RankedRow | None = None) -> dict[str, Any]:
    """A record as JSON: what the owner entered, and what Standby derives."""
    data: dict[str, Any] = {
        "id": record.node.key,
        "name": record.node.name,
        "kind": record.node.kind,
        "status": record.status,
        "revision": record.revision,
        "settings_version": record.settings.version,
        "review_comment": record.review_comment,
        "updated_at": record.updated_at.isoformat(),
    }
    data |= {name: getattr(record, name) for name in ANSWER_FIELDS}
    data["derived"] = selectors.derived_dict(record, rank.derived if rank else None)
    if rank is not None:
        data["derived"] |= {"priority": rank.rank, "priority_reason": rank.reason}
    return data


def _actor(request: Request) -> User:
    user = request.user
    if not isinstance(user, User):  # RolePermission let only signed-in users through
        raise exceptions.NotAuthenticated()
    return user


def _record(key: str) -> BiaRecord:
    record = selectors.record_for(key)
    if record is None:
        raise Http404("No BIA for this id.")
    return record


def _refused(error: ValidationError) -> exceptions.APIException:
    if isinstance(error, services.StaleRevisionError):
        conflict = exceptions.APIException({"revision": error.messages})
        conflict.status_code = status.HTTP_409_CONFLICT
        return conflict
    detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
    return exceptions.ValidationError(detail)


class RecordListView(APIView):
    """Every BIA record with its derived values, in recovery-priority order."""

    @extend_schema(operation_id="bia_records_list", responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        rows = selectors.ranked(list(selectors.records()))
        return Response([record_data(r.record, r) for r in rows])


class _AnswerSerializer(serializers.Serializer[Any]):
    revision = serializers.IntegerField(min_value=0)
    impacts = serializers.DictField(child=serializers.ListField(allow_null=True), required=False)
    losses = serializers.ListField(allow_null=True, required=False)
    rto = serializers.FloatField(allow_null=True, required=False)
    rpo = serializers.FloatField(allow_null=True, required=False)
    wrt = serializers.FloatField(allow_null=True, required=False)
    mbco = serializers.IntegerField(allow_null=True, required=False)
    min_staff = serializers.IntegerField(allow_null=True, required=False)
    rto_reason = serializers.CharField(allow_blank=True, required=False)
    rpo_reason = serializers.CharField(allow_blank=True, required=False)
    wrt_reason = serializers.CharField(allow_blank=True, required=False)
    mbco_reason = serializers.CharField(allow_blank=True, required=False)
    rto_override = serializers.CharField(allow_blank=True, required=False)
    damage_form = serializers.CharField(allow_blank=True, required=False)
    growth = serializers.CharField(allow_blank=True, required=False)
    min_skills = serializers.CharField(allow_blank=True, required=False)
    min_facilities = serializers.CharField(allow_blank=True, required=False)
    min_services = serializers.ListField(child=serializers.CharField(), required=False)
    min_suppliers = serializers.ListField(child=serializers.CharField(), required=False)


class RecordDetailView(APIView):
    """One BIA record. ``PUT``/``PATCH`` with ``revision`` (409 when someone saved since);
    fields left out keep their value. Creates the record of a process or service without one."""

    write_capability = Capability.ANSWER_BIA

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, key: str) -> Response:
        record = _record(key)
        rank = next((r for r in selectors.ranked() if r.record.pk == record.pk), None)
        return Response(record_data(record, rank))

    @extend_schema(request=_AnswerSerializer, responses=OpenApiTypes.OBJECT)
    def put(self, request: Request, key: str) -> Response:
        node = Node.objects.filter(key=key, kind__in=selectors.BIA_KINDS).first()
        if node is None:
            raise Http404("No process or service with this id.")
        if not selectors.may_answer(request.user, node):
            raise exceptions.PermissionDenied("You may answer the BIA only of what you own.")
        payload = _AnswerSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        revision = data.pop("revision")
        for field in ("min_services", "min_suppliers"):
            if field in data:
                keys = data[field]
                found = list(Node.objects.filter(key__in=keys))
                unknown = sorted(set(keys) - {n.key for n in found})
                if unknown:
                    raise exceptions.ValidationError({field: [f"Unknown ids: {unknown}"]})
                data[field] = found
        try:
            with transaction.atomic():
                record = services.record_get_or_create(node, actor=_actor(request))
                record = services.record_answer(
                    actor=_actor(request), record=record, expected_revision=revision, **data
                )
        except ValidationError as error:
            raise _refused(error) from None
        except PermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from None
        return Response(record_data(_record(key)))

    patch = put


class _ReviewSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=["submit", "approve", "return"])
    comment = serializers.CharField(allow_blank=True, required=False, default="")
    revision = serializers.IntegerField(min_value=0, required=False, allow_null=True)


class RecordReviewView(APIView):
    """``GET``: the approved snapshots. ``POST {"action": "submit"|"approve"|"return"}``."""

    write_capability = Capability.ANSWER_BIA

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, key: str) -> Response:
        record = _record(key)
        return Response(
            {
                "status": record.status,
                "review_comment": record.review_comment,
                "snapshots": [
                    {
                        "number": s.number,
                        "approved_at": s.approved_at.isoformat(),
                        "approved_by": str(s.approved_by),
                        "data": s.data,
                    }
                    for s in record.snapshots.select_related("approved_by")
                ],
            }
        )

    @extend_schema(request=_ReviewSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, key: str) -> Response:
        record = _record(key)
        if not (
            selectors.may_answer(request.user, record.node)
            or has_capability(request.user, Capability.APPROVE)
        ):
            raise exceptions.PermissionDenied("You may review only the BIA of what you own.")
        payload = _ReviewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        action = payload.validated_data["action"]
        revision = payload.validated_data.get("revision")
        try:
            if action == "submit":
                services.record_submit(
                    actor=_actor(request), record=record, expected_revision=revision
                )
            elif action == "approve":
                services.record_approve(
                    actor=_actor(request), record=record, expected_revision=revision
                )
            else:
                services.record_return(
                    actor=_actor(request),
                    record=record,
                    comment=payload.validated_data["comment"],
                    expected_revision=revision,
                )
        except ValidationError as error:
            raise _refused(error) from None
        except PermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from None
        return Response(record_data(_record(key)))


class PriorityView(APIView):
    """The recovery priority: rank, id, name, MTPD, RTO, RPO, status and the reason."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "rank": r.rank,
                    "id": r.node.key,
                    "name": r.node.name,
                    "mtpd": r.derived.mtpd,
                    "rto": r.record.rto,
                    "rpo": r.record.rpo,
                    "rto_within_mtpd": r.derived.rto_within_mtpd,
                    "status": r.record.status,
                    "reason": r.reason,
                }
                for r in selectors.ranked()
            ]
        )


class ObjectivesView(APIView):
    """Required RTO/RPO of every node (hours, null when nothing requires one), and inversions."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        try:
            rows, found = selectors.objectives()
        except ModelError as error:
            raise exceptions.ValidationError({"detail": [str(error)]}) from None
        return Response(
            {
                "nodes": {
                    r.key: {
                        "required_rto": r.required_rto,
                        "required_rpo": r.required_rpo,
                        "rto_bound_by": r.rto_bound_by,
                        "rpo_bound_by": r.rpo_bound_by,
                    }
                    for r in rows
                },
                "inversions": [
                    {
                        "node": i.node,
                        "objective": i.objective,
                        "stated": i.stated,
                        "required": i.required,
                        "bound_by": i.bound_by,
                        "via": i.via,
                        "message": i.message,
                    }
                    for i in found
                ],
            }
        )
