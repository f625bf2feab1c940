"""Reads of the business impact analysis, each in a constant number of queries.

What is *derived* (MTPD, suggested RTO, the RTO ≤ MTPD check, the recovery priority, the
required objectives of every node) comes from :mod:`standby.analysis.bia`, fed plain data.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet

from standby.accounts.choices import Capability
from standby.accounts.permissions import has_capability
from standby.analysis import bia as core
from standby.analysis.graph import compile_graph
from standby.bia.choices import RecordStatus
from standby.bia.models import BiaRecord, BiaSettings
from standby.bia.settings_library import SettingsData, load_library, settings_to_yaml
from standby.inventory.choices import NodeKind
from standby.inventory.models import Node, Person
from standby.inventory.selectors import analysis_nodes

BIA_KINDS = (NodeKind.PROCESS, NodeKind.SERVICE)

# Impact levels 0–5: background, text colour. A sequential scale (not the status colours: a
# level is a size of harm, not a verdict); the level's name is always written in the cell.
LEVEL_COLOURS: tuple[tuple[str, str], ...] = (
    ("#f1f3f5", "#212529"),
    ("#d3f9d8", "#212529"),
    ("#ffec99", "#212529"),
    ("#ffc078", "#212529"),
    ("#e03131", "#ffffff"),
    ("#862e9c", "#ffffff"),
)


# -- who may answer ---------------------------------------------------------------------------


def person_for_user(user: Any) -> Person | None:
    """The :class:`Person` whose email is the user's (case-insensitive), or None."""
    email = (getattr(user, "email", "") or "").strip()
    if not email or not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(email__iexact=email).order_by("pk").first()


def may_answer(user: Any, node: Node) -> bool:
    """EDIT, or ANSWER_BIA on a process or service the user owns (their Person owns it)."""
    if has_capability(user, Capability.EDIT):
        return True
    if not has_capability(user, Capability.ANSWER_BIA) or node.owner_id is None:
        return False
    person = person_for_user(user)
    return person is not None and person.pk == node.owner_id


# -- settings and scale -----------------------------------------------------------------------


def latest_settings() -> BiaSettings | None:
    """The settings version in force (the newest), or None before the first BIA (1 query)."""
    return BiaSettings.objects.order_by("-version").first()


def settings_data(settings: BiaSettings | None) -> SettingsData:
    """Plain settings of a stored version; the library defaults when None."""
    if settings is None:
        return load_library()
    return SettingsData(
        categories=list(settings.categories),
        levels=list(settings.levels),
        horizons=[float(h) for h in settings.horizons],
        intolerable_level=settings.intolerable_level,
        currency=settings.currency,
    )


def settings_text(settings: BiaSettings | None) -> str:
    """The YAML a manager edits to make the next settings version."""
    return settings_to_yaml(settings_data(settings))


@lru_cache(maxsize=64)
def _scale(
    categories: tuple[tuple[str, str], ...],
    horizons: tuple[float, ...],
    intolerable: int,
    levels: tuple[str, ...],
) -> core.BiaScale:
    return core.BiaScale(
        categories=tuple(c for c, _ in categories),
        horizons=horizons,
        intolerable=intolerable,
        level_names=levels,
        category_names=dict(categories),
    )


def scale_of(settings: BiaSettings | SettingsData) -> core.BiaScale:
    """The analysis core's scale for a settings version."""
    return _scale(
        tuple((c["id"], c["name"]) for c in settings.categories),
        tuple(float(h) for h in settings.horizons),
        int(settings.intolerable_level),
        tuple(settings.levels),
    )


def complete_impacts(record: BiaRecord) -> dict[str, list[int]]:
    """The record's impact rows that are complete for its settings (the core needs full rows).

    Levels were checked (0–5) when written by the services; a row with a gap (None) is left out.
    """
    width = len(record.settings.horizons)
    known = set(record.settings.category_ids)
    return {
        c: levels
        for c, levels in (record.impacts or {}).items()
        if c in known and isinstance(levels, list) and len(levels) == width and None not in levels
    }


def missing_answers(record: BiaRecord) -> list[str]:
    """Names of the categories not answered at every horizon (empty when complete)."""
    done = complete_impacts(record)
    return [c["name"] for c in record.settings.categories if c["id"] not in done]


# -- derived values ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Derived:
    """What Standby derives from one record, shown next to what the owner entered."""

    mtpd: float | None
    suggested_rto: float | None
    rto_within_mtpd: bool | None  # RTO ≤ MTPD (None: either unknown)
    rto_wrt_within_mtpd: bool | None  # the better rule: RTO + WRT ≤ MTPD
    override: bool  # RTO beyond MTPD, accepted with a written reason: flagged

    @property
    def rto_status(self) -> str:
        """Status colour word of the RTO check: breach, risk, ok or unknown."""
        if self.rto_within_mtpd is None:
            return "unknown"
        if not self.rto_within_mtpd:
            return "breach"
        return "ok" if self.rto_wrt_within_mtpd is not False else "risk"


