"""API for the model file: import (``?dry_run=1`` to only check) and export."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from standby.accounts.choices import Capability
from standby.accounts.models import User
from standby.inventory import modelio
from standby.modelfile.dump import dump
from standby.modelfile.errors import ModelFileError
from standby.modelfile.loader import DEFAULT_MAX_BYTES


class _RawBody(BaseParser):
    """Any other content type: the body is the file (YAML or JSON), read by the model loader."""

    media_type = "*/*"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return stream.read(DEFAULT_MAX_BYTES + 1) if stream is not None else b""


class ModelFileInvalidError(exceptions.APIException):
    """A model file with problems: each one in ``details`` with its path."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_model_file"

    def __init__(self, error: ModelFileError) -> None:
        # A list as the detail: the error handler puts it in ``details`` as it is.
        super().__init__([{"path": p.path, "message": p.message} for p in error.problems])


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


DRY_RUN = OpenApiParameter(
    "dry_run",
    OpenApiTypes.BOOL,
    description="1: check and report what would change; write nothing.",
)


class ModelImportView(APIView):
    """Import a model file by id: send it as multipart ``file`` or as the raw body.

    GET describes what the endpoint accepts. Problems come back as a 400 whose ``details`` list
    every problem with its path in the file.
    """

    read_capability = Capability.EDIT
    write_capability = Capability.EDIT
    parser_classes = [MultiPartParser, _RawBody]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return Response(
            {
                "formats": ["yaml", "json"],
                "max_bytes": DEFAULT_MAX_BYTES,
                "send": "multipart/form-data with a 'file' part, or the file as the request body",
                "dry_run": "add ?dry_run=1 to check without writing",
            }
        )

    @extend_schema(
        parameters=[DRY_RUN],
        request={"multipart/form-data": OpenApiTypes.OBJECT, "application/yaml": OpenApiTypes.STR},
        responses=OpenApiTypes.OBJECT,
    )
    def post(self, request: Request) -> Response:
        dry_run = request.query_params.get("dry_run", "").lower() in {"1", "true", "yes"}
        upload = request.FILES.get("file") if hasattr(request, "FILES") else None
        if upload is not None:
            data, filename = upload.read(DEFAULT_MAX_BYTES + 1), upload.name or "upload"
        else:
            body = request.data
            data = body if isinstance(body, bytes) else b""
            filename = "upload.json" if "json" in (request.content_type or "") else "upload"
        if not data:
            raise exceptions.ValidationError({"file": ["Send a model file (YAML or JSON)."]})
        try:
            report = modelio.model_import_bytes(
                actor=_user(request), data=data, filename=filename, dry_run=dry_run
            )
        except ModelFileError as error:
            raise ModelFileInvalidError(error) from None
        except PermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from None
        code = status.HTTP_200_OK if dry_run or not report.created else status.HTTP_201_CREATED
        return Response(report.as_dict(), status=code)


class ModelExportView(APIView):
    """The whole inventory as a model file (``?format=yaml`` or ``json``; YAML by default)."""

    read_capability = Capability.VIEW

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # ``?format=`` picks the file's format here, not one of DRF's renderers.
        return (JSONRenderer(), JSONRenderer.media_type)

    @extend_schema(
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=["yaml", "json"])],
        responses={(200, "application/yaml"): OpenApiTypes.STR},
    )
    def get(self, request: Request) -> HttpResponse:
        fmt: Literal["yaml", "json"] = (
            "json" if request.query_params.get("format") == "json" else "yaml"
        )
        text = dump(modelio.model_export(), fmt=fmt)
        content_type = "application/json" if fmt == "json" else "application/yaml"
        return HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
