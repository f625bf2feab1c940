"""REST API of the inventory: the same services, FilterSets and permissions as the pages.

Every entity is addressed by its id (``key``). Requirements are read on each node and changed
through ``/api/nodes/<id>/requirements/`` (POST adds one, DELETE on ``…/<pk>/`` removes one).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from standby.accounts.models import User
from standby.inventory import services
from standby.inventory.choices import NodeKind
from standby.inventory.filters import (
    AssetFilterSet,
    ContractFilterSet,
    LocationFilterSet,
    PersonFilterSet,
    ProcessFilterSet,
    ServiceFilterSet,
    SupplierFilterSet,
    TeamFilterSet,
)
from standby.inventory.models import (
    Contract,
    Node,
    Person,
    Requirement,
    RequirementMember,
    Team,
)
from standby.inventory.selectors import requirements_of
from standby.inventory.serializers import (
    AssetSerializer,
    ContractSerializer,
    LocationSerializer,
    PersonSerializer,
    ProcessSerializer,
    RequirementSerializer,
    RequirementWriteSerializer,
    ServiceSerializer,
    SupplierSerializer,
    TeamSerializer,
)


def _actor(request: Any) -> User:
    assert isinstance(request.user, User)
    return request.user


def node_api_queryset(kind: str) -> QuerySet[Node]:
    """A kind's nodes with owner, site, supplier and requirements: 3 queries for any count."""
    members = RequirementMember.objects.select_related("node").order_by("position", "id")
    requirements = Requirement.objects.order_by("position", "id").prefetch_related(
        Prefetch("memberships", queryset=members)
    )
    return (
        Node.objects.filter(kind=kind)
        .select_related("owner", "location", "supplier")
        .prefetch_related(Prefetch("requirements", queryset=requirements))
        .order_by("name", "key")
    )


# -- nodes ------------------------------------------------------------------------------------


class _NodeMixin:
    kind: ClassVar[str]
    lookup_field = "key"

    def get_queryset(self) -> QuerySet[Node]:
        return node_api_queryset(self.kind)


class _NodeList(_NodeMixin, generics.ListCreateAPIView[Node]):
    def perform_create(self, serializer: Any) -> None:
        node = Node(kind=self.kind, **serializer.validated_data)
        serializer.instance = services.node_save(actor=_actor(self.request), node=node)


class _NodeDetail(_NodeMixin, generics.RetrieveUpdateDestroyAPIView[Node]):
    def perform_update(self, serializer: Any) -> None:
        node = serializer.instance
        for field, value in serializer.validated_data.items():
            setattr(node, field, value)
        serializer.instance = services.node_save(actor=_actor(self.request), node=node)

    def perform_destroy(self, instance: Node) -> None:
        # Refused (400, naming the dependants) while others require the node.
        remove = self.request.query_params.get("remove_requirements") in {"1", "true", "yes"}
        services.node_delete(actor=_actor(self.request), node=instance, remove_requirements=remove)


class ProcessListView(_NodeList):
    """List (filtered like the list page) or create business processes."""

    kind = NodeKind.PROCESS
    serializer_class = ProcessSerializer
    filterset_class = ProcessFilterSet


class ProcessDetailView(_NodeDetail):
    """One of the business processes.

    DELETE is refused while others require it, unless ``?remove_requirements=1``.
    """

    kind = NodeKind.PROCESS
    serializer_class = ProcessSerializer


class ServiceListView(_NodeList):
    """List (filtered like the list page) or create IT services."""

    kind = NodeKind.SERVICE
    serializer_class = ServiceSerializer
    filterset_class = ServiceFilterSet


class ServiceDetailView(_NodeDetail):
    """One of the IT services.

    DELETE is refused while others require it, unless ``?remove_requirements=1``.
    """

    kind = NodeKind.SERVICE
    serializer_class = ServiceSerializer


class AssetListView(_NodeList):
    """List (filtered like the list page) or create assets."""

    kind = NodeKind.ASSET
    serializer_class = AssetSerializer
    filterset_class = AssetFilterSet


class AssetDetailView(_NodeDetail):
    """One of the assets.

    DELETE is refused while others require it, unless ``?remove_requirements=1``.
    """

    kind = NodeKind.ASSET
    serializer_class = AssetSerializer


class LocationListView(_NodeList):
    """List (filtered like the list page) or create locations."""

    kind = NodeKind.LOCATION
    serializer_class = LocationSerializer
    filterset_class = LocationFilterSet


class LocationDetailView(_NodeDetail):
    """One of the locations.

    DELETE is refused while others require it, unless ``?remove_requirements=1``.
    """

    kind = NodeKind.LOCATION
    serializer_class = LocationSerializer


class SupplierListView(_NodeList):
    """List (filtered like the list page) or create suppliers."""

    kind = NodeKind.SUPPLIER
    serializer_class = SupplierSerializer
    filterset_class = SupplierFilterSet


class SupplierDetailView(_NodeDetail):
    """One of the suppliers.

    DELETE is refused while others require it, unless ``?remove_requirements=1``.
    """

    kind = NodeKind.SUPPLIER
    serializer_class = SupplierSerializer


