"""The demo organisation (`standby demo`): its accounts are people of the college, its approved
plan has a review date, a call tree that is a tree, and a distribution list that gets the
approval e-mails (written to files, never to a mail server)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from standby.accounts.models import User
from standby.common import demo
from standby.inventory.models import Person
from standby.plans import distribution, services
from standby.plans.choices import VersionStatus
from standby.plans.models import Plan


@pytest.fixture
def loaded(db: None) -> Plan:
    """The demo, loaded; its approved plan."""
    assert demo.load_demo().loaded
    return Plan.objects.get(key=services.DEMO_PLAN_KEY)


def test_every_demo_account_is_a_person_of_the_college(loaded):
    people = dict(Person.objects.values_list("email", "name"))
    users = User.objects.order_by("pk")
    assert [u.username for u in users] == [name for name, *_ in demo.DEMO_ACCOUNTS]
    for user in users:
        assert user.email in people, f"{user.username}: no person has {user.email}"
        assert people[user.email] == user.get_full_name(), user.username


def test_the_approved_plan_is_reviewed_a_year_after_its_approval(loaded):
    version = loaded.versions.get()
    assert version.status == VersionStatus.APPROVED
    assert version.approved_at is not None
    approved = version.approved_at.date()
    assert loaded.review_by is not None
    assert loaded.review_by > approved
    assert loaded.review_by == demo.one_year_after(approved)
    assert version.content["version"]["review_by"] == loaded.review_by.isoformat()


def test_the_call_tree_is_a_tree_from_whoever_invokes(loaded):
    entries = list(loaded.call_tree.select_related("caller", "callee").order_by("position"))
    assert len(entries) == len(demo.DEMO_CALL_TREE)
    first, *rest = entries
    assert first.caller is None  # the person who invokes the plan calls the first
    called = {first.callee_id}
    for entry in rest:
        assert entry.caller_id in called, f"nobody calls {entry.caller} before {entry}"
        assert entry.callee_id not in called, f"{entry.callee} is called twice"
        called.add(entry.callee_id)
    assert all(entry.fallback_id is not None for entry in entries)
    # The approved version holds the same tree.
    tree = loaded.versions.get().content["call_tree"]
    assert [row["callee"] for row in tree] == [e.callee.name for e in entries]


def test_the_demo_manager_can_acknowledge_the_plan_in_the_app(loaded, mailoutbox):
    version = loaded.versions.get()
    keys = set(loaded.distribution.values_list("person__key", flat=True))
    assert keys == {key for key, _ in demo.DEMO_DISTRIBUTION}
    distribution.send_on_approval(version)  # the approval hook (after the commit)
    assert len(mailoutbox) == len(keys)
    manager = User.objects.get(username="manager")
    ack = distribution.acknowledge_in_app(actor=manager, version=version)
    assert ack.person.key == "p-hale"
    assert ack.acknowledged_at is not None


# The marker sets the database up before conftest's audit-log cleaner (which needs to see
# ``transactional_db``), so the log is emptied before Django flushes the tables.
@pytest.mark.django_db(transaction=True)
def test_the_approval_e_mails_are_written_to_files(transactional_db, monkeypatch, settings):
    # The hooks run when the demo's transaction commits; the exports' PDF is not needed here.
    monkeypatch.setattr(services, "APPROVAL_HOOKS", [distribution.approval_hook])
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens: refused
    result: Any = demo.load_demo()
    assert result.mail_dir == demo.demo_mail_dir()
    text = "".join(path.read_text() for path in result.mail_dir.iterdir())
    version = Plan.objects.get(key=services.DEMO_PLAN_KEY).versions.get()
    acks = list(version.acknowledgements.select_related("person"))
    assert len(acks) == len(demo.DEMO_DISTRIBUTION)
    for ack in acks:
        assert f"To: {ack.person.email}" in text
        assert ack.emailed_at is not None
    assert text.count("/plans/ack/") >= len(acks)


def test_one_year_after():
    assert demo.one_year_after(dt.date(2026, 11, 29)) == dt.date(2027, 11, 29)
    assert demo.one_year_after(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)


def test_every_step_of_the_demo_plan_has_someone_to_do_it(db):
    from standby.common.demo import load_demo
    from standby.plans.models import Plan
    from standby.plans.services import DEMO_PLAN_KEY

    load_demo()
    steps = Plan.objects.get(key=DEMO_PLAN_KEY).steps.all()
    assert steps.exists()
    assert all(step.team_id or step.owner_id for step in steps)
