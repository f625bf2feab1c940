"""Sign-in, brute-force protection, password change and user management."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from standby.accounts import services
from standby.accounts.choices import Role
from standby.accounts.models import User

PASSWORD = "correct-horse-battery"


def sign_in(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> int:
    response = client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )
    return response.status_code


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_sign_in_and_out(client, manager):
    assert sign_in(client, "manager", PASSWORD) == 302
    assert client.get("/").status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_lockout_is_keyed_on_user_and_address_with_others_unaffected(make_user, settings):
    make_user(Role.VIEWER, "victim")
    make_user(Role.VIEWER, "colleague")
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(attacker, "victim", "wrong-password", ip="10.0.0.66")
    # Locked: even the right password from that address is refused for now.
    assert sign_in(Client(), "victim", PASSWORD, ip="10.0.0.66") == 429
    # The same person from another machine, and a colleague from the same one, still sign in.
    assert sign_in(Client(), "victim", PASSWORD, ip="10.0.0.7") == 302
    assert sign_in(Client(), "colleague", PASSWORD, ip="10.0.0.66") == 302


@pytest.mark.django_db
def test_lockout_ends_after_the_cool_off(make_user, settings):
    from axes.models import AccessAttempt

    make_user(Role.VIEWER, "victim")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), "victim", "wrong-password", ip="10.0.0.66")
    assert sign_in(Client(), "victim", PASSWORD, ip="10.0.0.66") == 429
    # Move the attempts back past the cool-off instead of sleeping.
    from django.utils import timezone

    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME * 2)
    assert sign_in(Client(), "victim", PASSWORD, ip="10.0.0.66") == 302


@pytest.mark.django_db
def test_password_change_needs_the_old_password(client, make_user):
    user = make_user(Role.AUDITOR, "ava")
    client.force_login(user)
    url = reverse("accounts:password_change")
    bad = client.post(
        url,
        {
            "old_password": "nope",
            "new_password1": "n3w-passphrase!",
            "new_password2": "n3w-passphrase!",
        },
    )
    assert bad.status_code == 200
    good = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "n3w-passphrase!",
            "new_password2": "n3w-passphrase!",
        },
    )
    assert good.status_code == 302
    user.refresh_from_db()
    assert user.check_password("n3w-passphrase!")


@pytest.mark.django_db
def test_only_the_manager_manages_users(make_user, manager):
    deputy = make_user(Role.DEPUTY, "dee")
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=deputy, username="x", password="a-long-passphrase", role="viewer"
        )
    created = services.user_create(
        actor=manager, username="x", password="a-long-passphrase", role="viewer"
    )
    with pytest.raises(PermissionDenied):
        services.user_update(actor=deputy, user=created, role=Role.MANAGER)
    assert User.objects.get(username="x").role == Role.VIEWER


@pytest.mark.django_db
def test_manager_cannot_remove_their_own_role(manager):
    with pytest.raises(ValidationError):
        services.user_update(actor=manager, user=manager, role=Role.VIEWER)


@pytest.mark.django_db
def test_first_account_must_be_a_manager_and_only_once():
    with pytest.raises(ValidationError):
        services.user_create(actor=None, username="a", password="a-long-passphrase", role="viewer")
    services.user_create(actor=None, username="a", password="a-long-passphrase", role="manager")
    with pytest.raises(ValidationError):
        services.user_create(actor=None, username="b", password="a-long-passphrase", role="manager")


@pytest.mark.django_db
def test_weak_password_is_refused(manager):
    with pytest.raises(ValidationError):
        services.user_create(actor=manager, username="w", password="password", role="viewer")
    assert not User.objects.filter(username="w").exists()


@pytest.mark.django_db
def test_manager_creates_a_user_through_the_page(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "newbie", "role": "recovery_team", "password": "a-long-passphrase"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.role == Role.RECOVERY_TEAM
    detail = client.get(user.get_absolute_url())
    assert b"Created" in detail.content  # the history panel shows the creation


@pytest.mark.django_db
def test_createadmin_makes_the_first_manager(monkeypatch):
    from django.core.management import call_command

    monkeypatch.setenv("STANDBY_ADMIN_PASSWORD", "a-long-passphrase")
    call_command("createadmin", "--username", "boss")
    assert User.objects.get(username="boss").role == Role.MANAGER
