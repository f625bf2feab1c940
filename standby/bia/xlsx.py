"""The BIA questionnaire as an XLSX workbook: written pre-filled, read back cell by cell.

One workbook per campaign task (one process or service). Three sheets:

* ``Impact``: the ids that tie the file to its task (locked), then the category × horizon grid of
  levels 0–5 (dropdowns) and one row of money lost at each horizon.
* ``Objectives``: RTO, RPO, WRT and MBCO with their reasons, the form and growth of the damage
  and the minimum resources, one answer per row.
* ``Levels``: the legend, what each level means in each category.

Only answer cells are unlocked; the sheets are protected and the workbook structure is locked, so
a spreadsheet program keeps the layout. Reading never trusts that: every cell is checked, every
problem is reported with its cell reference, and the whole file is refused on any problem.
Nothing here touches the database.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from standby.analysis.bia import format_hours
from standby.inventory.tabular.reading import FileRejectedError, inspect_zip

MAX_QUESTIONNAIRE_BYTES = 2 * 1024 * 1024
MAX_TEXT_CHARS = 10_000
MAX_LEVEL = 5

IMPACT = "Impact"
OBJECTIVES = "Objectives"
LEVELS = "Levels"

# Impact sheet: ids in B2..B5, the grid's header on row 7, categories from row 8.
ID_ROWS = {"process": 2, "task": 3, "settings": 4, "revision": 5}
GRID_HEADER_ROW = 7
GRID_FIRST_ROW = 8
FIRST_HORIZON_COLUMN = 3  # C; A holds the category id, B its name

# Objectives sheet: A = field id (locked), B = question, C = answer, D = reason.
OBJECTIVES_HEADER_ROW = 3
OBJECTIVES_FIRST_ROW = 4


@dataclass(frozen=True)
class Question:
    """One row of the Objectives sheet."""

    key: str
    label: str
    kind: str  # "hours", "percent", "count", "text", "keys"
    reason: str | None = None  # the record field holding the reason, if any


QUESTIONS: tuple[Question, ...] = (
    Question("rto", "RTO: recovery time objective (hours)", "hours", "rto_reason"),
    Question("rpo", "RPO: data loss tolerated (hours)", "hours", "rpo_reason"),
    Question("wrt", "WRT: work recovery time (hours)", "hours", "wrt_reason"),
    Question(
        "mbco", "MBCO: minimum service while disrupted (% of normal)", "percent", "mbco_reason"
    ),
    Question("rto_override", "Reason for an RTO beyond the MTPD (if it is)", "text"),
    Question("damage_form", "The form the damage takes", "text"),
    Question("growth", "How the damage grows over time", "text"),
    Question("min_staff", "Minimum staff (people)", "count"),
    Question("min_skills", "Minimum skills", "text"),
    Question("min_facilities", "Minimum facilities", "text"),
    Question("min_services", "Minimum IT services (ids, comma separated)", "keys"),
    Question("min_suppliers", "Minimum suppliers (ids, comma separated)", "keys"),
)


@dataclass(frozen=True)
class Questionnaire:
    """What a workbook is written from and checked against (plain data)."""

    process_key: str
    process_name: str
    task_id: int
    settings_version: int
    revision: int
    categories: Sequence[dict[str, Any]]  # {"id", "name", "levels": [6 descriptions]}
    level_names: Sequence[str]
    horizons: Sequence[float]
    currency: str
    answers: dict[str, Any] = field(default_factory=dict)  # current values, field name → value


class QuestionnaireRejectedError(ValueError):
    """The upload is refused; ``problems`` are sentences, most naming a cell."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


# -- writing -----------------------------------------------------------------------------------

_BOLD = Font(bold=True)
_ANSWER_FILL = PatternFill("solid", fgColor="FFF8E1")
_UNLOCKED = Protection(locked=False)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _level_name(names: Sequence[Any], level: int) -> str:
    name = names[level] if level < len(names) else ""
    return str(name.get("name", "")) if isinstance(name, dict) else str(name)


def _answer_cell(cell: Any, value: Any) -> None:
    cell.value = value
    cell.protection = _UNLOCKED
    cell.fill = _ANSWER_FILL


