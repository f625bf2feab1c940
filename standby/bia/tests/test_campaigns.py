"""Campaigns: start (tasks, one e-mail per owner to a real SMTP server), answer, review,
progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from standby.bia import campaigns
from standby.bia.choices import CampaignStatus, RecordStatus, TaskStatus
from standby.bia.models import BiaSnapshot, Campaign, CampaignTask
from standby.bia.tests.helpers import answered, person, process, table
from standby.common.models import AuditEntry
from standby.common.testing import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(manager: Any, make_user: Any) -> dict[str, Any]:
    alice_person = person(manager, "alice", "Alice.Owner@Example.org")
    bob_person = person(manager, "bob", "bob@example.org")
    alice = make_user("service_owner", "alice")
    alice.email = "alice.owner@example.org"  # another case than the Person's: still matched
    alice.save()
    bob = make_user("service_owner", "bob")
    bob.email = "bob@example.org"
    bob.save()
    return {
        "manager": manager,
        "alice": alice,
        "bob": bob,
        "alice_person": alice_person,
        "pay": process(manager, "pay", owner=alice_person),
        "web": process(manager, "web", owner=alice_person, kind="service"),
        "lib": process(manager, "lib", owner=bob_person),
        "orphan": process(manager, "orphan"),
    }


def start(client: Any, world: dict[str, Any], *keys: str, **extra: Any) -> Any:
    client.force_login(world["manager"])
    data = {
        "name": "Spring review",
        "due_on": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
        "nodes": [world[k].pk for k in keys],
        **extra,
    }
    return client.post(reverse("bia:campaign_create"), data)


def started(world: dict[str, Any], *keys: str, days: int = 14) -> Campaign:
    campaign, _ = campaigns.campaign_start(
        actor=world["manager"],
        name="Spring review",
        due_on=timezone.localdate() + dt.timedelta(days=days),
        nodes=[world[k] for k in keys],
        base_url="http://testserver",
    )
    return campaign


def test_start_creates_a_task_per_record_and_emails_each_owner_once(client, world, smtp_server):
    response = start(client, world, "pay", "web", "lib")
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == campaign.get_absolute_url()
    tasks = {t.record.node.key: t for t in campaign.tasks.select_related("record__node")}
    assert set(tasks) == {"pay", "web", "lib"}
    assert tasks["pay"].owner == world["alice_person"]
    assert all(t.status == TaskStatus.PENDING and t.emailed_at for t in tasks.values())

    received = smtp_server.messages
    assert len(received) == 2  # one per owner, not one per task
    by_recipient = {m["X-Envelope-To"].lower(): m for m in received}
    assert set(by_recipient) == {"alice.owner@example.org", "bob@example.org"}
    alice_mail = by_recipient["alice.owner@example.org"]
    assert "Spring review" in alice_mail["Subject"]
    text = alice_mail.get_body(preferencelist=("plain",)).get_content()
    html = alice_mail.get_body(preferencelist=("html",)).get_content()
    for key in ("pay", "web"):
        link = f"http://testserver/bia/tasks/{tasks[key].pk}/"
        assert link in text
        assert f'href="{link}"' in html
    assert f"/bia/tasks/{tasks['lib'].pk}/" not in text
    bob_text = by_recipient["bob@example.org"].get_body(preferencelist=("plain",)).get_content()
    assert f"http://testserver/bia/tasks/{tasks['lib'].pk}/" in bob_text


def test_a_process_without_an_owner_is_refused_by_name_and_nothing_is_saved(
    client, world, smtp_server
):
    before = AuditEntry.objects.count()
    response = start(client, world, "pay", "orphan")
    assert response.status_code == 400
    assert "nobody can answer the BIA of: Orphan" in response.content.decode()
    assert not Campaign.objects.exists()
    assert AuditEntry.objects.count() == before
    assert smtp_server.messages == []


def test_a_failed_email_is_recorded_and_the_campaign_stands(client, world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    response = start(client, world, "lib")
    assert response.status_code == 302
    task = CampaignTask.objects.get()
    assert task.emailed_at is None
    assert AuditEntry.objects.filter(
        object_type="bia.campaigntask", object_id=str(task.pk), action="event"
    ).exists()
    page = client.get(response["Location"])
    assert "Not sent" in page.content.decode()
    warnings = [str(m) for m in page.context["messages"]]
    assert any("No e-mail reached Bob" in w for w in warnings)


def test_only_approvers_start_campaigns(client, world, make_user):
    for role in ("deputy", "service_owner", "viewer"):
        client.force_login(make_user(role, f"{role}-x"))
        response = client.post(reverse("bia:campaign_create"), {"name": "x"})
        assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        campaigns.campaign_start(
            actor=world["alice"],
            name="x",
            due_on=timezone.localdate(),
            nodes=[world["pay"]],
            base_url="http://x",
        )
    assert not Campaign.objects.exists()


def test_past_due_date_and_empty_choice_are_refused(world):
    with pytest.raises(ValidationError) as error:
        campaigns.campaign_start(
            actor=world["manager"],
            name="x",
            due_on=timezone.localdate() - dt.timedelta(days=1),
            nodes=[],
            base_url="http://x",
        )
    assert "at least one" in str(error.value)
    assert "past" in str(error.value)


def test_the_owner_sees_their_tasks_matched_by_email_in_any_case(client, world):
    campaign = started(world, "pay", "lib")
    client.force_login(world["alice"])
    page = client.get(reverse("bia:task_list"))
    assert page.status_code == 200
    shown = [t.record.node.key for t in page.context["tasks"]]
    assert shown == ["pay"]
    assert campaign.name in page.content.decode()


def test_a_user_matched_to_nobody_is_told_why(client, world, make_user):
    started(world, "pay")
    client.force_login(make_user("service_owner", "carol"))
    page = client.get(reverse("bia:task_list"))
    assert "no person in the inventory has your e-mail address" in page.content.decode()


def test_an_owner_cannot_open_or_answer_another_owners_task(client, world):
    campaign = started(world, "pay", "lib")
    alices = campaign.tasks.get(record__node__key="pay")
    client.force_login(world["bob"])
    before = AuditEntry.objects.count()
    for name in ("bia:task_detail", "bia:task_download", "bia:task_upload", "bia:task_submit"):
        assert client.get(reverse(name, args=[alices.pk])).status_code == 403, name
    for name in ("bia:task_upload", "bia:task_submit", "bia:task_review"):
        assert client.post(reverse(name, args=[alices.pk])).status_code == 403, name
    with pytest.raises(PermissionDenied):
        campaigns.task_submit(actor=world["bob"], task=alices)
    assert AuditEntry.objects.count() == before
    alices.refresh_from_db()
    assert alices.status == TaskStatus.PENDING


def test_web_form_answers_are_submitted_then_approved_with_a_snapshot(client, world):
    campaign = started(world, "pay")
    task = campaign.tasks.get()
    answered(world["alice"], world["pay"], impacts=table(financial=[0, 1, 2, 4, 5, 5, 5]))
    client.force_login(world["alice"])
    assert client.get(reverse("bia:task_submit", args=[task.pk])).status_code == 200
    response = client.post(reverse("bia:task_submit", args=[task.pk]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED
    assert task.answered_at
    assert task.record.status == RecordStatus.SUBMITTED

    client.force_login(world["bob"])
    review = reverse("bia:task_review", args=[task.pk])
    assert client.post(review, {"decision": "approve"}).status_code == 403

    client.force_login(world["manager"])
    detail = client.get(campaign.get_absolute_url())
    assert "Review Pay" in detail.content.decode()
    response = client.post(reverse("bia:task_review", args=[task.pk]), {"decision": "approve"})
    assert response.status_code == 302
    task.refresh_from_db()
    campaign.refresh_from_db()
    assert task.status == TaskStatus.APPROVED
    assert task.reviewed_at
    assert task.record.status == RecordStatus.APPROVED
    assert BiaSnapshot.objects.filter(record=task.record).count() == 1
    assert campaign.status == CampaignStatus.CLOSED  # every task approved


def test_submitting_an_incomplete_bia_says_what_is_missing(client, world):
    task = started(world, "pay").tasks.get()
    client.force_login(world["alice"])
    response = client.post(reverse("bia:task_submit", args=[task.pk]))
    assert response.status_code == 400
    assert "Answer every horizon" in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.PENDING


def test_returning_emails_the_owner_the_comment(client, world, smtp_server):
    task = started(world, "pay").tasks.get()
    answered(world["alice"], world["pay"])
    campaigns.task_submit(actor=world["alice"], task=task)
    smtp_server.messages.clear()
    client.force_login(world["manager"])
    response = client.post(
        reverse("bia:task_review", args=[task.pk]),
        {"decision": "return", "comment": "The RTO of 4 h is a wish."},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.RETURNED
    assert task.record.status == RecordStatus.RETURNED
    [mail] = smtp_server.messages
    assert mail["X-Envelope-To"].lower() == "alice.owner@example.org"
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "The RTO of 4 h is a wish." in body
    assert f"http://testserver/bia/tasks/{task.pk}/" in body
    client.force_login(world["alice"])
    page = client.get(task.get_absolute_url())
    assert "Returned with this comment" in page.content.decode()


def test_returning_needs_a_comment(client, world):
    task = started(world, "pay").tasks.get()
    answered(world["alice"], world["pay"])
    campaigns.task_submit(actor=world["alice"], task=task)
    client.force_login(world["manager"])
    response = client.post(reverse("bia:task_review", args=[task.pk]), {"decision": "return"})
    assert response.status_code == 400
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED


@pytest.mark.parametrize(
    ("days", "status", "words"),
    [(-2, "breach", "Overdue by 2 days"), (2, "risk", "Due in 2 days"), (10, "ok", "On time")],
)
def test_progress_counts_tasks_and_flags_lateness_in_words(client, world, days, status, words):
    campaign = started(world, "pay", "lib")
    Campaign.objects.filter(pk=campaign.pk).update(due_on=timezone.localdate() + dt.timedelta(days))
    answered(world["alice"], world["pay"])
    campaigns.task_submit(actor=world["alice"], task=campaign.tasks.get(record__node__key="pay"))
    client.force_login(world["manager"])
    page = client.get(campaign.get_absolute_url())
    progress = page.context["progress"]
    assert (progress.total, progress.pending, progress.submitted) == (2, 1, 1)
    assert f'<span class="badge status-{status}" data-testid="timing">{words}</span>' in (
        page.content.decode()
    )
    listing = client.get(reverse("bia:campaign_list"))
    assert words in listing.content.decode()


def test_campaign_list_counts_in_one_query(client, world, django_assert_max_num_queries):
    for _ in range(3):
        started(world, "pay", "lib")
    client.force_login(world["manager"])
    with django_assert_max_num_queries(8):
        page = client.get(reverse("bia:campaign_list"))
    assert len(page.context["rows"]) == 3


def test_a_record_sent_for_review_on_its_own_page_is_reviewed_in_the_campaign(client, world):
    from standby.bia import services

    campaign = started(world, "pay")
    task = campaign.tasks.get()
    record = answered(world["alice"], world["pay"])
    services.record_submit(actor=world["alice"], record=record)  # the record's own page
    client.force_login(world["manager"])
    page = client.get(campaign.get_absolute_url())
    assert "Review Pay" in page.content.decode()
    assert page.context["progress"].submitted == 1
    assert [p.submitted for _, p in campaigns.campaigns_with_progress()] == [1]
    response = client.post(reverse("bia:task_review", args=[task.pk]), {"decision": "approve"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.APPROVED


def test_a_record_approved_on_its_own_page_closes_the_task_without_a_second_snapshot(world):
    from standby.bia import services

    task = started(world, "pay").tasks.get()
    record = answered(world["alice"], world["pay"])
    services.record_submit(actor=world["alice"], record=record)
    services.record_approve(actor=world["manager"], record=record)
    task = campaigns.tasks().get(pk=task.pk)
    assert campaigns.awaiting_review(task)
    campaigns.task_approve(actor=world["manager"], task=task)
    assert task.status == TaskStatus.APPROVED
    assert BiaSnapshot.objects.count() == 1


def test_campaign_detail_and_my_tasks_take_constant_queries(
    client, world, django_assert_max_num_queries
):
    campaign = started(world, "pay", "web", "lib")
    client.force_login(world["manager"])
    with django_assert_max_num_queries(10):
        page = client.get(campaign.get_absolute_url())
    assert len(page.context["tasks"]) == 3
    client.force_login(world["alice"])
    with django_assert_max_num_queries(10):
        page = client.get(reverse("bia:task_list"))
    assert len(page.context["tasks"]) == 2
