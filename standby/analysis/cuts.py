"""Single points of failure and failing pairs (cut sets of order 1 and 2).

**Kill sets.** Let ``K(v)`` be the set of failable nodes whose failure *alone* takes ``v`` down.
Failures only spread upwards, so ``K`` follows the requirements exactly::

    K(v)   = {v} if v can fail, plus the union over v's groups g of K(g)
    K(g)   = {x : x is in K(m) for at least r = n - k + 1 members m of g}

(a group "at least k of n" breaks once more than ``n - k`` members are down). For a single
requirement or an "all of" group (``r = 1``) this is a union, for "any of" (``r = n``) an
intersection. The sets are computed level by level for all nodes at once as a sparse 0/1 matrix
(rows: nodes, columns: failable nodes): per level, one sparse product *groups x members* @ *K*
counts, for every group and candidate ``x``, the members ``x`` kills; entries reaching ``r`` are
kept and OR-ed into the owners' rows. The cost is proportional to the sizes of the kill sets
read, not to the number of nodes squared.

**Pairs.** ``P(v)`` is the set of pairs ``{a, b}`` that take ``v`` down together while neither
does alone. For a group with members ``m`` and threshold ``r``, a pair downs member ``m`` iff
``a`` or ``b`` is in ``K(m)`` or the pair is in ``P(m)``; the pair breaks the group iff that
happens for ``r`` members. A pair can only reach ``r`` without either node alone reaching it if
it is in some ``P(m)`` or both nodes are in some member's kill set (then each counts at least
once), so those are the only candidates; each is counted exactly with member bitmasks.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from standby.analysis.graph import BoolArray, CompiledGraph, IntArray, csr_gather
from standby.analysis.model import NodeKind

Pair = tuple[int, int]


class KillSets:
    """``K(v)`` for the nodes of some cones, as rows of a sparse 0/1 matrix.

    Build with :func:`kill_sets`; :meth:`of` reads one node's set.
    """

    def __init__(self, graph: CompiledGraph, matrix: sparse.csr_array, row: IntArray) -> None:
        self.graph = graph
        self.matrix = matrix
        self.row = row

    def of(self, node: int) -> IntArray:
        """Failable nodes (indices, ascending) whose failure alone takes ``node`` down."""
        r = int(self.row[node])
        ptr = self.matrix.indptr
        cols: IntArray = np.sort(self.matrix.indices[ptr[r] : ptr[r + 1]]).astype(np.int32)
        return cols


def cone_mask(graph: CompiledGraph, targets: NDArray[np.integer]) -> BoolArray:
    """Mask of ``targets`` and everything they require, directly or not.

    >>> from standby.analysis.model import NodeSpec, Requirement
    >>> from standby.analysis.graph import compile_graph
    >>> g = compile_graph([NodeSpec("s", NodeKind.SERVICE, (Requirement.single("a"),)),
    ...                    NodeSpec("a", NodeKind.ASSET), NodeSpec("b", NodeKind.ASSET)])
    >>> cone_mask(g, np.array([0])).tolist()
    [True, True, False]
    """
    needed = np.zeros(graph.n_nodes, dtype=np.bool_)
    needed[targets] = True
    for lv in range(graph.n_levels - 1, 0, -1):
        g0, g1 = int(graph.group_level_ptr[lv]), int(graph.group_level_ptr[lv + 1])
        groups = g0 + np.flatnonzero(needed[graph.group_owner[g0:g1]])
        if groups.size:
            needed[csr_gather(graph.group_ptr, graph.group_members, groups)] = True
    return needed


def kill_sets(graph: CompiledGraph, needed: BoolArray | None = None) -> KillSets:
    """Compute ``K(v)`` for every node in ``needed`` (default: all nodes).

    ``needed`` must be closed under requirements (use :func:`cone_mask`).

    >>> from standby.analysis.model import NodeSpec, Requirement
    >>> from standby.analysis.graph import compile_graph
    >>> g = compile_graph([
    ...     NodeSpec("s", NodeKind.SERVICE, (Requirement(1, ("a", "b")), Requirement.single("c"))),
    ...     NodeSpec("a", NodeKind.ASSET, (Requirement.single("c"),)),
    ...     NodeSpec("b", NodeKind.ASSET), NodeSpec("c", NodeKind.ASSET)])
    >>> [g.ids[i] for i in kill_sets(g).of(0)]
    ['c']
    """
    n = graph.n_nodes
    if needed is None:
        needed = np.ones(n, dtype=np.bool_)
    row = np.empty(n, dtype=np.int64)
    row[graph.order] = np.arange(n, dtype=np.int64)
    need = (np.diff(graph.group_ptr) - graph.group_k + 1).astype(np.int64)
    # Rows are nodes in level order, so the rows of lower levels are a prefix of the matrix.
    indptr = np.zeros(n + 1, dtype=np.int64)
    indices = np.empty(max(16, 2 * n), dtype=np.int64)
    nnz = 0
    for lv in range(graph.n_levels):
        v0, v1 = int(graph.level_ptr[lv]), int(graph.level_ptr[lv + 1])
        nodes = graph.order[v0:v1]
        own = np.flatnonzero(needed[nodes] & graph.failable[nodes])
        rows_parts = [own]
        cols_parts = [nodes[own].astype(np.int64)]
        g0, g1 = int(graph.group_level_ptr[lv]), int(graph.group_level_ptr[lv + 1])
        groups = g0 + np.flatnonzero(needed[graph.group_owner[g0:g1]])
        if groups.size and nnz:
            sizes = graph.group_ptr[groups + 1] - graph.group_ptr[groups]
            members = row[csr_gather(graph.group_ptr, graph.group_members, groups)]
            gptr = np.zeros(groups.size + 1, dtype=np.int64)
            np.cumsum(sizes, out=gptr[1:])
            incidence = sparse.csr_array(
                (np.ones(members.size, dtype=np.int32), members, gptr), shape=(groups.size, v0)
            )
            so_far = sparse.csr_array(
                (np.ones(nnz, dtype=np.int32), indices[:nnz], indptr[: v0 + 1]), shape=(v0, n)
            )
            counts = incidence @ so_far
            count_rows = np.repeat(np.arange(groups.size), np.diff(counts.indptr))
            keep = counts.data >= need[groups][count_rows]
            owner_row = row[graph.group_owner[groups]] - v0
            rows_parts.append(owner_row[count_rows[keep]])
            cols_parts.append(counts.indices[keep].astype(np.int64))
        rows = np.concatenate(rows_parts)
        cols = np.concatenate(cols_parts)
        block = sparse.csr_array(
            (np.ones(rows.size, dtype=np.int32), (rows, cols)), shape=(v1 - v0, n)
        )
        block.sum_duplicates()
        if nnz + block.nnz > indices.size:
            grown = np.empty(max(2 * indices.size, nnz + block.nnz), dtype=np.int64)
            grown[:nnz] = indices[:nnz]
            indices = grown
        indices[nnz : nnz + block.nnz] = block.indices
        indptr[v0 + 1 : v1 + 1] = nnz + block.indptr[1:]
        nnz += block.nnz
    matrix = sparse.csr_array(
        (np.ones(nnz, dtype=np.int32), indices[:nnz].copy(), indptr), shape=(n, n)
    )
    return KillSets(graph, matrix, row.astype(np.int32))


def _targets(graph: CompiledGraph, targets: Iterable[str] | None) -> IntArray:
    if targets is not None:
        return graph.indices(targets)
    top = {NodeKind.PROCESS, NodeKind.SERVICE}
    codes = [i for i in range(graph.n_nodes) if graph.kind_of(i) in top]
    return np.asarray(codes, dtype=np.int32)


def single_points_of_failure(
    graph: CompiledGraph, targets: Iterable[str] | None = None
) -> dict[str, list[str]]:
    """For each target, the failable nodes whose failure alone takes it down.

    Parameters
    ----------
    graph
        The compiled model.
    targets
        Node ids; by default every process and service.

    Returns
    -------
    dict
        Target id to the sorted ids of its single points of failure (a failable target is its
        own).

    Examples
    --------
    >>> from standby.analysis.model import NodeSpec, Requirement
    >>> from standby.analysis.graph import compile_graph
    >>> g = compile_graph([
    ...     NodeSpec("web", NodeKind.SERVICE, (Requirement(1, ("s1", "s2")),)),
    ...     NodeSpec("s1", NodeKind.ASSET, (Requirement.single("dc"),)),
    ...     NodeSpec("s2", NodeKind.ASSET, (Requirement.single("dc"),)),
    ...     NodeSpec("dc", NodeKind.LOCATION)])
    >>> single_points_of_failure(g)
    {'web': ['dc']}
    """
    idx = _targets(graph, targets)
    ks = kill_sets(graph, cone_mask(graph, idx))
    ids = graph.ids
    return {ids[t]: sorted(ids[x] for x in ks.of(int(t)).tolist()) for t in idx.tolist()}


def batch_impact(graph: CompiledGraph, critical_ids: Iterable[str]) -> dict[str, list[str]]:
    """For every failable node, the critical nodes its failure alone takes down.

    Parameters
    ----------
    graph
        The compiled model.
    critical_ids
        The nodes that matter (usually the critical services).

    Returns
    -------
    dict
        Every failable node id (in model order) to the sorted ids of the critical nodes it takes
        down on its own (often empty).

    Examples
    --------
    >>> from standby.analysis.model import NodeSpec, Requirement
    >>> from standby.analysis.graph import compile_graph
    >>> g = compile_graph([
    ...     NodeSpec("web", NodeKind.SERVICE, (Requirement(1, ("s1", "s2")),)),
    ...     NodeSpec("mail", NodeKind.SERVICE, (Requirement.single("s1"),)),
    ...     NodeSpec("s1", NodeKind.ASSET), NodeSpec("s2", NodeKind.ASSET)])
    >>> batch_impact(g, ["web", "mail"])
    {'s1': ['mail'], 's2': []}
    """
    names = sorted(set(critical_ids))
    idx = graph.indices(names)
    ks = kill_sets(graph, cone_mask(graph, idx))
    # Rows of the critical nodes in name order, then transposed: one column per failable node.
    by_node = ks.matrix[ks.row[idx].astype(np.int64)].T.tocsr()
    by_node.sort_indices()
    flat = [names[r] for r in by_node.indices.tolist()]
    ptr = by_node.indptr.tolist()
    ids = graph.ids
    return {ids[v]: flat[ptr[v] : ptr[v + 1]] for v in np.flatnonzero(graph.failable).tolist()}


def failing_pairs(graph: CompiledGraph, target_id: str) -> list[tuple[str, str]]:
    """Pairs of failable nodes that take ``target_id`` down together but not alone.

    Every such pair is minimal: neither member is a single point of failure of the target.

    Returns
    -------
    list of tuple
        Sorted pairs ``(a, b)`` with ``a < b``, sorted.

    Examples
    --------
    >>> from standby.analysis.model import NodeSpec, Requirement
    >>> from standby.analysis.graph import compile_graph
    >>> g = compile_graph([
    ...     NodeSpec("web", NodeKind.SERVICE, (Requirement(2, ("s1", "s2", "s3")),)),
    ...     NodeSpec("s1", NodeKind.ASSET), NodeSpec("s2", NodeKind.ASSET),
    ...     NodeSpec("s3", NodeKind.ASSET)])
    >>> failing_pairs(g, "web")
    [('s1', 's2'), ('s1', 's3'), ('s2', 's3')]
    """
    target = int(graph.indices([target_id])[0])
    cone = cone_mask(graph, np.array([target]))
    ks = kill_sets(graph, cone)
    nodes = np.flatnonzero(cone)
    nodes = nodes[np.argsort(graph.level[nodes], kind="stable")]
    kill: dict[int, frozenset[int]] = {}
    pairs: dict[int, set[Pair]] = {}
    gptr, members, gk = graph.group_ptr, graph.group_members, graph.group_k
    owners = graph.group_owner
    group_of: dict[int, list[int]] = {}
    for g in np.flatnonzero(cone[owners]).tolist():
        group_of.setdefault(int(owners[g]), []).append(g)
    for v in nodes.tolist():
        kv = frozenset(ks.of(v).tolist())
        kill[v] = kv
        found: set[Pair] = set()
        for g in group_of.get(v, ()):
            ms = members[gptr[g] : gptr[g + 1]].tolist()
            r = len(ms) - int(gk[g]) + 1
            found |= _group_pairs(ms, r, kill, pairs)
        pairs[v] = {p for p in found if p[0] not in kv and p[1] not in kv}
    ids = graph.ids
    out = [tuple(sorted((ids[a], ids[b]))) for a, b in pairs[target]]
    return sorted((a, b) for a, b in out)


def _group_pairs(
    ms: list[int], r: int, kill: dict[int, frozenset[int]], pairs: dict[int, set[Pair]]
) -> set[Pair]:
    """Pairs (not single killers of the group) that down at least ``r`` of the members ``ms``."""
    if r == 1:
        out: set[Pair] = set()
        for m in ms:
            out |= pairs[m]
        return out
    # hits[x]: bitmask of the members x downs alone; by_pair[p]: members the pair p downs jointly.
    hits: dict[int, int] = {}
    by_pair: dict[Pair, int] = {}
    for bit, m in enumerate(ms):
        mask = 1 << bit
        for x in kill[m]:
            hits[x] = hits.get(x, 0) | mask
        for p in pairs[m]:
            by_pair[p] = by_pair.get(p, 0) | mask
    partial = sorted(x for x, h in hits.items() if h.bit_count() < r)
    out = set()
    for a, b in combinations(partial, 2):
        if (hits[a] | hits[b] | by_pair.get((a, b), 0)).bit_count() >= r:
            out.add((a, b))
    for (a, b), joint in by_pair.items():
        ha, hb = hits.get(a, 0), hits.get(b, 0)
        if ha.bit_count() < r and hb.bit_count() < r and (ha | hb | joint).bit_count() >= r:
            out.add((a, b))
    return out
