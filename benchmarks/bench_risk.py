"""Benchmark the risk simulations: the FAIR product model against pyfair and pycrq, and
Standby's own outage-driven model on a generated organisation.

Run from the repository root::

    python -m benchmarks.bench_risk [--seed 7] [--trials 1000000] [--repeat 3]

1. FAIR product model (threat event frequency × vulnerability × loss magnitude, PERT inputs),
   ``--trials`` trials: our :func:`standby.analysis.fair.simulate_fair` next to pyfair's
   ``FairModel`` and pycrq's ``FAIRSimulator`` on the same inputs; means within 1 % of each
   other and of the analytic mean; trials per second and ratios.
2. Standby's model: 50 threats over a generated organisation of 10,000 assets (processes given
   BIA loss curves here: the generator writes none), ``--trials`` years; trials per second and
   peak memory (tracemalloc, which sees NumPy's allocations).

Needs the ``bench`` extra (pyfair, pycrq). Prints PASS/FAIL per target.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
import tracemalloc
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from standby.analysis.fair import FairInputs, simulate_fair
from standby.analysis.graph import compile_graph
from standby.analysis.montecarlo import (
    LossCurve,
    Measure,
    Pert,
    Threat,
    compile_risk,
    simulate,
)
from standby.modelfile.generate import generate_model
from standby.modelfile.graph import model_to_nodes

TEF = (1.0, 3.0, 8.0)
VULN = (0.1, 0.3, 0.6)
LM = (50_000.0, 250_000.0, 1_500_000.0)
HORIZONS = (1.0, 4.0, 24.0, 72.0, 168.0, 336.0, 672.0)


def median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    return timed(fn, repeat)[0::2]


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Median wall-clock and median CPU time (this process) of ``repeat`` runs, last result."""
    walls, cpus = [], []
    result = None
    for _ in range(repeat):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus), result


def pert_mean(low: float, mode: float, high: float) -> float:
    return (low + 4 * mode + high) / 6


def run_pyfair(trials: int, seed: int) -> float:
    import pyfair

    model = pyfair.FairModel(name="bench", n_simulations=trials, random_seed=seed)
    model.input_data("Threat Event Frequency", low=TEF[0], mode=TEF[1], high=TEF[2])
    model.input_data("Vulnerability", low=VULN[0], mode=VULN[1], high=VULN[2])
    model.input_data("Loss Magnitude", low=LM[0], mode=LM[1], high=LM[2])
    model.calculate_all()
    return float(model.export_results()["Risk"].mean())


def run_pycrq(trials: int, seed: int) -> float:
    from pycrq import FAIRSimulator, ScenarioBuilder, pert

    scenario = (
        ScenarioBuilder("bench")
        .asset("Customer database", "Information")
        .threat("External attacker", "External Adversarial")
        .tef(pert(*TEF))
        .vulnerability(pert(*VULN))
        .primary_loss(pert(*LM))
        .build()
    )
    return float(FAIRSimulator(n_simulations=trials, seed=seed).simulate(scenario).mean_ale)


def run_ours(trials: int, seed: int) -> float:
    inputs = FairInputs(Pert(*TEF), Pert(*VULN), Pert(*LM))
    return simulate_fair(inputs, trials, np.random.default_rng(seed)).mean


def fair_section(args: argparse.Namespace, verdicts: list[tuple[str, bool, str]]) -> None:
    analytic = pert_mean(*TEF) * pert_mean(*VULN) * pert_mean(*LM)
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_ours, m_ours = median_time(lambda: run_ours(args.trials, args.seed), args.repeat)
        t_pyfair, m_pyfair = median_time(lambda: run_pyfair(args.trials, args.seed), args.repeat)
        t_pycrq, m_pycrq = median_time(lambda: run_pycrq(args.trials, args.seed), args.repeat)
    print(f"\nFAIR product model, {args.trials:,} trials, analytic mean {analytic:,.0f}")
    print(f"{'engine':<10} {'time (s)':>9} {'trials/s':>12} {'mean':>12} {'vs analytic':>12}")
    for name, t, m in (
        ("standby", t_ours, m_ours),
        ("pyfair", t_pyfair, m_pyfair),
        ("pycrq", t_pycrq, m_pycrq),
    ):
        rows.append((name, t, m))
        print(
            f"{name:<10} {t:>9.3f} {args.trials / t:>12,.0f} {m:>12,.0f} "
            f"{(m / analytic - 1) * 100:>+11.2f}%"
        )
    r_pyfair, r_pycrq = t_pyfair / t_ours, t_pycrq / t_ours
    print(f"speed-up: {r_pyfair:.1f}× pyfair, {r_pycrq:.1f}× pycrq")
    for name, m in (("pyfair", m_pyfair), ("pycrq", m_pycrq)):
        gap = abs(m_ours / m - 1)
        verdicts.append((f"FAIR mean within 1 % of {name}", gap <= 0.01, f"{gap * 100:.2f} %"))
    verdicts.append(("FAIR ≥ 7× pyfair trials/s", r_pyfair >= 7, f"{r_pyfair:.1f}×"))
    verdicts.append(("FAIR ≥ 2.5× pycrq trials/s", r_pycrq >= 2.5, f"{r_pycrq:.1f}×"))