def _protect(sheet: Any) -> None:
    # No password: the lock keeps the layout from accidents; the reader checks every cell anyway.
    sheet.protection.sheet = True
    sheet.protection.formatCells = False
    sheet.protection.formatColumns = False


def questionnaire_write(q: Questionnaire) -> bytes:
    """The questionnaire as XLSX bytes, pre-filled with ``q.answers``."""
    workbook = Workbook()
    impact = workbook.active
    impact.title = IMPACT
    _write_impact(impact, q)
    _write_objectives(workbook.create_sheet(OBJECTIVES), q)
    _write_levels(workbook.create_sheet(LEVELS), q)
    workbook.security = WorkbookProtection(lockStructure=True)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write_impact(sheet: Any, q: Questionnaire) -> None:
    sheet["A1"] = f"Business impact analysis: {q.process_name}"
    sheet["A1"].font = Font(bold=True, size=14)
    labels = {
        "process": ("Process or service id", q.process_key),
        "task": ("Campaign task", q.task_id),
        "settings": ("BIA settings version", q.settings_version),
        "revision": ("Record revision when downloaded", q.revision),
    }
    for key, row in ID_ROWS.items():
        label, value = labels[key]
        sheet.cell(row=row, column=1, value=label)
        sheet.cell(row=row, column=2, value=value)
    sheet.cell(row=6, column=1, value="Level of impact (0–5) at each time after the disruption")
    sheet.cell(row=GRID_HEADER_ROW, column=1, value="Category id").font = _BOLD
    sheet.cell(row=GRID_HEADER_ROW, column=2, value="Category").font = _BOLD
    for j, hours in enumerate(q.horizons):
        cell = sheet.cell(row=GRID_HEADER_ROW, column=FIRST_HORIZON_COLUMN + j)
        cell.value = format_hours(float(hours))
        cell.font = _BOLD
    last_col = get_column_letter(FIRST_HORIZON_COLUMN + len(q.horizons) - 1)
    levels = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2=str(MAX_LEVEL),
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="Impact level",
        error="Enter a level from 0 (none) to 5 (catastrophic); see the Levels sheet.",
        showDropDown=False,
    )
    # A list makes the dropdown; "whole between" alone would not show one.
    levels.type = "list"
    levels.formula1 = '"0,1,2,3,4,5"'
    levels.formula2 = None
    impacts = q.answers.get("impacts") or {}
    for i, category in enumerate(q.categories):
        row = GRID_FIRST_ROW + i
        sheet.cell(row=row, column=1, value=category["id"])
        sheet.cell(row=row, column=2, value=category["name"])
        stored = impacts.get(category["id"]) or []
        for j in range(len(q.horizons)):
            value = stored[j] if j < len(stored) else None
            _answer_cell(sheet.cell(row=row, column=FIRST_HORIZON_COLUMN + j), value)
    money_row = GRID_FIRST_ROW + len(q.categories)
    first_col = get_column_letter(FIRST_HORIZON_COLUMN)
    if q.categories:
        levels.add(f"{first_col}{GRID_FIRST_ROW}:{last_col}{money_row - 1}")
    sheet.add_data_validation(levels)
    sheet.cell(row=money_row, column=1, value="money")
    sheet.cell(row=money_row, column=2, value=f"Money lost ({q.currency}), optional")
    losses = q.answers.get("losses") or []
    for j in range(len(q.horizons)):
        value = losses[j] if j < len(losses) else None
        cell = sheet.cell(row=money_row, column=FIRST_HORIZON_COLUMN + j)
        _answer_cell(cell, value)
        cell.number_format = "#,##0"
    money = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        error="Enter an amount of money (0 or more), or leave it blank.",
    )
    money.add(f"{first_col}{money_row}:{last_col}{money_row}")
    sheet.add_data_validation(money)
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 32
    for j in range(len(q.horizons)):
        sheet.column_dimensions[get_column_letter(FIRST_HORIZON_COLUMN + j)].width = 10
    _protect(sheet)


def _format_answer(question: Question, value: Any) -> Any:
    if question.kind == "keys":
        return ", ".join(value or []) or None
    if value in ("", None):
        return None
    return value


