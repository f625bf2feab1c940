"""Token authentication, /api/me/ and the OpenAPI schema."""

from __future__ import annotations

import hashlib

import pytest
from rest_framework.test import APIClient

from standby.api.models import ApiToken


@pytest.mark.django_db
def test_token_is_shown_once_and_stored_hashed(make_user):
    user = make_user("auditor", "ava")
    client = APIClient()
    client.force_authenticate(user)
    created = client.post("/api/tokens/", {"name": "laptop"}, format="json")
    assert created.status_code == 201
    key = created.json()["key"]
    stored = ApiToken.objects.get()
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {stored.key_hash, stored.prefix}
    listed = client.get("/api/tokens/").json()
    assert "key" not in listed[0]


@pytest.mark.django_db
def test_token_authenticates_and_me_describes_the_user(make_user):
    user = make_user("deputy", "dee")
    session = APIClient()
    session.force_authenticate(user)
    key = session.post("/api/tokens/", {"name": "ci"}, format="json").json()["key"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    me = client.get("/api/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "dee"
    assert me.json()["role"] == "deputy"
    assert "edit" in me.json()["capabilities"]


@pytest.mark.django_db
def test_revoked_or_wrong_token_is_refused(make_user):
    user = make_user("viewer", "vic")
    session = APIClient()
    session.force_authenticate(user)
    created = session.post("/api/tokens/", {"name": "x"}, format="json").json()
    assert session.delete(f"/api/tokens/{created['id']}/").status_code == 204
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {created['key']}")
    response = client.get("/api/me/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Invalid token."


@pytest.mark.django_db
def test_inactive_users_token_is_refused(make_user):
    user = make_user("viewer", "vic")
    session = APIClient()
    session.force_authenticate(user)
    key = session.post("/api/tokens/", {"name": "x"}, format="json").json()["key"]
    user.is_active = False
    user.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/me/").status_code == 401


@pytest.mark.django_db
def test_cannot_delete_someone_elses_token(make_user):
    owner, other = make_user("viewer", "a"), make_user("viewer", "b")
    client = APIClient()
    client.force_authenticate(owner)
    token_id = client.post("/api/tokens/", {"name": "x"}, format="json").json()["id"]
    client.force_authenticate(other)
    assert client.delete(f"/api/tokens/{token_id}/").status_code == 404
    assert ApiToken.objects.filter(pk=token_id).exists()


@pytest.mark.django_db
def test_openapi_schema_describes_the_api(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/me/" in schema["paths"]
    assert "/api/tokens/" in schema["paths"]


@pytest.mark.django_db
def test_errors_have_one_shape(client):
    response = APIClient().get("/api/me/")
    assert response.status_code in {401, 403}
    assert set(response.json()["error"]) == {"code", "message", "details"}
