"""``standby check-offsite``: every active target's copy of each approved version, re-verified,
one line each, recorded like *Check copies*, exit status 1 when any is outdated or failed."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from standby.common.models import AuditEntry
from standby.plans.exports.manifest import verify_export
from standby.plans.exports.offsite import copy_version, target_statuses
from standby.plans.models import OffsiteCopy, OffsiteTarget, Plan
from standby.plans.tests.versions import approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(share: Path) -> OffsiteTarget:
    return OffsiteTarget.objects.create(name="Share", location=str(share))


def check(*args: str) -> tuple[int, list[str]]:
    """Run the command: its exit status and its lines."""
    out = StringIO()
    try:
        call_command("check_offsite", *args, stdout=out, stderr=out, no_color=True)
    except SystemExit as stop:
        return int(stop.code or 0), out.getvalue().splitlines()
    return 0, out.getvalue().splitlines()


def test_intact_copies_are_ok_and_the_checks_are_recorded_by_the_system(plan, manager, target):
    copy_version(approve(plan, 1, manager))
    before = AuditEntry.objects.count()
    code, lines = check()
    assert code == 0
    assert lines == [
        "Share\tit-recovery\tv1\tOK\tread back and verified",
        "1 checked: 1 OK, 0 outdated, 0 failed",
    ]
    record = OffsiteCopy.objects.order_by("-pk").first()
    assert record.check_only
    assert record.error == ""
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.order_by("-id").first().actor_name == "system"


def test_a_tampered_file_fails_with_the_reason_and_exit_status_1(plan, manager, target, share):
    copy_version(approve(plan, 1, manager))
    (share / "it-recovery" / "v1" / "plan.html").write_text("<p>changed</p>")
    code, lines = check()
    assert code == 1
    assert lines[0].startswith("Share\tit-recovery\tv1\tFAILED\tThe copy does not verify:")
    assert "plan.html has changed" in lines[0]
    assert lines[-1] == "1 checked: 0 OK, 0 outdated, 1 failed"
    assert target_statuses()[0].outdated
    assert OffsiteCopy.objects.order_by("-pk").first().check_only


def test_a_target_behind_is_outdated_and_copy_brings_it_up_to_date(plan, manager, target, share):
    copy_version(approve(plan, 1, manager))
    approve(plan, 2, manager)
    checks = OffsiteCopy.objects.count()
    code, lines = check()
    assert code == 1
    assert lines[0] == "Share\tit-recovery\tv1\tOUTDATED\tholds v1, v2 is approved"
    assert OffsiteCopy.objects.count() == checks  # nothing of v2 to check
    code, lines = check("--copy")
    assert code == 0
    assert lines[0] == "Share\tit-recovery\tv2\tOK\tcopied, read back and verified"
    assert verify_export(share / "it-recovery" / "v2") == []
    assert check() == (0, [lines[0].replace("copied, ", ""), lines[1]])


def test_a_failed_check_is_copied_again_with_copy(plan, manager, target, share):
    copy_version(approve(plan, 1, manager))
    (share / "it-recovery" / "v1" / "manifest.sig").unlink()
    assert check()[0] == 1  # reported first: monitoring sees the tampering
    code, lines = check("--copy")
    assert code == 0
    assert lines[0].endswith("\tOK\tcopied, read back and verified")
    assert verify_export(share / "it-recovery" / "v1") == []


def test_a_drive_not_mounted_fails_every_plan_and_nothing_is_written(plan, manager, target, share):
    other = Plan.objects.create(key="payroll", title="Payroll plan")
    copy_version(approve(plan, 1, manager))
    copy_version(approve(other, 1, manager))
    shutil.rmtree(share)
    code, lines = check("--copy")
    assert code == 1
    assert [line.split("\t")[1:4] for line in lines[:2]] == [
        ["it-recovery", "v1", "FAILED"],
        ["payroll", "v1", "FAILED"],
    ]
    assert all("is missing: is the drive mounted" in line for line in lines[:2])
    assert lines[-1] == "2 checked: 0 OK, 0 outdated, 2 failed"
    assert not share.exists()


def test_inactive_targets_and_plans_not_approved_are_left_out(plan, manager, share, tmp_path):
    OffsiteTarget.objects.create(name="Old", location=str(share), active=False)
    assert check() == (0, ["Nothing to check: no active off-site target or no approved version."])
    OffsiteTarget.objects.create(name="New", location=str(share))
    Plan.objects.create(key="draft-only", title="A draft")
    approve(plan, 1, manager)
    code, lines = check()
    assert code == 1
    assert lines == [
        "New\tit-recovery\t-\tOUTDATED\tholds nothing, v1 is approved",
        "1 checked: 0 OK, 1 outdated, 0 failed",
    ]


def test_the_standby_command_spells_it_with_a_dash(monkeypatch):
    from django.core import management

    from standby import cli

    ran: list[list[str]] = []
    monkeypatch.setattr(management, "execute_from_command_line", ran.append)
    cli.main(["standby", "check-offsite", "--copy"])
    assert ran == [["standby", "check_offsite", "--copy"]]
    assert "check-offsite" in cli.STANDBY_COMMANDS


def test_help_finds_a_command_spelled_with_a_dash(monkeypatch):
    from django.core import management

    from standby import cli

    ran: list[list[str]] = []
    monkeypatch.setattr(management, "execute_from_command_line", ran.append)
    cli.main(["standby", "help", "check-offsite"])
    assert ran == [["standby", "help", "check_offsite"]]
