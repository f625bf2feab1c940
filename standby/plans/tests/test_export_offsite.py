"""Exports of approved versions and their off-site copies: which version each target holds."""

from __future__ import annotations

import shutil

import pytest

from standby.plans.choices import TargetKind
from standby.plans.exports import export_dir, export_version, on_approval
from standby.plans.exports.manifest import verify_export
from standby.plans.exports.offsite import check_copy, copy_version, target_statuses
from standby.plans.models import OffsiteCopy, OffsiteTarget
from standby.plans.tests.versions import approve

pytestmark = pytest.mark.django_db


def test_export_version_writes_a_verifiable_folder_with_the_approval(plan, manager):
    version = approve(plan, 1, manager)
    folder = export_version(version)
    assert folder == export_dir("it-recovery", 1)
    assert verify_export(folder) == []
    assert '"approved_by": "manager"' in (folder / "plan.json").read_text()


def test_a_version_never_approved_is_not_exported(plan, manager):
    version = approve(plan, 1, manager)
    version.approved_at = None
    with pytest.raises(ValueError, match="never approved"):
        export_version(version)


@pytest.fixture
def usb(tmp_path):
    """A mounted drive's folder: it exists, Standby creates only what goes below it."""
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


def test_approval_copies_to_every_active_folder_target(plan, manager, tmp_path, usb):
    usb = OffsiteTarget.objects.create(name="USB", location=str(usb))
    OffsiteTarget.objects.create(name="Old share", location=str(tmp_path / "old"), active=False)
    version = approve(plan, 1, manager)
    on_approval(version)
    copied = tmp_path / "usb" / "it-recovery" / "v1"
    assert verify_export(copied) == []
    record = OffsiteCopy.objects.get()
    assert (record.target, record.version, record.error) == (usb, version, "")
    assert len(record.manifest_sha256) == 64
    assert not (tmp_path / "old").exists()


def test_a_target_holding_an_older_version_is_outdated(plan, manager, tmp_path, usb):
    OffsiteTarget.objects.create(name="USB", location=str(usb))
    (tmp_path / "share").mkdir()
    share = OffsiteTarget.objects.create(name="Share", location=str(tmp_path / "share"))
    v1 = approve(plan, 1, manager)
    copy_version(v1)
    v2 = approve(plan, 2, manager)
    copy_version(v2, targets=[share])
    statuses = {s.target.name: s for s in target_statuses()}
    assert statuses["USB"].outdated
    assert [(h.plan_key, h.held, h.current) for h in statuses["USB"].holdings] == [
        ("it-recovery", 1, 2)
    ]
    assert not statuses["Share"].outdated
    assert statuses["Share"].holdings[0].held == 2


def test_a_failed_copy_is_recorded_and_leaves_the_target_outdated(plan, manager, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    OffsiteTarget.objects.create(name="Broken", location=str(blocker))
    OffsiteTarget.objects.create(
        name="Bucket", kind=TargetKind.S3, location="s3://bucket/plans", endpoint_url=""
    )
    copies = copy_version(approve(plan, 1, manager))
    assert all(c.error for c in copies)
    assert "is not a folder: is the drive mounted?" in copies[0].error
    assert all(s.outdated for s in target_statuses())


def test_a_drive_not_mounted_fails_the_copy_and_nothing_is_written(plan, manager, tmp_path):
    mount_point = tmp_path / "media"
    mount_point.mkdir()
    unplugged = mount_point / "usb-drive" / "standby"
    target = OffsiteTarget.objects.create(name="USB", location=str(unplugged))
    (copy,) = copy_version(approve(plan, 1, manager))
    assert copy.error.startswith(f"The target folder {unplugged} is missing: is the drive mounted")
    assert copy.manifest_sha256 == ""
    assert list(mount_point.iterdir()) == []  # neither the folder nor anything below it
    (status,) = target_statuses([target])
    assert status.outdated
    assert status.holdings[0].held is None
    assert "is the drive mounted" in status.holdings[0].last_error


def test_a_drive_unplugged_after_a_copy_fails_its_check(plan, manager, usb):
    target = OffsiteTarget.objects.create(name="USB", location=str(usb))
    version = approve(plan, 1, manager)
    (copy,) = copy_version(version)
    assert copy.error == ""
    assert verify_export(usb / "it-recovery" / "v1") == []
    assert check_copy(version, target).error == ""
    shutil.rmtree(usb)
    check = check_copy(version, target)
    assert check.check_only
    assert "is missing: is the drive mounted" in check.error
    assert not usb.exists()
    assert target_statuses([target])[0].outdated
