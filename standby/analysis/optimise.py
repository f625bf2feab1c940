"""Choose one recovery option per node: least cost that meets every RTO in every scenario.

Each node with alternatives (:class:`Option`: recovery time, annual cost, optional one-off cost
and expected annual loss) gets exactly one; nodes without alternatives keep their model recovery
time. Two objectives (:func:`optimise_options`):

* ``"cost"``: least annual cost such that every target (process/service with an RTO) is back
  within its RTO in every scenario where it goes down;
* ``"cost_and_loss"``: least annual cost + expected annual loss, usually with a ``budget`` on the
  annual cost (the RTO constraints still apply to the targets given).

**The MILP** (solved by HiGHS through ``highspy``). Binary ``x[v,o]`` picks option ``o`` of
node ``v``. For each scenario and each down node whose return time depends on the choice, a
continuous ``b[s,v]`` bounds its return time from below, following the dependency semantics:

* single requirement on ``m``: ``b[v] >= b[m] (+ own)``;
* "at least k of n" group: binaries ``y[m]`` pick ``k`` members, ``sum y = k``, and the group's
  ready time ``r >= b[m] - M_m (1 - y[m])``; so ``r`` is at least the ``k``-th earliest return;
  ``M_m`` is ``m``'s return time with the slowest options (a valid upper bound);
* a failed node adds its own recovery time, ``sum_o time[v,o] x[v,o]`` (or its fixed one).

Every operation (max, k-th earliest, +) is monotone, so the least feasible ``b`` is the true RTA
and ``b[s,t] <= RTO[t]`` holds iff the target meets its RTO. The model is kept small: a node
whose return time is the same with the fastest and the slowest options is a constant; a target
that meets its RTO even with the slowest options needs no constraint; only the nodes below a
constrained target appear.

**Infeasible targets.** Giving every node its fastest option makes every RTA as small as it can
be, all at once; a target that misses its RTO even then can never meet it. It is reported
(:class:`Unmeetable`, with the chain of nodes that sets its RTA) and left out of the constraints,
so the rest is still optimised.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from standby.analysis.cuts import cone_mask
from standby.analysis.graph import CompiledGraph, FloatArray
from standby.analysis.scenarios import Scenario, critical_chain, evaluate_scenarios
from standby.common.durations import format_hours

__all__ = [
    "Change",
    "Milp",
    "Objective",
    "Optimisation",
    "Option",
    "Unmeetable",
    "build_milp",
    "optimise_options",
    "solve_milp",
]

Objective = Literal["cost", "cost_and_loss"]
Status = Literal["optimal", "infeasible", "time_limit"]
_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Option:
    """One way to recover a node: hours to recover, money per year (and once, and expected loss).

    >>> Option("hot standby", 4.0, 12_000.0).one_off_cost
    0.0
    """

    name: str
    recovery_time: float
    annual_cost: float
    one_off_cost: float = 0.0
    expected_loss: float = 0.0


@dataclass(frozen=True, slots=True)
class Unmeetable:
    """A target that misses its RTO in a scenario even with every fastest option.

    ``chain`` runs from the target down to the node that sets its RTA, with return times.
    """

    target: str
    scenario: str
    rto: float
    best_rta: float | None
    chain: tuple[tuple[str, float | None], ...]

    @property
    def reason(self) -> str:
        """A sentence for people."""
        path = " ← ".join(f"{n} ({_hours(t)})" for n, t in self.chain)
        if self.best_rta is None:
            return (
                f"{self.target}: RTA unknown in scenario {self.scenario} (a node on the way has "
                f"no recovery time): {path}"
            )
        return (
            f"{self.target}: even the fastest options give RTA {_hours(self.best_rta)} > RTO "
            f"{_hours(self.rto)} in scenario {self.scenario}; bottleneck: {path}"
        )


@dataclass(frozen=True, slots=True)
class Change:
    """One node whose recommended option differs from today's, and what the change buys.

    Deltas are recommended minus current. ``needed_for`` are the targets that would miss their
    RTO in some scenario if only this node went back to today's option.
    """

    node: str
    current: str | None
    chosen: str
    annual_cost_delta: float
    one_off_cost: float
    recovery_time_delta: float | None
    expected_loss_delta: float
    needed_for: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Optimisation:
    """The recommendation: one option per node, its costs, the changes and what cannot be met."""

    status: Status
    choice: dict[str, str]
    annual_cost: float
    one_off_cost: float
    expected_loss: float
    objective: float
    worst_rta: dict[str, float | None]
    changes: tuple[Change, ...]
    unmeetable: tuple[Unmeetable, ...]
    solve_seconds: float
    stats: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, eq=False, slots=True)
class Milp:
    """A mixed-integer program ``min c x`` s.t. ``row_lower <= A x <= row_upper``, bounds.

    ``A`` is in compressed sparse row form (``a_start``, ``a_index``, ``a_value``);
    ``integer[j]`` marks integer columns. The first ``n_choice`` columns are the option
    selectors, in the order of :attr:`choice_cols` (node id, option index).
    """

    c: FloatArray
    col_lower: FloatArray
    col_upper: FloatArray
    row_lower: FloatArray
    row_upper: FloatArray
    a_start: NDArray[np.int32]
    a_index: NDArray[np.int32]
    a_value: FloatArray
    integer: NDArray[np.bool_]
    choice_cols: tuple[tuple[str, int], ...]

    @property
    def n_cols(self) -> int:
        """Number of variables."""
        return len(self.c)

    @property
    def n_rows(self) -> int:
        """Number of constraints."""
        return len(self.row_lower)


class _Builder:
    """Collects columns and rows of a :class:`Milp`."""

    def __init__(self) -> None:
        self.c: list[float] = []
        self.lo: list[float] = []
        self.hi: list[float] = []
        self.integer: list[bool] = []
        self.rlo: list[float] = []
        self.rhi: list[float] = []
        self.start: list[int] = [0]
        self.index: list[int] = []
        self.value: list[float] = []

    def col(self, cost: float, lo: float, hi: float, integer: bool) -> int:
        self.c.append(cost)
        self.lo.append(lo)
        self.hi.append(hi)
        self.integer.append(integer)
        return len(self.c) - 1

    def row(self, cols: Sequence[int], vals: Sequence[float], lo: float, hi: float) -> None:
        self.index.extend(cols)
        self.value.extend(vals)
        self.start.append(len(self.index))
        self.rlo.append(lo)
        self.rhi.append(hi)

    def build(self, choice_cols: tuple[tuple[str, int], ...]) -> Milp:
        return Milp(
            c=np.asarray(self.c, dtype=np.float64),
            col_lower=np.asarray(self.lo, dtype=np.float64),
            col_upper=np.asarray(self.hi, dtype=np.float64),
            row_lower=np.asarray(self.rlo, dtype=np.float64),
            row_upper=np.asarray(self.rhi, dtype=np.float64),
            a_start=np.asarray(self.start, dtype=np.int32),
            a_index=np.asarray(self.index, dtype=np.int32),
            a_value=np.asarray(self.value, dtype=np.float64),
            integer=np.asarray(self.integer, dtype=np.bool_),
            choice_cols=choice_cols,
        )


def _hours(t: float | None) -> str:
    return "unknown" if t is None or not math.isfinite(t) else format_hours(t)


def _check_options(graph: CompiledGraph, options: Mapping[str, Sequence[Option]]) -> None:
    for node, opts in options.items():
        if node not in graph.index:
            raise ValueError(f"options given for unknown node {node!r}")
        if not opts:
            raise ValueError(f"node {node!r} has an empty list of options")
        names = [o.name for o in opts]
        if len(set(names)) != len(names):
            raise ValueError(f"node {node!r} lists an option name twice: {names!r}")
        for o in opts:
            if not (o.recovery_time >= 0 and math.isfinite(o.recovery_time)):
                raise ValueError(f"option {o.name!r} of {node!r}: recovery time must be >= 0")


def _times(graph: CompiledGraph, options: Mapping[str, Sequence[Option]], pick: str) -> FloatArray:
    own = graph.recovery_time.copy()
    for node, opts in options.items():
        ts = [o.recovery_time for o in opts]
        own[graph.index[node]] = min(ts) if pick == "min" else max(ts)
    return own


def build_milp(
    graph: CompiledGraph,
    options: Mapping[str, Sequence[Option]],
    *,
    rto: Mapping[str, float] | None = None,
    scenarios: Sequence[Scenario] = (),
    budget: float | None = None,
    objective: Objective = "cost",
) -> tuple[Milp, tuple[Unmeetable, ...]]:
    """The MILP of :func:`optimise_options` and the targets left out as unmeetable.

    Exposed so that a benchmark can hand exactly the same instance to another solver.

    Examples
    --------
    >>> from standby.analysis.graph import compile_graph
    >>> from standby.analysis.model import NodeKind, NodeSpec, Requirement
    >>> g = compile_graph([NodeSpec("web", NodeKind.SERVICE, (Requirement.single("srv"),)),
    ...                    NodeSpec("srv", NodeKind.ASSET)])
    >>> milp, bad = build_milp(g, {"srv": [Option("cold", 72, 1), Option("hot", 4, 9)]},
    ...                        rto={"web": 8}, scenarios=[Scenario("s", "S", "user", ("srv",))])
    >>> milp.n_cols, milp.n_rows, bad
    (4, 3, ())
    """
    _check_options(graph, options)
    rto = dict(rto or {})
    b = _Builder()
    # Option selectors first: one row "exactly one" per node.
    choice_cols: list[tuple[str, int]] = []
    xcols: dict[int, list[int]] = {}
    for node, opts in options.items():
        cols = []
        for j, o in enumerate(opts):
            cost = o.annual_cost + (o.expected_loss if objective == "cost_and_loss" else 0.0)
            cols.append(b.col(cost, 0.0, 1.0, True))
            choice_cols.append((node, j))
        xcols[graph.index[node]] = cols
        b.row(cols, [1.0] * len(cols), 1.0, 1.0)
    if budget is not None:
        cols = [c for cs in xcols.values() for c in cs]
        costs = [o.annual_cost for opts in options.values() for o in opts]
        b.row(cols, costs, -math.inf, float(budget))

    unmeetable: list[Unmeetable] = []
    targets = [t for t in rto if t in graph.index]
    if targets and scenarios:
        fast_own = _times(graph, options, "min")
        slow_own = _times(graph, options, "max")
        fast = evaluate_scenarios(graph, scenarios, recovery_time=fast_own)
        slow = evaluate_scenarios(graph, scenarios, recovery_time=slow_own)
        tidx = graph.indices(targets)
        limit = np.asarray([rto[t] for t in targets], dtype=np.float64)
        bad = fast.down[:, tidx] & (fast.back[:, tidx] > limit + _EPS)
        dropped = np.zeros(len(targets), dtype=np.bool_)
        for s, j in zip(*np.nonzero(bad), strict=True):
            t, sc = targets[j], scenarios[s]
            chain = critical_chain(graph, t, fast.back[s])
            best = float(fast.back[s, tidx[j]])
            unmeetable.append(
                Unmeetable(t, sc.id, rto[t], None if math.isinf(best) else best, tuple(chain))
            )
            dropped[j] = True
        need = slow.down[:, tidx] & (slow.back[:, tidx] > limit + _EPS) & ~dropped[None, :]
        for s in np.flatnonzero(need.any(axis=1)).tolist():
            _scenario_rows(
                b, graph, scenarios[s], options, xcols,
                tidx[need[s]], limit[need[s]], fast.back[s], slow.back[s], fast.down[s],
            )  # fmt: skip
    return b.build(tuple(choice_cols)), tuple(unmeetable)


def _scenario_rows(
    b: _Builder,
    graph: CompiledGraph,
    scenario: Scenario,
    options: Mapping[str, Sequence[Option]],
    xcols: Mapping[int, list[int]],
    targets: NDArray[np.int32],
    limits: FloatArray,
    fast: FloatArray,
    slow: FloatArray,
    down: NDArray[np.bool_],
) -> None:
    """Return-time variables and constraints of one scenario."""
    failed = set(graph.indices(scenario.failed).tolist())
    cone = cone_mask(graph, targets)
    variable = cone & down & (slow > fast + _EPS)
    nodes = np.flatnonzero(variable)
    nodes = nodes[np.argsort(graph.level[nodes], kind="stable")]
    bcol: dict[int, int] = {}
    cap = dict(zip(targets.tolist(), limits.tolist(), strict=True))
    for v in nodes.tolist():
        bcol[v] = b.col(0.0, float(fast[v]), min(float(slow[v]), cap.get(v, math.inf)), False)
    own = graph.recovery_time
    gptr, members, gk = graph.group_ptr, graph.group_members, graph.group_k
    groups_of: dict[int, list[int]] = {}
    for g in np.flatnonzero(variable[graph.group_owner]).tolist():
        groups_of.setdefault(int(graph.group_owner[g]), []).append(g)
    for v in nodes.tolist():
        # The node's own part: option selectors or a constant, if it failed here.
        add_cols: list[int] = []
        add_vals: list[float] = []
        add_const = 0.0
        if v in failed:
            if v in xcols:
                add_cols = xcols[v]
                add_vals = [o.recovery_time for o in options[graph.ids[v]]]
            else:
                add_const = float(own[v])
        base_cols = [bcol[v], *add_cols]
        base_vals = [1.0, *(-a for a in add_vals)]
        # b_v - own >= add_const (no requirement, or requirements met at a constant time).
        const_ready = 0.0
        for g in groups_of.get(v, ()):
            ms = members[gptr[g] : gptr[g + 1]].tolist()
            k = int(gk[g])
            var_ms = [m for m in ms if m in bcol]
            consts = sorted(0.0 if not down[m] else float(fast[m]) for m in ms if m not in bcol)
            consts = [c for c in consts if math.isfinite(c)][:k]
            if not var_ms:
                const_ready = max(const_ready, consts[k - 1])
                continue
            if len(var_ms) + len(consts) == k:
                # Every candidate is needed: b_v >= each member (+ own).
                if consts:
                    const_ready = max(const_ready, consts[-1])
                for m in var_ms:
                    b.row([*base_cols, bcol[m]], [*base_vals, -1.0], add_const, math.inf)
                continue
            # k-th earliest: r >= value_m - M_m (1 - y_m) for the k picked members.
            hi = max([float(slow[m]) for m in var_ms] + consts)
            r = b.col(0.0, 0.0, hi, False)
            ys: list[int] = []
            for m in var_ms:
                y = b.col(0.0, 0.0, 1.0, True)
                ys.append(y)
                big = float(slow[m])
                b.row([r, bcol[m], y], [1.0, -1.0, -big], -big, math.inf)
            for c in consts:
                y = b.col(0.0, 0.0, 1.0, True)
                ys.append(y)
                if c > 0:
                    b.row([r, y], [1.0, -c], 0.0, math.inf)
            b.row(ys, [1.0] * len(ys), float(k), float(k))
            b.row([*base_cols, r], [*base_vals, -1.0], add_const, math.inf)
        if add_cols:  # otherwise implied by the column's lower bound (the fastest time)
            b.row(base_cols, base_vals, const_ready + add_const, math.inf)


def solve_milp(milp: Milp, *, time_limit: float | None = None) -> tuple[Status, FloatArray, float]:
    """Solve with HiGHS to optimality (relative gap 0); returns status, x and objective.

    >>> m = Milp(np.array([1.0, 2.0]), np.zeros(2), np.ones(2), np.array([1.0]),
    ...          np.array([1.0]), np.array([0, 2], dtype=np.int32),
    ...          np.array([0, 1], dtype=np.int32), np.ones(2), np.array([True, True]), ())
    >>> solve_milp(m)[0], solve_milp(m)[1].tolist(), solve_milp(m)[2]
    ('optimal', [1.0, 0.0], 1.0)
    """
    from highspy import _core  # HiGHS' Python front end prints a banner; the core does not

    h = _core._Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    integrality = milp.integer.astype(np.int32)
    status = h.passModel(
        milp.n_cols,
        milp.n_rows,
        len(milp.a_index),
        2,  # row-wise matrix
        1,  # minimise
        0.0,
        milp.c,
        milp.col_lower,
        milp.col_upper,
        milp.row_lower,
        milp.row_upper,
        milp.a_start[:-1] if milp.n_rows else np.zeros(0, dtype=np.int32),
        milp.a_index,
        milp.a_value,
        integrality,
    )
    if status != _core.HighsStatus.kOk and status != _core.HighsStatus.kWarning:
        raise RuntimeError(f"HiGHS refused the model: {status}")
    h.run()
    model_status = h.getModelStatus()
    ms = _core.HighsModelStatus
    if model_status == ms.kOptimal:
        return "optimal", _solution(h, milp), float(h.getInfo().objective_function_value)
    if model_status in (ms.kTimeLimit, ms.kIterationLimit, ms.kSolutionLimit):
        return "time_limit", _solution(h, milp), math.nan
    return "infeasible", np.zeros(milp.n_cols), math.nan


def _solution(h: object, milp: Milp) -> FloatArray:
    sol = np.asarray(h.getSolution().col_value, dtype=np.float64)  # type: ignore[attr-defined]
    if sol.size != milp.n_cols:
        return np.zeros(milp.n_cols)
    # Integer columns come back within a tolerance of an integer: round them (and -0.0 to 0).
    sol[milp.integer] = np.round(sol[milp.integer])
    return sol + 0.0


def optimise_options(
    graph: CompiledGraph,
    options: Mapping[str, Sequence[Option]],
    *,
    rto: Mapping[str, float] | None = None,
    scenarios: Sequence[Scenario] = (),
    current: Mapping[str, str] | None = None,
    budget: float | None = None,
    objective: Objective = "cost",
    time_limit: float | None = None,
    explain_changes: int = 200,
) -> Optimisation:
    """Choose one option per node among ``options``.

    Parameters
    ----------
    graph
        The compiled model.
    options
        Node id to its alternatives (at least one each).
    rto
        Target (process/service) id to its RTO in hours; each must be met in every scenario.
    scenarios
        The scenarios the RTOs must hold in (e.g. :func:`~standby.analysis.scenarios.
        generated_scenarios`).
    current
        Today's option name per node, to report the changes.
    budget
        Upper bound on the total annual cost.
    objective
        ``"cost"`` (annual cost) or ``"cost_and_loss"`` (annual cost + expected loss).
    time_limit
        Seconds for HiGHS; on expiry the best choice found so far is returned.
    explain_changes
        Compute ``needed_for`` for at most this many changes (each costs one evaluation).

    Returns
    -------
    Optimisation
        ``status`` "infeasible" when the budget cannot be kept (``choice`` is then empty).

    Examples
    --------
    A web service needs an app server and 1 of 2 database replicas; a site fire takes all three:

    >>> from standby.analysis.graph import compile_graph
    >>> from standby.analysis.model import NodeKind, NodeSpec, Requirement
    >>> g = compile_graph([
    ...     NodeSpec("web", NodeKind.SERVICE,
    ...              (Requirement.single("app"), Requirement(1, ("db1", "db2")))),
    ...     NodeSpec("app", NodeKind.ASSET, (Requirement.single("dc"),)),
    ...     NodeSpec("db1", NodeKind.ASSET, (Requirement.single("dc"),)),
    ...     NodeSpec("db2", NodeKind.ASSET, (Requirement.single("dc"),)),
    ...     NodeSpec("dc", NodeKind.LOCATION, (), 0.0)])
    >>> opts = [Option("cold", 72, 1_000), Option("warm", 24, 5_000), Option("hot", 4, 20_000)]
    >>> fire = Scenario("site:dc", "Fire", "site", ("dc", "app", "db1", "db2"))
    >>> today = {"app": "cold", "db1": "cold", "db2": "cold"}
    >>> r = optimise_options(g, {"app": opts, "db1": opts, "db2": opts}, rto={"web": 24},
    ...                      scenarios=[fire], current=today)
    >>> r.status, r.choice, r.annual_cost, r.worst_rta
    ('optimal', {'app': 'warm', 'db1': 'warm', 'db2': 'cold'}, 11000.0, {'web': 24.0})
    >>> [(c.node, c.annual_cost_delta, c.needed_for) for c in r.changes]
    [('app', 4000.0, ('web',)), ('db1', 4000.0, ('web',))]
    """
    started = time.perf_counter()
    milp, unmeetable = build_milp(
        graph, options, rto=rto, scenarios=scenarios, budget=budget, objective=objective
    )
    status, x, value = solve_milp(milp, time_limit=time_limit)
    seconds = time.perf_counter() - started
    stats = {
        "columns": milp.n_cols,
        "rows": milp.n_rows,
        "integers": int(milp.integer.sum()),
        "nonzeros": len(milp.a_index),
    }
    if status == "infeasible" or (status == "time_limit" and not x.any()):
        return Optimisation(
            "infeasible" if status == "infeasible" else "time_limit",
            {}, 0.0, 0.0, 0.0, math.nan, {}, (), unmeetable, seconds, stats,
        )  # fmt: skip
    picked: dict[str, int] = {}
    for col, (node, j) in enumerate(milp.choice_cols):
        if x[col] > 0.5:
            picked[node] = j
    choice = {node: options[node][j].name for node, j in picked.items()}
    chosen = [options[node][j] for node, j in picked.items()]
    annual = float(sum(o.annual_cost for o in chosen))
    loss = float(sum(o.expected_loss for o in chosen))
    targets = [t for t in (rto or {}) if t in graph.index]
    worst = _worst_rta(graph, options, picked, targets, scenarios)
    changes = _changes(graph, options, picked, current or {}, rto or {}, scenarios, explain_changes)
    return Optimisation(
        status=status,
        choice=choice,
        annual_cost=annual,
        one_off_cost=float(sum(o.one_off_cost for o in chosen)),
        expected_loss=loss,
        objective=value if math.isfinite(value) else annual,
        worst_rta=worst,
        changes=changes,
        unmeetable=unmeetable,
        solve_seconds=seconds,
        stats=stats,
    )


def _own_with(
    graph: CompiledGraph, options: Mapping[str, Sequence[Option]], picked: Mapping[str, int]
) -> FloatArray:
    own = graph.recovery_time.copy()
    for node, j in picked.items():
        own[graph.index[node]] = options[node][j].recovery_time
    return own


def _worst_rta(
    graph: CompiledGraph,
    options: Mapping[str, Sequence[Option]],
    picked: Mapping[str, int],
    targets: Sequence[str],
    scenarios: Sequence[Scenario],
) -> dict[str, float | None]:
    if not targets or not scenarios:
        return dict.fromkeys(targets, 0.0)
    res = evaluate_scenarios(
        graph, scenarios, columns=targets, recovery_time=_own_with(graph, options, picked)
    )
    worst = res.back.max(axis=0)
    return {t: (None if math.isinf(w) else float(w)) for t, w in zip(targets, worst, strict=True)}


def _changes(
    graph: CompiledGraph,
    options: Mapping[str, Sequence[Option]],
    picked: Mapping[str, int],
    current: Mapping[str, str],
    rto: Mapping[str, float],
    scenarios: Sequence[Scenario],
    explain: int,
) -> tuple[Change, ...]:
    targets = [t for t in rto if t in graph.index]
    limit = np.asarray([rto[t] for t in targets], dtype=np.float64)
    already: NDArray[np.bool_] = np.zeros(len(targets), dtype=np.bool_)
    if targets and scenarios:
        res = evaluate_scenarios(
            graph, scenarios, columns=targets, recovery_time=_own_with(graph, options, picked)
        )
        already = np.asarray((res.back > limit + _EPS).any(axis=0), dtype=np.bool_)
    out: list[Change] = []
    for node in sorted(picked):
        opts = options[node]
        new = opts[picked[node]]
        names = [o.name for o in opts]
        cur_name = current.get(node)
        if cur_name == new.name:
            continue
        old = opts[names.index(cur_name)] if cur_name in names else None
        needed: tuple[str, ...] = ()
        if old is not None and targets and scenarios and explain > 0:
            explain -= 1
            reverted = {**picked, node: names.index(old.name)}
            res = evaluate_scenarios(
                graph, scenarios, columns=targets,
                recovery_time=_own_with(graph, options, reverted),
            )  # fmt: skip
            miss = (res.back > limit + _EPS).any(axis=0) & ~already
            needed = tuple(t for t, m in zip(targets, miss.tolist(), strict=True) if m)
        out.append(
            Change(
                node=node,
                current=cur_name,
                chosen=new.name,
                annual_cost_delta=float(new.annual_cost - (old.annual_cost if old else 0.0)),
                one_off_cost=float(new.one_off_cost),
                recovery_time_delta=(float(new.recovery_time - old.recovery_time) if old else None),
                expected_loss_delta=float(new.expected_loss - (old.expected_loss if old else 0.0)),
                needed_for=needed,
            )
        )
    return tuple(out)