def _write_objectives(sheet: Any, q: Questionnaire) -> None:
    sheet["A1"] = f"Objectives and minimum resources: {q.process_name}"
    sheet["A1"].font = Font(bold=True, size=14)
    for column, title in enumerate(("Field id", "Question", "Answer", "Reason"), start=1):
        sheet.cell(row=OBJECTIVES_HEADER_ROW, column=column, value=title).font = _BOLD
    numbers = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        error="Enter a number of hours (0 or more), or leave it blank.",
    )
    percent = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        error="Enter a whole percentage from 0 to 100, or leave it blank.",
    )
    count = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        error="Enter a whole number of people (0 or more), or leave it blank.",
    )
    for validation in (numbers, percent, count):
        sheet.add_data_validation(validation)
    for i, question in enumerate(QUESTIONS):
        row = OBJECTIVES_FIRST_ROW + i
        sheet.cell(row=row, column=1, value=question.key)
        sheet.cell(row=row, column=2, value=question.label).alignment = _WRAP
        answer = sheet.cell(row=row, column=3)
        _answer_cell(answer, _format_answer(question, q.answers.get(question.key)))
        answer.alignment = _WRAP
        {"hours": numbers, "percent": percent, "count": count}.get(
            question.kind, DataValidation()
        ).add(answer.coordinate)
        if question.reason:
            reason = sheet.cell(row=row, column=4)
            _answer_cell(reason, q.answers.get(question.reason) or None)
            reason.alignment = _WRAP
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 50
    sheet.column_dimensions["C"].width = 40
    sheet.column_dimensions["D"].width = 50
    _protect(sheet)


def _write_levels(sheet: Any, q: Questionnaire) -> None:
    sheet["A1"] = "What each level means"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.cell(row=3, column=1, value="Level").font = _BOLD
    sheet.cell(row=3, column=2, value="Name").font = _BOLD
    for i, category in enumerate(q.categories):
        sheet.cell(row=3, column=3 + i, value=category["name"]).font = _BOLD
        sheet.column_dimensions[get_column_letter(3 + i)].width = 30
    for level in range(MAX_LEVEL + 1):
        row = 4 + level
        sheet.cell(row=row, column=1, value=level)
        sheet.cell(row=row, column=2, value=_level_name(q.level_names, level))
        for i, category in enumerate(q.categories):
            descriptions = category.get("levels") or []
            text = descriptions[level] if level < len(descriptions) else ""
            sheet.cell(row=row, column=3 + i, value=text).alignment = _WRAP
    sheet.column_dimensions["B"].width = 16
    _protect(sheet)


# -- reading -----------------------------------------------------------------------------------


def _grid(sheet: Any, max_row: int, max_col: int) -> dict[tuple[int, int], Any]:
    """The cells of ``sheet`` up to ``max_row`` × ``max_col`` (read-only mode, streamed)."""
    cells: dict[tuple[int, int], Any] = {}
    for r, row in enumerate(sheet.iter_rows(max_row=max_row, max_col=max_col), start=1):
        for c, cell in enumerate(row, start=1):
            cells[(r, c)] = cell
    return cells


class _Reader:
    """Collects every problem while turning cells into values."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def value(self, sheet: str, cells: dict[tuple[int, int], Any], row: int, col: int) -> Any:
        """The cell's value; a formula is a problem (and gives None)."""
        cell = cells.get((row, col))
        value = getattr(cell, "value", None)
        if getattr(cell, "data_type", None) == "f" or (
            isinstance(value, str) and value.startswith("=")
        ):
            self.problems.append(
                f"{self.ref(sheet, row, col)}: holds a formula; type the value instead."
            )
            return None
        if isinstance(value, str):
            value = value.strip()
            if len(value) > MAX_TEXT_CHARS:
                self.problems.append(
                    f"{self.ref(sheet, row, col)}: {len(value):,} characters; the limit is "
                    f"{MAX_TEXT_CHARS:,}."
                )
                return None
            return value or None
        return value

    @staticmethod
    def ref(sheet: str, row: int, col: int) -> str:
        return f"{sheet}!{get_column_letter(col)}{row}"

    def number(
        self, sheet: str, cells: dict[tuple[int, int], Any], row: int, col: int, *, what: str
    ) -> float | None:
        value = self.value(sheet, cells, row, col)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.problems.append(f"{self.ref(sheet, row, col)}: “{value}” is not {what}.")
            return None
        try:
            number = float(str(value).replace(",", "")) if isinstance(value, str) else float(value)
        except ValueError:
            self.problems.append(f"{self.ref(sheet, row, col)}: “{value}” is not {what}.")
            return None
        if not math.isfinite(number) or number < 0:
            self.problems.append(f"{self.ref(sheet, row, col)}: {value} is not {what}.")
            return None
        return number

    def whole(
        self,
        sheet: str,
        cells: dict[tuple[int, int], Any],
        row: int,
        col: int,
        *,
        what: str,
        high: int | None = None,
    ) -> int | None:
        number = self.number(sheet, cells, row, col, what=what)
        if number is None:
            return None
        if number != int(number):
            self.problems.append(f"{self.ref(sheet, row, col)}: {number:g} is not {what}.")
            return None
        if high is not None and number > high:
            self.problems.append(f"{self.ref(sheet, row, col)}: {number:g} is not {what}.")
            return None
        return int(number)


