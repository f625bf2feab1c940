"""One FilterSet per model, shared by the list pages, the API and the command line.

Every FilterSet has ``q`` (search) and ``sort`` (a column name, ``-`` for descending).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from standby.inventory.choices import AssetType, LocationKind, NodeKind
from standby.inventory.models import Contract, Node, Person, Team

NODE_SORTS = (("key", "key"), ("name", "name"), ("updated_at", "updated"))


def _search(queryset: QuerySet[Any], fields: tuple[str, ...], value: str) -> QuerySet[Any]:
    condition = Q()
    for word in value.split():
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    return queryset.filter(condition)


class _NodeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")

    def search(self, queryset: QuerySet[Node], name: str, value: str) -> QuerySet[Node]:
        return _search(queryset, ("key", "name", "description"), value)


def _people() -> QuerySet[Person]:
    return Person.objects.all()


def _nodes_of(kind: NodeKind) -> Any:
    def queryset(request: Any) -> QuerySet[Node]:
        return Node.objects.filter(kind=kind)

    return queryset


class ProcessFilterSet(_NodeFilterSet):
    owner = django_filters.ModelChoiceFilter(
        queryset=lambda request: _people(), to_field_name="key", label="Owner"
    )
    sort = django_filters.OrderingFilter(
        fields=(*NODE_SORTS, ("owner__name", "owner")), label="Sort by"
    )

    class Meta:
        model = Node
        fields = ["q", "owner"]


class ServiceFilterSet(ProcessFilterSet):
    pass


class AssetFilterSet(_NodeFilterSet):
    asset_type = django_filters.ChoiceFilter(choices=AssetType.choices, label="Type")
    location = django_filters.ModelChoiceFilter(
        queryset=_nodes_of(NodeKind.LOCATION), to_field_name="key", label="Location"
    )
    supplier = django_filters.ModelChoiceFilter(
        queryset=_nodes_of(NodeKind.SUPPLIER), to_field_name="key", label="Supplier"
    )
    sort = django_filters.OrderingFilter(
        fields=(
            *NODE_SORTS,
            ("asset_type", "asset_type"),
            ("location__name", "location"),
            ("supplier__name", "supplier"),
            ("recovery_time", "recovery_time"),
        ),
        label="Sort by",
    )

    class Meta:
        model = Node
        fields = ["q", "asset_type", "location", "supplier"]


class LocationFilterSet(_NodeFilterSet):
    location_kind = django_filters.ChoiceFilter(choices=LocationKind.choices, label="Kind")
    sort = django_filters.OrderingFilter(
        fields=(
            *NODE_SORTS,
            ("location_kind", "location_kind"),
            ("recovery_time", "recovery_time"),
        ),
        label="Sort by",
    )

    class Meta:
        model = Node
        fields = ["q", "location_kind"]


class SupplierFilterSet(_NodeFilterSet):
    sort = django_filters.OrderingFilter(
        fields=(*NODE_SORTS, ("recovery_time", "recovery_time")), label="Sort by"
    )

    class Meta:
        model = Node
        fields = ["q"]


NODE_FILTERSETS: dict[str, type[_NodeFilterSet]] = {
    NodeKind.PROCESS: ProcessFilterSet,
    NodeKind.SERVICE: ServiceFilterSet,
    NodeKind.ASSET: AssetFilterSet,
    NodeKind.LOCATION: LocationFilterSet,
    NodeKind.SUPPLIER: SupplierFilterSet,
}


class PersonFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    team = django_filters.ModelChoiceFilter(
        queryset=lambda request: Team.objects.all(),
        to_field_name="key",
        field_name="teams",
        label="Team",
    )
    sort = django_filters.OrderingFilter(
        fields=(("key", "key"), ("name", "name"), ("email", "email"), ("leaves_on", "leaves_on")),
        label="Sort by",
    )

    class Meta:
        model = Person
        fields = ["q", "team"]

    def search(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        return _search(queryset, ("key", "name", "email", "phone"), value)


class TeamFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    sort = django_filters.OrderingFilter(fields=(("key", "key"), ("name", "name")), label="Sort by")

    class Meta:
        model = Team
        fields = ["q"]

    def search(self, queryset: QuerySet[Team], name: str, value: str) -> QuerySet[Team]:
        return _search(queryset, ("key", "name"), value)


class ContractFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    supplier = django_filters.ModelChoiceFilter(
        queryset=_nodes_of(NodeKind.SUPPLIER), to_field_name="key", label="Supplier"
    )
    expires_before = django_filters.DateFilter(
        field_name="expires_on", lookup_expr="lt", label="Expires before"
    )
    sort = django_filters.OrderingFilter(
        fields=(
            ("key", "key"),
            ("name", "name"),
            ("supplier__name", "supplier"),
            ("recovery_time", "recovery_time"),
            ("expires_on", "expires_on"),
        ),
        label="Sort by",
    )

    class Meta:
        model = Contract
        fields = ["q", "supplier", "expires_before"]

    def search(self, queryset: QuerySet[Contract], name: str, value: str) -> QuerySet[Contract]:
        return _search(queryset, ("key", "name", "guarantees"), value)