def standby_model(seed: int) -> tuple[Any, list[Threat], dict[str, LossCurve], list[Measure]]:
    model = generate_model(processes=100, services=500, assets=10_000, seed=seed)
    graph = compile_graph(model_to_nodes(model))
    rng = np.random.default_rng(seed)
    # Loss curves: a per-hour rate rising with the outage, scaled per process.
    base = np.asarray([200.0, 1_000.0, 8_000.0, 30_000.0, 80_000.0, 180_000.0, 400_000.0])
    losses = {
        p["id"]: LossCurve(HORIZONS, tuple((base * rng.uniform(0.2, 3.0)).round().tolist()))
        for p in model["processes"]
    }
    failable = [
        graph.ids[i]
        for i in np.flatnonzero(graph.failable).tolist()
        if not graph.ids[i].startswith(("vm-", "data-"))
    ]
    sites = [loc["id"] for loc in model["locations"]] + [s["id"] for s in model["suppliers"]]
    threats: list[Threat] = []
    for i in range(50):
        if i < len(sites):
            fails = (sites[i],)
            frequency: float | Pert = Pert(0.01, 0.05, 0.2)
        elif i == len(sites):
            fails = ("net-core",)
            frequency = 0.1
        else:
            size = int(rng.integers(1, 6))
            fails = tuple(rng.choice(failable, size=size, replace=False).tolist())
            # Mostly rare events (fire, flood, bankruptcy), some frequent ones (hardware
            # failure, human error): about 3.5 events a year in all.
            frequency = float(
                rng.choice([0.01, 0.02, 0.05, 0.1, 0.2, 0.5], p=[0.25, 0.25, 0.2, 0.15, 0.1, 0.05])
            )
        duration = None if i % 3 else float(rng.choice([4.0, 24.0, 72.0]))
        spread = 0.5 if i % 2 else None
        threats.append(Threat(f"threat-{i:02d}", frequency, fails, duration, spread))
    measures = [
        Measure("ups-upgrade", 20_000.0, frequency={t.id: 0.5 for t in threats[:4]}),
        Measure("faster-restore", 50_000.0, recovery={"net-core": 0.25}),
    ]
    return graph, threats, losses, measures


def standby_section(args: argparse.Namespace, verdicts: list[tuple[str, bool, str]]) -> None:
    t0 = time.perf_counter()
    graph, threats, losses, measures = standby_model(args.seed)
    t_gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    risk = compile_risk(graph, threats, losses)
    t_compile = time.perf_counter() - t0
    rate = float(sum(t.mean_frequency for t in threats))
    print(
        f"\nStandby model: {graph.n_nodes:,} nodes, {len(threats)} threats "
        f"({rate:.2f} events a year on average), {len(losses)} processes with loss curves; "
        f"generated in {t_gen:.1f} s, compiled in {t_compile:.2f} s"
    )
    t_sim, cpu_sim, result = timed(
        lambda: simulate(risk, args.trials, np.random.default_rng(args.seed)), args.repeat
    )
    gc.collect()
    tracemalloc.start()
    simulate(risk, args.trials, np.random.default_rng(args.seed))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    speed = args.trials / t_sim
    print(
        f"simulate {args.trials:,} years: {t_sim:.3f} s = {speed:,.0f} trials/s "
        f"(CPU {cpu_sim:.3f} s = {args.trials / cpu_sim:,.0f} trials per CPU-second), "
        f"peak traced memory {peak / 1e6:.0f} MB; ALE {result.ale:,.0f}, "
        f"P90 {result.p90:,.0f}, P99 {result.p99:,.0f}"
    )
    risk_m = compile_risk(graph, threats, losses, measures)
    t_m, result_m = median_time(
        lambda: simulate(risk_m, args.trials, np.random.default_rng(args.seed)), 1
    )
    print(f"with {len(measures)} measures (common random numbers): {t_m:.3f} s")
    for m in result_m.measures.values():
        print(
            f"  {m.id:<15} avoids {m.loss_avoided:>12,.0f} ± {m.loss_avoided_se:,.0f} a year, "
            f"costs {m.annual_cost:>9,.0f}: {'economical' if m.economical else 'not economical'}"
        )
    verdicts.append(("Standby model ≥ 3M trials/s", speed >= 3e6, f"{speed / 1e6:.2f}M/s"))
    verdicts.append(("Standby model peak memory ≤ 1 GB", peak <= 1e9, f"{peak / 1e6:.0f} MB"))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--trials", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {len(os.sched_getaffinity(0))} cores, load {os.getloadavg()[0]:.1f}")
    verdicts: list[tuple[str, bool, str]] = []
    fair_section(args, verdicts)
    standby_section(args, verdicts)
    print()
    for name, ok, detail in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}")


if __name__ == "__main__":
    main()
