"""Business impact analysis: MTPD, suggested RTO, recovery priority and required objectives.

Plain data in, plain data out (see docs/concepts/bia.md for the worked example).

* An *impact table* maps each impact category to one level (0 "none" … 5 "catastrophic") per
  time horizon of a :class:`BiaScale`.
* **MTPD** is the first horizon at which any category reaches the scale's intolerable level
  (:func:`mtpd`).
* The **suggested RTO** is MTPD minus the work recovery time, never below 0
  (:func:`suggested_rto`); a stated RTO must fit inside the MTPD (:func:`rto_within_mtpd`).
* The **recovery priority** ranks processes and services by MTPD, then by the worst level they
  reach, then by name (:func:`priority`).
* The **required objectives** of every node are the tightest RTO and RPO of the node itself and
  of everything that depends on it, cascading through all levels of the dependency graph
  (:func:`required_objectives`); a node whose own stated objective is looser is an
  *inversion* (:func:`inversions`).

All times are hours.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np

from standby.analysis.graph import CompiledGraph, FloatArray, IntArray

# The one spelling of durations for people; re-exported here for the callers of this module.
from standby.common.durations import format_hours

__all__ = [
    "DEFAULT_CATEGORIES",
    "DEFAULT_HORIZONS",
    "DEFAULT_INTOLERABLE",
    "LEVEL_NAMES",
    "MAX_LEVEL",
    "BiaRecord",
    "BiaScale",
    "Inversion",
    "Objective",
    "Ranked",
    "RequiredObjectives",
    "format_hours",
    "inversions",
    "mtpd",
    "priority",
    "required_objectives",
    "rto_within_mtpd",
    "suggested_rto",
]

#: Highest impact level; levels run from 0 to this.
MAX_LEVEL: Final = 5
#: The default words for levels 0..5.
LEVEL_NAMES: Final = ("none", "minor", "moderate", "significant", "severe", "catastrophic")
DEFAULT_CATEGORIES: Final = (
    "financial",
    "operational",
    "customer",
    "reputational",
    "legal",
    "health_safety",
)
#: 1 h, 4 h, 1 d, 3 d, 1 w, 2 w, 1 month (4 weeks), in hours.
DEFAULT_HORIZONS: Final = (1.0, 4.0, 24.0, 72.0, 168.0, 336.0, 672.0)
DEFAULT_INTOLERABLE: Final = 4

Objective = Literal["rto", "rpo"]
#: ``(rto, rpo)`` in hours, either possibly unknown.
Objectives = tuple[float | None, float | None]


@dataclass(frozen=True, slots=True)
class BiaScale:
    """Impact categories, time horizons (hours, ascending) and the intolerable level.

    Examples
    --------
    >>> BiaScale().horizons[:3], BiaScale().intolerable
    ((1.0, 4.0, 24.0), 4)
    >>> BiaScale(horizons=(4.0, 1.0))
    Traceback (most recent call last):
    ...
    ValueError: horizons must be strictly ascending and > 0, got (4.0, 1.0)
    """

    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    horizons: tuple[float, ...] = DEFAULT_HORIZONS
    intolerable: int = DEFAULT_INTOLERABLE
    level_names: tuple[str, ...] = LEVEL_NAMES
    #: Display names of categories (a missing one shows as its key).
    category_names: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        h = self.horizons
        if not h or h[0] <= 0 or any(b <= a for a, b in itertools.pairwise(h)):
            raise ValueError(f"horizons must be strictly ascending and > 0, got {h!r}")
        if not 1 <= self.intolerable <= MAX_LEVEL:
            raise ValueError(
                f"intolerable must be between 1 and {MAX_LEVEL}, got {self.intolerable}"
            )
        if len(self.level_names) != MAX_LEVEL + 1:
            raise ValueError(f"level_names must name the {MAX_LEVEL + 1} levels 0..{MAX_LEVEL}")

    def category_name(self, key: str) -> str:
        """The display name of category ``key``."""
        return self.category_names.get(key, key)


def _check_table(impacts: Mapping[str, Sequence[int]], scale: BiaScale) -> None:
    width = len(scale.horizons)
    for category, levels in impacts.items():
        if len(levels) != width:
            raise ValueError(
                f"impact {category!r} has {len(levels)} levels, the scale has {width} horizons"
            )
        for level in levels:
            if not 0 <= level <= MAX_LEVEL:
                raise ValueError(f"impact {category!r}: level {level} is not between 0 and 5")


def _first_intolerable(impacts: Mapping[str, Sequence[int]], scale: BiaScale) -> int | None:
    """Index of the first horizon where any category reaches the intolerable level."""
    _check_table(impacts, scale)
    first: int | None = None
    for levels in impacts.values():
        for j, level in enumerate(levels):
            if level >= scale.intolerable:
                if first is None or j < first:
                    first = j
                break
    return first


def mtpd(impacts: Mapping[str, Sequence[int]], scale: BiaScale | None = None) -> float | None:
    """Maximum tolerable period of disruption, in hours.

    Parameters
    ----------
    impacts
        Category to one level (0..5) per horizon of ``scale``.
    scale
        The scale; :class:`BiaScale` defaults when None.

    Returns
    -------
    float or None
        The first horizon at which any category reaches ``scale.intolerable`` or more; None
        when no category ever does (the table gives no MTPD).

    Raises
    ------
    ValueError
        A row whose length is not the number of horizons, or a level outside 0..5.

    Examples
    --------
    >>> mtpd({"financial": [0, 1, 2, 4, 5, 5, 5], "legal": [0, 0, 0, 0, 1, 2, 3]})
    72.0
    >>> mtpd({"financial": [0, 0, 0, 0, 0, 0, 3]}) is None
    True
    """
    scale = scale or BiaScale()
    j = _first_intolerable(impacts, scale)
    return None if j is None else scale.horizons[j]


def suggested_rto(mtpd_hours: float | None, wrt: float | None = None) -> float | None:
    """MTPD minus the work recovery time: the latest the systems may be back.

    The result is never negative: a WRT longer than the MTPD gives 0 (systems must not go down
    at all, which no RTO can promise — the BIA needs another look). None when MTPD is unknown;
    a missing WRT counts as 0.

    >>> suggested_rto(72.0, 8.0), suggested_rto(24.0), suggested_rto(4.0, 8.0)
    (64.0, 24.0, 0.0)
    >>> suggested_rto(None, 8.0) is None
    True
    """
    if mtpd_hours is None:
        return None
    return max(0.0, float(mtpd_hours) - float(wrt or 0.0))


def rto_within_mtpd(
    rto: float | None, mtpd_hours: float | None, *, wrt: float | None = None
) -> bool | None:
    """Whether ``rto <= mtpd`` (or, with ``wrt``, the stricter ``rto + wrt <= mtpd``).

    None when the RTO or the MTPD is unknown.

    >>> rto_within_mtpd(24.0, 72.0), rto_within_mtpd(96.0, 72.0), rto_within_mtpd(None, 72.0)
    (True, False, None)
    >>> rto_within_mtpd(24.0, 24.0), rto_within_mtpd(24.0, 24.0, wrt=4.0)
    (True, False)
    """
    if rto is None or mtpd_hours is None:
        return None
    return rto + (wrt or 0.0) <= mtpd_hours


# -- recovery priority ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BiaRecord:
    """One process or service's impact table, for :func:`priority`."""

    id: str
    name: str
    impacts: Mapping[str, Sequence[int]] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class Ranked:
    """A record's place in the recovery priority (``rank`` 1 is the most urgent)."""

    rank: int
    id: str
    name: str
    mtpd: float | None
    #: Highest level reached in any category at any horizon (0 with no table).
    max_level: int
    #: The category that first reaches ``max_level`` and the horizon it does (None for level 0).
    max_category: str | None
    max_at: float | None
    reason: str


