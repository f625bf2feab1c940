"""Gap analysis: can every process and service meet its RTO and RPO, in every scenario?

Per target (process or service) :func:`gap_analysis` reports the MTPD, the stated and the
required RTO, the worst RTA over all scenarios and the scenario giving it, the RPO against the
*recovery point achievable* (RPA), the single points of failure, and a verdict with its reasons.

**RPA.** A data asset's recovery point achievable is its backup interval plus any replication lag
(DOMAIN rule 4): restoring the last backup loses at most that much. A target's RPA is the worst
(largest) RPA of the data assets it depends on, directly or not. A data asset listed without a
backup makes the RPA unknown.

**Verdict** (the rule, in order):

* the *RTO checked* is the tighter of the stated RTO and the required RTO (the tightest RTO of
  everything depending on the target); likewise the *RPO checked*;
* **breach** if the worst RTA is longer than the RTO checked or than the MTPD, or the RPA is
  longer than the RPO checked;
* else **at risk** if there is no RTO to check, the RTA is unknown in some scenario, the worst
  RTA is at least 80 % of the RTO checked (``at_risk_share``), the target has a single point of
  failure, or an RPO is set but the RPA is unknown;
* else **meets**.

Every reason that applies is listed, breach reasons first.

:func:`contract_gaps` checks supplier contracts: a contract guaranteeing recovery in longer than
the required RTO of the node it delivers is a gap.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from standby.analysis.bia import format_hours
from standby.analysis.cuts import single_points_of_failure
from standby.analysis.graph import CompiledGraph, FloatArray
from standby.analysis.scenarios import Scenario, evaluate_scenarios

__all__ = [
    "AT_RISK_SHARE",
    "Backup",
    "BackupFinding",
    "ContractGap",
    "ContractTerm",
    "Gap",
    "Objectives",
    "Verdict",
    "backup_findings",
    "contract_gaps",
    "gap_analysis",
    "recovery_point_achievable",
]

Verdict = Literal["meets", "at_risk", "breach"]
#: A worst RTA at or above this share of the RTO is "at risk".
AT_RISK_SHARE = 0.8


@dataclass(frozen=True, slots=True)
class Objectives:
    """What the business asks of a process or service (hours; None when not set)."""

    mtpd: float | None = None
    rto: float | None = None
    required_rto: float | None = None
    rpo: float | None = None
    required_rpo: float | None = None


@dataclass(frozen=True, slots=True)
class Backup:
    """How a data asset is backed up (hours; dates for the evidence).

    >>> Backup(interval=24.0, replication_lag=0.25).recovery_point
    24.25
    """

    interval: float
    replication_lag: float = 0.0
    offsite: bool = False
    last_restore_test: dt.date | None = None
    restore_duration: float | None = None

    @property
    def recovery_point(self) -> float:
        """Recovery point achievable: the interval plus the replication lag."""
        return self.interval + self.replication_lag


@dataclass(frozen=True, slots=True)
class Gap:
    """The gap analysis of one process or service; see the module docstring for the verdict."""

    node: str
    mtpd: float | None
    rto: float | None
    required_rto: float | None
    rto_checked: float | None
    worst_rta: float | None
    worst_scenario: str | None
    rpo_checked: float | None
    rpa: float | None
    rpa_source: str | None
    single_points_of_failure: tuple[str, ...]
    verdict: Verdict
    reasons: tuple[str, ...]


def _tightest(*values: float | None) -> float | None:
    known = [v for v in values if v is not None]
    return min(known) if known else None


def recovery_point_achievable(
    graph: CompiledGraph, backups: Mapping[str, Backup | None], targets: Iterable[str]
) -> dict[str, tuple[float | None, str | None]]:
    """Worst RPA of the data assets each target depends on, and which data asset gives it.

    Returns ``(rpa, data asset)`` per target; ``(None, asset)`` when that asset has no backup,
    ``(None, None)`` when the target depends on no data asset listed in ``backups``.

    Examples
    --------
    >>> from standby.analysis.graph import compile_graph
    >>> from standby.analysis.model import NodeKind, NodeSpec, Requirement
    >>> g = compile_graph([
    ...     NodeSpec("crm", NodeKind.SERVICE, (Requirement.single("db"), Requirement.single("f"))),
    ...     NodeSpec("db", NodeKind.ASSET), NodeSpec("f", NodeKind.ASSET)])
    >>> recovery_point_achievable(g, {"db": Backup(24, 0.5), "f": Backup(4)}, ["crm"])
    {'crm': (24.5, 'db')}
    >>> recovery_point_achievable(g, {"db": Backup(24), "f": None}, ["crm"])
    {'crm': (None, 'f')}
    """
    rpa = np.full(graph.n_nodes, -np.inf)
    for node, backup in backups.items():
        rpa[graph.index[node]] = np.inf if backup is None else backup.recovery_point
    own = rpa.copy()
    gptr, members = graph.group_ptr, graph.group_members
    for lv in range(1, graph.n_levels):
        g0, g1 = int(graph.group_level_ptr[lv]), int(graph.group_level_ptr[lv + 1])
        if g0 == g1:
            continue
        e0, e1 = int(gptr[g0]), int(gptr[g1])
        owner_of_edge = np.repeat(graph.group_owner[g0:g1], np.diff(gptr[g0 : g1 + 1]))
        np.maximum.at(rpa, owner_of_edge, rpa[members[e0:e1]])
    groups_of: dict[int, list[int]] = {}
    out: dict[str, tuple[float | None, str | None]] = {}
    for target in targets:
        v = graph.index[target]
        value = float(rpa[v])
        if value == -np.inf:
            out[target] = (None, None)
            continue
        if not groups_of:
            for g, o in enumerate(graph.group_owner.tolist()):
                groups_of.setdefault(o, []).append(g)
        # Walk down to the data asset that gives the value.
        while own[v] != value:
            v = next(
                int(m)
                for g in groups_of[v]
                for m in members[gptr[g] : gptr[g + 1]].tolist()
                if rpa[m] == value
            )
        out[target] = (None if math.isinf(value) else value, graph.ids[v])
    return out


def gap_analysis(
    graph: CompiledGraph,
    objectives: Mapping[str, Objectives],
    scenarios: Sequence[Scenario],
    *,
    backups: Mapping[str, Backup | None] | None = None,
    recovery_time: FloatArray | None = None,
    spofs: Mapping[str, Sequence[str]] | None = None,
    at_risk_share: float = AT_RISK_SHARE,
    names: Mapping[str, str] | None = None,
) -> list[Gap]:
    """Gap analysis of every target in ``objectives`` over ``scenarios``.

    Parameters
    ----------
    graph
        The compiled model.
    objectives
        Target (process/service) id to its :class:`Objectives`.
    scenarios
        Usually :func:`~standby.analysis.scenarios.generated_scenarios` plus user-defined ones.
    backups
        Data asset id to its backup (None: no backup).
    recovery_time
        Own recovery times to use (e.g. with the chosen options); default the model's.
    spofs
        Single points of failure per target if already computed; default computed here.
    at_risk_share
        Share of the RTO from which a worst RTA is "at risk".
    names
        Node id to the name people know it by, for the reasons (default: the id). Reasons name
        a scenario by its ``name``; :attr:`Gap.worst_scenario` keeps its id.

    Returns
    -------
    list of Gap
        In the order of ``objectives``.

    Examples
    --------
    >>> from standby.analysis.graph import compile_graph
    >>> from standby.analysis.model import NodeKind, NodeSpec, Requirement
    >>> g = compile_graph([
    ...     NodeSpec("web", NodeKind.SERVICE, (Requirement(1, ("s1", "s2")),)),
    ...     NodeSpec("s1", NodeKind.ASSET, (Requirement.single("dc"),), 2.0),
    ...     NodeSpec("s2", NodeKind.ASSET, (), 4.0),
    ...     NodeSpec("dc", NodeKind.LOCATION, (), 24.0)])
    >>> both = Scenario("user:both", "Both servers", "user", ("s1", "s2"))
    >>> (gap,) = gap_analysis(g, {"web": Objectives(rto=2.5)},
    ...                       [Scenario("site:dc", "Loss of dc", "site", ("dc",)), both])
    >>> gap.worst_rta, gap.worst_scenario, gap.verdict
    (2.0, 'user:both', 'at_risk')
    >>> gap.reasons
    ('worst RTA 2 h is 80 % of the RTO 2.5 h; below 80 % is needed to meet it',)
    >>> (gap,) = gap_analysis(g, {"web": Objectives(rto=1)}, [both], names={"s1": "Server 1"})
    >>> gap.reasons
    ('worst RTA 2 h (Both servers) is longer than the RTO 1 h',)
    """
    names = names or {}

    def name(node: str) -> str:
        return names.get(node) or node

    targets = list(objectives)
    if not targets:
        return []
    if spofs is None:
        spofs = single_points_of_failure(graph, targets)
    rpas = recovery_point_achievable(graph, backups or {}, targets)
    res = evaluate_scenarios(graph, scenarios, columns=targets, recovery_time=recovery_time)
    back = np.where(res.down, res.back, 0.0)
    out: list[Gap] = []
    for j, target in enumerate(targets):
        obj = objectives[target]
        col = back[:, j]
        worst: float | None = 0.0
        worst_sc: str | None = None
        worst_name = ""
        if col.size and res.down[:, j].any():
            s = int(np.argmax(col))
            worst_sc, worst_name = scenarios[s].id, scenarios[s].name
            worst = None if math.isinf(col[s]) else float(col[s])
        rto = _tightest(obj.rto, obj.required_rto)
        rpo = _tightest(obj.rpo, obj.required_rpo)
        rpa, source = rpas[target]
        target_spofs = tuple(spofs.get(target, ()))
        breach: list[str] = []
        risk: list[str] = []
        if worst is not None and rto is not None and worst > rto:
            breach.append(
                f"worst RTA {format_hours(worst)} ({worst_name}) is longer than the RTO "
                f"{format_hours(rto)}"
            )
        if worst is not None and obj.mtpd is not None and worst > obj.mtpd:
            breach.append(
                f"worst RTA {format_hours(worst)} ({worst_name}) is longer than the MTPD "
                f"{format_hours(obj.mtpd)}"
            )
        if rpa is not None and rpo is not None and rpa > rpo:
            breach.append(
                f"recovery point achievable {format_hours(rpa)} ({name(source or '')}) is "
                f"longer than the RPO {format_hours(rpo)}"
            )
        if rto is None:
            risk.append("no RTO to check against")
        if worst is None:
            risk.append(f"RTA unknown in scenario {worst_name} (a recovery time is missing)")
        elif rto is not None and worst <= rto and worst >= at_risk_share * rto and rto > 0:
            risk.append(
                f"worst RTA {format_hours(worst)} is {100 * worst / rto:.0f} % of the RTO "
                f"{format_hours(rto)}; below {100 * at_risk_share:.0f} % is needed to meet it"
            )
        if target_spofs:
            shown = ", ".join(name(k) for k in target_spofs[:5]) + (
                " …" if len(target_spofs) > 5 else ""
            )
            risk.append(f"{len(target_spofs)} single point(s) of failure: {shown}")
        if rpo is not None and rpa is None and source is not None:
            risk.append(f"no backup recorded for {name(source)}: recovery point unknown")
        verdict: Verdict = "breach" if breach else "at_risk" if risk else "meets"
        out.append(
            Gap(
                node=target,
                mtpd=obj.mtpd,
                rto=obj.rto,
                required_rto=obj.required_rto,
                rto_checked=rto,
                worst_rta=worst,
                worst_scenario=worst_sc,
                rpo_checked=rpo,
                rpa=rpa,
                rpa_source=source,
                single_points_of_failure=target_spofs,
                verdict=verdict,
                reasons=(*breach, *risk),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class ContractTerm:
    """A contract's guarantee: recover ``node`` (a supplier, an asset, a site) within hours."""

    id: str
    node: str
    recovery_time: float | None
    expires_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ContractGap:
    """A contract weaker than what its node needs (``shortfall`` hours; None if it says none)."""

    contract: str
    node: str
    guaranteed: float | None
    required_rto: float
    shortfall: float | None

    @property
    def reason(self) -> str:
        """A sentence for people."""
        if self.guaranteed is None:
            return (
                f"contract {self.contract} guarantees no recovery time, but {self.node} must be "
                f"back within {format_hours(self.required_rto)}"
            )
        return (
            f"contract {self.contract} guarantees {format_hours(self.guaranteed)}, but "
            f"{self.node} must be back within {format_hours(self.required_rto)}"
        )


