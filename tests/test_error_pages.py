"""With DEBUG off, errors show a plain page: no stack trace, no settings."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path


def explode(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals: DATABASES password=hunter2")


urlpatterns = [path("explode/", explode), path("", include("standby.urls"))]
handler500 = "standby.common.views.error_500"
handler404 = "standby.common.views.error_404"


@pytest.mark.django_db
def test_404_page_has_no_stack_trace(client, manager, settings):
    assert settings.DEBUG is False
    client.force_login(manager)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "Traceback" not in body
    assert "urlpatterns" not in body


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_500_page_has_no_stack_trace(manager):
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    response = client.get("/explode/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "hunter2" not in body
    assert "Traceback" not in body
    assert "RuntimeError" not in body