def _worst(impacts: Mapping[str, Sequence[int]], scale: BiaScale) -> tuple[int, str | None, int]:
    """(highest level, the category reaching it earliest, that horizon's index)."""
    best: tuple[int, str | None, int] = (0, None, -1)
    for category, levels in impacts.items():
        for j, level in enumerate(levels):
            if level > best[0] or (level == best[0] > 0 and j < best[2]):
                best = (level, category, j)
    return best


def priority(records: Iterable[BiaRecord], scale: BiaScale | None = None) -> list[Ranked]:
    """Rank processes and services for recovery, most urgent first.

    Order: MTPD ascending (records without an MTPD last), then the highest level reached
    (descending), then name, then id. Ranks are 1, 2, 3, … with no ties.

    Parameters
    ----------
    records
        The impact tables.
    scale
        The scale the tables are written against.

    Returns
    -------
    list of Ranked
        With a one-sentence ``reason`` each.

    Examples
    --------
    >>> ranked = priority([
    ...     BiaRecord("pay", "Pay staff", {"financial": [0, 1, 3, 5, 5, 5, 5]}),
    ...     BiaRecord("web", "Website", {"reputational": [1, 2, 4, 4, 4, 4, 4]}),
    ...     BiaRecord("lib", "Library", {"operational": [0, 0, 1, 1, 2, 2, 3]}),
    ... ])
    >>> [(r.rank, r.id, r.mtpd) for r in ranked]
    [(1, 'web', 24.0), (2, 'pay', 72.0), (3, 'lib', None)]
    >>> ranked[1].reason
    'MTPD 3 d; reaches level 5 (catastrophic) in financial at 3 d'
    >>> ranked[2].reason
    'no MTPD (never intolerable); reaches level 3 (significant) in operational at 28 d'
    """
    scale = scale or BiaScale()
    rows = []
    for record in records:
        value = mtpd(record.impacts, scale)
        level, category, j = _worst(record.impacts, scale)
        at = scale.horizons[j] if category is not None else None
        rows.append((record, value, level, category, at))
    rows.sort(
        key=lambda r: (r[1] is None, r[1] if r[1] is not None else 0.0, -r[2], r[0].name, r[0].id)
    )
    out: list[Ranked] = []
    for rank, (record, value, level, category, at) in enumerate(rows, start=1):
        head = "no MTPD (never intolerable)" if value is None else f"MTPD {format_hours(value)}"
        if category is None or at is None:
            tail = "no impact recorded" if not record.impacts else "no impact at any horizon"
        else:
            tail = (
                f"reaches level {level} ({scale.level_names[level]}) in "
                f"{scale.category_name(category)} at {format_hours(at)}"
            )
        out.append(
            Ranked(rank, record.id, record.name, value, level, category, at, f"{head}; {tail}")
        )
    return out


