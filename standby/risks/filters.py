"""The register's FilterSet, shared by the list page and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from standby.inventory.models import Node, Person
from standby.risks.choices import RiskCategory, RiskStatus, Treatment
from standby.risks.library import load_matrix
from standby.risks.models import Risk, Threat


def _bands() -> list[tuple[str, str]]:
    return load_matrix().band_choices()


class RiskFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    category = django_filters.ChoiceFilter(choices=RiskCategory.choices, label="Risk")
    treatment = django_filters.ChoiceFilter(choices=Treatment.choices, label="Treatment")
    status = django_filters.ChoiceFilter(choices=RiskStatus.choices, label="Status")
    owner = django_filters.ModelChoiceFilter(
        queryset=lambda request: Person.objects.all(), to_field_name="key", label="Owner"
    )
    band = django_filters.ChoiceFilter(
        choices=_bands, field_name="residual_band", label="Residual band"
    )
    inherent_band = django_filters.ChoiceFilter(choices=_bands, label="Inherent band")
    threat = django_filters.ModelChoiceFilter(
        queryset=lambda request: Threat.objects.all(),
        to_field_name="key",
        field_name="threats",
        label="Threat",
    )
    node = django_filters.CharFilter(method="hits", label="Hits (id)")
    overdue = django_filters.BooleanFilter(method="review_overdue", label="Review overdue")
    sort = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("category", "category"),
            ("owner__name", "owner"),
            ("inherent_score", "inherent"),
            ("residual_score", "residual"),
            ("treatment", "treatment"),
            ("review_on", "review_on"),
            ("status", "status"),
        ),
        label="Sort by",
    )

    class Meta:
        model = Risk
        fields = [
            "q",
            "category",
            "treatment",
            "status",
            "owner",
            "band",
            "inherent_band",
            "threat",
            "node",
            "overdue",
        ]

    def search(self, queryset: QuerySet[Risk], name: str, value: str) -> QuerySet[Risk]:
        condition = Q()
        for word in value.split():
            condition &= Q(name__icontains=word) | Q(description__icontains=word)
        return queryset.filter(condition)

    def hits(self, queryset: QuerySet[Risk], name: str, value: str) -> QuerySet[Risk]:
        node = Node.objects.filter(key=value.strip()).first()
        return queryset.filter(nodes=node) if node else queryset.none()

    def review_overdue(self, queryset: QuerySet[Risk], name: str, value: Any) -> QuerySet[Risk]:
        late = Q(review_on__lt=timezone.localdate()) & ~Q(status=RiskStatus.CLOSED)
        return queryset.filter(late) if value else queryset.exclude(late)
