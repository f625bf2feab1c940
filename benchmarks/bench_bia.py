"""Time the required-objectives cascade on the generated ~110,000-node organisation.

Run from the repository root::

    python -m benchmarks.bench_bia [--seed 7] [--repeat 7]

Every process states an RTO and an RPO; :func:`standby.analysis.bia.required_objectives`
pushes them down through every level (k-of-n members inherit in full) and
:func:`standby.analysis.bia.inversions` checks the services' own stated objectives.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

import numpy as np

from standby.analysis.bia import inversions, required_objectives
from standby.analysis.graph import compile_graph
from standby.modelfile.generate import generate_model
from standby.modelfile.graph import model_to_nodes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    t0 = time.perf_counter()
    model = generate_model(processes=200, services=1000, assets=108_800, seed=args.seed)
    graph = compile_graph(model_to_nodes(model))
    print(
        f"model: {graph.n_nodes:,} nodes, {graph.n_edges:,} edges, {graph.n_levels} levels "
        f"(generated and compiled in {time.perf_counter() - t0:.1f} s)"
    )
    rng = np.random.default_rng(args.seed)
    choices = [1.0, 4.0, 8.0, 24.0, 72.0, 168.0]
    stated: dict[str, tuple[float | None, float | None]] = {}
    for p in model["processes"]:
        stated[p["id"]] = (float(rng.choice(choices)), float(rng.choice(choices)))
    for s in model["services"]:
        stated[s["id"]] = (float(rng.choice(choices)), None)

    times = []
    result = None
    for _ in range(args.repeat):
        gc.collect()
        started = time.perf_counter()
        result = required_objectives(graph, stated)
        times.append(time.perf_counter() - started)
    assert result is not None
    reached = int(np.isfinite(result.array("rto")).sum())
    print(
        f"required_objectives: median {statistics.median(times) * 1000:.1f} ms "
        f"(min {min(times) * 1000:.1f} ms, {args.repeat} runs); "
        f"{reached:,} nodes get a required RTO"
    )
    started = time.perf_counter()
    as_dict = result.to_dict()
    print(f"  as a dict of {len(as_dict):,} ids: {(time.perf_counter() - started) * 1000:.1f} ms")
    started = time.perf_counter()
    found = inversions(stated, result)
    print(f"inversions: {len(found):,} found in {(time.perf_counter() - started) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
