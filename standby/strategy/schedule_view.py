"""The staff-limited recovery schedule of a scenario and its Gantt chart (SVG).

Who recovers a node is the team of its chosen option (:class:`NodeStrategy`); how many things a
team recovers at once is its :class:`TeamCapacity` (1 when not set); priority is the BIA
recovery priority, inherited by everything a ranked process or service needs. The schedule
itself comes from :mod:`standby.analysis.schedule`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from standby.analysis.graph import CompiledGraph
from standby.analysis.scenarios import Scenario
from standby.analysis.schedule import Gantt, Schedule, gantt, inherited_priority, schedule_recovery
from standby.common import charts
from standby.common.durations import format_hours
from standby.inventory.models import Team
from standby.strategy.models import NodeStrategy, TeamCapacity


def staffing() -> tuple[dict[str, str], dict[str, int]]:
    """Node key → team key of its chosen option; team key → capacity (default 1). 3 queries."""
    team_of = dict(
        NodeStrategy.objects.filter(team__isnull=False).values_list("node__key", "team__key")
    )
    capacity = dict.fromkeys(Team.objects.values_list("key", flat=True), 1)
    capacity.update(TeamCapacity.objects.values_list("team__key", "capacity"))
    return team_of, capacity


def bia_priority(graph: CompiledGraph) -> dict[str, float]:
    """Recovery priority of every node: the best BIA rank of what needs it (2 queries)."""
    from standby.bia.selectors import ranked

    rank = {row.node.key: float(row.rank) for row in ranked() if row.node.key in graph.index}
    return inherited_priority(graph, rank)


def staffed_schedule(scenario: Scenario, graph: CompiledGraph) -> Schedule:
    """The recovery of ``scenario`` with the teams and capacities recorded."""
    team_of, capacity = staffing()
    return schedule_recovery(
        graph,
        scenario.failed,
        team_of=team_of,
        capacity=capacity,
        priority=bia_priority(graph),
    )


def gantt_svg(chart: Gantt, *, title: str, names: dict[str, str] | None = None) -> str:
    """One row per person (lane) of each team; a bar per recovery task, labelled with its node."""
    names = names or {}
    lanes = list(chart.lanes)[:60]
    height = 1.3 + 0.38 * max(len(lanes), 1)
    figure, axes = charts.plt.subplots(figsize=(9, height))
    horizon = chart.makespan or 1.0
    for y, lane in enumerate(lanes):
        for bar in lane.bars:
            width = max(bar.finish - bar.start, horizon * 0.004)
            axes.barh(y, width, left=bar.start, color="#14365d", edgecolor="white")
            axes.text(
                bar.start + width / 2,
                y,
                names.get(bar.node, bar.node)[:24],
                ha="center",
                va="center",
                fontsize=7,
                color="white",
            )
    axes.set_yticks(range(len(lanes)), [lane.label for lane in lanes], fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, horizon * 1.05)
    axes.set_xlabel("hours after the disruption starts")
    axes.set_ylabel("team member")
    axes.set_title(title, fontsize=10)
    axes.grid(axis="x", alpha=0.3)
    if chart.unscheduled:
        axes.text(
            0,
            -0.9,
            "never recovered (no recovery time): " + ", ".join(chart.unscheduled[:8]),
            fontsize=7,
            color=charts.STATUS_COLOURS["breach"],
        )
    return charts._svg(figure)


def schedule_context(scenario: Scenario, graph: CompiledGraph) -> dict[str, Any]:
    """Template context for a scenario page: ``gantt`` (SVG), ``tasks`` and a note."""
    schedule = staffed_schedule(scenario, graph)
    from standby.strategy.selectors import node_refs

    refs = node_refs([t.node for t in schedule.tasks])
    names = {k: r.name for k, r in refs.items()}
    chart = gantt(schedule)
    svg = None
    if chart.lanes:
        svg = gantt_svg(chart, title=f"Recovery schedule: {scenario.name}", names=names)
    waited = [t for t in schedule.tasks if (t.wait or 0) > 0]
    note = (
        f"{len(waited)} recoveries wait for staff; everything is back after "
        f"{'an unknown time' if schedule.makespan is None else format_hours(schedule.makespan)}."
    )
    return {"gantt": svg, "tasks": _task_rows(schedule.tasks, names), "schedule_note": note}


def _task_rows(tasks: Sequence[Any], names: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "node": t.node,
            "name": names.get(t.node, t.node),
            "team": t.team,
            "start": t.start,
            "finish": t.finish,
            "wait": t.wait,
        }
        for t in tasks
    ]
