"""Compile a dependency model into flat NumPy arrays that every analysis reads.

A model is a list of :class:`~standby.analysis.model.NodeSpec`. Compiling it checks it (unique
ids, known requirement targets, ``1 <= k <= n``, no repeated member in a group, no cycle) and
lays it out as arrays:

* nodes ``0..N-1`` in input order, with ``kinds``, ``failable``, ``recovery_time`` (NaN when
  unknown) and ``level`` (0 for a node without requirements, else one more than the highest
  level among everything it requires);
* requirement *groups* ``0..G-1`` ("at least ``k`` of these ``n`` members"; a single requirement
  is a group with ``k = n = 1``), sorted by the level of their owner, in compressed sparse row
  form: ``group_owner``, ``group_k``, ``group_ptr`` and ``group_members``;
* the reverse adjacency ``member_ptr``/``member_groups``: for each node, the groups it is a
  member of (one entry per edge), which failure propagation walks.

An *edge* is one (owner, member) pair of a group.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from standby.analysis.errors import (
    CycleError,
    DuplicateNodeError,
    RequirementError,
    UnknownNodeError,
)
from standby.analysis.model import FAILABLE_KINDS, NodeKind, NodeSpec

KIND_CODES: tuple[NodeKind, ...] = tuple(NodeKind)
"""``kinds[i]`` is an index into this tuple."""

IntArray = NDArray[np.int32]
PtrArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False, slots=True)
class CompiledGraph:
    """A checked dependency model as flat arrays; build it with :func:`compile_graph`."""

    ids: tuple[str, ...]
    index: Mapping[str, int]
    kinds: NDArray[np.int8]
    failable: BoolArray
    recovery_time: FloatArray
    level: IntArray
    order: IntArray
    level_ptr: PtrArray
    group_owner: IntArray
    group_k: IntArray
    group_ptr: PtrArray
    group_members: IntArray
    group_level_ptr: PtrArray
    member_ptr: PtrArray
    member_groups: IntArray

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.ids)

    @property
    def n_groups(self) -> int:
        """Number of requirement groups."""
        return len(self.group_owner)

    @property
    def n_edges(self) -> int:
        """Number of (owner, member) pairs over all groups."""
        return len(self.group_members)

    @property
    def n_levels(self) -> int:
        """Number of levels; nodes of level ``L`` require only nodes of lower levels."""
        return len(self.level_ptr) - 1

    @property
    def group_size(self) -> IntArray:
        """``n`` of every group."""
        return np.diff(self.group_ptr).astype(np.int32)

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays (not the id strings or the index)."""
        arrays = (
            self.kinds,
            self.failable,
            self.recovery_time,
            self.level,
            self.order,
            self.level_ptr,
            self.group_owner,
            self.group_k,
            self.group_ptr,
            self.group_members,
            self.group_level_ptr,
            self.member_ptr,
            self.member_groups,
        )
        return sum(a.nbytes for a in arrays)

    def kind_of(self, node: int) -> NodeKind:
        """The kind of node ``node`` (an index)."""
        return KIND_CODES[int(self.kinds[node])]

    def indices(self, node_ids: Iterable[str]) -> IntArray:
        """Indices of ``node_ids``; raises :class:`UnknownNodeError` for an unknown id.

        >>> g = compile_graph([NodeSpec("a", NodeKind.ASSET), NodeSpec("b", NodeKind.ASSET)])
        >>> g.indices(["b"]).tolist()
        [1]
        """
        out: list[int] = []
        for node_id in node_ids:
            try:
                out.append(self.index[node_id])
            except KeyError:
                raise UnknownNodeError(node_id) from None
        return np.asarray(out, dtype=np.int32)


