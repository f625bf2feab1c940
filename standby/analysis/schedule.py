"""Recovery schedule with limited staff: list scheduling by priority and dependencies.

Each failed node is a *task*: it needs one person of its team (``team_of``) for its own recovery
time. A team works on at most ``capacity`` tasks at once; a task without a team, or of a team
without a capacity, is never held up by staff. A task may start once the node is *ready*: every
one of its requirements is met again (a single requirement once its node is back; an "at least
k of n" group once its ``k``-th member is back, members never down counting as back at 0). A
node down only through its requirements is back the moment it is ready.

The schedule is built by event simulation (a serial list-scheduling scheme): time advances from
one task completion to the next; at each instant, every task that has become ready joins its
team's queue, and each team with a free person starts the queued task of best priority (lowest
``priority`` value, then earliest ready, then id). A task never waits for staff it does not
need, and nothing is ever started early or pre-empted.

With unlimited staff every task starts as soon as it is ready, which is exactly the engine's
recovery time achievable (:func:`standby.analysis.recovery.recovery_times`). A failed node with
an unknown recovery time is never finished (``None``), nor is anything waiting on it; it takes
no staff.

:func:`inherited_priority` turns a BIA ranking of processes and services into a priority for
every node (the best rank of anything that needs it); :func:`gantt` lays a schedule out in team
lanes for drawing.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from standby.analysis.graph import CompiledGraph
from standby.analysis.impact import down_mask, failed_indices

__all__ = [
    "Gantt",
    "GanttBar",
    "GanttLane",
    "Schedule",
    "ScheduledTask",
    "gantt",
    "inherited_priority",
    "schedule_recovery",
]


@dataclass(frozen=True, slots=True)
class ScheduledTask:
    """The recovery of one failed node; times in hours from the disaster (None: never)."""

    node: str
    team: str | None
    priority: float
    duration: float | None
    ready: float | None
    start: float | None
    finish: float | None

    @property
    def wait(self) -> float | None:
        """Hours the task waited for staff after it was ready."""
        if self.start is None or self.ready is None:
            return None
        return self.start - self.ready


@dataclass(frozen=True, slots=True)
class Schedule:
    """A staff-limited recovery: tasks in start order and the RTA of every down node."""

    tasks: tuple[ScheduledTask, ...]
    rta: dict[str, float | None]
    capacity: dict[str, int]

    @property
    def makespan(self) -> float | None:
        """When the last task finishes (None if some task never does; 0 without tasks)."""
        ends = [t.finish for t in self.tasks]
        if any(e is None for e in ends):
            return None
        return max((e for e in ends if e is not None), default=0.0)


def inherited_priority(graph: CompiledGraph, rank: Mapping[str, float]) -> dict[str, float]:
    """Priority of every node: the best (lowest) rank of itself and of anything needing it.

    Parameters
    ----------
    graph
        The compiled model.
    rank
        Rank of some nodes (e.g. BIA recovery priority of processes and services, 1 = first).

    Returns
    -------
    dict
        Every node id with a finite priority (nodes nothing ranked needs are left out).

    Examples
    --------
    >>> from standby.analysis.graph import compile_graph
    >>> from standby.analysis.model import NodeKind, NodeSpec, Requirement
    >>> g = compile_graph([
    ...     NodeSpec("pay", NodeKind.PROCESS, (Requirement.single("db"),)),
    ...     NodeSpec("mail", NodeKind.SERVICE, (Requirement.single("db"),)),
    ...     NodeSpec("db", NodeKind.ASSET), NodeSpec("fs", NodeKind.ASSET)])
    >>> inherited_priority(g, {"pay": 2, "mail": 1})
    {'pay': 2.0, 'mail': 1.0, 'db': 1.0}
    """
    prio = np.full(graph.n_nodes, np.inf)
    for node, value in rank.items():
        prio[graph.index[node]] = value
    gptr, members = graph.group_ptr, graph.group_members
    for lv in range(graph.n_levels - 1, 0, -1):
        g0, g1 = int(graph.group_level_ptr[lv]), int(graph.group_level_ptr[lv + 1])
        if g0 == g1:
            continue
        e0, e1 = int(gptr[g0]), int(gptr[g1])
        owner_of_edge = np.repeat(graph.group_owner[g0:g1], np.diff(gptr[g0 : g1 + 1]))
        np.minimum.at(prio, members[e0:e1], prio[owner_of_edge])
    return {graph.ids[i]: float(prio[i]) for i in np.flatnonzero(np.isfinite(prio)).tolist()}


def schedule_recovery(
    graph: CompiledGraph,
    failed_ids: Iterable[str],
    *,
    team_of: Mapping[str, str] | None = None,
    capacity: Mapping[str, int] | None = None,
    priority: Mapping[str, float] | None = None,
    recovery_time: Mapping[str, float] | None = None,
) -> Schedule:
    """Schedule the recovery of ``failed_ids`` with limited staff.

    Parameters
    ----------
    graph
        The compiled model.
    failed_ids
        Assets, locations and suppliers that fail at time 0.
    team_of
        Team (or skill) that recovers each failed node; a node without one needs no staff.
    capacity
        People of each team working in parallel (>= 1); a team not listed is unlimited.
    priority
        Lower first (e.g. :func:`inherited_priority` of the BIA ranking); missing is last.
    recovery_time
        Own recovery time overrides by node id (e.g. the chosen recovery option's).

    Returns
    -------
    Schedule

    Raises
    ------
    UnknownNodeError, NotFailableError
        For a bad failed id.
    ValueError
        For a capacity below 1.

    Examples
    --------
    One person recovers two servers; the web service needs both, the higher priority first:

    >>> from standby.analysis.graph import compile_graph
    >>> from standby.analysis.model import NodeKind, NodeSpec, Requirement
    >>> g = compile_graph([
    ...     NodeSpec("web", NodeKind.SERVICE, (Requirement.single("a"), Requirement.single("b"))),
    ...     NodeSpec("a", NodeKind.ASSET, (), 2.0), NodeSpec("b", NodeKind.ASSET, (), 3.0)])
    >>> s = schedule_recovery(g, ["a", "b"], team_of={"a": "ops", "b": "ops"},
    ...                       capacity={"ops": 1}, priority={"b": 1, "a": 2})
    >>> [(t.node, t.start, t.finish) for t in s.tasks], s.rta["web"]
    ([('b', 0.0, 3.0), ('a', 3.0, 5.0)], 5.0)
    """
    team_of = team_of or {}
    cap = {team: int(c) for team, c in (capacity or {}).items()}
    for team, c in cap.items():
        if c < 1:
            raise ValueError(f"team {team!r} has capacity {c}: it must be at least 1")
    prio_of = priority or {}
    idx = failed_indices(graph, failed_ids)
    down = down_mask(graph, idx)
    n = graph.n_nodes
    is_failed = np.zeros(n, dtype=np.bool_)
    is_failed[idx] = True
    own = graph.recovery_time.copy()
    for node, hours in (recovery_time or {}).items():
        own[graph.index[node]] = hours

    ids = graph.ids
    gptr = graph.group_ptr.tolist()
    gk = graph.group_k.tolist()
    gowner = graph.group_owner.tolist()
    gmembers = graph.group_members.tolist()
    mptr = graph.member_ptr.tolist()
    mgroups = graph.member_groups.tolist()
    down_l = down.tolist()
    failed_l = is_failed.tolist()

    # need[g]: members of g still to come back before g is met; pending[v]: unmet groups of v.
    need = [0] * graph.n_groups
    pending = [0] * n
    ready = [0.0] * n
    for g in np.flatnonzero(down[graph.group_owner]).tolist():
        members = gmembers[gptr[g] : gptr[g + 1]]
        up = sum(1 for m in members if not down_l[m])
        need[g] = max(0, gk[g] - up)
        if need[g]:
            pending[gowner[g]] += 1

    back = [math.inf] * n
    start: dict[int, float] = {}
    ready_at: dict[int, float] = {}
    queues: dict[str | None, list[tuple[float, float, str, int]]] = {}
    busy: dict[str, int] = {}
    events: list[tuple[float, int]] = []

    def release(v: int, t: float) -> None:
        """``v`` is ready at ``t``: queue its task, or bring it back if it only waited."""
        stack = [(v, t)]
        while stack:
            u, when = stack.pop()
            if failed_l[u]:
                ready_at[u] = when
                d = float(own[u])
                if math.isnan(d):
                    continue  # unknown recovery time: never finishes, takes no staff
                team = team_of.get(ids[u])
                key = (float(prio_of.get(ids[u], math.inf)), when, ids[u], u)
                heapq.heappush(queues.setdefault(team, []), key)
                continue
            back[u] = when
            stack.extend(_arrivals(u, when))

    def _arrivals(u: int, when: float) -> list[tuple[int, float]]:
        """Owners made ready by ``u`` coming back at ``when``."""
        out: list[tuple[int, float]] = []
        for j in range(mptr[u], mptr[u + 1]):
            g = mgroups[j]
            if need[g] <= 0:
                continue
            need[g] -= 1
            if need[g] == 0:
                o = gowner[g]
                ready[o] = max(ready[o], when)
                pending[o] -= 1
                if pending[o] == 0:
                    out.append((o, ready[o]))
        return out

    for v in np.flatnonzero(down).tolist():
        if pending[v] == 0:
            release(v, 0.0)

    def dispatch(now: float) -> None:
        for team, queue in queues.items():
            limit = math.inf if team is None else cap.get(team, math.inf)
            used = busy.get(team, 0) if team is not None else 0
            while queue and used < limit:
                _, _, _, u = heapq.heappop(queue)
                start[u] = now
                heapq.heappush(events, (now + float(own[u]), u))
                used += 1
            if team is not None:
                busy[team] = used

    dispatch(0.0)
    while events:
        now = events[0][0]
        while events and events[0][0] == now:
            _, u = heapq.heappop(events)
            done_by = team_of.get(ids[u])
            if done_by is not None:
                busy[done_by] -= 1
            back[u] = now
            for o, t in _arrivals(u, now):
                release(o, t)
        dispatch(now)

    tasks: list[ScheduledTask] = []
    for u in idx.tolist():
        d = float(own[u])
        tasks.append(
            ScheduledTask(
                node=ids[u],
                team=team_of.get(ids[u]),
                priority=float(prio_of.get(ids[u], math.inf)),
                duration=None if math.isnan(d) else d,
                ready=ready_at.get(u),
                start=start.get(u),
                finish=None if math.isinf(back[u]) else back[u],
            )
        )
    tasks.sort(key=lambda t: (math.inf if t.start is None else t.start, t.priority, t.node))
    rta = {
        ids[v]: (None if math.isinf(back[v]) else back[v]) for v in np.flatnonzero(down).tolist()
    }
    return Schedule(tuple(tasks), dict(sorted(rta.items())), cap)


@dataclass(frozen=True, slots=True)
class GanttBar:
    """One task drawn in a lane, from ``start`` to ``finish`` hours."""

    node: str
    start: float
    finish: float
    priority: float


@dataclass(frozen=True, slots=True)
class GanttLane:
    """One person (slot) of a team; ``team`` None for work that needs no staff."""

    team: str | None
    slot: int
    bars: tuple[GanttBar, ...]

    @property
    def label(self) -> str:
        """E.g. ``"ops #1"``; ``"no team #1"`` for unstaffed work."""
        return f"{self.team or 'no team'} #{self.slot + 1}"


@dataclass(frozen=True, slots=True)
class Gantt:
    """A schedule laid out for drawing: lanes, the end, and tasks that never run."""

    lanes: tuple[GanttLane, ...]
    makespan: float
    unscheduled: tuple[str, ...]


def gantt(schedule: Schedule) -> Gantt:
    """Lay ``schedule`` out in lanes: each team gets as many lanes as it uses people at once.

    Lanes are sorted by team (no team last), then slot; a task goes to the lowest-numbered lane
    of its team that is free at its start.

    Examples
    --------
    >>> s = Schedule((ScheduledTask("a", "ops", 1, 2.0, 0.0, 0.0, 2.0),
    ...               ScheduledTask("b", "ops", 2, 1.0, 0.0, 0.0, 1.0),
    ...               ScheduledTask("c", "ops", 3, 1.0, 0.0, 1.0, 2.0),
    ...               ScheduledTask("d", None, 4, None, 0.0, None, None)), {}, {"ops": 2})
    >>> chart = gantt(s)
    >>> [(lane.label, [b.node for b in lane.bars]) for lane in chart.lanes]
    [('ops #1', ['a']), ('ops #2', ['b', 'c'])]
    >>> chart.makespan, chart.unscheduled
    (2.0, ('d',))
    """
    lanes: dict[str | None, list[list[GanttBar]]] = {}
    free_at: dict[str | None, list[float]] = {}
    unscheduled: list[str] = []
    for task in sorted(schedule.tasks, key=lambda t: (t.start or 0.0, t.priority, t.node)):
        if task.start is None or task.finish is None:
            unscheduled.append(task.node)
            continue
        team_lanes = lanes.setdefault(task.team, [])
        ends = free_at.setdefault(task.team, [])
        slot = next((i for i, end in enumerate(ends) if end <= task.start), len(ends))
        if slot == len(ends):
            team_lanes.append([])
            ends.append(0.0)
        team_lanes[slot].append(GanttBar(task.node, task.start, task.finish, task.priority))
        ends[slot] = task.finish
    out: list[GanttLane] = []
    for team in sorted(lanes, key=lambda t: (t is None, t or "")):
        out.extend(GanttLane(team, i, tuple(bars)) for i, bars in enumerate(lanes[team]))
    ends_all = [bar.finish for lane in out for bar in lane.bars]
    return Gantt(tuple(out), max(ends_all, default=0.0), tuple(sorted(unscheduled)))
