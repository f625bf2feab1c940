"""Benchmark the continuity-strategy engines, in one run.

Run from the repository root::

    python -m benchmarks.bench_strategy [--seed 7] [--repeat 3]

* **Optimiser**: 1,000 services, each recovered by its own asset with 7 recovery options, a budget
  on the annual cost, least annual cost + expected loss, every RTO met in 6 scenarios. The same
  MILP (:func:`standby.analysis.optimise.build_milp`) is solved by HiGHS (highspy) and by CBC
  through PuLP, both to optimality; HiGHS must be at least as fast (the ratio is printed).
* **Staff-limited schedule** of 1,000 tasks (dependencies, 10 teams of 3): <= 1 s.
* **Gap analysis** over every generated scenario of a 10,000-asset organisation: <= 10 s.

Needs the ``bench`` extra (pulp, which ships CBC).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pulp

from standby.analysis.cuts import single_points_of_failure
from standby.analysis.gaps import Backup, Objectives, gap_analysis
from standby.analysis.graph import CompiledGraph, compile_graph
from standby.analysis.model import NodeKind, NodeSpec, Requirement
from standby.analysis.optimise import Milp, Option, build_milp, optimise_options, solve_milp
from standby.analysis.scenarios import Scenario, generated_scenarios
from standby.analysis.schedule import inherited_priority, schedule_recovery
from standby.modelfile.generate import generate_model
from standby.modelfile.graph import model_to_nodes

TIMES = (0.25, 1.0, 4.0, 8.0, 24.0, 72.0, 168.0)
NAMES = ("mirrored", "hot", "fast", "warm", "intermediate", "cold", "manual")


def median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def optimiser_instance(
    seed: int, n: int = 1000
) -> tuple[CompiledGraph, dict[str, list[Option]], dict[str, float], list[Scenario], float]:
    """``n`` services, each needing its own asset (7 options) and a shared platform asset."""
    rng = np.random.default_rng(seed)
    specs = [NodeSpec("dc", NodeKind.LOCATION, (), 0.0)]
    platforms = [f"plat-{i:02d}" for i in range(20)]
    specs += [NodeSpec(p, NodeKind.ASSET, (Requirement.single("dc"),), 2.0) for p in platforms]
    options: dict[str, list[Option]] = {}
    rto: dict[str, float] = {}
    for i in range(n):
        app = f"app-{i:04d}"
        svc = f"svc-{i:04d}"
        plat = platforms[int(rng.integers(len(platforms)))]
        specs.append(NodeSpec(app, NodeKind.ASSET, (Requirement.single("dc"),)))
        specs.append(
            NodeSpec(svc, NodeKind.SERVICE, (Requirement.single(app), Requirement.single(plat)))
        )
        scale = float(rng.uniform(0.5, 2.0))
        loss_rate = float(rng.uniform(10, 500))
        options[app] = [
            Option(
                name,
                t,
                round(scale * 40_000 / (1 + t) ** 0.7 * float(rng.uniform(0.8, 1.2))),
                expected_loss=round(loss_rate * t),
            )
            for name, t in zip(NAMES, TIMES, strict=True)
        ]
        rto[svc] = float(rng.choice([8.0, 24.0, 72.0, 168.0, 336.0]))
    g = compile_graph(specs)
    apps = list(options)
    scenarios = [Scenario("site:dc", "Loss of dc", "site", ("dc", *apps, *platforms))]
    for s in range(5):
        hit = rng.choice(len(apps), size=n // 5, replace=False)
        scenarios.append(
            Scenario(f"user:wave-{s}", f"Wave {s}", "user", tuple(apps[j] for j in sorted(hit)))
        )
    # A budget that binds: halfway between the least cost meeting every RTO and the annual cost
    # of the best cost + loss mix without a budget.
    least = optimise_options(g, options, rto=rto, scenarios=scenarios, explain_changes=0)
    free = optimise_options(
        g, options, rto=rto, scenarios=scenarios, objective="cost_and_loss", explain_changes=0
    )
    budget = least.annual_cost + 0.5 * (free.annual_cost - least.annual_cost)
    return g, options, rto, scenarios, budget


def solve_pulp(milp: Milp) -> tuple[str, float]:
    """Build the same MILP in PuLP and solve it with CBC to optimality."""
    prob = pulp.LpProblem("strategy", pulp.LpMinimize)
    xs = [
        pulp.LpVariable(
            f"x{j}",
            lowBound=float(milp.col_lower[j]),
            upBound=float(milp.col_upper[j]),
            cat=pulp.LpBinary if milp.integer[j] and milp.col_upper[j] <= 1 else pulp.LpContinuous,
        )
        for j in range(milp.n_cols)
    ]
    prob += pulp.lpSum(float(c) * xs[j] for j, c in enumerate(milp.c) if c)
    for r in range(milp.n_rows):
        a, b = int(milp.a_start[r]), int(milp.a_start[r + 1])
        expr = pulp.lpSum(
            float(v) * xs[int(i)] for i, v in zip(milp.a_index[a:b], milp.a_value[a:b], strict=True)
        )
        lo, hi = float(milp.row_lower[r]), float(milp.row_upper[r])
        if lo == hi:
            prob += expr == lo
        else:
            if np.isfinite(lo):
                prob += expr >= lo
            if np.isfinite(hi):
                prob += expr <= hi
    prob.solve(pulp.PULP_CBC_CMD(msg=False, gapRel=0.0, threads=1))
    return pulp.LpStatus[prob.status], float(pulp.value(prob.objective))


def schedule_instance(seed: int, n: int = 1000) -> tuple[CompiledGraph, dict[str, Any]]:
    """``n`` failed assets in a random layered DAG (single and 2-of-3 requirements), 10 teams."""
    rng = np.random.default_rng(seed)
    ids = [f"a{i:04d}" for i in range(n)]
    specs = []
    for i, node in enumerate(ids):
        reqs: list[Requirement] = []
        if i >= 10:
            earlier = rng.choice(i, size=3, replace=False)
            if rng.random() < 0.5:
                reqs.append(Requirement.single(ids[int(earlier[0])]))
            else:
                reqs.append(Requirement(2, tuple(ids[int(j)] for j in earlier)))
        specs.append(NodeSpec(node, NodeKind.ASSET, tuple(reqs), float(rng.uniform(0.5, 8))))
    procs = [f"p{j:03d}" for j in range(50)]
    for j, p in enumerate(procs):
        need = rng.choice(n, size=5, replace=False)
        specs.append(
            NodeSpec(p, NodeKind.PROCESS, tuple(Requirement.single(ids[int(k)]) for k in need))
        )
        del j
    g = compile_graph(specs)
    teams = {node: f"team-{int(rng.integers(10))}" for node in ids}
    rank = {p: float(i) for i, p in enumerate(procs)}
    return g, {
        "failed_ids": ids,
        "team_of": teams,
        "capacity": {f"team-{t}": 3 for t in range(10)},
        "priority": inherited_priority(g, rank),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows: list[tuple[str, str, str, str]] = []

    # -- optimiser vs PuLP + CBC on the same MILP -------------------------------------------
    g, options, rto, scenarios, budget = optimiser_instance(args.seed)
    t_build, (milp, unmeetable) = median_time(
        lambda: build_milp(
            g, options, rto=rto, scenarios=scenarios, budget=budget, objective="cost_and_loss"
        ),
        args.repeat,
    )
    t_highs, (status, _, obj_highs) = median_time(lambda: solve_milp(milp), args.repeat)
    t_cbc, (cbc_status, obj_cbc) = median_time(lambda: solve_pulp(milp), args.repeat)
    t_e2e, result = median_time(
        lambda: optimise_options(
            g, options, rto=rto, scenarios=scenarios, budget=budget, objective="cost_and_loss",
            explain_changes=0,
        ),
        args.repeat,
    )  # fmt: skip
    same = abs(obj_highs - obj_cbc) <= 1e-6 * max(1.0, abs(obj_cbc))
    print(
        f"optimiser instance: {len(options)} nodes x 7 options, {len(scenarios)} scenarios, "
        f"MILP {milp.n_cols} columns ({int(milp.integer.sum())} integer), {milp.n_rows} rows, "
        f"{len(milp.a_index)} nonzeros; unmeetable targets {len(unmeetable)}; budget {budget:,.0f}"
    )
    print(
        f"  HiGHS {status} objective {obj_highs:,.2f}; CBC {cbc_status} objective {obj_cbc:,.2f}"
        f"; same optimum: {same}; end-to-end status {result.status}, annual cost "
        f"{result.annual_cost:,.0f} (budget binds: {result.annual_cost > 0.999 * budget})"
    )
    rows.append(("MILP build (1,000 x 7, 6 scenarios)", f"{t_build:.3f} s", "-", "info"))
    rows.append(
        (
            "HiGHS solve (highspy), optimal",
            f"{t_highs:.3f} s",
            f"CBC/PuLP {t_cbc:.3f} s, ratio {t_cbc / t_highs:.1f}x",
            "PASS" if same and status == "optimal" and t_highs <= t_cbc else "FAIL",
        )
    )
    rows.append(("optimise_options end to end", f"{t_e2e:.3f} s", "-", "info"))

    # -- staff-limited schedule -------------------------------------------------------------
    sg, kw = schedule_instance(args.seed)
    t_sched, sched = median_time(lambda: schedule_recovery(sg, **kw), args.repeat)
    rows.append(
        (
            f"schedule {len(sched.tasks)} tasks, 10 teams x 3 (makespan {sched.makespan:.1f} h)",
            f"{t_sched:.3f} s",
            "<= 1 s",
            "PASS" if t_sched <= 1.0 else "FAIL",
        )
    )

    # -- gap analysis over the generated scenarios of a 10,000-asset organisation ---------------
    model = generate_model(processes=100, services=1000, assets=10_000, seed=args.seed)
    t_compile, og = median_time(lambda: compile_graph(model_to_nodes(model)), 1)
    rng = np.random.default_rng(args.seed)
    targets = [
        og.ids[i]
        for i in range(og.n_nodes)
        if og.kind_of(i) in (NodeKind.PROCESS, NodeKind.SERVICE)
    ]
    objectives = {
        t: Objectives(rto=float(rng.choice([4.0, 24.0, 72.0, 168.0])), rpo=24.0) for t in targets
    }
    backups = {
        a["id"]: Backup(float(rng.choice([1.0, 24.0, 168.0])), 0.25)
        for a in model["assets"]
        if a["type"] == "data"
    }

    def run_gaps() -> tuple[int, list[Any]]:
        critical = [f"svc-{i:04d}" for i in range(1, 201)]
        spofs = single_points_of_failure(og, targets)
        crit_assets = sorted(
            {x for s in critical for x in spofs[s] if og.kind_of(og.index[x]) is NodeKind.ASSET}
        )
        scen = generated_scenarios(og, crit_assets)
        return len(scen), gap_analysis(og, objectives, scen, backups=backups, spofs=spofs)

    t_gaps, (n_scen, gaps) = median_time(run_gaps, args.repeat)
    verdicts = {v: sum(1 for gp in gaps if gp.verdict == v) for v in ("meets", "at_risk", "breach")}
    print(
        f"gap organisation: {og.n_nodes} nodes, {og.n_edges} edges (compiled in {t_compile:.2f} s)"
        f", {n_scen} scenarios, {len(targets)} targets; verdicts {verdicts}"
    )
    rows.append(
        (
            f"gap analysis, 10,000 assets, {n_scen} scenarios",
            f"{t_gaps:.3f} s",
            "<= 10 s",
            "PASS" if t_gaps <= 10.0 else "FAIL",
        )
    )

    width = max(len(r[0]) for r in rows)
    print(f"\n{'benchmark':<{width}}  {'time':>9}  {'target / comparison':<32}  result")
    for name, t, target, ok in rows:
        print(f"{name:<{width}}  {t:>9}  {target:<32}  {ok}")


if __name__ == "__main__":
    main()
