"""Recovery time achievable (RTA) of every node a disaster takes down.

Time 0 is the disaster. A node that is not down is available at 0. For a down node, ``ready``
is the latest, over its requirements, of the time the requirement is met again: a single
requirement when its node is back, an "at least k of n" group when the ``k``-th earliest of its
members is back (members never down count 0). A failed node is back at ``ready`` plus its own
recovery time; a node down only through its requirements is back at ``ready``.

A failed node without a recovery time never has a known return time, and neither has anything
waiting on it: it is +infinity while computing (so in a k-of-n group it matters only if the
``k``-th earliest return is unknown) and reported as ``None``.

Nodes are processed level by level; each level is a handful of array operations (a segmented
sort picks every group's ``k``-th earliest member at once).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from standby.analysis.graph import BoolArray, CompiledGraph, FloatArray, csr_gather
from standby.analysis.impact import down_mask, failed_indices


def return_times(
    graph: CompiledGraph, failed: Iterable[int], down: BoolArray | None = None
) -> FloatArray:
    """Return time of every node (0 when never down, ``inf`` when unknown).

    ``failed`` are node indices, not checked for failability (see :func:`recovery_times`);
    ``down`` is their :func:`~standby.analysis.impact.down_mask` if already known.

    >>> from standby.analysis.model import NodeKind, NodeSpec, Requirement
    >>> from standby.analysis.graph import compile_graph
    >>> g = compile_graph([
    ...     NodeSpec("web", NodeKind.SERVICE, (Requirement.single("srv"),)),
    ...     NodeSpec("srv", NodeKind.ASSET, (), 4.0)])
    >>> return_times(g, [1]).tolist()
    [4.0, 4.0]
    """
    idx = np.asarray(list(failed), dtype=np.int64)
    back = np.zeros(graph.n_nodes, dtype=np.float64)
    if idx.size == 0:
        return back
    if down is None:
        down = down_mask(graph, idx)
    is_failed = np.zeros(graph.n_nodes, dtype=np.bool_)
    is_failed[idx] = True
    own = np.where(np.isnan(graph.recovery_time), np.inf, graph.recovery_time)
    gptr, gk, owner = graph.group_ptr, graph.group_k, graph.group_owner
    for lv in range(int(graph.level[idx].min()), graph.n_levels):
        v0, v1 = int(graph.level_ptr[lv]), int(graph.level_ptr[lv + 1])
        nodes = graph.order[v0:v1]
        nodes = nodes[down[nodes]]
        if nodes.size == 0:
            continue
        ready = np.zeros(graph.n_nodes, dtype=np.float64) if lv else None
        g0, g1 = int(graph.group_level_ptr[lv]), int(graph.group_level_ptr[lv + 1])
        groups = g0 + np.flatnonzero(down[owner[g0:g1]])
        if ready is not None and groups.size:
            sizes = gptr[groups + 1] - gptr[groups]
            times = back[csr_gather(gptr, graph.group_members, groups)]
            seg = np.repeat(np.arange(groups.size), sizes)
            starts = np.zeros(groups.size, dtype=np.int64)
            np.cumsum(sizes[:-1], out=starts[1:])
            # Sort each group's member times; the k-th earliest sits k - 1 past the start.
            ordered = times[np.lexsort((times, seg))]
            kth = ordered[starts + gk[groups] - 1]
            np.maximum.at(ready, owner[groups], kth)
        base = ready[nodes] if ready is not None else np.zeros(nodes.size)
        back[nodes] = base + np.where(is_failed[nodes], own[nodes], 0.0)
    return back


def recovery_times(graph: CompiledGraph, failed_ids: Iterable[str]) -> dict[str, float | None]:
    """RTA in hours of every node down when ``failed_ids`` fail (None when unknown).

    Parameters
    ----------
    graph
        The compiled model.
    failed_ids
        Assets, locations and suppliers that fail at time 0.

    Returns
    -------
    dict
        Down node id (sorted) to the hour it is available again, or None.

    Raises
    ------
    UnknownNodeError, NotFailableError

    Examples
    --------
    >>> from standby.analysis.model import NodeKind, NodeSpec, Requirement
    >>> from standby.analysis.graph import compile_graph
    >>> g = compile_graph([
    ...     NodeSpec("web", NodeKind.SERVICE, (Requirement(1, ("s1", "s2")),)),
    ...     NodeSpec("s1", NodeKind.ASSET, (Requirement.single("dc"),), 2.0),
    ...     NodeSpec("s2", NodeKind.ASSET, (Requirement.single("dc"),), None),
    ...     NodeSpec("dc", NodeKind.LOCATION, (), 24.0)])
    >>> recovery_times(g, ["dc"])
    {'dc': 24.0, 's1': 24.0, 's2': 24.0, 'web': 24.0}
    >>> recovery_times(g, ["dc", "s1", "s2"])
    {'dc': 24.0, 's1': 26.0, 's2': None, 'web': 26.0}
    """
    idx = failed_indices(graph, failed_ids)
    down = down_mask(graph, idx)
    back = return_times(graph, idx.tolist(), down)
    ids = graph.ids
    out = {
        ids[v]: (None if np.isinf(t) else t)
        for v, t in zip(np.flatnonzero(down).tolist(), back[down].tolist(), strict=True)
    }
    return dict(sorted(out.items()))
