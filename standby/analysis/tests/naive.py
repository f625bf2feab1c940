"""Slow, obviously-correct reference implementations and a Hypothesis model strategy.

Written independently of the array code: plain sets and fixed-point loops over the NodeSpecs.
"""

from __future__ import annotations

import math
from itertools import combinations

from hypothesis import strategies as st

from standby.analysis.model import FAILABLE_KINDS, NodeKind, NodeSpec, Requirement

KINDS = list(NodeKind)


@st.composite
def models(draw, max_nodes: int = 12, max_k_gap: int | None = None, and_only: bool = False):
    """A random acyclic model: node i may only require nodes listed after it; then shuffled."""
    n = draw(st.integers(2, max_nodes))
    ids = [f"n{i}" for i in range(n)]
    kinds = [draw(st.sampled_from(KINDS)) for _ in range(n)]
    # Make sure there is something to fail.
    kinds[-1] = NodeKind.ASSET
    specs = []
    for i in range(n):
        later = ids[i + 1 :]
        reqs = []
        if later:
            for _ in range(draw(st.integers(0, 3))):
                members = draw(
                    st.lists(st.sampled_from(later), min_size=1, max_size=4, unique=True)
                )
                k = len(members) if and_only else draw(st.integers(1, len(members)))
                reqs.append(Requirement(k, tuple(members)))
        rt = draw(st.sampled_from([None, 0.0, 1.0, 2.5, 4.0, 10.0, 24.0]))
        specs.append(NodeSpec(ids[i], kinds[i], tuple(reqs), rt))
    order = draw(st.permutations(range(n)))
    return [specs[i] for i in order]


def failable_ids(specs: list[NodeSpec]) -> list[str]:
    return sorted(s.id for s in specs if s.kind in FAILABLE_KINDS)


def naive_down(specs: list[NodeSpec], failed: set[str]) -> set[str]:
    down = set(failed)
    changed = True
    while changed:
        changed = False
        for s in specs:
            if s.id in down:
                continue
            for r in s.requires:
                if sum(m in down for m in r.of) > len(r.of) - r.at_least:
                    down.add(s.id)
                    changed = True
                    break
    return down


def naive_spofs(specs: list[NodeSpec], target: str) -> list[str]:
    return sorted(x for x in failable_ids(specs) if target in naive_down(specs, {x}))


def naive_pairs(specs: list[NodeSpec], target: str) -> list[tuple[str, str]]:
    singles = set(naive_spofs(specs, target))
    rest = [x for x in failable_ids(specs) if x not in singles]
    return sorted((a, b) for a, b in combinations(rest, 2) if target in naive_down(specs, {a, b}))


def simulated_return(specs: list[NodeSpec], failed: set[str]) -> dict[str, float]:
    """Return time of every node by relaxing all nodes until nothing changes.

    Starts from 0 everywhere; a node's time is the latest over its requirements of the k-th
    earliest member time, plus its own recovery time if it failed (inf when unknown). Times only
    grow, and along an acyclic graph this settles after at most ``len(specs)`` sweeps.
    """
    t = {s.id: 0.0 for s in specs}
    for _ in range(len(specs) + 1):
        changed = False
        for s in specs:
            ready = 0.0
            for r in s.requires:
                ready = max(ready, sorted(t[m] for m in r.of)[r.at_least - 1])
            if s.id in failed:
                ready += math.inf if s.recovery_time is None else s.recovery_time
            if ready != t[s.id]:
                t[s.id] = ready
                changed = True
        if not changed:
            return t
    raise AssertionError("no fixpoint")
