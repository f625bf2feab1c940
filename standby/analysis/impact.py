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

# Above this share of all edges, one round reads the reverse adjacency in full (sequential
# access) instead of gathering the frontier's slices.
_DENSE_SHARE = 0.25


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
    n_groups = graph.n_groups
    down = np.zeros(graph.n_nodes, dtype=np.bool_)
    frontier: NDArray[np.integer] = np.unique(np.asarray(failed, dtype=np.int64))
    down[frontier] = True
    if n_groups == 0 or frontier.size == 0:
        return down
    # slack[g] = how many more members of g may go down before g breaks (n - k - #down).
    slack = (np.diff(graph.group_ptr) - graph.group_k).astype(np.int64)
    member_ptr, member_groups = graph.member_ptr, graph.member_groups
    dense_limit = _DENSE_SHARE * graph.n_edges
    member_of_edge: IntArray | None = None
    while frontier.size:
        n_out = int((member_ptr[frontier + 1] - member_ptr[frontier]).sum())
        if n_out == 0:
            break
        if n_out > dense_limit:
            if member_of_edge is None:
                member_of_edge = np.repeat(
                    np.arange(graph.n_nodes, dtype=np.int32), np.diff(member_ptr)
                )
            fresh = np.zeros(graph.n_nodes, dtype=np.bool_)
            fresh[frontier] = True
            hit_groups = member_groups[fresh[member_of_edge]]
        else:
            hit_groups = csr_gather(member_ptr, member_groups, frontier)
        if hit_groups.size > n_groups // 8:
            counts = np.bincount(hit_groups, minlength=n_groups)
            touched = np.flatnonzero(counts)
            hits = counts[touched]
        else:
            touched, hits = np.unique(hit_groups, return_counts=True)
        before = slack[touched]
        slack[touched] = before - hits
        # A group breaks the round its slack first drops below zero.
        broken = touched[(before >= 0) & (before < hits)]
        owners = graph.group_owner[broken]
        owners = np.unique(owners[~down[owners]])
        down[owners] = True
        frontier = owners
    return down


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