def derive(record: BiaRecord) -> Derived:
    """MTPD, suggested RTO and the RTO checks of ``record`` (no query beyond its settings)."""
    return derive_with(record, core.mtpd(complete_impacts(record), scale_of(record.settings)))


def derive_with(record: BiaRecord, value: float | None) -> Derived:
    """:func:`derive` when the MTPD is known already (the ranked list computes it)."""
    within = core.rto_within_mtpd(record.rto, value)
    return Derived(
        mtpd=value,
        suggested_rto=core.suggested_rto(value, record.wrt),
        rto_within_mtpd=within,
        rto_wrt_within_mtpd=core.rto_within_mtpd(record.rto, value, wrt=record.wrt),
        override=within is False and bool(record.rto_override.strip()),
    )


def derived_dict(record: BiaRecord, derived: Derived | None = None) -> dict[str, Any]:
    """Derived values as plain JSON (API, snapshots, CLI)."""
    d = derived or derive(record)
    return {
        "mtpd": d.mtpd,
        "suggested_rto": d.suggested_rto,
        "rto_within_mtpd": d.rto_within_mtpd,
        "rto_wrt_within_mtpd": d.rto_wrt_within_mtpd,
        "rto_override_flagged": d.override,
    }


# -- records ----------------------------------------------------------------------------------


def records() -> QuerySet[BiaRecord]:
    """Every BIA record with its node, owner and settings (one query)."""
    return BiaRecord.objects.select_related("node", "node__owner", "settings")


def record_for(key: str) -> BiaRecord | None:
    """The BIA record of the node with ``key``, or None."""
    return records().filter(node__key=key).first()


# What the ranked list and heat table read of each record: no long texts, and the settings
# (three JSON documents) loaded once per version rather than once per row.
_LIST_FIELDS = (
    "node__key",
    "node__name",
    "node__kind",
    "settings_id",
    "impacts",
    "rto",
    "rpo",
    "wrt",
    "rto_override",
    "status",
    "revision",
)


def list_records() -> list[BiaRecord]:
    """Every record with what lists show (2 queries, whatever the number of records)."""
    versions = {s.pk: s for s in BiaSettings.objects.all()}
    rows = list(BiaRecord.objects.select_related("node").only(*_LIST_FIELDS))
    for record in rows:
        record.settings = versions[record.settings_id]
    return rows


@dataclass(frozen=True)
class RankedRow:
    """One line of the recovery priority list (display strings computed once, for speed)."""

    rank: int
    record: BiaRecord
    derived: Derived
    max_level: int
    reason: str
    impacts: dict[str, list[int]]

    @property
    def node(self) -> Node:
        return self.record.node

    @property
    def status_class(self) -> str:
        return {
            RecordStatus.APPROVED: "ok",
            RecordStatus.SUBMITTED: "risk",
            RecordStatus.RETURNED: "breach",
        }.get(RecordStatus(self.record.status), "unknown")

    def display(self, url_prefix: str) -> dict[str, Any]:
        """Plain strings for the list template (thousands of rows render fast)."""
        d = self.derived
        return {
            "rank": self.rank,
            "name": self.node.name,
            "kind": NodeKind(self.node.kind).label.lower(),
            "url": f"{url_prefix}{self.node.key}/",
            "mtpd": _hours(d.mtpd),
            "rto": _hours(self.record.rto),
            "rpo": _hours(self.record.rpo),
            "rto_status": d.rto_status,
            "status": RecordStatus(self.record.status).label,
            "status_class": self.status_class,
            "reason": self.reason,
        }


def _hours(value: float | None) -> str:
    return "—" if value is None else core.format_hours(float(value))


def ranked(rows: Sequence[BiaRecord] | None = None) -> list[RankedRow]:
    """Every process and service with a BIA, most urgent first (2 queries when ``rows`` is None).

    Records answered under different settings versions are ranked by the core per version and
    merged on the same key (MTPD, then worst level, then name, then id).
    """
    all_rows = list_records() if rows is None else list(rows)
    by_version: dict[int, list[BiaRecord]] = defaultdict(list)
    for record in all_rows:
        by_version[record.settings_id].append(record)
    merged: list[tuple[tuple[Any, ...], BiaRecord, core.Ranked, dict[str, list[int]]]] = []
    for group in by_version.values():
        scale = scale_of(group[0].settings)
        tables = {r.node.key: (r, complete_impacts(r)) for r in group}
        plain = [core.BiaRecord(k, r.node.name, t) for k, (r, t) in tables.items()]
        for item in core.priority(plain, scale):
            key = (
                item.mtpd is None,
                item.mtpd if item.mtpd is not None else 0.0,
                -item.max_level,
                item.name,
                item.id,
            )
            record, impacts = tables[item.id]
            merged.append((key, record, item, impacts))
    merged.sort(key=lambda m: m[0])
    return [
        RankedRow(rank, record, derive_with(record, item.mtpd), item.max_level, item.reason, t)
        for rank, (_, record, item, t) in enumerate(merged, start=1)
    ]


