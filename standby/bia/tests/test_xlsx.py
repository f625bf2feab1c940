"""The XLSX questionnaire: layout, round trip, every bad upload refused by cell (DB unchanged)."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from standby.bia import campaigns
from standby.bia.choices import RecordStatus, TaskStatus
from standby.bia.models import BiaRecord, CampaignTask
from standby.bia.tests.helpers import answered, person, process, table
from standby.common.models import AuditEntry
from standby.inventory import services as inventory
from standby.inventory.models import Node

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(manager: Any, make_user: Any) -> CampaignTask:
    owner = person(manager, "olive", "olive@example.org")
    user = make_user("service_owner", "olive")
    user.email = "OLIVE@example.org"
    user.save()
    pay = process(manager, "pay", owner=owner)
    inventory.node_save(actor=manager, node=Node(key="erp", kind="service", name="ERP"))
    campaign, _ = campaigns.campaign_start(
        actor=manager,
        name="Review",
        due_on=timezone.localdate() + dt.timedelta(days=7),
        nodes=[pay],
        base_url="http://testserver",
    )
    return campaign.tasks.select_related("record__node").get()


@pytest.fixture
def owner_client(client: Any, task: CampaignTask) -> Any:
    from standby.accounts.models import User

    client.force_login(User.objects.get(username="olive"))
    return client


def download(client: Any, task: CampaignTask) -> Any:
    response = client.get(reverse("bia:task_download", args=[task.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def fill(workbook: Any) -> Any:
    """Answer everything: level 1 everywhere, financial rising to 5, objectives and resources."""
    impact = workbook["Impact"]
    for row in range(8, 14):
        for col in range(3, 10):
            impact.cell(row=row, column=col, value=1)
    for col, level in zip(range(3, 10), [0, 1, 2, 4, 5, 5, 5], strict=True):
        impact.cell(row=8, column=col, value=level)  # financial: intolerable (4) at 3 d
    for col, money in zip(range(3, 10), [0, 500, 5000, 50000, 200000, 1e6, 2e6], strict=True):
        impact.cell(row=14, column=col, value=money)
    objectives = workbook["Objectives"]
    answers = {
        4: (8, "Payroll runs overnight"),
        5: (2, "Timesheets re-entered by hand"),
        6: (4, "Checking the run"),
        7: (50, "Pay the hourly staff first"),
    }
    for row, (value, reason) in answers.items():
        objectives.cell(row=row, column=3, value=value)
        objectives.cell(row=row, column=4, value=reason)
    objectives["C9"] = "Staff unpaid; union complaints"
    objectives["C11"] = 2
    objectives["C12"] = "Payroll officer"
    objectives["C14"] = "erp"
    return workbook


def as_upload(workbook: Any, name: str = "answers.xlsx") -> SimpleUploadedFile:
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def upload(client: Any, task: CampaignTask, file: Any) -> Any:
    return client.post(reverse("bia:task_upload", args=[task.pk]), {"file": file})


def test_the_questionnaire_has_the_grid_dropdowns_legend_and_locked_layout(owner_client, task):
    workbook = download(owner_client, task)
    assert workbook.sheetnames == ["Impact", "Objectives", "Levels"]
    impact = workbook["Impact"]
    assert impact["B2"].value == "pay"
    assert impact["B3"].value == task.pk
    assert [impact.cell(row=7, column=c).value for c in range(3, 10)] == [
        "1 h", "4 h", "24 h", "3 d", "7 d", "14 d", "28 d"
    ]  # fmt: skip
    assert [impact.cell(row=r, column=1).value for r in range(8, 15)] == [
        "financial", "operational", "customer", "reputational", "legal", "health_safety", "money"
    ]  # fmt: skip
    dropdowns = [dv for dv in impact.data_validations.dataValidation if dv.type == "list"]
    assert dropdowns
    assert dropdowns[0].formula1 == '"0,1,2,3,4,5"'
    assert "C8:I13" in str(dropdowns[0].sqref)
    assert impact.protection.sheet
    assert workbook.security.lockStructure
    assert impact["C8"].protection.locked is False  # answer cell
    assert impact["A8"].protection.locked is not False  # structure
    objectives = workbook["Objectives"]
    assert [objectives.cell(row=r, column=1).value for r in (4, 5, 6, 7)] == [
        "rto", "rpo", "wrt", "mbco"
    ]  # fmt: skip
    legend = workbook["Levels"]
    texts = {cell.value for row in legend.iter_rows() for cell in row}
    assert {"Catastrophic", "Loss of life", "Health and safety"} <= texts


def test_the_questionnaire_is_prefilled_with_the_current_answers(owner_client, task, manager):
    erp = Node.objects.get(key="erp")
    answered(
        manager,
        task.record.node,
        impacts=table(legal=[0, 0, 1, 2, 3, 4, 5]),
        rto=12.0,
        rto_reason="Month end",
        min_services=[erp],
    )
    workbook = download(owner_client, task)
    assert [workbook["Impact"].cell(row=12, column=c).value for c in range(3, 10)] == [
        0, 0, 1, 2, 3, 4, 5
    ]  # fmt: skip
    assert workbook["Objectives"]["C4"].value == 12
    assert workbook["Objectives"]["D4"].value == "Month end"
    assert workbook["Objectives"]["C14"].value == "erp"
    assert workbook["Impact"]["B5"].value == BiaRecord.objects.get().revision


def test_round_trip_updates_the_record_and_submits_the_task(owner_client, task):
    revision = task.record.revision
    response = upload(owner_client, task, as_upload(fill(download(owner_client, task))))
    assert response.status_code == 302, response.content.decode()[:2000]
    record = BiaRecord.objects.get()
    assert record.revision > revision
    assert record.impacts["financial"] == [0, 1, 2, 4, 5, 5, 5]
    assert record.impacts["legal"] == [1] * 7
    assert record.losses[-1] == 2e6
    assert (record.rto, record.rpo, record.wrt, record.mbco) == (8.0, 2.0, 4.0, 50)
    assert record.rto_reason == "Payroll runs overnight"
    assert record.damage_form == "Staff unpaid; union complaints"
    assert record.min_staff == 2
    assert list(record.min_services.values_list("key", flat=True)) == ["erp"]
    assert record.status == RecordStatus.SUBMITTED
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED
    assert task.answered_at


def _set(sheet: str, cell: str, value: Any) -> Callable[[Any], None]:
    def change(workbook: Any) -> None:
        workbook[sheet][cell] = value

    return change


def _delete_row(workbook: Any) -> None:
    workbook["Impact"].delete_rows(10)


def _rename(workbook: Any) -> None:
    workbook["Impact"].title = "Sheet1"


BAD = {
    "level 7": (_set("Impact", "D9", 7), ["Impact!D9: level 7 is not between 0 and 5"]),
    "text level": (_set("Impact", "E8", "high"), ["Impact!E8: “high” is not a level"]),
    "text hours": (_set("Objectives", "C5", "two"), ["Objectives!C5: “two” is not a number"]),
    "formula": (_set("Impact", "F10", "=1+1"), ["Impact!F10: holds a formula"]),
    "blank level": (_set("Impact", "C13", None), ["Impact!C13: no level"]),
    "percent": (_set("Objectives", "C7", 150), ["Objectives!C7: 150 is not a whole percentage"]),
    "missing row": (_delete_row, ["Impact!A10: expected the row of category “customer”"]),
    "wrong task": (_set("Impact", "B3", 99999), ["Impact!B3: this questionnaire is for campaign"]),
    "wrong record": (_set("Impact", "B2", "web"), ["Impact!B2: this questionnaire is for process"]),
    "wrong sheet": (_rename, ["no sheet “Impact”"]),
    "unknown service": (_set("Objectives", "C14", "nope"), ["Objectives!C14: no IT service"]),
    "two problems": (
        lambda wb: (_set("Impact", "D9", 7)(wb), _set("Objectives", "C4", "x")(wb)),
        ["Impact!D9: level 7", "Objectives!C4: “x”"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_questionnaire_names_the_cells_and_changes_nothing(owner_client, task, case):
    change, expected = BAD[case]
    workbook = fill(download(owner_client, task))
    change(workbook)
    revision, audit_count = BiaRecord.objects.get().revision, AuditEntry.objects.count()
    response = upload(owner_client, task, as_upload(workbook))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved" in page
    for text in expected:
        assert text in page, (text, response.context["problems"])
    assert BiaRecord.objects.get().revision == revision
    assert AuditEntry.objects.count() == audit_count
    task.refresh_from_db()
    assert task.status == TaskStatus.PENDING


def test_a_questionnaire_from_an_older_revision_is_refused(owner_client, task, manager):
    workbook = fill(download(owner_client, task))
    answered(manager, task.record.node)  # someone saved in between
    revision, audit_count = BiaRecord.objects.get().revision, AuditEntry.objects.count()
    response = upload(owner_client, task, as_upload(workbook))
    assert response.status_code == 400
    assert "Someone else saved this BIA" in response.content.decode()
    assert BiaRecord.objects.get().revision == revision
    assert AuditEntry.objects.count() == audit_count


def test_an_rto_beyond_the_mtpd_is_refused_at_its_cell(owner_client, task):
    workbook = fill(download(owner_client, task))
    workbook["Objectives"]["C4"] = 100  # MTPD is 3 d (financial reaches 4 at 3 d)
    response = upload(owner_client, task, as_upload(workbook))
    assert response.status_code == 400
    assert "Objectives!C4: The RTO (4 d 4 h) is beyond the MTPD (3 d)" in response.content.decode()


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (150 * 1024 * 1024))
    return out.getvalue()


def _huge() -> bytes:
    return b"PK\x03\x04" + b"x" * (3 * 1024 * 1024)


def _text() -> bytes:
    return b"id,name\r\npay,Pay staff\r\n"


def _empty_workbook() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (_zip_bomb, "possible zip bomb"),
        (_huge, "a questionnaire is"),
        (_text, "not an XLSX workbook"),
        (_empty_workbook, "no sheet “Impact”"),
        (lambda: b"PK\x03\x04broken", "not a valid XLSX"),
    ],
    ids=["zip bomb", "huge", "csv", "other workbook", "broken zip"],
)
def test_hostile_files_are_refused_quickly(owner_client, task, make, expected):
    data = make()
    audit_count = AuditEntry.objects.count()
    began = time.monotonic()
    response = upload(owner_client, task, SimpleUploadedFile("answers.xlsx", data))
    assert time.monotonic() - began < 5
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert AuditEntry.objects.count() == audit_count


def test_an_approved_task_takes_no_more_uploads(owner_client, task, manager):
    first = upload(owner_client, task, as_upload(fill(download(owner_client, task))))
    assert first.status_code == 302
    task.refresh_from_db()
    campaigns.task_approve(actor=manager, task=task)
    response = upload(owner_client, task, as_upload(fill(download(owner_client, task))))
    assert response.status_code == 400
    assert "closed" in response.content.decode()
