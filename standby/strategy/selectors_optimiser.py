"""The optimiser's input from the database, and its recommendation for the page and the CLI.

Every asset, site and supplier with alternatives considered gets one option among today's and
those; every process and service with an RTO (its BIA) must be back within it in every scenario
(user-defined and generated). The solving is :func:`standby.analysis.optimise.optimise_options`.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from standby.analysis.graph import CompiledGraph
from standby.analysis.optimise import Optimisation, Option, optimise_options
from standby.bia.selectors import stated_objectives
from standby.inventory.choices import NodeKind
from standby.strategy.loading import load_graph
from standby.strategy.models import NodeStrategy, StrategyAlternative
from standby.strategy.selectors_scenarios import all_scenarios


def option_table() -> tuple[dict[str, list[Option]], dict[str, str]]:
    """Node key → its options (today's first); node key → today's option key. 2 queries."""
    options: dict[str, list[Option]] = {}
    current: dict[str, str] = {}
    for strategy in NodeStrategy.objects.select_related("node", "option"):
        current[strategy.node.key] = strategy.option.key
        if strategy.recovery_time is not None:
            options[strategy.node.key] = [
                Option(
                    strategy.option.key,
                    float(strategy.recovery_time),
                    float(strategy.annual_cost),
                    float(strategy.one_off_cost),
                )
            ]
    alternatives: dict[str, list[Option]] = {}
    for alt in StrategyAlternative.objects.select_related("node", "option"):
        if alt.recovery_time is None or current.get(alt.node.key) == alt.option.key:
            continue
        alternatives.setdefault(alt.node.key, []).append(
            Option(
                alt.option.key,
                float(alt.recovery_time),
                float(alt.annual_cost),
                float(alt.one_off_cost),
            )
        )
    for key, more in alternatives.items():
        options[key] = options.get(key, []) + more
    # A node with only today's option has nothing to choose: the engine keeps its time.
    return {k: v for k, v in options.items() if k in alternatives}, current


def rto_targets(graph: CompiledGraph) -> dict[str, float]:
    """Process/service key → the RTO its BIA states (1 query)."""
    kinds = {NodeKind.PROCESS, NodeKind.SERVICE}
    return {
        key: float(rto)
        for key, (rto, _) in stated_objectives().items()
        if rto is not None and key in graph.index and graph.kind_of(graph.index[key]) in kinds
    }


def recommend(*, budget: float | None = None) -> Optimisation:
    """The cheapest option mix that meets every RTO in every scenario (optionally in a budget)."""
    graph = load_graph()
    options, current = option_table()
    return optimise_options(
        graph,
        options,
        rto=rto_targets(graph),
        scenarios=all_scenarios(graph),
        current=current,
        budget=budget,
    )


def as_json(result: Optimisation) -> dict[str, Any]:
    """The recommendation as plain JSON (``standby optimise --json``)."""
    return {
        "status": result.status,
        "choice": dict(sorted(result.choice.items())),
        "annual_cost": result.annual_cost,
        "one_off_cost": result.one_off_cost,
        "worst_rta": dict(sorted(result.worst_rta.items())),
        "changes": [asdict(c) for c in result.changes],
        "unmeetable": [{**asdict(u), "reason": u.reason} for u in result.unmeetable],
        "solve_seconds": result.solve_seconds,
    }
