"""The import pages through Django's test client: upload → preview → confirm."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from standby.common.uploads import upload_dir
from standby.inventory.models import Node, Person
from standby.inventory.tests.test_tabular_import import csv_bytes, state

IMPORT = reverse("inventory:tabular_import")


def upload(client, entity: str, data: bytes, name: str = "sheet.csv"):
    return client.post(IMPORT, {"entity": entity, "file": SimpleUploadedFile(name, data)})


def pending_files() -> list:
    return sorted(upload_dir().glob("*.upload"))


@pytest.fixture
def editor(client, manager):
    client.force_login(manager)
    for path in pending_files():
        path.unlink()
    return client


@pytest.mark.django_db
def test_upload_preview_confirm_creates_the_rows(editor):
    before = state()
    response = upload(editor, "people", csv_bytes("id,name,email", "ann,Ann,ann@example.org"))
    assert response.status_code == 302
    preview_url = response["Location"]
    assert len(pending_files()) == 1
    preview = editor.get(preview_url)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "1 to create" in page
    assert "ann@example.org" in page
    assert state() == before  # the preview writes nothing
    done = editor.post(preview_url)
    assert done.status_code == 302
    assert Person.objects.get(key="ann").email == "ann@example.org"
    assert pending_files() == []  # the upload is deleted after the import
    # the same token cannot import twice
    again = editor.post(preview_url)
    assert "no longer waiting" in again.content.decode()
    assert Person.objects.filter(key="ann").count() == 1


@pytest.mark.django_db
def test_preview_lists_errors_by_row_and_column_and_confirm_writes_nothing(editor):
    data = csv_bytes("id,name,type,requires", "ok-1,Fine,data,", "x-1,X,gizmo,nowhere")
    preview_url = upload(editor, "assets", data)["Location"]
    page = editor.get(preview_url).content.decode()
    problems = re.search(r'<table[^>]*id="problems".*?</table>', page, re.S)
    assert problems is not None
    rows = re.findall(
        r"<tr><td>(\d+)</td><td><code>(\w+)</code></td><td>(.*?)</td></tr>", problems.group(0)
    )
    assert [(r, c) for r, c, _ in rows] == [("3", "type"), ("3", "requires")]
    assert "&#x27;gizmo&#x27; is not one of" in rows[0][2]
    assert "Unknown id &#x27;nowhere&#x27;" in rows[1][2]
    assert 'type="submit">Import' not in page  # no confirm button while there are errors
    before = state()
    editor.post(preview_url)
    assert state() == before
    assert not Node.objects.filter(key="ok-1").exists()


@pytest.mark.django_db
def test_a_new_upload_replaces_the_pending_one(editor):
    first = upload(editor, "people", csv_bytes("id,name", "a,A"))["Location"]
    second = upload(editor, "people", csv_bytes("id,name", "b,B"))["Location"]
    assert first != second
    assert len(pending_files()) == 1
    assert "no longer waiting" in editor.get(first).content.decode()
    editor.post(second)
    assert list(Person.objects.values_list("key", flat=True)) == ["b"]


@pytest.mark.django_db
def test_another_session_cannot_use_the_token(editor, make_user):
    preview_url = upload(editor, "people", csv_bytes("id,name", "a,A"))["Location"]
    other = Client()
    other.force_login(make_user("deputy"))
    assert "no longer waiting" in other.post(preview_url).content.decode()
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_viewers_cannot_upload(client, make_user):
    client.force_login(make_user("viewer"))
    response = upload(client, "people", csv_bytes("id,name", "a,A"))
    assert response.status_code == 403
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_the_template_csv_has_the_header_row(editor):
    response = editor.get(reverse("inventory:tabular_template", args=["teams"]))
    assert response.content == b"id,name,members\r\n"
