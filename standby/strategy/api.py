"""API for the dependency analyses: impact, single points of failure, recovery time."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from standby.analysis.cuts import failing_pairs, single_points_of_failure
from standby.analysis.errors import ModelError
from standby.analysis.impact import impact
from standby.analysis.recovery import recovery_times
from standby.strategy.loading import load_graph

FAIL = OpenApiParameter(
    "fail", OpenApiTypes.STR, required=True, description="Comma-separated ids that fail."
)


def _fail(request: Request) -> list[str]:
    ids = [i.strip() for i in request.query_params.get("fail", "").split(",") if i.strip()]
    if not ids:
        raise exceptions.ValidationError(
            {"fail": ["Name at least one asset, location or supplier."]}
        )
    return ids


class ImpactView(APIView):
    """What goes down when the nodes in ``fail`` fail (``down`` includes them)."""

    @extend_schema(parameters=[FAIL], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        failed = _fail(request)
        try:
            down = impact(load_graph(), failed)
        except ModelError as error:
            raise exceptions.ValidationError({"fail": [str(error)]}) from None
        return Response({"failed": sorted(set(failed)), "down": down})


class RecoveryView(APIView):
    """Recovery time achievable (hours, null when unknown) of every node down."""

    @extend_schema(parameters=[FAIL], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        failed = _fail(request)
        try:
            times = recovery_times(load_graph(), failed)
        except ModelError as error:
            raise exceptions.ValidationError({"fail": [str(error)]}) from None
        return Response({"rta": dict(sorted(times.items()))})


class SpofView(APIView):
    """Single points of failure (``order=2``: and failing pairs) of every process and service."""

    @extend_schema(
        parameters=[OpenApiParameter("order", OpenApiTypes.INT, enum=[1, 2])],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        order = request.query_params.get("order", "1")
        if order not in {"1", "2"}:
            raise exceptions.ValidationError({"order": ["Use 1 or 2."]})
        graph = load_graph()
        result: dict[str, dict[str, object]] = {}
        for target, single in sorted(single_points_of_failure(graph).items()):
            entry: dict[str, object] = {"single": single}
            if order == "2":
                entry["pairs"] = [list(p) for p in failing_pairs(graph, target)]
            result[target] = entry
        return Response(result)
