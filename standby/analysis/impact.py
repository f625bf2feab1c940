"""What goes down when some nodes fail.

A node is down iff it failed, or one of its requirement groups ("at least ``k`` of ``n``") has
more than ``n - k`` members down. Down-ness only spreads upwards, so it is computed by a
monotone frontier propagation over the reverse adjacency: each round takes the nodes that just
went down, counts, per group, how many of its members they are, marks the groups whose count
passed ``n - k`` as broken and their owners as down; the new owners are the next frontier. Every
edge out of a down node is read once, and nothing else is read.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from standby.analysis.errors import NotFailableError
from standby.analysis.graph import BoolArray, CompiledGraph, IntArray, csr_gather

# Once the frontier has read this share of all edges, finish with a level sweep instead.
_SWEEP_SHARE = 0.15


def failed_indices(graph: CompiledGraph, failed_ids: Iterable[str]) -> IntArray:
    """Indices of ``failed_ids``, refusing a node that cannot fail directly.

    >>> from standby.analysis.model import NodeKind, NodeSpec
    >>> from standby.analysis.graph import compile_graph
    >>> g = compile_graph([NodeSpec("web", NodeKind.SERVICE)])
    >>> failed_indices(g, ["web"])
    Traceback (most recent call last):
    ...
    standby.analysis.errors.NotFailableError: 'web' is a service: only assets, locations and \
suppliers fail directly; a service goes down only through its requirements
    """
    idx = graph.indices(failed_ids)
    bad = idx[~graph.failable[idx]]
    if bad.size:
        node = int(bad[0])
        raise NotFailableError(graph.ids[node], graph.kind_of(node).value)
    return idx


def down_mask(graph: CompiledGraph, failed: NDArray[np.integer]) -> BoolArray:
    """Boolean mask of the nodes down when the nodes ``failed`` (indices) fail.

    The indices are not checked for failability; :func:`impact` does that.

    Examples
    --------
    >>> from standby.analysis.model import NodeKind, NodeSpec, Requirement
    >>> from standby.analysis.graph import compile_graph
    >>> g = compile_graph([
    ...     NodeSpec("web", NodeKind.SERVICE, (Requirement(1, ("s1", "s2")),)),
    ...     NodeSpec("s1", NodeKind.ASSET), NodeSpec("s2", NodeKind.ASSET),
    ... ])
    >>> down_mask(g, np.array([1])).tolist(), down_mask(g, np.array([1, 2])).tolist()
    ([False, True, False], [True, True, True])
    """
    n = graph.n_nodes
    failed = _dedupe(np.asarray(failed, dtype=np.int64), n)
    down = np.zeros(n, dtype=np.bool_)
    down[failed] = True
    if graph.n_groups == 0 or failed.size == 0:
        return down
    # slack[g] = how many more members of g may go down before g breaks (n - k - #down).
    slack = np.diff(graph.group_ptr) - graph.group_k
    broken = np.zeros(graph.n_groups, dtype=np.bool_)
    member_ptr, member_groups = graph.member_ptr, graph.member_groups
    budget = _SWEEP_SHARE * graph.n_edges
    frontier: NDArray[np.integer] = failed
    while frontier.size:
        n_out = int((member_ptr[frontier + 1] - member_ptr[frontier]).sum())
        if n_out == 0:
            break
        budget -= n_out
        if budget < 0:
            # A large failure: one sweep over all levels reads every edge once, in order,
            # which beats gathering most of the graph frontier by frontier.
            return _sweep(graph, failed)
        hit = csr_gather(member_ptr, member_groups, frontier)
        np.subtract.at(slack, hit, 1)
        # A group breaks once its slack drops below zero; each group breaks once.
        hit = hit[slack[hit] < 0]
        hit = hit[~broken[hit]]
        broken[hit] = True
        owners = graph.group_owner[hit]
        frontier = _dedupe(owners[~down[owners]], n)
        down[frontier] = True
    return down


def _sweep(graph: CompiledGraph, failed: NDArray[np.integer]) -> BoolArray:
    """Down mask by evaluating every group level by level, from the lowest failed level up."""
    down = np.zeros(graph.n_nodes, dtype=np.bool_)
    down[failed] = True
    start = int(graph.level[failed].min()) + 1
    gptr, members, owners = graph.group_ptr, graph.group_members, graph.group_owner
    slack = np.diff(gptr) - graph.group_k
    for lv in range(start, graph.n_levels):
        g0, g1 = int(graph.group_level_ptr[lv]), int(graph.group_level_ptr[lv + 1])
        if g0 == g1:
            continue
        e0 = gptr[g0]
        hit = down[members[e0 : gptr[g1]]]
        counts = np.add.reduceat(hit, gptr[g0:g1] - e0, dtype=np.int64)
        down[owners[g0:g1][counts > slack[g0:g1]]] = True
    return down


def _dedupe(nodes: NDArray[np.integer], n: int) -> NDArray[np.integer]:
    """``nodes`` without repeats, in O(len) (no sort): keep each value's last position."""
    if nodes.size < 2:
        return nodes
    stamp = np.empty(n, dtype=np.int64)
    positions = np.arange(nodes.size, dtype=np.int64)
    stamp[nodes] = positions
    kept: NDArray[np.integer] = nodes[stamp[nodes] == positions]
    return kept


def impact(graph: CompiledGraph, failed_ids: Iterable[str]) -> list[str]:
    """Ids of every node down when ``failed_ids`` fail, sorted, the failed ones included.

    Raises
    ------
    UnknownNodeError
        For an id not in the model.
    NotFailableError
        For a process or a service: they only go down through their requirements.

    Examples
    --------
    >>> from standby.analysis.model import NodeKind, NodeSpec, Requirement
    >>> from standby.analysis.graph import compile_graph
    >>> g = compile_graph([
    ...     NodeSpec("pay", NodeKind.PROCESS, (Requirement.single("web"),)),
    ...     NodeSpec("web", NodeKind.SERVICE, (Requirement(1, ("s1", "s2")),)),
    ...     NodeSpec("s1", NodeKind.ASSET), NodeSpec("s2", NodeKind.ASSET),
    ... ])
    >>> impact(g, ["s1"])
    ['s1']
    >>> impact(g, ["s1", "s2"])
    ['pay', 's1', 's2', 'web']
    """
    mask = down_mask(graph, failed_indices(graph, failed_ids))
    return sorted(graph.ids[i] for i in np.flatnonzero(mask).tolist())