def questionnaire_read(data: bytes, q: Questionnaire) -> dict[str, Any]:
    """Check an uploaded workbook against ``q``; return the answers by record field name.

    ``revision`` in the result is the record revision the file was downloaded at, for the
    caller's stale-edit check.

    Raises :class:`QuestionnaireRejectedError` listing every problem (nothing is partial).
    """
    if len(data) > MAX_QUESTIONNAIRE_BYTES:
        raise QuestionnaireRejectedError(
            [
                f"The file is {len(data) / 1024 / 1024:.1f} MB; a questionnaire is far smaller "
                f"(limit {MAX_QUESTIONNAIRE_BYTES // 1024 // 1024} MB). Upload the workbook "
                "downloaded from Standby."
            ]
        )
    if not data.startswith(b"PK\x03\x04"):
        raise QuestionnaireRejectedError(
            ["The file is not an XLSX workbook. Upload the questionnaire downloaded from Standby."]
        )
    try:
        inspect_zip(data)
    except FileRejectedError as error:
        raise QuestionnaireRejectedError([str(error)]) from error
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many types for a broken workbook
        raise QuestionnaireRejectedError([f"The workbook cannot be read: {error}"]) from error
    try:
        names = workbook.sheetnames
        missing = [name for name in (IMPACT, OBJECTIVES) if name not in names]
        if missing:
            raise QuestionnaireRejectedError(
                [
                    f"The workbook has no sheet “{name}”: upload the questionnaire downloaded "
                    "from Standby, with its sheets unrenamed."
                    for name in missing
                ]
            )
        width = FIRST_HORIZON_COLUMN + len(q.horizons) + 2
        impact = _grid(workbook[IMPACT], GRID_FIRST_ROW + len(q.categories) + 1, width)
        objectives = _grid(workbook[OBJECTIVES], OBJECTIVES_FIRST_ROW + len(QUESTIONS), 4)
    finally:
        workbook.close()
    reader = _Reader()
    _check_ids(reader, impact, q)
    if reader.problems:  # the wrong file: the cells below would only add noise
        raise QuestionnaireRejectedError(reader.problems)
    answers: dict[str, Any] = {"revision": _revision(reader, impact)}
    answers["impacts"], answers["losses"] = _read_impact(reader, impact, q)
    answers.update(_read_objectives(reader, objectives))
    if reader.problems:
        raise QuestionnaireRejectedError(reader.problems)
    return answers


def _check_ids(reader: _Reader, cells: dict[tuple[int, int], Any], q: Questionnaire) -> None:
    expected = {
        "process": q.process_key,
        "task": q.task_id,
        "settings": q.settings_version,
        "revision": q.revision,
    }
    for key in ("process", "task", "settings"):
        row = ID_ROWS[key]
        found = reader.value(IMPACT, cells, row, 2)
        if str(found if found is not None else "").removesuffix(".0") != str(expected[key]):
            ref = reader.ref(IMPACT, row, 2)
            if key == "settings":
                reader.problems.append(
                    f"{ref}: this questionnaire was written for BIA settings version {found}; "
                    f"the record now uses version {expected[key]}. Download a new questionnaire."
                )
            else:
                label = "process or service id" if key == "process" else "campaign task"
                reader.problems.append(
                    f"{ref}: this questionnaire is for {label} “{found or ''}”, not "
                    f"“{expected[key]}”. Upload it on its own task's page."
                )


