"""API representations of recovery plans. They only shape and check data; the views in
:mod:`standby.plans.api` call the services."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from standby.inventory.models import Node, Person, Team
from standby.plans.choices import VersionStatus
from standby.plans.models import Plan, PlanStep, PlanVersion

TEXT_FIELDS = [
    "purpose",
    "invocation_triggers",
    "invocation_authority",
    "invocation_procedure",
    "return_to_normal",
]


def _scope_field(**extra: Any) -> serializers.SlugRelatedField[Node]:
    return serializers.SlugRelatedField(
        slug_field="key",
        queryset=Node.objects.filter(kind__in=["process", "service"]),
        many=True,
        help_text="Ids of the processes and services it recovers (what they require comes along).",
        **extra,
    )


def _teams_field(**extra: Any) -> serializers.SlugRelatedField[Team]:
    return serializers.SlugRelatedField(
        slug_field="key", queryset=Team.objects.all(), many=True, help_text="Team ids.", **extra
    )


class PlanSerializer(serializers.ModelSerializer[Plan]):
    """A plan's draft: its scope, teams, text sections, the ``revision`` to send back when
    changing it, and its versions in force and in review."""

    id = serializers.CharField(source="key", read_only=True)
    scope: serializers.SlugRelatedField[Node] = serializers.SlugRelatedField(
        slug_field="key", many=True, read_only=True
    )
    teams: serializers.SlugRelatedField[Team] = serializers.SlugRelatedField(
        slug_field="key", many=True, read_only=True
    )
    approved_version = serializers.SerializerMethodField()
    in_review_version = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "template",
            "scope",
            "teams",
            *TEXT_FIELDS,
            "review_by",
            "revision",
            "approved_version",
            "in_review_version",
            "updated_at",
            "url",
        ]
        read_only_fields = fields

    def _number(self, plan: Plan, status: str) -> int | None:
        # ``versions`` is prefetched, newest first, without the content.
        return next((v.number for v in plan.versions.all() if v.status == status), None)

    def get_approved_version(self, plan: Plan) -> int | None:
        """The number of the version in force (null: none approved yet)."""
        return self._number(plan, "approved")

    def get_in_review_version(self, plan: Plan) -> int | None:
        """The number of the version waiting for approval (null: none)."""
        return self._number(plan, "in_review")


class PlanCreateSerializer(serializers.ModelSerializer[Plan]):
    """A new plan; its recovery sequence is generated from the scope."""

    id = serializers.CharField(source="key", max_length=100)
    scope = _scope_field(allow_empty=False)
    teams = _teams_field(required=False)

    class Meta:
        model = Plan
        fields = ["id", "title", "template", "scope", "teams", *TEXT_FIELDS, "review_by"]

    def validate_id(self, value: str) -> str:
        Plan._meta.get_field("key").run_validators(value)
        if Plan.objects.filter(key=value).exists():
            raise serializers.ValidationError("A plan with this id exists already.")
        return value


class PlanUpdateSerializer(serializers.ModelSerializer[Plan]):
    """Change the draft. ``revision`` is the one you read: if someone saved since, 409.

    Giving ``scope`` regenerates the recovery sequence (what was written on steps is kept).
    """

    revision = serializers.IntegerField(min_value=0, help_text="The revision you read.")
    scope = _scope_field(required=False, allow_empty=False)
    teams = _teams_field(required=False)

    class Meta:
        model = Plan
        fields = ["title", "template", "scope", "teams", *TEXT_FIELDS, "review_by", "revision"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "revision" not in attrs:  # PATCH too: a change without it could overwrite anyone's
            raise serializers.ValidationError({"revision": ["This field is required."]})
        return attrs


class StepSerializer(serializers.ModelSerializer[PlanStep]):
    """One recovery step of the draft, in order; ``node`` is null for a manual step."""

    node: serializers.SlugRelatedField[Node] = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )
    team: serializers.SlugRelatedField[Team] = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )
    owner: serializers.SlugRelatedField[Person] = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )

    class Meta:
        model = PlanStep
        fields = [
            "id",
            "position",
            "node",
            "title",
            "procedure",
            "team",
            "owner",
            "expected_duration",
            "verification",
        ]
        read_only_fields = fields


class StepWriteSerializer(serializers.ModelSerializer[PlanStep]):
    """Add a manual step (it goes last) or change one; ``revision`` is the plan's you read."""

    revision = serializers.IntegerField(min_value=0, help_text="The plan's revision you read.")
    team = serializers.SlugRelatedField(
        slug_field="key", queryset=Team.objects.all(), required=False, allow_null=True
    )
    owner = serializers.SlugRelatedField(
        slug_field="key", queryset=Person.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = PlanStep
        fields = [
            "title",
            "procedure",
            "team",
            "owner",
            "expected_duration",
            "verification",
            "revision",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "revision" not in attrs:
            raise serializers.ValidationError({"revision": ["This field is required."]})
        return attrs


class StepMoveSerializer(serializers.Serializer[Any]):
    """Move a step: ``offset`` -1 (up) or 1 (down), or to ``position`` (1 = first).

    Refused (400, naming the step) when it would come before a step of something it requires.
    """

    revision = serializers.IntegerField(min_value=0, help_text="The plan's revision you read.")
    offset = serializers.ChoiceField(choices=[-1, 1], required=False)
    position = serializers.IntegerField(min_value=1, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("offset" in attrs) == ("position" in attrs):
            raise serializers.ValidationError(
                {"non_field_errors": ["Give either offset (-1 or 1) or position, not both."]}
            )
        return attrs


class VersionSerializer(serializers.ModelSerializer[PlanVersion]):
    """A frozen version of the plan: its status and who submitted and approved it."""

    status = serializers.ChoiceField(choices=VersionStatus.choices, read_only=True)
    submitted_by = serializers.CharField(read_only=True, help_text="The user's name.")
    approved_by = serializers.CharField(read_only=True, allow_null=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = PlanVersion
        fields = [
            "number",
            "status",
            "data_as_of",
            "submitted_at",
            "submitted_by",
            "approved_at",
            "approved_by",
            "review_comment",
            "url",
        ]
        read_only_fields = fields


class VersionDetailSerializer(VersionSerializer):
    """A version with its whole content (the single source of the PDF, HTML and JSON)."""

    content = serializers.JSONField(read_only=True)

    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "content"]
        read_only_fields = fields


class ReviewSerializer(serializers.Serializer[Any]):
    """Approve a version in review, or return it to the authors saying what should change."""

    action = serializers.ChoiceField(choices=["approve", "return"])
    comment = serializers.CharField(allow_blank=True, required=False, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["action"] == "return" and not attrs.get("comment", "").strip():
            raise serializers.ValidationError(
                {"comment": ["Say what should change before the plan can be approved."]}
            )
        return attrs


class ExportFileSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes (the manifest's for the listed files).")
    sha256 = serializers.CharField(
        allow_null=True, help_text="The manifest's SHA-256; null for the signed files."
    )
    content_type = serializers.CharField()
    description = serializers.CharField()
    download = serializers.CharField(help_text="Where to GET it.")


class ExportSerializer(serializers.Serializer[Any]):
    """An approved version's export files, and whether they match their signed manifest."""

    plan = serializers.CharField()
    version = serializers.IntegerField()
    intact = serializers.BooleanField(
        help_text="True when every checksum and the signature match (verify-export)."
    )
    problems = serializers.ListField(child=serializers.CharField())
    written_again = serializers.BooleanField(
        help_text="True when the folder was missing and was written again for this request."
    )
    files = ExportFileSerializer(many=True)
    zip = serializers.CharField(help_text="Where to GET the folder as a ZIP.")


class AcknowledgementSerializer(serializers.Serializer[Any]):
    person = serializers.CharField(help_text="The person's id.")
    name = serializers.CharField()
    role = serializers.CharField(help_text="Their role on the distribution list.")
    state = serializers.ChoiceField(
        choices=["acknowledged", "waiting", "overdue", "not_emailed"],
        help_text="Overdue once waiting for the due days.",
    )
    words = serializers.CharField()
    emailed_at = serializers.DateTimeField(allow_null=True)
    reminded_at = serializers.DateTimeField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    days_waiting = serializers.IntegerField(allow_null=True)


class DistributionStatusSerializer(serializers.Serializer[Any]):
    """Who received a version and who has acknowledged it."""

    plan = serializers.CharField()
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=VersionStatus.choices)
    due_days = serializers.IntegerField(help_text="Days before a missing one is overdue.")
    acknowledged = serializers.IntegerField()
    missing = serializers.IntegerField()
    acknowledgements = AcknowledgementSerializer(many=True)


class StaleReasonSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["review", "leaver", "acknowledgements", "change"])
    text = serializers.CharField()
    url = serializers.CharField(help_text="Where to look (empty: deleted since).")
    at = serializers.DateTimeField(allow_null=True)


class StalePlanSerializer(serializers.Serializer[Any]):
    """An approved plan whose version in force is stale, with every reason."""

    id = serializers.CharField(source="key")
    title = serializers.CharField()
    version = serializers.IntegerField()
    approved_at = serializers.DateTimeField()
    url = serializers.CharField()
    reasons = StaleReasonSerializer(many=True)
