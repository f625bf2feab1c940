"""Downloading an approved version's exports from the version page: each file by its manifest
name (bytes as in the folder, as an attachment with its type), nothing else, the ZIP that
``verify-export`` accepts, a wiped folder written again (audited)."""

from __future__ import annotations

import io
import json
import shutil
import zipfile

import pytest
from django.urls import reverse

from standby.common.models import AuditEntry
from standby.plans import services
from standby.plans.exports import ALL_FILES, downloads, export_dir
from standby.plans.exports.manifest import verify_export

TYPES = {
    "plan.pdf": "application/pdf",
    "plan.html": "text/html; charset=utf-8",
    "plan.json": "application/json",
    "manifest.json": "application/json",
}


@pytest.fixture
def approved(small, django_capture_on_commit_callbacks):
    """Version 1 of the small plan, approved; its exports written by the approval hook."""
    version = services.plan_submit(actor=small["manager"], plan=small["plan"])
    with django_capture_on_commit_callbacks(execute=True):
        version = services.version_approve(actor=small["manager"], version=version)
    assert export_dir(small["plan"].key, 1).is_dir()
    return version


def _file_url(version, name: str) -> str:
    return reverse("plans:version_export_file", args=[version.plan.key, version.number, name])


def _zip_url(version) -> str:
    return reverse("plans:version_export_zip", args=[version.plan.key, version.number])


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_version_page_lists_every_file_with_its_size_and_sha256(approved, client):
    client.force_login(approved.approved_by)
    page = client.get(approved.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    folder = export_dir(approved.plan.key, approved.number)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert set(manifest["files"]) == {"plan.pdf", "plan.html", "plan.json"}
    for name, entry in manifest["files"].items():
        assert entry["sha256"] in html
        assert _file_url(approved, name) in html
    for name in ("manifest.json", "manifest.sig", "signing-key.pub"):
        assert _file_url(approved, name) in html
    assert _zip_url(approved) in html
    assert "Checked: checksums and signature match" in html


def test_each_file_downloads_as_an_attachment_with_its_bytes_and_type(approved, client):
    client.force_login(approved.approved_by)
    folder = export_dir(approved.plan.key, approved.number)
    for name in ALL_FILES:
        response = client.get(_file_url(approved, name))
        assert response.status_code == 200, name
        assert _body(response) == (folder / name).read_bytes(), name
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;"), name
        assert f"critical-v1-{name}" in disposition
        if name in TYPES:
            assert response["Content-Type"] == TYPES[name]
        assert response["X-Content-Type-Options"] == "nosniff"
    html = client.get(_file_url(approved, "plan.html"))
    # The offline plan never renders in the app's origin: an attachment, sandboxed if opened.
    assert html["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in html["Content-Security-Policy"]


def test_a_name_the_manifest_does_not_list_is_404_even_when_the_file_exists(approved, client):
    client.force_login(approved.approved_by)
    folder = export_dir(approved.plan.key, approved.number)
    (folder / "notes.txt").write_text("not in the manifest")
    for name in ("notes.txt", "plan.PDF", "plan.pdf.bak", ".lock", "v1"):
        assert client.get(_file_url(approved, name)).status_code == 404, name


TRICKS = [
    "..",
    "%2e%2e",
    "..%2Fv1%2Fplan.pdf",
    "..%2F..%2F..%2Fkeys%2Fexport-signing.key",
    "%2e%2e%2f%2e%2e%2f%2e%2e%2fkeys%2fexport-signing.key",
    "..%5C..%5Ckeys%5Cexport-signing.key",
    "plan.pdf%00",
    "%2Fetc%2Fpasswd",
]


def test_path_tricks_are_404(approved, client):
    client.force_login(approved.approved_by)
    base = reverse("plans:version_export_zip", args=[approved.plan.key, 1]).removesuffix(".zip")
    for tail in TRICKS:
        response = client.get(f"{base}/{tail}")
        assert response.status_code == 404, tail
        assert b"PRIVATE KEY" not in _body(response), tail


def test_a_manifest_naming_a_file_outside_the_folder_serves_nothing_outside(approved, client):
    """A tampered manifest (which no longer verifies) cannot make the view leave the folder."""
    client.force_login(approved.approved_by)
    folder = export_dir(approved.plan.key, approved.number)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["../../../keys/export-signing.key"] = {"sha256": "0" * 64, "bytes": 1}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    url = _file_url(approved, "x").removesuffix("x") + "..%2F..%2F..%2Fkeys%2Fexport-signing.key"
    assert client.get(url).status_code == 404
    export = downloads.version_export_ensure(actor=approved.approved_by, version=approved)
    assert downloads.servable(export, "../../../keys/export-signing.key") is None
    assert "../../../keys/export-signing.key" not in {f.name for f in export.files}
    page = client.get(approved.get_absolute_url()).content.decode()
    assert "Check failed" in page
    # Reported, not quietly replaced by a fresh export.
    assert "keys/export-signing.key" in (folder / "manifest.json").read_text()


def test_the_zip_unzips_into_a_folder_verify_export_accepts(approved, client, tmp_path):
    client.force_login(approved.approved_by)
    response = client.get(_zip_url(approved))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="critical-v1.zip"' in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(_body(response))) as archive:
        assert sorted(archive.namelist()) == sorted(f"critical/v1/{n}" for n in ALL_FILES)
        archive.extractall(tmp_path)
    assert verify_export(tmp_path / "critical" / "v1") == []


def test_a_wiped_export_folder_is_written_again_once_and_audited(small, client, tmp_path):
    manager = small["manager"]
    version = services.plan_submit(actor=manager, plan=small["plan"])
    version = services.version_approve(actor=manager, version=version)  # hooks not run
    folder = export_dir(small["plan"].key, 1)
    assert not folder.exists()
    client.force_login(manager)
    before = AuditEntry.objects.filter(object_type="plans.planversion", action="event").count()
    response = client.get(_file_url(version, "plan.json"))
    assert response.status_code == 200
    assert _body(response) == (folder / "plan.json").read_bytes()
    assert verify_export(folder) == []
    entries = AuditEntry.objects.filter(object_type="plans.planversion", action="event")
    assert entries.count() == before + 1
    assert entries.order_by("id").last().changes["exports"][0] == "the export folder was missing"
    # Once there, it is served as it is.
    assert client.get(_zip_url(version)).status_code == 200
    assert entries.count() == before + 1
    shutil.rmtree(folder)
    page = client.get(version.get_absolute_url()).content.decode()
    assert "was written again" in page
    assert folder.is_dir()


def test_a_changed_file_is_reported_and_not_written_over(approved, client):
    client.force_login(approved.approved_by)
    path = export_dir(approved.plan.key, approved.number) / "plan.json"
    path.write_text("{}\n")
    page = client.get(approved.get_absolute_url()).content.decode()
    assert "Check failed" in page
    assert "plan.json has changed" in page
    assert path.read_text() == "{}\n"


def test_a_version_in_review_has_no_downloads(small, client):
    version = services.plan_submit(actor=small["manager"], plan=small["plan"])
    client.force_login(small["manager"])
    assert client.get(_file_url(version, "plan.pdf")).status_code == 404
    assert client.get(_zip_url(version)).status_code == 404
    page = client.get(version.get_absolute_url()).content.decode()
    assert "written when this version is approved" in page
    assert not export_dir(small["plan"].key, version.number).exists()


def test_every_reader_downloads_and_an_anonymous_visitor_is_sent_to_sign_in(
    approved, client, make_user
):
    client.force_login(make_user("viewer", "val"))
    assert client.get(_file_url(approved, "plan.pdf")).status_code == 200
    client.logout()
    for url in (_file_url(approved, "plan.pdf"), _zip_url(approved)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_downloads_are_read_only(approved, client):
    client.force_login(approved.approved_by)
    assert client.post(_file_url(approved, "plan.pdf")).status_code == 405
    assert client.post(_zip_url(approved)).status_code == 405


def test_each_plan_has_its_own_folder_under_the_exports_root(tmp_path):
    assert export_dir("it-recovery", 2, root=tmp_path) == tmp_path / "it-recovery" / "v2"
    assert export_dir("v1.2", 1, root=tmp_path) == tmp_path / "v1.2" / "v1"


@pytest.mark.parametrize("key", ["..", ".", "", "../other", "a/b", "/etc", "../../.."])
def test_an_export_folder_never_leaves_the_exports_root(tmp_path, key):
    """Ids are validated before they are stored, but a folder name is not trusted to them."""
    root = tmp_path / "data" / "exports"
    with pytest.raises(ValueError, match="not a folder inside"):
        export_dir(key, 1, root=root)