# -- required objectives ----------------------------------------------------------------------


class RequiredObjectives(Mapping[str, Objectives]):
    """Required ``(rto, rpo)`` of every node of a graph, with who imposes each.

    A read-only mapping from node id to ``(required RTO, required RPO)`` (None where nothing
    states one); :meth:`bound_by` and :meth:`via` say which node's stated objective sets the
    value and through which immediate dependant it arrives. Built by
    :func:`required_objectives`.
    """

    def __init__(
        self,
        graph: CompiledGraph,
        values: Mapping[Objective, FloatArray],
        source: Mapping[Objective, IntArray],
        via: Mapping[Objective, IntArray],
    ) -> None:
        self._graph = graph
        self._values = values
        self._source = source
        self._via = via

    def __getitem__(self, node_id: str) -> Objectives:
        i = self._graph.index[node_id]
        return (self.value(i, "rto"), self.value(i, "rpo"))

    def __iter__(self) -> Iterator[str]:
        return iter(self._graph.ids)

    def __len__(self) -> int:
        return self._graph.n_nodes

    def to_dict(self) -> dict[str, Objectives]:
        """The whole mapping as a plain dict (much faster than ``dict(self)``)."""
        pairs = []
        for objective in ("rto", "rpo"):
            values = self._values["rto" if objective == "rto" else "rpo"]
            pairs.append([None if math.isinf(v) else v for v in values.tolist()])
        return dict(zip(self._graph.ids, zip(pairs[0], pairs[1], strict=True), strict=True))

    def value(self, index: int, objective: Objective) -> float | None:
        """The required ``objective`` of node ``index`` (None when unknown)."""
        v = float(self._values[objective][index])
        return None if math.isinf(v) else v

    def array(self, objective: Objective) -> FloatArray:
        """Required ``objective`` of every node in graph order (``inf`` where unknown)."""
        return self._values[objective]

    def bound_by(self, node_id: str, objective: Objective) -> str | None:
        """The node whose own stated objective sets ``node_id``'s required one."""
        s = int(self._source[objective][self._graph.index[node_id]])
        return None if s < 0 else self._graph.ids[s]

    def via(self, node_id: str, objective: Objective) -> str | None:
        """The immediate dependant that passes the requirement on (None if it is the node's own)."""
        s = int(self._via[objective][self._graph.index[node_id]])
        return None if s < 0 else self._graph.ids[s]