class RequirementListView(generics.GenericAPIView[Requirement]):
    """A node's requirements; POST adds one (``members``: ids, ``at_least``)."""

    serializer_class = RequirementSerializer
    queryset = Requirement.objects.none()  # the schema's model; reads go through selectors
    pagination_class = None

    def _owner(self, key: str) -> Node:
        return get_object_or_404(Node, key=key)

    @extend_schema(responses=RequirementSerializer(many=True))
    def get(self, request: Request, key: str) -> Response:
        owner = self._owner(key)
        return Response(RequirementSerializer(requirements_of(owner), many=True).data)

    @extend_schema(request=RequirementWriteSerializer, responses={201: RequirementSerializer})
    def post(self, request: Request, key: str) -> Response:
        owner = self._owner(key)
        incoming = RequirementWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        keys = list(dict.fromkeys(incoming.validated_data["members"]))
        found = {n.key: n for n in Node.objects.filter(key__in=keys)}
        missing = [k for k in keys if k not in found]
        if missing:
            return Response(
                {
                    "error": {
                        "code": "invalid",
                        "message": "The request is not valid.",
                        "details": {"members": [f"Unknown id: {', '.join(missing)}"]},
                    }
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        requirement = services.requirement_add(
            actor=_actor(request),
            owner=owner,
            members=[found[k] for k in keys],
            at_least=incoming.validated_data["at_least"],
        )
        requirement = requirements_of(owner).get(pk=requirement.pk)
        return Response(RequirementSerializer(requirement).data, status=status.HTTP_201_CREATED)


class RequirementDetailView(generics.GenericAPIView[Requirement]):
    """One requirement of a node; DELETE removes it."""

    serializer_class = RequirementSerializer
    queryset = Requirement.objects.none()

    def _requirement(self, key: str, pk: int) -> Requirement:
        owner = get_object_or_404(Node, key=key)
        return get_object_or_404(requirements_of(owner), pk=pk)

    def get(self, request: Request, key: str, pk: int) -> Response:
        return Response(RequirementSerializer(self._requirement(key, pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, key: str, pk: int) -> Response:
        services.requirement_delete(actor=_actor(request), requirement=self._requirement(key, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


# -- people, teams, contracts -----------------------------------------------------------------


class PersonListView(generics.ListCreateAPIView[Person]):
    """List or create people."""

    queryset = Person.objects.all()
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet
    lookup_field = "key"

    def perform_create(self, serializer: Any) -> None:
        person = Person(**serializer.validated_data)
        serializer.instance = services.person_save(actor=_actor(self.request), person=person)


class PersonDetailView(generics.RetrieveUpdateDestroyAPIView[Person]):
    """One person. DELETE refuses while they own things or are on a team."""

    queryset = Person.objects.all()
    serializer_class = PersonSerializer
    lookup_field = "key"

    def perform_update(self, serializer: Any) -> None:
        person = serializer.instance
        for field, value in serializer.validated_data.items():
            setattr(person, field, value)
        serializer.instance = services.person_save(actor=_actor(self.request), person=person)

    def perform_destroy(self, instance: Person) -> None:
        services.person_delete(actor=_actor(self.request), person=instance)


def _team_queryset() -> QuerySet[Team]:
    return Team.objects.prefetch_related("memberships__person").order_by("name", "key")


def _save_team(request: Request, serializer: Any, team: Team) -> Team:
    data = dict(serializer.validated_data)
    members = data.pop("memberships", None)
    for field, value in data.items():
        setattr(team, field, value)
    team = services.team_save(actor=_actor(request), team=team)
    if members is not None:
        services.team_set_members(
            actor=_actor(request), team=team, members=[(m["person"], m["role"]) for m in members]
        )
    return _team_queryset().get(pk=team.pk)


class TeamListView(generics.ListCreateAPIView[Team]):
    """List or create teams (with ``members`` in order)."""

    serializer_class = TeamSerializer
    filterset_class = TeamFilterSet
    lookup_field = "key"

    def get_queryset(self) -> QuerySet[Team]:
        return _team_queryset()

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = _save_team(self.request, serializer, Team())


class TeamDetailView(generics.RetrieveUpdateDestroyAPIView[Team]):
    """One team; ``members`` given on update replaces the members."""

    serializer_class = TeamSerializer
    lookup_field = "key"

    def get_queryset(self) -> QuerySet[Team]:
        return _team_queryset()

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = _save_team(self.request, serializer, serializer.instance)

    def perform_destroy(self, instance: Team) -> None:
        services.team_delete(actor=_actor(self.request), team=instance)


class ContractListView(generics.ListCreateAPIView[Contract]):
    """List or create supplier contracts."""

    queryset = Contract.objects.select_related("supplier").order_by("supplier__name", "key")
    serializer_class = ContractSerializer
    filterset_class = ContractFilterSet
    lookup_field = "key"

    def perform_create(self, serializer: Any) -> None:
        contract = Contract(**serializer.validated_data)
        serializer.instance = services.contract_save(actor=_actor(self.request), contract=contract)


class ContractDetailView(generics.RetrieveUpdateDestroyAPIView[Contract]):
    """One supplier contract."""

    queryset = Contract.objects.select_related("supplier")
    serializer_class = ContractSerializer
    lookup_field = "key"

    def perform_update(self, serializer: Any) -> None:
        contract = serializer.instance
        for field, value in serializer.validated_data.items():
            setattr(contract, field, value)
        serializer.instance = services.contract_save(actor=_actor(self.request), contract=contract)

    def perform_destroy(self, instance: Contract) -> None:
        services.contract_delete(actor=_actor(self.request), contract=instance)
