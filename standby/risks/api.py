"""REST API of the risk register: the same services, FilterSet and permissions as the pages.

Risks and their measures are read and written (``/api/risks/``, ``/api/risks/<id>/measures/``);
threats are read (``/api/threats/``). Ratings (score, band) are derived, never written.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from rest_framework import generics, serializers

from standby.accounts.models import User
from standby.inventory.models import Node, Person
from standby.risks import services
from standby.risks.filters import RiskFilterSet
from standby.risks.models import Measure, Risk, Threat


def _actor(request: Any) -> User:
    assert isinstance(request.user, User)
    return request.user


class ThreatSerializer(serializers.ModelSerializer[Threat]):
    id = serializers.CharField(source="key")

    class Meta:
        model = Threat
        fields = [
            "id",
            "name",
            "category",
            "description",
            "frequency",
            "duration",
            "risk_categories",
            "from_library",
            "library_version",
        ]
        read_only_fields = fields


class MeasureSerializer(serializers.ModelSerializer[Measure]):
    protects = serializers.SlugRelatedField(
        slug_field="key", queryset=Node.objects.all(), many=True, required=False
    )

    class Meta:
        model = Measure
        fields = [
            "id",
            "name",
            "description",
            "one_off_cost",
            "annual_cost",
            "effect",
            "factor",
            "protects",
        ]
        read_only_fields = ["id"]


class RiskSerializer(serializers.ModelSerializer[Risk]):
    threats = serializers.SlugRelatedField(
        slug_field="key", queryset=Threat.objects.all(), many=True, required=False
    )
    nodes = serializers.SlugRelatedField(
        slug_field="key", queryset=Node.objects.all(), many=True, required=False
    )
    owner = serializers.SlugRelatedField(
        slug_field="key", queryset=Person.objects.all(), required=False, allow_null=True
    )
    residual_likelihood = serializers.IntegerField(required=False, allow_null=True)
    residual_impact = serializers.IntegerField(required=False, allow_null=True)
    measures = MeasureSerializer(many=True, read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Risk
        fields = [
            "id",
            "name",
            "description",
            "category",
            "threats",
            "nodes",
            "owner",
            "inherent_likelihood",
            "inherent_impact",
            "residual_likelihood",
            "residual_impact",
            "inherent_score",
            "inherent_band",
            "residual_score",
            "residual_band",
            "treatment",
            "treatment_reason",
            "review_on",
            "overdue",
            "status",
            "measures",
            "updated_at",
            "url",
        ]
        read_only_fields = [
            "id",
            "inherent_score",
            "inherent_band",
            "residual_score",
            "residual_band",
            "updated_at",
        ]


def _risks() -> QuerySet[Risk]:
    measures = Measure.objects.prefetch_related(
        Prefetch("protects", queryset=Node.objects.only("id", "key"))
    )
    return Risk.objects.select_related("owner").prefetch_related(
        Prefetch("threats", queryset=Threat.objects.only("id", "key")),
        Prefetch("nodes", queryset=Node.objects.only("id", "key")),
        Prefetch("measures", queryset=measures),
    )


def _save_risk(request: Any, risk: Risk, data: dict[str, Any]) -> Risk:
    threats, nodes = data.pop("threats", None), data.pop("nodes", None)
    for field, value in data.items():
        setattr(risk, field, value)
    return services.risk_save(actor=_actor(request), risk=risk, threats=threats, nodes=nodes)


class RiskListView(generics.ListCreateAPIView[Risk]):
    """The register (filtered like the register page), or add a risk."""

    serializer_class = RiskSerializer
    filterset_class = RiskFilterSet

    def get_queryset(self) -> QuerySet[Risk]:
        return _risks()

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = _save_risk(self.request, Risk(), dict(serializer.validated_data))


class RiskDetailView(generics.RetrieveUpdateDestroyAPIView[Risk]):
    """One risk; its rating bands are derived from the matrix."""

    serializer_class = RiskSerializer

    def get_queryset(self) -> QuerySet[Risk]:
        return _risks()

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = _save_risk(
            self.request, serializer.instance, dict(serializer.validated_data)
        )

    def perform_destroy(self, instance: Risk) -> None:
        services.risk_delete(actor=_actor(self.request), risk=instance)


class _MeasureMixin:
    kwargs: dict[str, Any]

    def risk(self) -> Risk:
        return get_object_or_404(Risk, pk=self.kwargs["pk"])

    def get_queryset(self) -> QuerySet[Measure]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the schema
            return Measure.objects.none()
        return Measure.objects.filter(risk_id=self.kwargs["pk"]).prefetch_related("protects")


def _save_measure(request: Any, measure: Measure, data: dict[str, Any]) -> Measure:
    protects = data.pop("protects", None)
    for field, value in data.items():
        setattr(measure, field, value)
    return services.measure_save(actor=_actor(request), measure=measure, protects=protects)


class MeasureListView(_MeasureMixin, generics.ListCreateAPIView[Measure]):
    """A risk's proactive measures, or add one."""

    serializer_class = MeasureSerializer
    pagination_class = None

    def perform_create(self, serializer: Any) -> None:
        measure = Measure(risk=self.risk())
        serializer.instance = _save_measure(self.request, measure, dict(serializer.validated_data))


class MeasureDetailView(_MeasureMixin, generics.RetrieveUpdateDestroyAPIView[Measure]):
    """One proactive measure of a risk."""

    serializer_class = MeasureSerializer
    lookup_url_kwarg = "measure"

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = _save_measure(
            self.request, serializer.instance, dict(serializer.validated_data)
        )

    def perform_destroy(self, instance: Measure) -> None:
        services.measure_delete(actor=_actor(self.request), measure=instance)


class ThreatListView(generics.ListAPIView[Threat]):
    """The threat library and the organisation's own threats (read only)."""

    serializer_class = ThreatSerializer

    def get_queryset(self) -> QuerySet[Threat]:
        return Threat.objects.all()


class ThreatDetailView(generics.RetrieveAPIView[Threat]):
    """One threat, by id."""

    serializer_class = ThreatSerializer
    lookup_field = "key"

    def get_queryset(self) -> QuerySet[Threat]:
        return Threat.objects.all()
