"""The staff-limited recovery schedule of a scenario, for its page."""

from __future__ import annotations

from typing import Any

from standby.analysis.graph import CompiledGraph
from standby.analysis.scenarios import Scenario


def schedule_context(scenario: Scenario, graph: CompiledGraph) -> dict[str, Any]:
    """Template context for the schedule: ``gantt`` (SVG) and ``tasks`` rows."""
    return {"gantt": None, "tasks": []}
