"""Hostile and awkward files: each refused quickly, with a clear message, and nothing changed."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from standby.common.uploads import upload_dir
from standby.inventory.models import Person, Team
from standby.inventory.tabular import reading
from standby.inventory.tabular.plan import plan_import
from standby.inventory.tabular.reading import FileRejectedError, read_table
from standby.inventory.tests.test_tabular_import import csv_bytes, state


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def with_extra_part(data: bytes, name: str, content: bytes, method: int) -> bytes:
    """``data`` (a zip) with one more member."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr(zipfile.ZipInfo(name), content, compress_type=method)
    return out.getvalue()


PEOPLE = [["id", "name"], ["zoe", "Zoe"]]


def hostile_files() -> list[tuple[str, str, bytes, str]]:
    """(case, file name, content, expected words in the refusal)."""
    return [
        (
            "latin-1",
            "people.csv",
            b"id,name\r\nzoe,Zo\xe9\r\n",
            "not UTF-8: the byte at offset 15 (0xe9)",
        ),
        ("nul", "people.csv", b"id,name\r\nzoe,Z\x00oe\r\n", "NUL byte at byte offset 14"),
        (
            "huge cell",
            "people.csv",
            csv_bytes("id,name", "zoe," + "x" * 32_768),
            "holds 32,768 characters; the limit is 32,767",
        ),
        (
            "too many rows",
            "people.csv",
            csv_bytes("id,name", *[f"p-{i},P" for i in range(100_001)]),
            "more than 100,000 rows",
        ),
        (
            "zip bomb",
            "people.xlsx",
            with_extra_part(
                xlsx(PEOPLE),
                "xl/media/padding.bin",
                b"\0" * (8 * 1024 * 1024),
                zipfile.ZIP_DEFLATED,
            ),
            "xl/media/padding.bin expands",
        ),
        (
            "external link",
            "people.xlsx",
            with_extra_part(
                xlsx(PEOPLE),
                "xl/externalLinks/externalLink1.xml",
                b"<externalLink/>",
                zipfile.ZIP_DEFLATED,
            ),
            "links to other workbooks",
        ),
        (
            "formula",
            "people.xlsx",
            xlsx([["id", "name"], ["zoe", "Zoe"], ["yan", '=HYPERLINK("http://x","y")']]),
            "Cell B3 holds a formula",
        ),
        ("broken zip", "people.xlsx", b"PK\x03\x04 this is not a zip", "not a valid XLSX"),
        (
            "not a workbook",
            "people.xlsx",
            with_extra_part(_empty_zip(), "a.txt", b"a", 0),
            "not an XLSX",
        ),
    ]


def _empty_zip() -> bytes:
    out = io.BytesIO()
    zipfile.ZipFile(out, "w").close()
    return out.getvalue()


@pytest.fixture
def editor(client, manager):
    client.force_login(manager)
    return client


def upload(client, name: str, data: bytes):
    return client.post(
        reverse("inventory:tabular_import"),
        {"entity": "people", "file": SimpleUploadedFile(name, data)},
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "name", "data", "words"), [pytest.param(*f, id=f[0]) for f in hostile_files()]
)
def test_hostile_files_are_refused_with_a_clear_message(editor, case, name, data, words):
    before, pending = state(), set(upload_dir().glob("*"))
    started = time.monotonic()
    response = upload(editor, name, data)
    elapsed = time.monotonic() - started
    assert response.status_code == 200, case
    page = response.content.decode()
    assert "File refused" in page, case
    assert words.replace("'", "&#x27;") in page, case
    assert state() == before
    assert set(upload_dir().glob("*")) == pending  # nothing kept for a preview
    assert not Person.objects.exists()
    assert elapsed < 5, f"{case}: {elapsed:.1f} s"


@pytest.mark.django_db
def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(editor):
    before = state()
    response = upload(editor, "people.csv", b"id,name\r\n" + b"x" * reading.MAX_UPLOAD_BYTES)
    page = response.content.decode()
    assert "the limit is 20 MB" in page
    assert state() == before


def test_the_size_limit_holds_without_the_web_layer_too():
    with pytest.raises(FileRejectedError, match="the limit is 20 MB"):
        read_table(b"x" * (reading.MAX_UPLOAD_BYTES + 1))


def test_the_total_expanded_size_of_a_workbook_is_bounded(monkeypatch):
    monkeypatch.setattr(reading, "XLSX_MAX_UNCOMPRESSED", 1000)
    with pytest.raises(FileRejectedError, match=r"expands to .* MB; the limit is"):
        read_table(xlsx(PEOPLE))


def test_too_many_parts_in_a_workbook_is_refused(monkeypatch):
    monkeypatch.setattr(reading, "XLSX_MAX_MEMBERS", 3)
    with pytest.raises(FileRejectedError, match="parts; the limit is 3"):
        read_table(xlsx(PEOPLE))


def test_utf8_with_a_bom_and_csv_formulas_are_plain_data(db, manager):
    data = '\ufeffid,name,email\r\nzoe,=HYPERLINK("http://x";"y"),\r\n'.encode()
    plan = plan_import("people", read_table(data))
    assert plan.ok, plan.problems
    assert plan.rows[0].instance.name == '=HYPERLINK("http://x";"y")'


def test_a_latin1_offset_counts_the_bom():
    with pytest.raises(FileRejectedError, match=r"offset 12 \(0xe9\)"):
        read_table(b"\xef\xbb\xbfid,name\r\n\xe9")


@pytest.mark.django_db
def test_an_xlsx_sheet_imports_numbers_and_dates(editor, manager):
    from standby.inventory import services

    services.person_save(actor=manager, person=Person(key="alice", name="Alice"))
    workbook = xlsx(
        [
            ["Id", "Name", "Leaves_On"],
            ["bob", "Bob", dt.date(2027, 6, 30)],
            [None, None, None],  # blank rows are skipped; row numbers stay the sheet's
            ["carl", "Carl", "not a date"],
        ]
    )
    plan = plan_import("people", read_table(workbook, "people.xlsx"))
    assert [(p.row, p.column) for p in plan.problems] == [(4, "leaves_on")]
    assets = xlsx([["id", "name", "type", "recovery_time"], ["srv", "Server", "hardware", 4]])
    plan = plan_import("assets", read_table(assets, "assets.xlsx"))
    assert plan.rows[0].instance.recovery_time == 4.0
    teams = xlsx([["id", "name", "members"], ["crisis", "Crisis team", "alice:leader"]])
    preview = editor.post(
        reverse("inventory:tabular_import"),
        {"entity": "teams", "file": SimpleUploadedFile("teams.xlsx", teams)},
    )["Location"]
    assert editor.post(preview).status_code == 302
    assert Team.objects.get(key="crisis").memberships.get().person.key == "alice"
