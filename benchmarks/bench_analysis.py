"""Benchmark the dependency analysis core against plain graph libraries, in one run.

Run from the repository root::

    python -m benchmarks.bench_analysis [--seed 7] [--repeat 7]

On a generated organisation of ~110,000 nodes and ~1,000,000 requirement edges it times our
k-of-n analyses next to plain reachability in igraph, rustworkx and networkx (which ignore
redundancy, so they answer an easier question), checks results, and prints PASS/FAIL per
target. Needs the ``bench`` extra (igraph, rustworkx, networkx).
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import subprocess
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np
import rustworkx as rx

from standby.analysis.cuts import (
    batch_impact,
    cone_mask,
    failing_pairs,
    single_points_of_failure,
)
from standby.analysis.faulttree import export_fault_tree, find_scram, scram_cut_sets
from standby.analysis.graph import CompiledGraph, compile_graph
from standby.analysis.impact import down_mask
from standby.analysis.model import NodeKind
from standby.analysis.recovery import recovery_times
from standby.modelfile.generate import generate_model
from standby.modelfile.graph import model_to_nodes

CORE_ASSET = "net-core"
N_CRITICAL = 200
SCRAM_TIMEOUT = 120.0


def median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    except OSError:
        return platform.processor() or "unknown"
    for line in out.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def edge_list(g: CompiledGraph) -> tuple[np.ndarray, np.ndarray]:
    """(member, owner) for every edge: the direction failures travel."""
    owner = np.repeat(g.group_owner, np.diff(g.group_ptr))
    return g.group_members.astype(np.int64), owner.astype(np.int64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rows: list[tuple[str, str, str, str]] = []
    verdicts: list[tuple[str, bool, str]] = []

    t0 = time.perf_counter()
    model = generate_model(processes=200, services=1000, assets=108_800, seed=args.seed)
    nodes = model_to_nodes(model)
    t_gen = time.perf_counter() - t0
    gc.collect()
    tracemalloc.start()
    t0 = time.perf_counter()
    g = compile_graph(nodes)
    t_compile = time.perf_counter() - t0
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"machine: {cpu_model()}, {len(__import__('os').sched_getaffinity(0))} cores")
    print(
        f"model: seed {args.seed}, {g.n_nodes:,} nodes, {g.n_groups:,} groups, "
        f"{g.n_edges:,} edges, {g.n_levels} levels (generated + converted in {t_gen:.1f} s)"
    )
    print(
        f"compile: {t_compile:.2f} s, arrays {g.nbytes / 1e6:.1f} MB, "
        f"retained {retained / 1e6:.1f} MB (arrays + ids + index), "
        f"peak traced during compile {peak / 1e6:.1f} MB"
    )
    verdicts.append(("compile ≤ 5 s", t_compile <= 5, f"{t_compile:.2f} s"))
    verdicts.append(("compile peak memory ≤ 200 MB", peak <= 200e6, f"{peak / 1e6:.0f} MB"))

    members, owners = edge_list(g)
    gi = ig.Graph(n=g.n_nodes, edges=np.column_stack([members, owners]), directed=True)
    gr = rx.PyDiGraph(multigraph=True)
    gr.add_nodes_from(range(g.n_nodes))
    gr.add_edges_from_no_data(list(zip(members.tolist(), owners.tolist(), strict=True)))
    gn = nx.DiGraph()
    gn.add_nodes_from(range(g.n_nodes))
    gn.add_edges_from(zip(members.tolist(), owners.tolist(), strict=True))

    # 1. One core asset fails: everything above it goes down.
    core = g.index[CORE_ASSET]
    failed = np.array([core])
    t_ours, mask = median_time(lambda: down_mask(g, failed), args.repeat)
    t_ig, reach = median_time(lambda: gi.subcomponent(core, mode="out"), args.repeat)
    t_rx, reach_rx = median_time(lambda: rx.descendants(gr, core), args.repeat)
    t_nx, reach_nx = median_time(lambda: nx.descendants(gn, core), max(1, args.repeat // 2))
    n_down = int(mask.sum())
    rows.append(("single core failure", f"{t_ours * 1e3:.1f} ms", "", f"{n_down:,} down"))
    for name, t, size in (
        ("  igraph subcomponent", t_ig, len(reach)),
        ("  rustworkx descendants", t_rx, len(reach_rx) + 1),
        ("  networkx descendants", t_nx, len(reach_nx) + 1),
    ):
        rows.append((name, f"{t * 1e3:.1f} ms", f"{t / t_ours:.1f}x", f"{size:,} reached"))
    verdicts.append(
        ("core failure ≤ igraph", t_ours <= t_ig, f"{t_ours * 1e3:.1f} vs {t_ig * 1e3:.1f} ms")
    )
    verdicts.append(("core failure ≥ 20x networkx", t_nx >= 20 * t_ours, f"{t_nx / t_ours:.0f}x"))

    # 2. Batch map: every failable node -> critical services it takes down alone.
    services = [i for i in range(g.n_nodes) if g.kind_of(i) is NodeKind.SERVICE]
    critical = [g.ids[i] for i in services[:N_CRITICAL]]
    failable = np.flatnonzero(g.failable).tolist()

    def igraph_map() -> dict[str, list[str]]:
        hit: dict[int, list[str]] = {v: [] for v in failable}
        for name in sorted(critical):
            for v in gi.subcomponent(g.index[name], mode="in"):
                lst = hit.get(v)
                if lst is not None:
                    lst.append(name)
        return {g.ids[v]: lst for v, lst in hit.items()}

    def igraph_cones() -> int:
        return sum(len(gi.subcomponent(g.index[name], mode="in")) for name in critical)

    t_ig_cones, _ = median_time(igraph_cones, max(3, args.repeat // 2))
    t_batch, ours_map = median_time(lambda: batch_impact(g, critical), max(3, args.repeat // 2))
    t_ig_map, plain_map = median_time(igraph_map, max(3, args.repeat // 2))
    n_pairs = sum(map(len, ours_map.values()))
    n_plain = sum(map(len, plain_map.values()))
    rows.append(("batch map, 200 critical", f"{t_batch * 1e3:.0f} ms", "", f"{n_pairs:,} kills"))
    rows.append(
        ("  igraph reachability map", f"{t_ig_map * 1e3:.0f} ms", f"{t_ig_map / t_batch:.1f}x",
         f"{n_plain:,} reachable")
    )  # fmt: skip
    rows.append(
        ("  igraph cones only, no map", f"{t_ig_cones * 1e3:.0f} ms",
         f"{t_ig_cones / t_batch:.1f}x", "200 subcomponent calls")
    )  # fmt: skip
    verdicts.append(
        (
            "batch map ≤ igraph",
            t_batch <= t_ig_map,
            f"{t_batch * 1e3:.0f} vs {t_ig_map * 1e3:.0f} ms",
        )
    )

    # RTA of the core failure (no target; for the record).
    t_rta, rta = median_time(lambda: recovery_times(g, [CORE_ASSET]), 3)
    rows.append(("RTA, single core failure", f"{t_rta * 1e3:.0f} ms", "", f"{len(rta):,} times"))

    # 3. SPOFs of every service, checked against brute force on a sample.
    service_ids = [g.ids[i] for i in services]
    t_spof, spofs = median_time(lambda: single_points_of_failure(g, service_ids), 3)
    rng = np.random.default_rng(args.seed)
    sample = rng.choice(len(service_ids), size=3, replace=False).tolist()
    same = True
    t0 = time.perf_counter()
    for s in sample:
        t = services[s]
        cand = np.flatnonzero(cone_mask(g, np.array([t])) & g.failable)
        brute = sorted(g.ids[x] for x in cand.tolist() if down_mask(g, np.array([x]))[t])
        same &= brute == spofs[service_ids[s]]
    t_brute = time.perf_counter() - t0
    sizes = [len(v) for v in spofs.values()]
    rows.append((f"SPOFs, {len(service_ids)} services", f"{t_spof * 1e3:.0f} ms", "",
                 f"{min(sizes)}-{max(sizes)} each"))  # fmt: skip
    rows.append(
        (
            "  brute force, 3 services",
            f"{t_brute * 1e3:.0f} ms",
            "",
            "identical" if same else "DIFFERENT",
        )
    )
    verdicts.append(("SPOFs of all services ≤ 1 s", t_spof <= 1.0, f"{t_spof * 1e3:.0f} ms"))
    verdicts.append(("SPOFs identical to brute force (sample)", same, f"{len(sample)} services"))

    # 3b. The same sample (and more) against SCRAM's MOCUS single-order cut sets, when installed.
    scram = find_scram()
    if scram is None:
        rows.append(("  scram MOCUS, order 1", "", "", "scram not installed: skipped"))
    else:
        # MOCUS on these cones is slow (see docs/performance.md): the smallest service cone only.
        smallest = min(services, key=lambda t: int(cone_mask(g, np.array([t])).sum()))
        names = [g.ids[smallest]]
        t0 = time.perf_counter()
        tree = export_fault_tree(g, names)
        t_export = time.perf_counter() - t0
        t_ours_sample, ours_sample = median_time(lambda: single_points_of_failure(g, names), 3)
        t0 = time.perf_counter()
        try:
            cut_sets: dict[str, list[frozenset[str]]] | None = scram_cut_sets(
                tree, 1, scram, timeout=SCRAM_TIMEOUT
            )
        except subprocess.TimeoutExpired:
            cut_sets = None
        t_scram = time.perf_counter() - t0
        size = f"{len(tree.events):,} basic events, {tree.n_gates:,} gates"
        if cut_sets is None:
            rows.append(
                ("  scram MOCUS, smallest cone", f">{SCRAM_TIMEOUT:.0f} s", "",
                 f"{size}; timed out, not compared")
            )  # fmt: skip
        else:
            agree = all(
                sorted(x for c in cut_sets[n] for x in c) == ours_sample[n] == spofs[n]
                and all(len(c) == 1 for c in cut_sets[n])
                for n in names
            )
            rows.append(
                ("  scram MOCUS, smallest cone", f"{t_scram * 1e3:.0f} ms",
                 f"{t_scram / t_ours_sample:.0f}x", f"{size}; identical" if agree else "DIFFERENT")
            )  # fmt: skip
            verdicts.append(("SPOFs identical to scram MOCUS order 1", agree, names[0]))
        rows.append(
            ("  ours, same service", f"{t_ours_sample * 1e3:.0f} ms", "",
             f"export to MEF {t_export * 1e3:.0f} ms")
        )  # fmt: skip

    # 4. Failing pairs of the service with the largest cone.
    cones = [(int(cone_mask(g, np.array([t])).sum()), t) for t in services]
    cone_size, big = max(cones)
    t_pairs, pairs = median_time(lambda: failing_pairs(g, g.ids[big]), 3)
    rows.append(
        (
            f"failing pairs, cone {cone_size:,}",
            f"{t_pairs * 1e3:.0f} ms",
            "",
            f"{len(pairs):,} pairs",
        )
    )
    verdicts.append(("pairs for a ~10k-node cone ≤ 10 s", t_pairs <= 10, f"{t_pairs:.2f} s"))

    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'measure':<{width}}  {'time':>10}  {'baseline/ours':>13}  result")
    for name, t, ratio, note in rows:
        print(f"{name:<{width}}  {t:>10}  {ratio:>13}  {note}")
    print()
    for name, ok, detail in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {name}  ({detail})")


if __name__ == "__main__":
    main()
