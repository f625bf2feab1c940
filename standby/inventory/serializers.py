"""API representations of the inventory. They only shape data; the views call the services."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from standby.inventory.choices import NodeKind, TeamRole
from standby.inventory.models import Contract, Node, Person, Requirement, Team, TeamMember


class RequirementSerializer(serializers.ModelSerializer[Requirement]):
    """One requirement: ``members`` (ids) of which ``at_least`` must be available."""

    members = serializers.SerializerMethodField()

    class Meta:
        model = Requirement
        fields = ["id", "at_least", "form", "members"]
        read_only_fields = fields

    def get_members(self, requirement: Requirement) -> list[str]:
        return [m.node.key for m in requirement.memberships.all()]


class RequirementWriteSerializer(serializers.Serializer[Any]):
    """Add a requirement: one id, or several with ``at_least`` (1 = any of them)."""

    members = serializers.ListField(
        child=serializers.CharField(max_length=100), min_length=1, max_length=1000
    )
    at_least = serializers.IntegerField(min_value=1, default=1)


def _node_ref(kind: NodeKind) -> serializers.SlugRelatedField[Node]:
    return serializers.SlugRelatedField(
        slug_field="key",
        queryset=Node.objects.filter(kind=kind),
        required=False,
        allow_null=True,
        help_text=f"The {kind.label.lower()}'s id.",
    )


class _NodeSerializer(serializers.ModelSerializer[Node]):
    requires = RequirementSerializer(
        source="requirements",
        many=True,
        read_only=True,
        help_text="Requirements; change them through /api/nodes/<id>/requirements/.",
    )
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Node
        fields = ["key", "name", "description", "requires", "updated_at", "url"]
        read_only_fields = ["updated_at"]


class ProcessSerializer(_NodeSerializer):
    owner = serializers.SlugRelatedField(
        slug_field="key", queryset=Person.objects.all(), required=False, allow_null=True
    )

    class Meta(_NodeSerializer.Meta):
        fields = [*_NodeSerializer.Meta.fields, "owner"]


class ServiceSerializer(ProcessSerializer):
    pass


class AssetSerializer(_NodeSerializer):
    location = _node_ref(NodeKind.LOCATION)
    supplier = _node_ref(NodeKind.SUPPLIER)

    class Meta(_NodeSerializer.Meta):
        fields = [
            *_NodeSerializer.Meta.fields,
            "asset_type",
            "location",
            "supplier",
            "recovery_time",
        ]
        extra_kwargs = {"asset_type": {"required": True, "allow_blank": False}}


class LocationSerializer(_NodeSerializer):
    class Meta(_NodeSerializer.Meta):
        fields = [*_NodeSerializer.Meta.fields, "location_kind", "recovery_time"]


class SupplierSerializer(_NodeSerializer):
    class Meta(_NodeSerializer.Meta):
        fields = [*_NodeSerializer.Meta.fields, "recovery_time"]


NODE_SERIALIZERS: dict[str, type[_NodeSerializer]] = {
    NodeKind.PROCESS: ProcessSerializer,
    NodeKind.SERVICE: ServiceSerializer,
    NodeKind.ASSET: AssetSerializer,
    NodeKind.LOCATION: LocationSerializer,
    NodeKind.SUPPLIER: SupplierSerializer,
}


class PersonSerializer(serializers.ModelSerializer[Person]):
    class Meta:
        model = Person
        fields = ["key", "name", "email", "phone", "out_of_hours_phone", "leaves_on", "updated_at"]
        read_only_fields = ["updated_at"]


class TeamMemberSerializer(serializers.ModelSerializer[TeamMember]):
    person = serializers.SlugRelatedField(slug_field="key", queryset=Person.objects.all())
    role = serializers.ChoiceField(choices=TeamRole.choices)

    class Meta:
        model = TeamMember
        fields = ["person", "role"]


class TeamSerializer(serializers.ModelSerializer[Team]):
    members = TeamMemberSerializer(
        source="memberships",
        many=True,
        required=False,
        help_text="In order. Given on create or update, it replaces the team's members.",
    )

    class Meta:
        model = Team
        fields = ["key", "name", "members", "updated_at"]
        read_only_fields = ["updated_at"]


class ContractSerializer(serializers.ModelSerializer[Contract]):
    supplier = serializers.SlugRelatedField(
        slug_field="key", queryset=Node.objects.filter(kind=NodeKind.SUPPLIER)
    )

    class Meta:
        model = Contract
        fields = [
            "key",
            "supplier",
            "name",
            "guarantees",
            "recovery_time",
            "expires_on",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
