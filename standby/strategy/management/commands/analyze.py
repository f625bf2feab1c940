"""``standby analyze``: what goes down, single points of failure, recovery time achievable."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from standby.analysis.cuts import failing_pairs, single_points_of_failure
from standby.analysis.errors import ModelError
from standby.analysis.graph import CompiledGraph, compile_graph
from standby.analysis.impact import impact
from standby.analysis.montecarlo import compile_risk, simulate
from standby.analysis.recovery import recovery_times
from standby.bia import cli as bia_cli
from standby.common.durations import format_hours
from standby.modelfile.errors import ModelFileError
from standby.modelfile.graph import model_to_nodes
from standby.modelfile.loader import load_bytes
from standby.modelfile.schema import validate
from standby.modelfile.threats import model_loss_curves, model_threats
from standby.strategy.loading import load_graph


def _ids(value: str) -> list[str]:
    ids = [item.strip() for item in value.split(",") if item.strip()]
    if not ids:
        raise ValueError("name at least one id")
    return ids


class Command(BaseCommand):
    help = "Dependency analysis on a model file (--model) or on the database."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="analysis", required=True)
        for name, text in (
            ("impact", "what goes down when these fail"),
            ("spof", "single points of failure (and failing pairs) of every process and service"),
            ("recovery", "recovery time achievable of everything down when these fail"),
            (
                "bia",
                "MTPD, RTO, RPO, RTO within MTPD and priority of every process/service with a BIA",
            ),
            ("objectives", "required RTO and RPO of every node, cascaded from the BIAs"),
            ("gaps", "gap analysis of every process/service over every scenario (the database)"),
            ("risk", "Monte Carlo annual loss of the threats: ALE, P50, P90, P99, per threat"),
        ):
            cmd = sub.add_parser(name, help=text, description=text)
            cmd.add_argument("--model", type=Path, help="a model file (default: the database)")
            cmd.add_argument("--json", action="store_true", help="print JSON")
            if name in {"impact", "recovery"}:
                cmd.add_argument(
                    "--fail",
                    type=_ids,
                    required=True,
                    metavar="ID[,ID…]",
                    help="assets, locations or suppliers that fail",
                )
            if name == "spof":
                cmd.add_argument("--order", type=int, choices=[1, 2], default=1)
            if name == "risk":
                cmd.add_argument("--trials", type=int, default=100_000, help="years simulated")
                cmd.add_argument("--seed", type=int, default=0, help="same seed, same numbers")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["analysis"] == "gaps":
                if options["model"] is not None:
                    raise CommandError("gaps runs on the database (drop --model)")
                from standby.strategy import selectors_gaps

                result = selectors_gaps.gaps_json(selectors_gaps.gap_rows())
            elif options["analysis"] in {"bia", "objectives"}:
                result = getattr(bia_cli, options["analysis"])(options["model"])
            elif options["analysis"] == "risk":
                result = _risk(options["model"], options["trials"], options["seed"])
            else:
                graph = load_graph(options["model"])
                result = getattr(self, f"_{options['analysis']}")(graph, options)
        except ModelFileError as error:
            raise CommandError(str(error)) from None
        except (ModelError, OSError) as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2, sort_keys=True))
        else:
            self._print_table(options["analysis"], result)

    def _impact(self, graph: CompiledGraph, options: dict[str, Any]) -> dict[str, Any]:
        failed = options["fail"]
        return {"failed": sorted(set(failed)), "down": impact(graph, failed)}

    def _spof(self, graph: CompiledGraph, options: dict[str, Any]) -> dict[str, Any]:
        singles = single_points_of_failure(graph)
        result: dict[str, Any] = {}
        for target in sorted(singles):
            entry: dict[str, Any] = {"single": singles[target]}
            if options["order"] == 2:
                entry["pairs"] = [list(pair) for pair in failing_pairs(graph, target)]
            result[target] = entry
        return result

    def _recovery(self, graph: CompiledGraph, options: dict[str, Any]) -> dict[str, Any]:
        times = recovery_times(graph, options["fail"])
        return {"rta": {k: times[k] for k in sorted(times)}}

    def _print_table(self, analysis: str, result: dict[str, Any]) -> None:
        write = self.stdout.write
        if analysis == "impact":
            write(f"Failed ({len(result['failed'])}): {', '.join(result['failed'])}")
            write(f"Down ({len(result['down'])}):")
            for node in result["down"]:
                write(f"  {node}")
        elif analysis == "spof":
            width = max((len(k) for k in result), default=10)
            write(f"{'process / service'.ljust(width)}  single points of failure")
            for target, entry in result.items():
                write(f"{target.ljust(width)}  {', '.join(entry['single']) or '—'}")
                for a, b in entry.get("pairs", []):
                    write(f"{''.ljust(width)}    pair: {a} + {b}")
        elif analysis == "gaps":
            width = max((len(k) for k in result), default=10)
            write(f"{'process / service'.ljust(width)}  verdict   worst RTA  reasons")
            for key, gap in result.items():
                rta = "unknown" if gap["worst_rta"] is None else format_hours(gap["worst_rta"])
                reasons = "; ".join(gap["reasons"])
                write(f"{key.ljust(width)}  {gap['verdict']:<8}  {rta:<9}  {reasons}")
        elif analysis == "risk":
            write(
                f"ALE {result['ale']:,.0f}   P50 {result['p50']:,.0f}   "
                f"P90 {result['p90']:,.0f}   P99 {result['p99']:,.0f}"
            )
            ranked = sorted(result["threats"].items(), key=lambda kv: -kv[1]["ale"])
            for threat_id, entry in ranked:
                write(f"  {threat_id}  ALE {entry['ale']:,.0f}")
            for measure_id, m in result.get("measures", {}).items():
                verdict = "economical" if m["economical"] else "not economical"
                write(
                    f"  measure {measure_id}: avoids {m['loss_avoided']:,.0f} a year, "
                    f"costs {m['annual_cost']:,.0f}: {verdict}"
                )
        elif analysis in {"bia", "objectives"}:
            for line in bia_cli.table(analysis, result):
                write(line)
        else:
            rta = result["rta"]
            width = max((len(k) for k in rta), default=10)
            write(f"{'node'.ljust(width)}  RTA (hours)")
            for node, hours in sorted(rta.items(), key=lambda kv: (_sort_hours(kv[1]), kv[0])):
                write(f"{node.ljust(width)}  {'unknown' if hours is None else f'{hours:g}'}")


def _sort_hours(hours: float | None) -> float:
    return math.inf if hours is None else hours


def _risk(model_file: Path | None, trials: int, seed: int) -> dict[str, Any]:
    """``{ale, p50, p90, p99, threats: {id: {ale}}}`` (+ ``measures`` from the database)."""
    if trials < 1:
        raise CommandError("--trials must be at least 1")
    if model_file is not None:
        data = load_bytes(model_file.read_bytes(), filename=model_file.name)
        model = validate(data)
        threats = [t.to_analysis() for t in model_threats(model)]
        if not threats:
            raise CommandError(f"{model_file} has no threats section: nothing to simulate")
        assert isinstance(data, dict)
        graph = compile_graph(model_to_nodes(data))
        risk = compile_risk(graph, threats, model_loss_curves(model))
    else:
        try:
            from standby.risks.quantitative import inputs as register_inputs
        except ImportError:  # the register is built alongside; until then there is nothing
            raise CommandError("the risk register has no quantitative threats yet") from None
        inputs = register_inputs()
        if not inputs.threats:
            raise CommandError("the risk register has no quantitative threats yet")
        try:
            risk = compile_risk(load_graph(), inputs.threats, inputs.losses, inputs.measures)
        except ValueError as error:
            raise CommandError(str(error)) from None
    summary = simulate(risk, trials, np.random.default_rng(seed)).to_dict()
    summary.pop("trials")
    return summary