def csr_gather(ptr: PtrArray, data: IntArray, rows: NDArray[np.integer]) -> IntArray:
    """Concatenate ``data[ptr[r]:ptr[r+1]]`` for every ``r`` in ``rows``, without a Python loop.

    >>> ptr = np.array([0, 2, 2, 5]); data = np.array([7, 8, 1, 2, 3], dtype=np.int32)
    >>> csr_gather(ptr, data, np.array([2, 0])).tolist()
    [1, 2, 3, 7, 8]
    """
    starts = ptr[rows]
    counts = ptr[rows + 1] - starts
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=data.dtype)
    # Position j of the output reads data[starts[row(j)] + (j - first output of row(j))].
    offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    return data[offsets + np.arange(total, dtype=np.int64)]


def compile_graph(nodes: Iterable[NodeSpec]) -> CompiledGraph:
    """Check a dependency model and compile it to arrays.

    Parameters
    ----------
    nodes
        The model; requirement targets may appear in any order.

    Returns
    -------
    CompiledGraph

    Raises
    ------
    DuplicateNodeError, UnknownNodeError, RequirementError, CycleError

    Examples
    --------
    >>> from standby.analysis.model import Requirement
    >>> g = compile_graph([
    ...     NodeSpec("mail", NodeKind.SERVICE, (Requirement(1, ("mx1", "mx2")),)),
    ...     NodeSpec("mx1", NodeKind.ASSET), NodeSpec("mx2", NodeKind.ASSET),
    ... ])
    >>> g.n_nodes, g.n_groups, g.n_edges, g.level.tolist()
    (3, 1, 2, [1, 0, 0])
    >>> compile_graph([NodeSpec("a", NodeKind.ASSET, (Requirement.single("a"),))])
    Traceback (most recent call last):
    ...
    standby.analysis.errors.CycleError: dependency cycle: a → a
    """
    specs = list(nodes)
    ids = tuple(spec.id for spec in specs)
    index: dict[str, int] = {}
    for i, node_id in enumerate(ids):
        if index.setdefault(node_id, i) != i:
            raise DuplicateNodeError(node_id)
    n = len(ids)
    kind_code = {kind: code for code, kind in enumerate(KIND_CODES)}
    kinds = np.fromiter((kind_code[spec.kind] for spec in specs), dtype=np.int8, count=n)
    failable = np.isin(kinds, [kind_code[k] for k in FAILABLE_KINDS])
    recovery = np.fromiter(
        (np.nan if s.recovery_time is None else s.recovery_time for s in specs),
        dtype=np.float64,
        count=n,
    )

    owners: list[int] = []
    ks: list[int] = []
    sizes: list[int] = []
    member_ids: list[str] = []
    for i, spec in enumerate(specs):
        for req in spec.requires:
            size = len(req.of)
            if not 1 <= req.at_least <= size:
                raise RequirementError(
                    f"node {spec.id!r} requires at least {req.at_least} of {size} nodes "
                    f"{list(req.of)!r}: k must be between 1 and n"
                )
            owners.append(i)
            ks.append(req.at_least)
            sizes.append(size)
            member_ids.extend(req.of)
    try:
        members = np.fromiter((index[m] for m in member_ids), dtype=np.int32, count=len(member_ids))
    except KeyError:
        _raise_unknown(specs, index)
        raise  # pragma: no cover - _raise_unknown always raises
    owner_arr = np.asarray(owners, dtype=np.int32)
    k_arr = np.asarray(ks, dtype=np.int32)
    size_arr = np.asarray(sizes, dtype=np.int64)
    edge_group = np.repeat(np.arange(len(owners), dtype=np.int32), size_arr)
    _check_repeats(edge_group, members, owner_arr, ids)

    level = _levels(n, owner_arr, edge_group, members, ids)
    order = np.argsort(level, kind="stable").astype(np.int32)
    level_ptr = _ptr(np.bincount(level, minlength=int(level.max(initial=-1)) + 1))

    # Sort groups by owner level (then owner), keeping each group's members together.
    gorder = np.lexsort((owner_arr, level[owner_arr])).astype(np.int64)
    old_ptr = _ptr(size_arr)
    new_sizes = size_arr[gorder]
    group_ptr = _ptr(new_sizes)
    edge_src = np.repeat(old_ptr[gorder] - group_ptr[:-1], new_sizes) + np.arange(
        len(members), dtype=np.int64
    )
    group_members = members[edge_src]
    group_owner = owner_arr[gorder]
    group_k = k_arr[gorder]
    n_levels = len(level_ptr) - 1
    group_level_ptr = _ptr(np.bincount(level[group_owner], minlength=n_levels))

    new_edge_group = np.repeat(np.arange(len(gorder), dtype=np.int32), new_sizes)
    by_member = np.argsort(group_members, kind="stable")
    member_groups = new_edge_group[by_member]
    member_ptr = _ptr(np.bincount(group_members, minlength=n))
    return CompiledGraph(
        ids=ids,
        index=index,
        kinds=kinds,
        failable=failable,
        recovery_time=recovery,
        level=level,
        order=order,
        level_ptr=level_ptr,
        group_owner=group_owner,
        group_k=group_k,
        group_ptr=group_ptr,
        group_members=group_members.astype(np.int32),
        group_level_ptr=group_level_ptr,
        member_ptr=member_ptr,
        member_groups=member_groups.astype(np.int32),
    )