def _revision(reader: _Reader, cells: dict[tuple[int, int], Any]) -> int | None:
    """The record revision the file was downloaded at: the answers were given against it."""
    return reader.whole(
        IMPACT, cells, ID_ROWS["revision"], 2, what="the record revision written by Standby"
    )


def _read_impact(
    reader: _Reader, cells: dict[tuple[int, int], Any], q: Questionnaire
) -> tuple[dict[str, list[int]], list[float | None]]:
    impacts: dict[str, list[int]] = {}
    for i, category in enumerate(q.categories):
        row = GRID_FIRST_ROW + i
        found = reader.value(IMPACT, cells, row, 1)
        if found != category["id"]:
            reader.problems.append(
                f"{reader.ref(IMPACT, row, 1)}: expected the row of category "
                f"“{category['id']}” ({category['name']}), found “{found or ''}”: a row is "
                "missing or was moved."
            )
            continue
        levels: list[int] = []
        for j in range(len(q.horizons)):
            col = FIRST_HORIZON_COLUMN + j
            ref = reader.ref(IMPACT, row, col)
            value = reader.value(IMPACT, cells, row, col)
            if value is None:
                if (row, col) in cells and getattr(cells[(row, col)], "data_type", "") == "f":
                    continue
                reader.problems.append(f"{ref}: no level; enter 0 to {MAX_LEVEL}.")
                continue
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                reader.problems.append(f"{ref}: “{value}” is not a level (0 to {MAX_LEVEL}).")
                continue
            try:
                number = float(value)
            except ValueError:
                reader.problems.append(
                    f"{ref}: “{value}” is not a level (a whole number 0 to {MAX_LEVEL})."
                )
                continue
            if number != int(number) or not 0 <= number <= MAX_LEVEL:
                reader.problems.append(f"{ref}: level {number:g} is not between 0 and {MAX_LEVEL}.")
                continue
            levels.append(int(number))
        impacts[category["id"]] = levels
    money_row = GRID_FIRST_ROW + len(q.categories)
    found = reader.value(IMPACT, cells, money_row, 1)
    losses: list[float | None] = []
    if found != "money":
        reader.problems.append(
            f"{reader.ref(IMPACT, money_row, 1)}: expected the money row (“money”), found "
            f"“{found or ''}”: a row is missing or was moved."
        )
        return impacts, losses
    for j in range(len(q.horizons)):
        losses.append(
            reader.number(
                IMPACT,
                cells,
                money_row,
                FIRST_HORIZON_COLUMN + j,
                what=f"an amount of money in {q.currency} (0 or more)",
            )
        )
    if not any(value is not None for value in losses):
        losses = []
    return impacts, losses


def _read_objectives(reader: _Reader, cells: dict[tuple[int, int], Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i, question in enumerate(QUESTIONS):
        row = OBJECTIVES_FIRST_ROW + i
        found = reader.value(OBJECTIVES, cells, row, 1)
        if found != question.key:
            reader.problems.append(
                f"{reader.ref(OBJECTIVES, row, 1)}: expected the row “{question.key}” "
                f"({question.label}), found “{found or ''}”: a row is missing or was moved."
            )
            continue
        col = 3
        if question.kind == "hours":
            out[question.key] = reader.number(
                OBJECTIVES, cells, row, col, what="a number of hours (0 or more)"
            )
        elif question.kind == "percent":
            out[question.key] = reader.whole(
                OBJECTIVES, cells, row, col, what="a whole percentage from 0 to 100", high=100
            )
        elif question.kind == "count":
            out[question.key] = reader.whole(
                OBJECTIVES, cells, row, col, what="a whole number of people (0 or more)"
            )
        else:
            value = reader.value(OBJECTIVES, cells, row, col)
            text = "" if value is None else str(value)
            if question.kind == "keys":
                out[question.key] = [part.strip() for part in text.split(",") if part.strip()]
            else:
                out[question.key] = text
        if question.reason:
            reason = reader.value(OBJECTIVES, cells, row, 4)
            out[question.reason] = "" if reason is None else str(reason)
    return out
