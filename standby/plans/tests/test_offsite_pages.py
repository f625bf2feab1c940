"""Off-site target pages: list and detail, create / edit / deactivate, copy now and check now,
where a folder may be, and the outdated warnings on the dashboard and the plan page."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from standby.common.models import AuditEntry
from standby.plans.choices import TargetKind
from standby.plans.exports.manifest import verify_export
from standby.plans.exports.offsite import copy_version, outdated_warnings, target_statuses
from standby.plans.models import OffsiteCopy, OffsiteTarget, Plan, PlanVersion
from standby.plans.tests.versions import approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client: Any, manager: Any) -> Any:
    client.force_login(manager)
    return client


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# -- the list and the detail -------------------------------------------------------------------


def test_the_list_explains_the_next_step_when_there_is_no_target(signed_in):
    response = signed_in.get(reverse("plans:target_list"))
    assert response.status_code == 200
    assert "No off-site target yet" in response.content.decode()
    assert reverse("plans:target_create") in response.content.decode()


def test_the_list_shows_which_version_each_target_holds(signed_in, plan, manager, share, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    OffsiteTarget.objects.create(name="USB", location=str(usb))
    OffsiteTarget.objects.create(name="Share", location=str(share))
    copy_version(approve(plan, 1, manager))
    copy_version(approve(plan, 2, manager), targets=[OffsiteTarget.objects.get(name="Share")])
    page = signed_in.get(reverse("plans:target_list")).content.decode()
    rows = {
        ("USB" if ">USB<" in row else "Share"): row
        for row in page.split('data-testid="target-row"')[1:]
    }
    assert set(rows) == {"USB", "Share"}
    assert "Outdated" in rows["USB"]
    assert "holds v1, v2 is approved" in rows["USB"]
    assert "✓ v2" in rows["Share"]
    assert "Outdated" not in rows["Share"]
    assert 'data-testid="offsite-outdated"' in page


def test_a_failed_last_copy_flags_the_target_with_the_error(signed_in, plan, manager, share):
    target = OffsiteTarget.objects.create(name="Share", location=str(share))
    version = approve(plan, 1, manager)
    copy_version(version)
    assert not target_statuses()[0].outdated
    OffsiteCopy.objects.create(
        target=target, version=version, copied_at=timezone.now(), error="No space left on device"
    )
    (status,) = target_statuses()
    assert status.outdated
    assert status.holdings[0].held == 1  # it still holds v1, but maybe broken
    page = signed_in.get(reverse("plans:target_list")).content.decode()
    assert "the last copy or check failed" in page
    assert "No space left on device" in page


def test_the_list_costs_the_same_queries_for_one_target_or_many(
    client, manager, plan, share, django_assert_max_num_queries
):
    copy_target = OffsiteTarget.objects.create(name="Share", location=str(share))
    copy_version(approve(plan, 1, manager), targets=[copy_target])
    client.force_login(manager)
    with django_assert_max_num_queries(8) as one:
        client.get(reverse("plans:target_list"))
    for n in range(5):
        target = OffsiteTarget.objects.create(name=f"T{n}", location=str(share))
        OffsiteCopy.objects.create(
            target=target, version=PlanVersion.objects.get(), copied_at=timezone.now()
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("plans:target_list"))
    assert response.content.decode().count('data-testid="target-row"') == 6


def test_the_detail_lists_copies_and_checks_newest_first(signed_in, plan, manager, share):
    target = OffsiteTarget.objects.create(name="Share", location=str(share))
    copy_version(approve(plan, 1, manager))
    copy_version(approve(plan, 2, manager))
    page = signed_in.get(target.get_absolute_url()).content.decode()
    rows = page.split('data-testid="copy-row"')[1:]
    assert len(rows) == 2
    assert "v2" in rows[0]
    assert "v1" in rows[1]
    assert "✓ verified" in rows[0]


# -- who may configure -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["deputy", "recovery_team", "auditor", "viewer"])
def test_only_the_manager_configures_targets_and_starts_copies(client, make_user, share, role):
    target = OffsiteTarget.objects.create(name="Share", location=str(share))
    client.force_login(make_user(role))
    page = client.get(target.get_absolute_url()).content.decode()
    assert reverse("plans:target_copy", args=[target.pk]) not in page
    assert reverse("plans:target_update", args=[target.pk]) not in page
    data = {"name": "Other", "kind": "folder", "location": str(share)}
    assert client.post(reverse("plans:target_create"), data).status_code == 403
    assert client.post(reverse("plans:target_copy", args=[target.pk])).status_code == 403
    assert OffsiteTarget.objects.count() == 1
    assert not OffsiteCopy.objects.exists()


# -- create, edit, deactivate ------------------------------------------------------------------


def test_the_manager_adds_a_folder_target_audited(signed_in, share):
    before = AuditEntry.objects.count()
    response = signed_in.post(
        reverse("plans:target_create"),
        {"name": "Share", "kind": "folder", "location": f"  {share}  ", "endpoint_url": ""},
    )
    target = OffsiteTarget.objects.get()
    assert response.status_code == 302
    assert response["Location"] == target.get_absolute_url()
    assert target.location == str(share)
    assert target.active
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry.object_type == "plans.offsitetarget"


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("relative/folder", "is not an absolute path"),
        ("", "This field is required"),
        ("/nonexistent/standby-offsite-drive", "is not a folder (is the share mounted"),
    ],
)
def test_a_folder_location_must_be_usable(signed_in, location, message):
    response = signed_in.post(
        reverse("plans:target_create"), {"name": "X", "kind": "folder", "location": location}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not OffsiteTarget.objects.exists()


def test_a_mount_point_is_refused_a_folder_on_the_drive_is_not(signed_in, share, monkeypatch):
    # The mount point stays, empty, when the drive is unplugged: copies would land there.
    real_ismount = os.path.ismount
    monkeypatch.setattr(os.path, "ismount", lambda path: Path(path) == share or real_ismount(path))
    response = signed_in.post(
        reverse("plans:target_create"), {"name": "X", "kind": "folder", "location": str(share)}
    )
    assert response.status_code == 400
    assert f"{share} is a mount point: choose a folder on the drive" in response.content.decode()
    assert not OffsiteTarget.objects.exists()
    (share / "standby").mkdir()
    response = signed_in.post(
        reverse("plans:target_create"),
        {"name": "X", "kind": "folder", "location": str(share / "standby")},
    )
    assert response.status_code == 302
    assert OffsiteTarget.objects.get().location == str(share / "standby")


def test_an_unplugged_drive_is_a_failed_copy_with_the_reason(signed_in, plan, manager, share):
    approve(plan, 1, manager)
    target = OffsiteTarget.objects.create(name="USB", location=str(share / "standby"))
    response = signed_in.post(reverse("plans:target_copy", args=[target.pk]), follow=True)
    errors = [m for m in _messages(response) if m.startswith("it-recovery v1:")]
    assert "is missing: is the drive mounted" in errors[0]
    assert list(share.iterdir()) == []
    page = signed_in.get(reverse("plans:target_list")).content.decode()
    assert 'data-testid="copy-error"' in page


def test_a_folder_inside_the_data_folder_or_the_code_is_refused(signed_in, settings):
    exports = Path(settings.DATA_DIR) / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    code = Path(django_settings.BASE_DIR)
    cases = [
        (exports, "inside Standby&#x27;s data folder"),
        (Path(settings.DATA_DIR), "inside Standby&#x27;s data folder"),
        (code / "plans", "inside Standby&#x27;s code"),
        (Path(settings.DATA_DIR).parent, "contains Standby&#x27;s data folder"),
        (Path("/"), "contains Standby&#x27;s"),
    ]
    for location, message in cases:
        response = signed_in.post(
            reverse("plans:target_create"),
            {"name": "X", "kind": "folder", "location": str(location)},
        )
        assert response.status_code == 400, location
        assert message in response.content.decode(), location
    assert not OffsiteTarget.objects.exists()


def test_a_symlink_into_the_data_folder_is_refused(signed_in, settings, tmp_path):
    link = tmp_path / "innocent"
    link.symlink_to(Path(settings.DATA_DIR), target_is_directory=True)
    response = signed_in.post(
        reverse("plans:target_create"), {"name": "X", "kind": "folder", "location": str(link)}
    )
    assert response.status_code == 400
    assert "data folder" in response.content.decode()


@pytest.mark.parametrize(
    ("kind", "location", "endpoint", "message"),
    [
        ("folder", "{share}", "https://s3.example.org", "Only an S3 target has an endpoint"),
        ("s3", "bucket/prefix", "", "starts with s3://"),
        ("s3", "s3://Not_A_Bucket/x", "", "is not a valid bucket name"),
        ("s3", "s3://plans/../x", "", "may not contain empty"),
        ("s3", "s3://plans/x", "ftp://s3.example.org", "The endpoint is an http"),
    ],
)
def test_target_fields_are_checked(signed_in, share, kind, location, endpoint, message):
    response = signed_in.post(
        reverse("plans:target_create"),
        {
            "name": "X",
            "kind": kind,
            "location": location.format(share=share),
            "endpoint_url": endpoint,
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not OffsiteTarget.objects.exists()


def test_an_s3_target_is_saved_without_touching_the_network(signed_in):
    response = signed_in.post(
        reverse("plans:target_create"),
        {
            "name": "Bucket",
            "kind": "s3",
            "location": "s3://standby-plans/copies/",
            "endpoint_url": "http://127.0.0.1:9",
        },
    )
    assert response.status_code == 302
    assert OffsiteTarget.objects.get().kind == TargetKind.S3


def test_renaming_a_target_whose_drive_is_unplugged_still_works(signed_in, share):
    target = OffsiteTarget.objects.create(name="USB", location=str(share))
    shutil.rmtree(share)
    url = reverse("plans:target_update", args=[target.pk])
    data = {"name": "USB stick", "kind": "folder", "location": str(share), "active": "on"}
    assert signed_in.post(url, data).status_code == 302
    assert OffsiteTarget.objects.get().name == "USB stick"
    data["location"] = str(share) + "-elsewhere"
    response = signed_in.post(url, data)
    assert response.status_code == 400
    assert "is not a folder" in response.content.decode()


def test_deactivating_keeps_the_history_and_stops_copies(signed_in, plan, manager, share):
    target = OffsiteTarget.objects.create(name="Share", location=str(share))
    copy_version(approve(plan, 1, manager))
    url = reverse("plans:target_deactivate", args=[target.pk])
    assert "Deactivate Share?" in signed_in.get(url).content.decode()
    assert signed_in.post(url).status_code == 302
    target.refresh_from_db()
    assert not target.active
    assert target.copies.count() == 1
    copy_version(approve(plan, 2, manager))
    assert target.copies.count() == 1
    assert outdated_warnings() == []  # an inactive target warns nobody
    response = signed_in.post(reverse("plans:target_copy", args=[target.pk]), follow=True)
    assert any("not active" in m for m in _messages(response))


# -- copy now, check now -----------------------------------------------------------------------


def test_copy_now_brings_a_new_target_up_to_date(signed_in, plan, manager, share):
    approve(plan, 1, manager)
    target = OffsiteTarget.objects.create(name="Share", location=str(share))
    assert outdated_warnings()[0].holding.held is None
    url = reverse("plans:target_copy", args=[target.pk])
    assert signed_in.get(url).status_code == 200
    before = AuditEntry.objects.count()
    response = signed_in.post(url, follow=True)
    assert response.status_code == 200
    assert any("Copied and verified: it-recovery v1" in m for m in _messages(response))
    assert verify_export(share / "it-recovery" / "v1") == []
    assert AuditEntry.objects.count() == before + 1  # the copy record, by the manager
    assert AuditEntry.objects.order_by("-id").first().actor_name == "manager"
    assert outdated_warnings() == []


def test_an_os_error_during_copy_now_is_a_message_not_a_500(signed_in, plan, manager, share):
    approve(plan, 1, manager)
    target = OffsiteTarget.objects.create(name="Share", location=str(share))
    (share / "it-recovery").write_text("a file where the plan's folder goes")
    response = signed_in.post(reverse("plans:target_copy", args=[target.pk]), follow=True)
    assert response.status_code == 200
    errors = [m for m in _messages(response) if m.startswith("it-recovery v1:")]
    assert errors
    assert "Could not copy to" in errors[0]
    page = signed_in.get(reverse("plans:target_list")).content.decode()
    assert 'data-testid="copy-error"' in page


def test_check_now_finds_a_changed_file_and_flags_the_target(signed_in, plan, manager, share):
    target = OffsiteTarget.objects.create(name="Share", location=str(share))
    copy_version(approve(plan, 1, manager))
    url = reverse("plans:target_check", args=[target.pk])
    response = signed_in.post(url, follow=True)
    assert any("Read back and verified: it-recovery v1" in m for m in _messages(response))
    assert not target_statuses()[0].outdated
    (share / "it-recovery" / "v1" / "plan.html").write_text("<p>changed</p>")
    response = signed_in.post(url, follow=True)
    assert any("plan.html has changed" in m for m in _messages(response))
    assert target_statuses()[0].outdated
    record = OffsiteCopy.objects.order_by("-pk").first()
    assert record.check_only
    assert "plan.html has changed" in record.error
    page = signed_in.get(target.get_absolute_url()).content.decode()
    assert ">check<" in page
    # Copying again repairs it.
    signed_in.post(reverse("plans:target_copy", args=[target.pk]))
    assert not target_statuses()[0].outdated


def test_copy_now_with_nothing_approved_says_so(signed_in, share):
    target = OffsiteTarget.objects.create(name="Share", location=str(share))
    response = signed_in.post(reverse("plans:target_copy", args=[target.pk]), follow=True)
    assert any("No approved plan version" in m for m in _messages(response))


# -- warnings elsewhere ------------------------------------------------------------------------


def test_the_dashboard_and_the_plan_page_warn_of_outdated_targets(signed_in, plan, manager, share):
    target = OffsiteTarget.objects.create(name="Share", location=str(share))
    other = Plan.objects.create(key="other", title="Other plan")
    copy_version(approve(plan, 1, manager))
    copy_version(approve(other, 1, manager))
    assert 'data-testid="offsite-warning"' not in signed_in.get("/").content.decode()
    approve(plan, 2, manager)
    home = signed_in.get("/").content.decode()
    assert 'data-testid="offsite-warning"' in home
    assert "holds v1, v2 is approved" in home
    assert target.get_absolute_url() in home
    page = signed_in.get(plan.get_absolute_url()).content.decode()
    assert 'data-testid="offsite-warning"' in page
    assert 'data-testid="offsite-warning"' not in (
        signed_in.get(other.get_absolute_url()).content.decode()
    )


def test_the_plan_list_links_to_the_off_site_copies(signed_in):
    page = signed_in.get(reverse("plans:plan_list")).content.decode()
    assert reverse("plans:target_list") in page