def contract_gaps(
    contracts: Iterable[ContractTerm], required_rto: Mapping[str, float | None]
) -> list[ContractGap]:
    """Contracts whose guaranteed recovery time is longer than the required RTO they serve.

    ``required_rto`` is the required RTO of every node (e.g. from
    :func:`standby.analysis.bia.required_objectives`); a node with none is not checked.

    Examples
    --------
    >>> gaps = contract_gaps([ContractTerm("c1", "acme", 8.0), ContractTerm("c2", "isp", 2.0)],
    ...                      {"acme": 4.0, "isp": 4.0})
    >>> [(g.contract, g.shortfall) for g in gaps], gaps[0].reason
    ([('c1', 4.0)], 'contract c1 guarantees 8 h, but acme must be back within 4 h')
    """
    out: list[ContractGap] = []
    for c in contracts:
        need = required_rto.get(c.node)
        if need is None:
            continue
        if c.recovery_time is None:
            out.append(ContractGap(c.id, c.node, None, need, None))
        elif c.recovery_time > need:
            out.append(ContractGap(c.id, c.node, c.recovery_time, need, c.recovery_time - need))
    return sorted(out, key=lambda g: g.contract)


@dataclass(frozen=True, slots=True)
class BackupFinding:
    """A backup practice to fix (DOMAIN rule 4): ``kind`` is one of the codes below."""

    node: str
    kind: Literal["no_backup", "no_offsite_copy", "restore_test_missing", "restore_test_old"]
    message: str


def backup_findings(
    backups: Mapping[str, Backup | None], *, today: dt.date, max_test_age_days: int = 365
) -> list[BackupFinding]:
    """Data assets without a backup, without an off-site copy, or without a recent restore test.

    >>> backup_findings({"db": Backup(24, offsite=False, last_restore_test=dt.date(2020, 1, 1))},
    ...                 today=dt.date(2025, 1, 1))[0].kind
    'no_offsite_copy'
    """
    out: list[BackupFinding] = []
    for node in sorted(backups):
        b = backups[node]
        if b is None:
            out.append(BackupFinding(node, "no_backup", f"{node} has no backup"))
            continue
        if not b.offsite:
            out.append(BackupFinding(node, "no_offsite_copy", f"{node} has no off-site copy"))
        if b.last_restore_test is None:
            out.append(
                BackupFinding(node, "restore_test_missing", f"{node}: no restore test recorded")
            )
        elif (today - b.last_restore_test).days > max_test_age_days:
            out.append(
                BackupFinding(
                    node,
                    "restore_test_old",
                    f"{node}: last restore test {b.last_restore_test.isoformat()} is more than "
                    f"{max_test_age_days} days ago",
                )
            )
    return out
