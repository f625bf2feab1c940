"""Distribution: e-mails at a real loopback SMTP server, one-time links, in-app
acknowledgement, the dashboard, reminders (button and ``standby remind``)."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse

from standby.common.models import AuditEntry
from standby.plans import distribution
from standby.plans.models import Acknowledgement, PlanVersion
from standby.plans.tests.test_distribution_world import URLCONF, build_world, days_ago

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLCONF)]

LINK = re.compile(r"(http://[^\s\"<>]+/plans/ack/[^\s\"<>/]+/)")


@pytest.fixture
def world(manager: Any) -> Any:
    return build_world(manager)


@pytest.fixture(autouse=True)
def base_url(settings: Any) -> None:
    settings.STANDBY_BASE_URL = "http://testserver"


def _text(message: Any) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _link(message: Any) -> str:
    found = LINK.search(_text(message))
    assert found, _text(message)
    return found.group(1).removeprefix("http://testserver")


def test_approval_emails_everyone_on_the_list_with_a_one_time_link(world, smtp_server):
    mailing = distribution.send_on_approval(world.version)

    assert sorted(mailing.sent) == ["ann@example.org", "bob@example.org"]
    assert mailing.failed == [("Cat", "no e-mail address")]
    assert {m["X-Envelope-To"] for m in smtp_server.messages} == set(mailing.sent)
    message = smtp_server.to("ann@example.org")[0]
    assert message["Subject"] == f"Please acknowledge {world.plan.title}, version 1"
    assert "The PDF was not ready" in _text(message)
    assert not list(message.iter_attachments())
    token = _link(message).split("/")[-2]
    ack = Acknowledgement.objects.get(person=world.people["ann"])
    assert ack.token_hash == distribution.hash_token(token)  # only the hash is stored
    assert token not in ack.token_hash
    assert ack.emailed_at is not None
    assert ack.acknowledged_at is None
    cat = Acknowledgement.objects.get(person=world.people["cat"])
    assert cat.emailed_at is None
    assert AuditEntry.objects.filter(
        object_type="plans.acknowledgement", object_id=str(cat.pk), action="event"
    ).exists()


def test_the_pdf_is_attached_when_the_export_exists(world, smtp_server):
    pdf = Path(django_settings.DATA_DIR) / "exports" / world.plan.key / "v1" / "plan.pdf"
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.write_bytes(b"%PDF-1.7 test plan")
    try:
        mailing = distribution.send_on_approval(world.version)
    finally:
        pdf.unlink()
    assert mailing.with_pdf
    message = smtp_server.to("bob@example.org")[0]
    (attachment,) = message.iter_attachments()
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"{world.plan.key}-v1.pdf"
    assert attachment.get_content() == b"%PDF-1.7 test plan"
    assert "attached as a PDF" in _text(message)


def test_the_approval_hook_runs_through_version_approve(
    world, manager, smtp_server, monkeypatch, django_capture_on_commit_callbacks
):
    services = pytest.importorskip("standby.plans.services")
    monkeypatch.setattr(services, "APPROVAL_HOOKS", [distribution.approval_hook])
    plan = world.plan
    world.version.status = "superseded"
    world.version.save()
    pending = PlanVersion.objects.create(
        plan=plan,
        number=2,
        status="in_review",
        content={"version": {}},
        data_as_of=world.version.data_as_of,
        submitted_at=world.version.submitted_at,
        submitted_by=manager,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.version_approve(actor=manager, version=pending)
    assert sorted(m["X-Envelope-To"] for m in smtp_server.messages) == [
        "ann@example.org",
        "bob@example.org",
    ]
    assert "version 2" in smtp_server.messages[0]["Subject"]


def test_the_link_works_once_without_signing_in(client, world, smtp_server):
    distribution.send_on_approval(world.version)
    url = _link(smtp_server.to("ann@example.org")[0])

    shown = client.get(url)  # a mail scanner's GET acknowledges nothing
    assert shown.status_code == 200
    assert b"I received version 1" in shown.content
    assert Acknowledgement.objects.get(person=world.people["ann"]).acknowledged_at is None

    done = client.post(url)
    assert done.status_code == 200
    assert b"Thank you" in done.content
    ack = Acknowledgement.objects.get(person=world.people["ann"])
    assert ack.acknowledged_at is not None
    entry = AuditEntry.objects.filter(object_type="plans.acknowledgement").first()
    assert entry is not None
    assert entry.on_behalf_of == "Ann (e-mailed link)"

    again = client.post(url)
    assert again.status_code == 410
    assert b"already used" in again.content
    assert Acknowledgement.objects.get(pk=ack.pk).acknowledged_at == ack.acknowledged_at
    assert client.get(url).status_code == 410


def test_a_forged_token_is_refused(client, world, smtp_server):
    distribution.send_on_approval(world.version)
    real = _link(smtp_server.to("ann@example.org")[0]).split("/")[-2]
    forged = real[:-2] + ("AA" if not real.endswith("AA") else "BB")
    for token in (forged, "x", "a" * 43):
        url = reverse("plans:ack_link", args=[token])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert not Acknowledgement.objects.filter(acknowledged_at__isnull=False).exists()
    with pytest.raises(distribution.PermissionDenied):
        distribution.acknowledge_by_token(forged)


def test_a_signed_in_person_acknowledges_in_the_app(client, world, make_user, smtp_server):
    distribution.send_on_approval(world.version)
    user = make_user("recovery_team", "bob")
    user.email = "BOB@example.org"
    user.save()
    client.force_login(user)
    url = reverse("plans:ack_in_app", args=[world.plan.key, 1])
    assert b"I received version 1" in client.get(url).content
    response = client.post(url)
    assert response.status_code == 302
    assert Acknowledgement.objects.get(person=world.people["bob"]).acknowledged_at is not None
    again = client.post(url, follow=True)
    assert b"Already acknowledged" in again.content


def test_someone_not_on_the_list_cannot_acknowledge_in_the_app(client, world, make_user):
    distribution.send_on_approval(world.version)
    client.force_login(make_user("viewer", "stranger"))
    url = reverse("plans:ack_in_app", args=[world.plan.key, 1])
    assert b"not on the distribution list" in client.get(url).content
    assert client.post(url).status_code == 403
    assert not Acknowledgement.objects.filter(acknowledged_at__isnull=False).exists()


def test_the_dashboard_shows_who_when_and_the_missing_by_age(client, world, manager):
    distribution.send_on_approval(world.version)  # locmem mail in tests without smtp_server
    Acknowledgement.objects.filter(person=world.people["ann"]).update(acknowledged_at=days_ago(1))
    Acknowledgement.objects.filter(person=world.people["bob"]).update(emailed_at=days_ago(9))
    client.force_login(manager)
    page = client.get(reverse("plans:ack_dashboard", args=[world.plan.key, 1]))
    html = page.content.decode()
    assert "1 of 3 acknowledged" in html
    assert re.search(r"status-ok\">Acknowledged \d\d \w{3} \d{4}", html)
    assert 'status-breach">Overdue: 9 days' in html
    assert 'status-breach">Missing: not e-mailed' in html
    assert "Remind the 2 missing" in html
    Acknowledgement.objects.filter(person=world.people["bob"]).update(emailed_at=days_ago(2))
    html = client.get(reverse("plans:ack_dashboard", args=[world.plan.key, 1])).content.decode()
    assert 'status-risk">Waiting: 2 days' in html


def test_reminders_go_only_to_the_missing_with_a_new_link(client, world, manager, smtp_server):
    distribution.send_on_approval(world.version)
    first = _link(smtp_server.to("bob@example.org")[0])
    client.post(_link(smtp_server.to("ann@example.org")[0]))  # Ann acknowledges
    smtp_server.messages.clear()

    client.force_login(manager)
    response = client.post(reverse("plans:ack_remind", args=[world.plan.key, 1]), follow=True)
    assert b"E-mailed 1 person(s)" in response.content
    assert [m["X-Envelope-To"] for m in smtp_server.messages] == ["bob@example.org"]
    reminder = smtp_server.messages[0]
    assert reminder["Subject"].startswith("Reminder: please acknowledge")
    second = _link(reminder)
    assert second != first
    assert Acknowledgement.objects.get(person=world.people["bob"]).reminded_at is not None
    client.logout()
    assert client.post(first).status_code == 404  # the earlier link was replaced
    assert client.post(second).status_code == 200


def test_standby_remind_reminds_only_those_waiting_long_enough(world, smtp_server):
    distribution.send_on_approval(world.version)
    smtp_server.messages.clear()
    Acknowledgement.objects.filter(person=world.people["bob"]).update(emailed_at=days_ago(8))
    out = StringIO()
    call_command("remind", "--days", "7", stdout=out, stderr=StringIO())
    assert [m["X-Envelope-To"] for m in smtp_server.messages] == ["bob@example.org"]
    assert "1 reminder(s) sent" in out.getvalue()
    smtp_server.messages.clear()
    call_command("remind", "--days", "7", stdout=StringIO(), stderr=StringIO())
    assert smtp_server.messages == []  # just reminded: not again until 7 more days


def test_superseded_versions_are_not_reminded(world, smtp_server):
    distribution.send_on_approval(world.version)
    Acknowledgement.objects.update(emailed_at=days_ago(30))
    PlanVersion.objects.filter(pk=world.version.pk).update(status="superseded")
    smtp_server.messages.clear()
    assert distribution.remind(actor=None, older_than_days=7).sent == []


def test_the_distribution_list_is_edited_by_editors(client, world, manager, make_user):
    from standby.plans.tests.test_distribution_world import person

    dan = person(manager, "dan", "dan@example.org")
    client.force_login(manager)
    url = reverse("plans:distribution_list", args=[world.plan.key])
    response = client.post(url, {"person": dan.pk, "role": "offsite_holder"})
    assert response.status_code == 302
    assert world.plan.distribution.filter(person=dan, role="offsite_holder").exists()
    twice = client.post(url, {"person": dan.pk, "role": "key_staff"})
    assert twice.status_code == 400
    assert b"already on the distribution list" in twice.content
    entry = world.plan.distribution.get(person=dan)
    removed = client.post(reverse("plans:distribution_remove", args=[world.plan.key, entry.pk]))
    assert removed.status_code == 302
    assert not world.plan.distribution.filter(person=dan).exists()
    client.force_login(make_user("viewer"))
    assert client.get(url).status_code == 200
    assert client.post(url, {"person": dan.pk, "role": "key_staff"}).status_code == 403


def test_sending_twice_does_not_duplicate(world, smtp_server):
    distribution.send_on_approval(world.version)
    again = distribution.send_on_approval(world.version)
    assert again.sent == []
    assert world.version.acknowledgements.count() == 3
