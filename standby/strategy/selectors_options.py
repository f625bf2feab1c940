"""Reads of the chosen recovery options and of backups, each in a constant number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

from standby.analysis import gaps as core
from standby.analysis.bia import format_hours
from standby.inventory.choices import AssetType, NodeKind
from standby.inventory.models import Node
from standby.strategy.catalogue import library
from standby.strategy.choices import BackupFindingKind
from standby.strategy.loading import load_graph
from standby.strategy.models import Backup, NodeStrategy, StrategyAlternative
from standby.strategy.selectors import KIND_ORDER

# -- recovery options chosen per node ----------------------------------------------------------


@dataclass(frozen=True)
class StrategyRow:
    """A failable node with its chosen option (None: none chosen yet)."""

    node: Node
    strategy: NodeStrategy | None
    alternatives: int


def strategy_rows() -> list[StrategyRow]:
    """Every asset, site and supplier with its chosen option (3 queries)."""
    nodes = list(
        Node.objects.filter(kind__in=sorted(Node.FAILABLE))
        .only("key", "name", "kind", "asset_type", "recovery_time")
        .order_by("kind", "name", "key")
    )
    chosen = {
        s.node_id: s
        for s in NodeStrategy.objects.select_related("option", "contract", "team", "alternate_site")
    }
    counts = dict(
        StrategyAlternative.objects.values("node_id")
        .annotate(n=Count("id"))
        .values_list("node_id", "n")
    )
    rank = {k: i for i, k in enumerate(KIND_ORDER)}
    nodes.sort(key=lambda n: (rank[NodeKind(n.kind)], n.name, n.key))
    return [StrategyRow(n, chosen.get(n.pk), counts.get(n.pk, 0)) for n in nodes]


def strategy_totals(rows: Sequence[StrategyRow]) -> tuple[Decimal, Decimal]:
    """One-off and annual cost of every chosen option."""
    one_off = sum((r.strategy.one_off_cost for r in rows if r.strategy), Decimal(0))
    annual = sum((r.strategy.annual_cost for r in rows if r.strategy), Decimal(0))
    return one_off, annual


def alternatives_of(node: Node) -> list[StrategyAlternative]:
    """Options considered for ``node``, cheapest first (1 query)."""
    return list(
        StrategyAlternative.objects.filter(node=node)
        .select_related("option")
        .order_by("annual_cost", "option__position")
    )


# -- backups ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupFinding:
    kind: BackupFindingKind
    text: str

    @property
    def label(self) -> str:
        return BackupFindingKind(self.kind).label


@dataclass(frozen=True)
class BackupRow:
    """A data asset, its backup (None: none recorded), RPA, required RPO and findings."""

    node: Node
    backup: Backup | None
    required_rpo: float | None
    findings: list[BackupFinding]

    @property
    def recovery_point(self) -> float | None:
        return self.backup.recovery_point if self.backup is not None else None

    @property
    def status(self) -> str:
        if not self.findings:
            return "ok"
        serious = {BackupFindingKind.NO_BACKUP, BackupFindingKind.RPO_MISSED}
        return "breach" if any(f.kind in serious for f in self.findings) else "risk"


def restore_test_months() -> int:
    """How old a restore test may be before it is a finding (the catalogue's backup policy)."""
    return library().restore_test_months


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day when it has fewer).

    >>> months_before(dt.date(2025, 3, 31), 1), months_before(dt.date(2025, 1, 15), 12)
    (datetime.date(2025, 2, 28), datetime.date(2024, 1, 15))
    """
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def plain_backup(backup: Backup) -> core.Backup:
    """A stored backup as the analysis engine's plain data."""
    return core.Backup(
        interval=backup.interval,
        replication_lag=backup.replication_lag,
        offsite=backup.offsite_copies > 0,
        last_restore_test=backup.last_restore_test_on,
        restore_duration=backup.last_restore_hours,
    )


_ENGINE_KIND: dict[str, BackupFindingKind] = {
    "no_backup": BackupFindingKind.NO_BACKUP,
    "no_offsite_copy": BackupFindingKind.NO_OFFSITE,
    "restore_test_missing": BackupFindingKind.NO_RESTORE_TEST,
    "restore_test_old": BackupFindingKind.STALE_RESTORE_TEST,
}


def backup_findings(
    backup: Backup | None, *, required_rpo: float | None, today: dt.date, months: int
) -> list[BackupFinding]:
    """What needs attention about one data asset's backups (empty: nothing).

    The findings are :func:`standby.analysis.gaps.backup_findings` (a restore test is too old
    when it is before the same day ``months`` months ago), worded for the pages, plus a
    recovery point achievable beyond the required RPO.
    """
    age = (today - months_before(today, months)).days
    plain = None if backup is None else plain_backup(backup)
    texts = {
        BackupFindingKind.NO_BACKUP: "No backup is recorded.",
        BackupFindingKind.NO_OFFSITE: "No off-site copy: a site loss loses it.",
        BackupFindingKind.NO_RESTORE_TEST: "No successful restore test recorded.",
    }
    found = []
    for finding in core.backup_findings({"asset": plain}, today=today, max_test_age_days=age):
        kind = _ENGINE_KIND[finding.kind]
        if kind == BackupFindingKind.STALE_RESTORE_TEST:
            assert backup is not None
            assert backup.last_restore_test_on is not None
            text = (
                f"Last successful restore test {backup.last_restore_test_on:%Y-%m-%d}, more "
                f"than {months} months ago."
            )
        else:
            text = texts[kind]
        found.append(BackupFinding(kind, text))
    if backup is not None and required_rpo is not None and backup.recovery_point > required_rpo:
        found.append(
            BackupFinding(
                BackupFindingKind.RPO_MISSED,
                f"Recovery point achievable {format_hours(backup.recovery_point)} is beyond the "
                f"required RPO of {format_hours(required_rpo)}.",
            )
        )
    return found


def required_objectives_by_key() -> dict[str, tuple[float | None, float | None]]:
    """Required (RTO, RPO) of every node, cascaded from the BIAs (4 queries)."""
    from standby.analysis.bia import required_objectives
    from standby.bia.selectors import stated_objectives

    graph = load_graph()
    required = required_objectives(graph, stated_objectives())
    return {key: required[key] for key in graph.ids}


def backup_rows(today: dt.date | None = None) -> list[BackupRow]:
    """Every data asset with its backup, recovery point achievable and findings (6 queries)."""
    today = today or dt.date.today()
    months = restore_test_months()
    assets = list(
        Node.objects.filter(kind=NodeKind.ASSET, asset_type=AssetType.DATA)
        .only("key", "name", "kind", "asset_type")
        .order_by("name", "key")
    )
    backups = {b.node_id: b for b in Backup.objects.all()}
    required = required_objectives_by_key() if assets else {}
    rows = []
    for node in assets:
        rpo = required.get(node.key, (None, None))[1]
        backup = backups.get(node.pk)
        rows.append(
            BackupRow(
                node,
                backup,
                rpo,
                backup_findings(backup, required_rpo=rpo, today=today, months=months),
            )
        )
    rows.sort(key=lambda r: ({"breach": 0, "risk": 1, "ok": 2}[r.status], r.node.name))
    return rows
