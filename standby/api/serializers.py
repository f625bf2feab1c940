from rest_framework import serializers

from standby.accounts.models import User
from standby.api.models import ApiToken


class MeSerializer(serializers.ModelSerializer[User]):
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    capabilities = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "role_label",
            "capabilities",
        ]

    def get_capabilities(self, user: User) -> list[str]:
        from standby.accounts.permissions import ROLE_CAPABILITIES

        return sorted(ROLE_CAPABILITIES.get(user.role, frozenset()))


class TokenSerializer(serializers.ModelSerializer[ApiToken]):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at"]
        read_only_fields = ["id", "prefix", "created_at", "last_used_at"]


class TokenCreatedSerializer(TokenSerializer):
    key = serializers.CharField(read_only=True, help_text="Shown once; store it now.")

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "key"]
