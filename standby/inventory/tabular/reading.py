"""Reading an uploaded CSV or XLSX file into rows of text, refusing hostile files early.

Every limit is checked before the work it protects: the upload size before the content is read,
the zip directory (sizes, compression ratios, external links) before openpyxl opens a workbook,
the row count while rows are read. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_CELL_CHARS = 32_767  # what one Excel cell can hold: a longer text goes by model file
MAX_ROWS = 100_000
MAX_COLUMNS = 50
XLSX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
XLSX_MAX_RATIO = 100
XLSX_MAX_MEMBERS = 1_000

_ZIP_MAGIC = b"PK\x03\x04"


class FileRejectedError(ValueError):
    """The file as a whole cannot be read; the message says why, for the person uploading it."""


@dataclass(frozen=True)
class Cell:
    """A problem with one cell: its spreadsheet row (1 = header), column name and message."""

    row: int
    column: str
    message: str


@dataclass
class Table:
    """The header and the non-blank data rows of a file, each with its spreadsheet row number."""

    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    problems: list[Cell] = field(default_factory=list)


def is_xlsx(data: bytes, filename: str = "") -> bool:
    """An XLSX file is a zip archive; the name is only a hint."""
    return data.startswith(_ZIP_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm"))


def read_table(data: bytes, filename: str = "") -> Table:
    """Read ``data`` (CSV or XLSX) into a :class:`Table`, or raise :class:`FileRejectedError`.

    >>> read_table(b"id,name\\r\\nlan,Office LAN\\r\\n").rows
    [(2, ['lan', 'Office LAN'])]
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileRejectedError(too_big_message(len(data)))
    if not data.strip():
        raise FileRejectedError("The file is empty.")
    if is_xlsx(data, filename):
        return _read_xlsx(data)
    return _read_csv(data)


def too_big_message(size: int) -> str:
    return (
        f"The file is {size / 1024 / 1024:.1f} MB; the limit is "
        f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB. Split it, or import the model file instead."
    )


# -- CSV ---------------------------------------------------------------------------------------


def _read_csv(data: bytes) -> Table:
    nul = data.find(b"\x00")
    if nul != -1:
        raise FileRejectedError(
            f"The file contains a NUL byte at byte offset {nul}: it is not a text (CSV) file. "
            "Save it as CSV UTF-8 or XLSX."
        )
    offset = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = data[offset:].decode("utf-8")
    except UnicodeDecodeError as error:
        raise FileRejectedError(
            f"The file is not UTF-8: the byte at offset {error.start + offset} "
            f"(0x{data[error.start + offset]:02x}) cannot be decoded. Save it as "
            "“CSV UTF-8” (Excel) or choose UTF-8 when exporting."
        ) from error
    # Formula-looking values ("=1+2", "@SUM(…)") stay text: nothing here evaluates them.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    try:
        for record in reader:
            if len(rows) > MAX_ROWS:
                raise FileRejectedError(_too_many_rows())
            for index, value in enumerate(record):
                if len(value) > MAX_CELL_CHARS:
                    raise FileRejectedError(
                        f"Row {len(rows) + 1}, column {index + 1}: a cell holds {len(value):,} "
                        f"characters; the limit is {MAX_CELL_CHARS:,}."
                    )
            if len(record) > MAX_COLUMNS:
                raise FileRejectedError(_too_many_columns(len(rows) + 1))
            rows.append(record)
    except csv.Error as error:
        # The csv module's own field limit (131,072 characters) also lands here.
        raise FileRejectedError(f"Line {reader.line_num}: not valid CSV ({error}).") from error
    return _table(rows)


def _too_many_rows() -> str:
    return f"The file has more than {MAX_ROWS:,} rows; split it into smaller files."


def _too_many_columns(row: int) -> str:
    return f"Row {row} has more than {MAX_COLUMNS} columns."


def _table(rows: list[list[str]]) -> Table:
    if not rows:
        raise FileRejectedError("The file is empty.")
    header = [name.strip() for name in rows[0]]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise FileRejectedError("The first row must name the columns (id, name, …).")
    table = Table(header=header)
    for number, record in enumerate(rows[1:], start=2):
        cells = [value.strip() for value in record]
        if not any(cells):
            continue
        extra = cells[len(header) :]
        if any(extra):
            table.problems.append(
                Cell(number, f"column {len(header) + 1}", "A value in a column with no header.")
            )
        cells = (cells + [""] * len(header))[: len(header)]
        table.rows.append((number, cells))
    return table


# -- XLSX --------------------------------------------------------------------------------------


def inspect_zip(data: bytes) -> None:
    """Refuse zip bombs and linked workbooks from the zip directory alone, before unpacking."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise FileRejectedError("The file is not a valid XLSX workbook (a broken zip).") from error
    with archive:
        members = archive.infolist()
        if len(members) > XLSX_MAX_MEMBERS:
            raise FileRejectedError(
                f"The workbook holds {len(members):,} parts; the limit is {XLSX_MAX_MEMBERS:,}."
            )
        total = 0
        for member in members:
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > 1024 * 1024 and ratio > XLSX_MAX_RATIO:
                raise FileRejectedError(
                    f"The workbook part {member.filename} expands {ratio:,.0f} times "
                    f"(limit {XLSX_MAX_RATIO}): refused as a possible zip bomb."
                )
            if member.filename.lower().startswith("xl/externallinks/"):
                raise FileRejectedError(
                    "The workbook links to other workbooks (external links). Copy the values "
                    "in (Paste Special → Values), remove the links and upload it again."
                )
        if total > XLSX_MAX_UNCOMPRESSED:
            raise FileRejectedError(
                f"The workbook expands to {total / 1024 / 1024:,.0f} MB; the limit is "
                f"{XLSX_MAX_UNCOMPRESSED // 1024 // 1024} MB."
            )
        if "xl/workbook.xml" not in archive.namelist():
            raise FileRejectedError("The file is a zip archive but not an XLSX workbook.")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _read_xlsx(data: bytes) -> Table:
    inspect_zip(data)
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        # data_only=False: a formula stays a formula, so it can be refused rather than trusted.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many types for a broken workbook
        raise FileRejectedError(f"The workbook cannot be read: {error}") from error
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS + 1), start=1):
            if len(rows) > MAX_ROWS:
                raise FileRejectedError(_too_many_rows())
            record: list[str] = []
            for index, cell in enumerate(row, start=1):
                value = getattr(cell, "value", None)
                if value is None:
                    record.append("")
                    continue
                where = f"{get_column_letter(index)}{number}"
                if getattr(cell, "data_type", None) == "f" or (
                    isinstance(value, str) and value.startswith("=")
                ):
                    raise FileRejectedError(
                        f"Cell {where} holds a formula; only values are imported. Paste the "
                        "values over the formulas (Paste Special → Values) and upload it again."
                    )
                if index > MAX_COLUMNS:
                    raise FileRejectedError(_too_many_columns(number))
                text = _text(value)
                if len(text) > MAX_CELL_CHARS:
                    raise FileRejectedError(
                        f"Cell {where} holds {len(text):,} characters; the limit is "
                        f"{MAX_CELL_CHARS:,}."
                    )
                record.append(text)
            rows.append(record)
    finally:
        workbook.close()
    return _table(rows)
