"""API views of the skeleton: who am I, and my tokens."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from standby.accounts.choices import Capability
from standby.accounts.models import User
from standby.api import services
from standby.api.models import ApiToken
from standby.api.permissions import SelfService
from standby.api.serializers import MeSerializer, TokenCreatedSerializer, TokenSerializer


def _user(request: Request) -> User:
    """The authenticated user (the permission classes have refused anonymous requests)."""
    assert isinstance(request.user, User)
    return request.user


class MeView(APIView):
    """The signed-in user, their role and what it allows."""

    read_capability = Capability.VIEW

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(_user(request)).data)


class TokenListView(APIView):
    """List your API tokens, or create one (its key is in this response only)."""

    permission_classes = [SelfService]

    @extend_schema(responses=TokenSerializer(many=True))
    def get(self, request: Request) -> Response:
        tokens = ApiToken.objects.filter(user=_user(request))
        return Response(TokenSerializer(tokens, many=True).data)

    @extend_schema(request=TokenSerializer, responses={201: TokenCreatedSerializer})
    def post(self, request: Request) -> Response:
        serializer = TokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = services.token_create(
            actor=_user(request), name=serializer.validated_data["name"]
        )
        data = TokenSerializer(token).data | {"key": key}
        return Response(data, status=status.HTTP_201_CREATED)


class TokenDetailView(APIView):
    """Revoke one of your tokens."""

    permission_classes = [SelfService]

    @extend_schema(responses=TokenSerializer)
    def get(self, request: Request, pk: int) -> Response:
        token = get_object_or_404(ApiToken, pk=pk, user=_user(request))
        return Response(TokenSerializer(token).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        token = get_object_or_404(ApiToken, pk=pk, user=_user(request))
        services.token_delete(actor=_user(request), token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)
