"""Disaster scenarios: generated (each site, each supplier, each critical asset) and user-defined.

A :class:`Scenario` is a named set of failed nodes (assets, locations, suppliers).
:func:`generated_scenarios` lists the loss of every location, of every supplier and of every
*critical* asset (ids given by the caller, e.g. the single points of failure of the critical
services); a user-defined scenario ("ransomware on all Windows servers") is a
:class:`Scenario` with ``kind="user"``.

:func:`evaluate_scenarios` evaluates many scenarios at once with the semantics of
:mod:`standby.analysis.impact` and :mod:`standby.analysis.recovery`: one sweep over the levels
of the compiled graph computes, for a block of scenarios side by side (a matrix with one column
per scenario), which nodes are down and when each is back. A node that is not down has every
group met at time 0, so the same formula covers every node: ``back = ready (+ own recovery time
if failed)``, where ``ready`` is the latest, over the node's groups, of the ``k``-th earliest
member return.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from standby.analysis.graph import BoolArray, CompiledGraph, FloatArray, IntArray
from standby.analysis.impact import failed_indices
from standby.analysis.model import NodeKind

__all__ = [
    "Scenario",
    "ScenarioKind",
    "ScenarioResults",
    "critical_chain",
    "evaluate_scenarios",
    "generated_scenarios",
    "own_recovery_times",
]

ScenarioKind = Literal["site", "supplier", "asset", "user"]


@dataclass(frozen=True, slots=True)
class Scenario:
    """A disaster: the nodes that fail at time 0.

    ``id`` is unique within a list (generated ones are ``site:<id>``, ``supplier:<id>``,
    ``asset:<id>``); ``name`` is for people.

    >>> Scenario("user:fire", "Server room fire", "user", ("dc-a",)).failed
    ('dc-a',)
    """

    id: str
    name: str
    kind: ScenarioKind
    failed: tuple[str, ...]


def generated_scenarios(
    graph: CompiledGraph,
    critical_assets: Iterable[str] = (),
    names: Mapping[str, str] | None = None,
) -> list[Scenario]:
    """The loss of each location, each supplier and each critical asset, in that order.

    Parameters
    ----------
    graph
        The compiled model.
    critical_assets
        Ids of assets whose loss alone is a scenario (duplicates are ignored; a location or
        supplier given here is already covered).
    names
        Node id to the name people know it by: a named node's scenario is "Loss of <name>";
        otherwise "Loss of site <id>" (supplier, asset).

    Examples
    --------
    >>> from standby.analysis.graph import compile_graph
    >>> from standby.analysis.model import NodeSpec, Requirement
    >>> g = compile_graph([
    ...     NodeSpec("db", NodeKind.ASSET, (Requirement.single("dc"), Requirement.single("v"))),
    ...     NodeSpec("dc", NodeKind.LOCATION), NodeSpec("v", NodeKind.SUPPLIER)])
    >>> [s.id for s in generated_scenarios(g, ["db"])]
    ['site:dc', 'supplier:v', 'asset:db']
    >>> [s.name for s in generated_scenarios(g, ["db"], names={"dc": "Main campus"})]
    ['Loss of Main campus', 'Loss of supplier v', 'Loss of asset db']
    """
    names = names or {}

    def title(word: str, node: str) -> str:
        return f"Loss of {names[node]}" if names.get(node) else f"Loss of {word} {node}"

    out: list[Scenario] = []
    for kind, label in ((NodeKind.LOCATION, "site"), (NodeKind.SUPPLIER, "supplier")):
        for i in range(graph.n_nodes):
            if graph.kind_of(i) is kind:
                node = graph.ids[i]
                out.append(Scenario(f"{label}:{node}", title(label, node), label, (node,)))  # type: ignore[arg-type]
    seen: set[str] = set()
    for node in critical_assets:
        i = int(graph.indices([node])[0])
        if node in seen or graph.kind_of(i) is not NodeKind.ASSET:
            continue
        seen.add(node)
        out.append(Scenario(f"asset:{node}", title("asset", node), "asset", (node,)))
    return out


def own_recovery_times(
    graph: CompiledGraph, overrides: Mapping[str, float] | None = None
) -> FloatArray:
    """Every node's own recovery time (NaN when unknown), with ``overrides`` by id.

    >>> from standby.analysis.graph import compile_graph
    >>> from standby.analysis.model import NodeSpec
    >>> g = compile_graph([NodeSpec("a", NodeKind.ASSET, (), 4.0), NodeSpec("b", NodeKind.ASSET)])
    >>> own_recovery_times(g, {"b": 2.0}).tolist()
    [4.0, 2.0]
    """
    own = graph.recovery_time.copy()
    for node, hours in (overrides or {}).items():
        own[graph.index[node]] = hours
    return own


@dataclass(frozen=True, eq=False, slots=True)
class ScenarioResults:
    """What every scenario does to some nodes (``columns``), one row per scenario.

    ``down[s, j]`` is True when node ``columns[j]`` is down in scenario ``s``; ``back[s, j]`` is
    when it is available again (0 when never down, ``inf`` when unknown).
    """

    scenarios: tuple[Scenario, ...]
    columns: IntArray
    down: NDArray[np.bool_]
    back: FloatArray

    def rta(self, scenario: int, node: int) -> float | None:
        """Return time of ``columns[node]`` in scenario ``scenario`` (None when unknown)."""
        t = float(self.back[scenario, node])
        return None if np.isinf(t) else t


def evaluate_scenarios(
    graph: CompiledGraph,
    scenarios: Sequence[Scenario],
    *,
    columns: Iterable[str] | None = None,
    recovery_time: FloatArray | None = None,
    block: int = 64,
    sparse_limit: int = 500,
) -> ScenarioResults:
    """Down mask and return time of some nodes in every scenario, vectorised over scenarios.

    Parameters
    ----------
    graph
        The compiled model.
    scenarios
        The scenarios; their failed nodes must be failable.
    columns
        Node ids to report (default: every node).
    recovery_time
        Own recovery time of every node (NaN when unknown); default the model's
        (:func:`own_recovery_times` builds one with overrides).
    block
        Large scenarios evaluated side by side (bounds memory: ``nodes x block`` floats).
    sparse_limit
        A scenario taking down at most this many nodes is followed edge by edge in plain
        Python (cheap when little goes down); a larger one joins the vectorised level sweep.

    Returns
    -------
    ScenarioResults

    Raises
    ------
    UnknownNodeError, NotFailableError

    Examples
    --------
    >>> from standby.analysis.graph import compile_graph
    >>> from standby.analysis.model import NodeSpec, Requirement
    >>> g = compile_graph([
    ...     NodeSpec("web", NodeKind.SERVICE, (Requirement(1, ("s1", "s2")),)),
    ...     NodeSpec("s1", NodeKind.ASSET, (Requirement.single("dc"),), 2.0),
    ...     NodeSpec("s2", NodeKind.ASSET, (Requirement.single("dc"),), None),
    ...     NodeSpec("dc", NodeKind.LOCATION, (), 24.0)])
    >>> r = evaluate_scenarios(g, [Scenario("a", "A", "user", ("dc",)),
    ...                            Scenario("b", "B", "user", ("dc", "s1", "s2"))],
    ...                        columns=["web"])
    >>> r.back.tolist(), r.down.tolist()
    ([[24.0], [26.0]], [[True], [True]])
    """
    cols = np.arange(graph.n_nodes, dtype=np.int32) if columns is None else graph.indices(columns)
    own = graph.recovery_time if recovery_time is None else recovery_time
    own = np.where(np.isnan(own), np.inf, own)
    failed = [failed_indices(graph, s.failed) for s in scenarios]
    n_s = len(scenarios)
    down_out = np.zeros((n_s, cols.size), dtype=np.bool_)
    back_out = np.zeros((n_s, cols.size), dtype=np.float64)
    # Most scenarios take little down: follow them edge by edge; the large ones go in blocks.
    small = _Sparse(graph, own, cols, sparse_limit)
    large: list[int] = []
    for s, idx in enumerate(failed):
        if not small.run(idx, down_out[s], back_out[s]):
            large.append(s)
    if large:
        plan = _LevelPlan.build(graph)
        for b0 in range(0, len(large), max(1, block)):
            rows = large[b0 : b0 + block]
            down, back = _sweep(graph, plan, [failed[s] for s in rows], own)
            down_out[rows] = down[cols].T
            back_out[rows] = back[cols].T
    return ScenarioResults(tuple(scenarios), cols, down_out, back_out)


class _Sparse:
    """One scenario at a time, touching only what goes down (plain Python, same arithmetic).

    Gives up (returns False) once more than ``limit`` nodes are down; the caller then uses the
    array sweep. Same operations as :func:`~standby.analysis.recovery.return_times`: the
    ready time is the max over broken groups of their k-th earliest member return (a group that
    is not broken has k members up, so its k-th earliest is 0), plus the own time if failed.
    """

    def __init__(self, graph: CompiledGraph, own: FloatArray, cols: IntArray, limit: int) -> None:
        self.mptr = graph.member_ptr.tolist()
        self.mgroups = graph.member_groups.tolist()
        self.gowner = graph.group_owner.tolist()
        self.gptr = graph.group_ptr.tolist()
        self.gmembers = graph.group_members.tolist()
        self.gk = graph.group_k.tolist()
        self.slack = (np.diff(graph.group_ptr) - graph.group_k).tolist()
        self.level = graph.level.tolist()
        self.own = own.tolist()
        self.col_of = {int(v): j for j, v in enumerate(cols.tolist())}
        self.limit = limit
        self._groups_of: dict[int, list[int]] | None = None

    def groups_of(self) -> dict[int, list[int]]:
        if self._groups_of is None:
            out: dict[int, list[int]] = {}
            for g, o in enumerate(self.gowner):
                out.setdefault(o, []).append(g)
            self._groups_of = out
        return self._groups_of

    def run(self, failed: IntArray, down_row: BoolArray, back_row: FloatArray) -> bool:
        mptr, mgroups, gowner, slack = self.mptr, self.mgroups, self.gowner, self.slack
        failed_set = set(failed.tolist())
        down = set(failed_set)
        stack = list(failed_set)
        count: dict[int, int] = {}
        limit = self.limit
        while stack:
            u = stack.pop()
            for j in range(mptr[u], mptr[u + 1]):
                g = mgroups[j]
                c = count.get(g, 0) + 1
                count[g] = c
                if c == slack[g] + 1:
                    o = gowner[g]
                    if o not in down:
                        down.add(o)
                        stack.append(o)
                        if len(down) > limit:
                            return False
        groups_of = self.groups_of()
        gptr, gmembers, gk, own = self.gptr, self.gmembers, self.gk, self.own
        back: dict[int, float] = {}
        for v in sorted(down, key=self.level.__getitem__):
            ready = 0.0
            for g in groups_of.get(v, ()):
                if count.get(g, 0) <= slack[g]:
                    continue
                a, b = gptr[g], gptr[g + 1]
                if b - a == 1:
                    t = back.get(gmembers[a], 0.0)
                else:
                    t = sorted([back.get(m, 0.0) for m in gmembers[a:b]])[gk[g] - 1]
                ready = max(ready, t)
            back[v] = ready + own[v] if v in failed_set else ready
        col_of = self.col_of
        for v, t in back.items():
            col = col_of.get(v)
            if col is not None:
                down_row[col] = True
                back_row[col] = t
        return True


@dataclass(frozen=True, slots=True)
class _SizeBlock:
    """Groups of one level with one size ``n``: positions in the level, members, ``k``."""

    pos: IntArray
    members: NDArray[np.int64]
    k: IntArray


@dataclass(frozen=True, slots=True)
class _LevelPlan:
    """Per level: the nodes, the groups bucketed by size, and owner segments."""

    nodes: tuple[IntArray, ...]
    blocks: tuple[tuple[_SizeBlock, ...], ...]
    seg_starts: tuple[NDArray[np.int64], ...]
    seg_owner: tuple[IntArray, ...]

    @classmethod
    def build(cls, graph: CompiledGraph) -> _LevelPlan:
        nodes: list[IntArray] = []
        blocks: list[tuple[_SizeBlock, ...]] = []
        starts: list[NDArray[np.int64]] = []
        owners: list[IntArray] = []
        size = np.diff(graph.group_ptr)
        for lv in range(graph.n_levels):
            v0, v1 = int(graph.level_ptr[lv]), int(graph.level_ptr[lv + 1])
            nodes.append(graph.order[v0:v1])
            g0, g1 = int(graph.group_level_ptr[lv]), int(graph.group_level_ptr[lv + 1])
            level_blocks: list[_SizeBlock] = []
            sz = size[g0:g1]
            for s in np.unique(sz).tolist():
                pos = np.flatnonzero(sz == s).astype(np.int32)
                first = graph.group_ptr[g0 + pos]
                members = graph.group_members[first[:, None] + np.arange(s)].astype(np.int64)
                level_blocks.append(_SizeBlock(pos, members, graph.group_k[g0 + pos]))
            blocks.append(tuple(level_blocks))
            own = graph.group_owner[g0:g1]
            seg = np.flatnonzero(np.r_[True, own[1:] != own[:-1]]) if own.size else own
            starts.append(np.asarray(seg, dtype=np.int64))
            owners.append(own[seg] if own.size else own)
        return cls(tuple(nodes), tuple(blocks), tuple(starts), tuple(owners))


def _sweep(
    graph: CompiledGraph, plan: _LevelPlan, failed: list[IntArray], own: FloatArray
) -> tuple[BoolArray, FloatArray]:
    """Down mask and return times (nodes x scenarios) for a block of scenarios."""
    n, m = graph.n_nodes, len(failed)
    is_failed = np.zeros((n, m), dtype=np.bool_)
    for j, idx in enumerate(failed):
        is_failed[idx, j] = True
    down = is_failed.copy()
    back = np.zeros((n, m), dtype=np.float64)
    own_col = own[:, None]
    for lv in range(graph.n_levels):
        nodes = plan.nodes[lv]
        n_groups = int(graph.group_level_ptr[lv + 1] - graph.group_level_ptr[lv])
        if n_groups:
            kth = np.empty((n_groups, m), dtype=np.float64)
            broken = np.empty((n_groups, m), dtype=np.bool_)
            for blk in plan.blocks[lv]:
                times = back[blk.members]  # (groups, size, scenarios)
                gone = down[blk.members].sum(axis=1)
                size = blk.members.shape[1]
                broken[blk.pos] = gone > (size - blk.k)[:, None]
                if size == 1:
                    kth[blk.pos] = times[:, 0, :]
                else:
                    times.sort(axis=1)
                    kth[blk.pos] = np.take_along_axis(
                        times, (blk.k - 1)[:, None, None].astype(np.int64), axis=1
                    )[:, 0, :]
            seg = plan.seg_starts[lv]
            owner = plan.seg_owner[lv]
            ready = np.maximum.reduceat(kth, seg, axis=0)
            down[owner] |= np.logical_or.reduceat(broken, seg, axis=0)
            base = np.zeros((nodes.size, m), dtype=np.float64)
            # Owners are a subset of this level's nodes; place their ready times.
            where = np.searchsorted(nodes, owner, sorter=np.argsort(nodes))
            base[np.argsort(nodes)[where]] = ready
        else:
            base = np.zeros((nodes.size, m), dtype=np.float64)
        fl = is_failed[nodes]
        back[nodes] = np.where(fl, base + own_col[nodes], base)
    return down, back


def critical_chain(
    graph: CompiledGraph, target: str, back: FloatArray
) -> list[tuple[str, float | None]]:
    """The chain of nodes that sets ``target``'s return time, from the target down.

    ``back`` are the return times of every node in the scenario (see :func:`evaluate_scenarios`
    or :func:`~standby.analysis.recovery.return_times`).
    At each node the chain follows the requirement met last (for a k-of-n group, its k-th
    earliest member) until a node that was ready at 0.

    Examples
    --------
    >>> from standby.analysis.graph import compile_graph
    >>> from standby.analysis.model import NodeSpec, Requirement
    >>> from standby.analysis.recovery import return_times
    >>> g = compile_graph([
    ...     NodeSpec("web", NodeKind.SERVICE, (Requirement.single("app"),)),
    ...     NodeSpec("app", NodeKind.ASSET, (Requirement.single("dc"),), 2.0),
    ...     NodeSpec("dc", NodeKind.LOCATION, (), 24.0)])
    >>> back = return_times(g, [1, 2])
    >>> critical_chain(g, "web", back)
    [('web', 26.0), ('app', 26.0), ('dc', 24.0)]
    """
    gptr, members, gk = graph.group_ptr, graph.group_members, graph.group_k
    groups_of: dict[int, list[int]] = {}
    for g, o in enumerate(graph.group_owner.tolist()):
        groups_of.setdefault(o, []).append(g)
    v = graph.index[target]
    chain: list[tuple[str, float | None]] = []
    seen: set[int] = set()
    while v not in seen:
        seen.add(v)
        t = float(back[v])
        chain.append((graph.ids[v], None if np.isinf(t) else t))
        best_t, best_m = 0.0, -1
        for g in groups_of.get(v, ()):
            ms = members[gptr[g] : gptr[g + 1]]
            order = np.argsort(back[ms], kind="stable")
            m = int(ms[order[int(gk[g]) - 1]])
            if back[m] > best_t or (best_m < 0 and back[m] > 0):
                best_t, best_m = float(back[m]), m
        if best_m < 0 or best_t <= 0.0:
            break
        v = best_m
    return chain
