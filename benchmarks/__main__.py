"""`make bench`: run every `benchmarks/bench_*.py` in turn, each printing its own table."""

from __future__ import annotations

import runpy
import sys
import time
from pathlib import Path


def main() -> int:
    modules = sorted(Path(__file__).parent.glob("bench_*.py"))
    if not modules:
        print("no benchmarks found", file=sys.stderr)
        return 1
    for module in modules:
        name = f"benchmarks.{module.stem}"
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        runpy.run_module(name, run_name="__main__")
        print(f"({name} took {time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
