"""The recovery sequence of a plan: which node to bring back, in which order.

Plain data in, plain data out (no database): :mod:`standby.plans.selectors` loads the graph and
the BIA ranks, this module orders. Rules:

* one step per node in the scope's *dependency cone* (the scope and everything it requires,
  transitively);
* a node never comes before what it requires (topological order);
* among steps whose requirements are all done, the higher priority first. A node's priority is the
  best (lowest) BIA rank of the processes and services in the cone that need it (itself
  included); nodes needed by no ranked process or service come last;
* ties: assets, locations, suppliers, then services, processes; then by id.

>>> requires = {"payroll": ["hr-app"], "hr-app": ["server"], "email": ["server"], "server": []}
>>> kinds = {"payroll": "process", "hr-app": "service", "email": "service", "server": "asset"}
>>> generate(requires, kinds, {"email": 1, "payroll": 2}, ["payroll", "email"])
['server', 'email', 'hr-app', 'payroll']
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

KIND_ORDER = {"asset": 0, "location": 1, "supplier": 2, "service": 3, "process": 4}
BUSINESS_KINDS = frozenset({"process", "service"})


def cone(requires: Mapping[str, Iterable[str]], roots: Iterable[str]) -> set[str]:
    """``roots`` and everything they require, transitively.

    >>> sorted(cone({"a": ["b"], "b": ["c"], "c": [], "d": ["c"]}, ["a"]))
    ['a', 'b', 'c']
    """
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        key = stack.pop()
        if key in seen:
            continue
        seen.add(key)
        stack.extend(requires.get(key, ()))
    return seen


def priorities(
    requires: Mapping[str, Iterable[str]],
    kinds: Mapping[str, str],
    ranks: Mapping[str, int],
    nodes: Iterable[str],
) -> dict[str, int | None]:
    """Priority of each of ``nodes``: the best rank of the ranked processes and services among
    ``nodes`` whose cone holds it (None: no ranked one needs it).

    >>> priorities({"p": ["s"], "q": ["s"], "s": []}, {"p": "process", "q": "process",
    ...     "s": "asset"}, {"p": 3, "q": 1}, ["p", "q", "s"])
    {'p': 3, 'q': 1, 's': 1}
    """
    members = list(nodes)
    inside = set(members)
    best: dict[str, int | None] = dict.fromkeys(members)
    for key in members:
        rank = ranks.get(key)
        if rank is None or kinds.get(key) not in BUSINESS_KINDS:
            continue
        for needed in cone(requires, [key]) & inside:
            current = best[needed]
            if current is None or rank < current:
                best[needed] = rank
    return best


def generate(
    requires: Mapping[str, Iterable[str]],
    kinds: Mapping[str, str],
    ranks: Mapping[str, int],
    scope: Iterable[str],
) -> list[str]:
    """The keys of the scope's cone in recovery order (see the module docstring).

    A cycle (the model file rejects them, but the database may hold one) does not stop the
    sequence: its nodes follow the rest, in priority order.
    """
    nodes = cone(requires, scope)
    prio = priorities(requires, kinds, ranks, nodes)

    def order_key(key: str) -> tuple[float, int, str]:
        rank = prio[key]
        return (math.inf if rank is None else rank, KIND_ORDER.get(kinds.get(key, ""), 9), key)

    waiting = {k: {r for r in requires.get(k, ()) if r in nodes and r != k} for k in nodes}
    needed_by: dict[str, list[str]] = {k: [] for k in nodes}
    for key, reqs in waiting.items():
        for r in reqs:
            needed_by[r].append(key)
    ready = [(order_key(k), k) for k, reqs in waiting.items() if not reqs]
    heapq.heapify(ready)
    done: list[str] = []
    placed: set[str] = set()
    while ready:
        _, key = heapq.heappop(ready)
        done.append(key)
        placed.add(key)
        for dependant in needed_by[key]:
            waiting[dependant].discard(key)
            if not waiting[dependant] and dependant not in placed:
                heapq.heappush(ready, (order_key(dependant), dependant))
    rest = sorted((k for k in nodes if k not in placed), key=order_key)
    return done + rest


@dataclass(frozen=True)
class Violation:
    """Step ``step`` (an index) comes before ``must_follow``, a step of something it requires."""

    step: int
    must_follow: int


def check_order(
    requires: Mapping[str, Iterable[str]], step_nodes: Sequence[str | None]
) -> Violation | None:
    """The first step placed before a step of something it requires (transitively), or None.

    ``step_nodes`` holds each step's node key in order (None: a manual step, free to move).

    >>> check_order({"app": ["server"], "server": []}, ["server", None, "app"]) is None
    True
    >>> check_order({"app": ["server"], "server": []}, ["app", "server"])
    Violation(step=0, must_follow=1)
    """
    where: dict[str, int] = {}
    for index, key in enumerate(step_nodes):
        if key is not None and key not in where:
            where[key] = index
    for index, key in enumerate(step_nodes):
        if key is None:
            continue
        later = [where[r] for r in cone(requires, requires.get(key, ())) if r != key and r in where]
        late = [i for i in later if i > index]
        if late:
            return Violation(index, max(late))
    return None


def waits_for(
    requires: Mapping[str, Iterable[str]], step_nodes: Sequence[str | None]
) -> list[list[int]]:
    """For each step, the indices of the nearest earlier steps of what its node requires
    (looking through required nodes that have no step of their own).

    >>> waits_for({"app": ["db"], "db": ["server"], "server": []}, ["server", "app"])
    [[], [0]]
    """
    where: dict[str, int] = {}
    for index, key in enumerate(step_nodes):
        if key is not None and key not in where:
            where[key] = index
    out: list[list[int]] = []
    for key in step_nodes:
        if key is None:
            out.append([])
            continue
        found: set[int] = set()
        seen: set[str] = {key}
        stack = list(requires.get(key, ()))
        while stack:
            r = stack.pop()
            if r in seen:
                continue
            seen.add(r)
            if r in where:
                found.add(where[r])
            else:
                stack.extend(requires.get(r, ()))
        out.append(sorted(found))
    return out