def _stated_array(
    graph: CompiledGraph, objectives: Mapping[str, Objectives], position: int
) -> FloatArray:
    out = np.full(graph.n_nodes, np.inf)
    ids = list(objectives)
    idx = graph.indices(ids)  # raises UnknownNodeError for an id not in the graph
    for i, node_id in zip(idx.tolist(), ids, strict=True):
        value = objectives[node_id][position]
        if value is not None:
            out[i] = float(value)
    return out


def _propagate(graph: CompiledGraph, stated: FloatArray) -> tuple[FloatArray, IntArray, IntArray]:
    """Push every node's required value down to its requirements, highest level first."""
    n = graph.n_nodes
    req = stated.copy()
    src = np.where(np.isinf(stated), -1, np.arange(n)).astype(np.int32)
    via = np.full(n, -1, dtype=np.int32)
    edge_owner = np.repeat(graph.group_owner, np.diff(graph.group_ptr))
    members_all = graph.group_members
    for lv in range(graph.n_levels - 1, 0, -1):
        g0, g1 = int(graph.group_level_ptr[lv]), int(graph.group_level_ptr[lv + 1])
        e0, e1 = int(graph.group_ptr[g0]), int(graph.group_ptr[g1])
        if e0 == e1:
            continue
        owners = edge_owner[e0:e1]
        vals = req[owners]
        live = np.isfinite(vals)
        if not live.any():
            continue
        owners, vals, members = owners[live], vals[live], members_all[e0:e1][live]
        origin = src[owners]
        # Per member, the smallest value (ties: lowest origin index, then lowest owner).
        order = np.lexsort((owners, origin, vals, members))
        m_sorted = members[order]
        first = np.ones(m_sorted.size, dtype=np.bool_)
        first[1:] = m_sorted[1:] != m_sorted[:-1]
        pick = order[first]
        targets, best = members[pick], vals[pick]
        # Strictly tighter only: on a tie the node keeps its own (or an earlier) source.
        better = best < req[targets]
        targets, pick = targets[better], pick[better]
        req[targets] = vals[pick]
        src[targets] = origin[pick]
        via[targets] = owners[pick]
    return req, src, via