def _ptr(counts: NDArray[np.integer]) -> PtrArray:
    ptr = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr


def _raise_unknown(specs: list[NodeSpec], index: Mapping[str, int]) -> None:
    for spec in specs:
        for req in spec.requires:
            for member in req.of:
                if member not in index:
                    raise UnknownNodeError(member, owner=spec.id)


def _check_repeats(
    edge_group: IntArray, members: IntArray, owners: IntArray, ids: tuple[str, ...]
) -> None:
    if len(members) < 2:
        return
    o = np.lexsort((members, edge_group))
    same = (edge_group[o][1:] == edge_group[o][:-1]) & (members[o][1:] == members[o][:-1])
    if same.any():
        j = int(np.argmax(same)) + 1
        owner, member = ids[owners[edge_group[o][j]]], ids[members[o][j]]
        raise RequirementError(
            f"node {owner!r} lists {member!r} twice in one requirement; "
            "a redundancy group names each member once"
        )


def _levels(
    n: int, owners: IntArray, edge_group: IntArray, members: IntArray, ids: tuple[str, ...]
) -> IntArray:
    """Kahn's algorithm one level at a time: a node's level is 1 + its members' highest."""
    edge_owner = owners[edge_group]
    pending = np.bincount(edge_owner, minlength=n).astype(np.int64)
    # Reverse adjacency from member to the owner of each edge.
    by_member = np.argsort(members, kind="stable")
    rev_owner = edge_owner[by_member].astype(np.int32)
    rev_ptr = _ptr(np.bincount(members, minlength=n))
    level = np.full(n, -1, dtype=np.int32)
    frontier = np.flatnonzero(pending == 0)
    current = 0
    while frontier.size:
        level[frontier] = current
        hit = csr_gather(rev_ptr, rev_owner, frontier)
        if hit.size == 0:
            break
        touched, counts = np.unique(hit, return_counts=True)
        pending[touched] -= counts
        frontier = touched[pending[touched] == 0]
        current += 1
    if (level < 0).any():
        raise CycleError(_find_cycle(level < 0, owners, edge_group, members, ids))
    return level


def _find_cycle(
    stuck: BoolArray,
    owners: IntArray,
    edge_group: IntArray,
    members: IntArray,
    ids: tuple[str, ...],
) -> list[str]:
    """Walk from a stuck node along stuck requirements until a node repeats.

    Every stuck node requires at least one stuck node (else Kahn would have freed it), so the
    walk never ends and must close a cycle.
    """
    next_of: dict[int, int] = {}
    edge_owner = owners[edge_group]
    for owner, member in zip(edge_owner.tolist(), members.tolist(), strict=True):
        if stuck[owner] and stuck[member] and owner not in next_of:
            next_of[owner] = member
    node = int(np.flatnonzero(stuck)[0])
    seen: dict[int, int] = {}
    path: list[int] = []
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = next_of[node]
    loop = [*path[seen[node] :], node]
    return [ids[i] for i in loop]
