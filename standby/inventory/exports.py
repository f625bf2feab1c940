"""CSV and XLSX exports of every inventory list, with the list's filter applied.

Cells are made safe against spreadsheet formula injection: a text starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is prefixed with ``'`` so a spreadsheet shows it as text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from openpyxl import Workbook

from standby.inventory.choices import NodeKind
from standby.inventory.models import Contract, Node, Person, Requirement, RequirementMember, Team
from standby.inventory.services import describe_requirement

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Column = tuple[str, Callable[[Any], Any]]


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet cell that is never run as a formula.

    >>> safe_cell("=HYPERLINK(1)"), safe_cell("-1"), safe_cell("ok"), safe_cell(3)
    ("'=HYPERLINK(1)", "'-1", 'ok', 3)
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | dt.date):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def table(columns: Sequence[Column], objects: Iterable[Any]) -> list[list[Any]]:
    """Header row, then one safe row per object."""
    rows: list[list[Any]] = [[safe_cell(title) for title, _ in columns]]
    rows.extend([safe_cell(get(obj)) for _, get in columns] for obj in objects)
    return rows


def csv_response(filename: str, rows: list[list[Any]]) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename: str, rows: list[list[Any]]) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=filename[:31])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def respond(fmt: str, filename: str, rows: list[list[Any]]) -> HttpResponse:
    """The export in ``fmt`` (``xlsx``, anything else: CSV)."""
    if fmt == "xlsx":
        return xlsx_response(filename, rows)
    return csv_response(filename, rows)


# -- what each list exports -------------------------------------------------------------------


def _requires(node: Node) -> str:
    parts = []
    for requirement in node.requirements.all():
        keys = [m.node.key for m in requirement.memberships.all()]
        if keys:
            parts.append(describe_requirement(requirement.at_least, keys))
    return "; ".join(parts)


def node_export_queryset(queryset: QuerySet[Node]) -> QuerySet[Node]:
    """Load what :func:`node_columns` reads in a constant number of queries."""
    members = RequirementMember.objects.select_related("node").order_by("position", "id")
    requirements = Requirement.objects.order_by("position", "id").prefetch_related(
        Prefetch("memberships", queryset=members)
    )
    return queryset.select_related("owner", "location", "supplier").prefetch_related(
        Prefetch("requirements", queryset=requirements)
    )


def node_columns(kind: str) -> list[Column]:
    columns: list[Column] = [("id", lambda n: n.key), ("name", lambda n: n.name)]
    if kind in (NodeKind.PROCESS, NodeKind.SERVICE):
        columns.append(("owner", lambda n: n.owner.key if n.owner else ""))
    if kind == NodeKind.ASSET:
        columns += [
            ("type", lambda n: n.asset_type),
            ("location", lambda n: n.location.key if n.location else ""),
            ("supplier", lambda n: n.supplier.key if n.supplier else ""),
        ]
    if kind == NodeKind.LOCATION:
        columns.append(("kind", lambda n: n.location_kind))
    if kind in Node.FAILABLE:
        columns.append(("recovery_time_hours", lambda n: n.recovery_time))
    columns += [("requires", _requires), ("description", lambda n: n.description)]
    return columns


PERSON_COLUMNS: list[Column] = [
    ("id", lambda p: p.key),
    ("name", lambda p: p.name),
    ("email", lambda p: p.email),
    ("phone", lambda p: p.phone),
    ("out_of_hours_phone", lambda p: p.out_of_hours_phone),
    ("leaves_on", lambda p: p.leaves_on),
]

TEAM_COLUMNS: list[Column] = [
    ("id", lambda t: t.key),
    ("name", lambda t: t.name),
    (
        "members",
        lambda t: "; ".join(f"{m.person.key}:{m.role}" for m in t.memberships.all()),
    ),
]

CONTRACT_COLUMNS: list[Column] = [
    ("id", lambda c: c.key),
    ("supplier", lambda c: c.supplier.key),
    ("name", lambda c: c.name),
    ("guarantees", lambda c: c.guarantees),
    ("recovery_time_hours", lambda c: c.recovery_time),
    ("expires_on", lambda c: c.expires_on),
]


def team_export_queryset(queryset: QuerySet[Team]) -> QuerySet[Team]:
    return queryset.prefetch_related("memberships__person")


def person_export_queryset(queryset: QuerySet[Person]) -> QuerySet[Person]:
    return queryset


def contract_export_queryset(queryset: QuerySet[Contract]) -> QuerySet[Contract]:
    return queryset.select_related("supplier")