def required_objectives(
    graph: CompiledGraph, objectives: Mapping[str, Objectives]
) -> RequiredObjectives:
    """Required RTO and RPO of every node: the tightest of its own and all its dependants'.

    DOMAIN.md rule 2: everything a process depends on must be recoverable within the process's
    RTO and RPO. The required objective of a node is the minimum of its own stated objective
    (if any) and the *required* objective of every node that requires it, so it cascades
    through every level. A member of a redundancy group ("at least k of n") inherits the
    owner's requirement in full: any member may be the one that has to come back, so each
    must be recoverable in time on its own.

    Parameters
    ----------
    graph
        The compiled dependency model.
    objectives
        Node id to its stated ``(rto, rpo)`` in hours (either may be None). Usually processes
        and services with a BIA; a stated objective on any node takes part.

    Returns
    -------
    RequiredObjectives
        A mapping of every node id to ``(required RTO, required RPO)``, None where no
        dependant (nor the node) states one.

    Raises
    ------
    UnknownNodeError
        An id in ``objectives`` that is not in the graph.

    Examples
    --------
    >>> from standby.analysis.graph import compile_graph
    >>> from standby.analysis.model import NodeKind, NodeSpec, Requirement
    >>> g = compile_graph([
    ...     NodeSpec("p1", NodeKind.PROCESS, (Requirement.single("s"),)),
    ...     NodeSpec("p2", NodeKind.PROCESS, (Requirement.single("s"),)),
    ...     NodeSpec("s", NodeKind.SERVICE, (Requirement(1, ("a", "b")),)),
    ...     NodeSpec("a", NodeKind.ASSET), NodeSpec("b", NodeKind.ASSET)])
    >>> req = required_objectives(g, {"p1": (4.0, 1.0), "p2": (24.0, None)})
    >>> req.to_dict()
    {'p1': (4.0, 1.0), 'p2': (24.0, None), 's': (4.0, 1.0), 'a': (4.0, 1.0), 'b': (4.0, 1.0)}
    >>> req.bound_by("a", "rto"), req.via("a", "rto")
    ('p1', 's')
    """
    values: dict[Objective, FloatArray] = {}
    source: dict[Objective, IntArray] = {}
    via: dict[Objective, IntArray] = {}
    for position, name in enumerate(("rto", "rpo")):
        key: Objective = "rto" if name == "rto" else "rpo"
        values[key], source[key], via[key] = _propagate(
            graph, _stated_array(graph, objectives, position)
        )
    return RequiredObjectives(graph, values, source, via)


@dataclass(frozen=True, slots=True)
class Inversion:
    """A node whose own stated objective is looser than its dependants need."""

    node: str
    objective: Objective
    stated: float
    required: float
    #: The node whose stated objective imposes ``required`` (None if unknown).
    bound_by: str | None
    #: The immediate dependant it arrives through.
    via: str | None

    @property
    def message(self) -> str:
        """A one-line description.

        >>> Inversion("db", "rto", 8.0, 4.0, "pay", "app").message
        "db: stated RTO 8 h is looser than the 4 h required by 'pay' (via 'app')"
        """
        by = f" required by {self.bound_by!r}" if self.bound_by else " required"
        through = f" (via {self.via!r})" if self.via and self.via != self.bound_by else ""
        return (
            f"{self.node}: stated {self.objective.upper()} {format_hours(self.stated)} is looser "
            f"than the {format_hours(self.required)}{by}{through}"
        )


def inversions(
    stated: Mapping[str, Objectives], required: Mapping[str, Objectives]
) -> list[Inversion]:
    """Every stated RTO or RPO that is looser than what the node's dependants require.

    Parameters
    ----------
    stated
        Node id to its own ``(rto, rpo)``.
    required
        What :func:`required_objectives` returned (a plain mapping works too, without
        ``bound_by``/``via``).

    Returns
    -------
    list of Inversion
        Sorted by node id, RTO before RPO.

    Examples
    --------
    >>> from standby.analysis.graph import compile_graph
    >>> from standby.analysis.model import NodeKind, NodeSpec, Requirement
    >>> g = compile_graph([
    ...     NodeSpec("pay", NodeKind.PROCESS, (Requirement.single("db"),)),
    ...     NodeSpec("db", NodeKind.ASSET)])
    >>> stated = {"pay": (4.0, 1.0), "db": (8.0, 1.0)}
    >>> [i.message for i in inversions(stated, required_objectives(g, stated))]
    ["db: stated RTO 8 h is looser than the 4 h required by 'pay'"]
    """
    out: list[Inversion] = []
    for node_id in sorted(stated):
        own = stated[node_id]
        need = required.get(node_id)
        if need is None:
            continue
        for position, key in enumerate(("rto", "rpo")):
            objective: Objective = "rto" if key == "rto" else "rpo"
            mine, theirs = own[position], need[position]
            if mine is None or theirs is None or mine <= theirs:
                continue
            by = via = None
            if isinstance(required, RequiredObjectives):
                by = required.bound_by(node_id, objective)
                via = required.via(node_id, objective)
            out.append(Inversion(node_id, objective, float(mine), float(theirs), by, via))
    return out