def without_bia() -> QuerySet[Node]:
    """Processes and services that have no BIA record yet (one query)."""
    return Node.objects.filter(kind__in=BIA_KINDS, bia__isnull=True).order_by("kind", "name")


# -- heat table -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatCell:
    level: int | None  # None: not answered
    name: str
    background: str
    colour: str


@dataclass(frozen=True)
class HeatRow:
    rank: int
    record: BiaRecord
    mtpd: float | None
    cells: list[HeatCell]


@dataclass(frozen=True)
class HeatTable:
    horizons: list[float]
    levels: list[str]
    intolerable: int
    rows: list[HeatRow]


def _level_at(horizons: Sequence[float], levels: Sequence[int], hours: float) -> int | None:
    """The level at ``hours`` on a row of another version: the last horizon at or before it."""
    found = None
    for h, level in zip(horizons, levels, strict=True):
        if h <= hours + 1e-9:
            found = level
    return found


def heat_table() -> HeatTable:
    """Processes and services (in priority order) × the current horizons: the highest level
    any category reaches in each cell (2 queries)."""
    current = settings_data(latest_settings())
    levels = current.levels
    rows: list[HeatRow] = []
    for row in ranked():
        impacts = row.impacts
        own = [float(h) for h in row.record.settings.horizons]
        same = own == current.horizons
        cells = []
        for j, hours in enumerate(current.horizons):
            if same:  # the usual case: answered under the current horizons
                known = [series[j] for series in impacts.values()]
            else:
                values = [_level_at(own, series, hours) for series in impacts.values()]
                known = [v for v in values if v is not None]
            if not known:
                cells.append(HeatCell(None, "not answered", "#ffffff", "#6c757d"))
                continue
            level = max(known)
            background, colour = LEVEL_COLOURS[level]
            cells.append(HeatCell(level, levels[level], background, colour))
        rows.append(HeatRow(row.rank, row.record, row.derived.mtpd, cells))
    return HeatTable(current.horizons, levels, current.intolerable_level, rows)


# -- required objectives ----------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectiveRow:
    """One node's stated and required RTO/RPO, who binds them, and any inversion."""

    key: str
    name: str
    kind: str
    stated_rto: float | None
    stated_rpo: float | None
    required_rto: float | None
    required_rpo: float | None
    rto_bound_by: str | None
    rpo_bound_by: str | None
    inversions: list[core.Inversion]

    @property
    def kind_label(self) -> str:
        return NodeKind(self.kind).label

    @property
    def url(self) -> str:
        return Node(key=self.key, kind=self.kind).get_absolute_url()


def stated_objectives() -> dict[str, tuple[float | None, float | None]]:
    """Node key → the ``(rto, rpo)`` its BIA states (one query)."""
    return {
        key: (rto, rpo)
        for key, rto, rpo in BiaRecord.objects.values_list("node__key", "rto", "rpo")
        if rto is not None or rpo is not None
    }


def objectives() -> tuple[list[ObjectiveRow], list[core.Inversion]]:
    """Required RTO/RPO of every node through the whole graph, and every inversion.

    5 queries: the graph (3), stated objectives (1), names and kinds (1). Rows: tightest requirement
    first, nodes with none last.
    """
    graph = compile_graph(analysis_nodes())
    stated = stated_objectives()
    required = core.required_objectives(graph, stated)
    found = core.inversions(stated, required)
    by_node: dict[str, list[core.Inversion]] = defaultdict(list)
    for inversion in found:
        by_node[inversion.node].append(inversion)
    rows = []
    for key, name, kind in Node.objects.values_list("key", "name", "kind"):
        rto, rpo = required[key]
        own = stated.get(key, (None, None))
        rows.append(
            ObjectiveRow(
                key=key,
                name=name,
                kind=kind,
                stated_rto=own[0],
                stated_rpo=own[1],
                required_rto=rto,
                required_rpo=rpo,
                rto_bound_by=required.bound_by(key, "rto"),
                rpo_bound_by=required.bound_by(key, "rpo"),
                inversions=by_node.get(key, []),
            )
        )
    rows.sort(key=lambda r: (_inf(r.required_rto), _inf(r.required_rpo), r.name, r.key))
    return rows, found


def _inf(value: float | None) -> float:
    return math.inf if value is None else value
