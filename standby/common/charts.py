"""Server-side SVG charts (matplotlib): the same figure on screen, offline and in PDFs.

Every chart has a title, axis labels with units, and text next to colour (never colour alone).
Output is deterministic (fixed hash salt, no date metadata), so exports can be checksummed.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

matplotlib.rcParams["svg.hashsalt"] = "standby"
matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: searchable, small, sharp

STATUS_COLOURS = {
    "breach": "#b02a37",
    "risk": "#cc8a00",
    "ok": "#146c43",
    "unknown": "#5c636a",
}


@dataclass(frozen=True)
class Bar:
    """One row of a timeline: a label, when it is back (hours; None = unknown), its status."""

    label: str
    hours: float | None
    status: str = "unknown"
    target: float | None = None  # e.g. the RTO, drawn as a tick


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog and DOCTYPE: inline-ready


def timeline_svg(bars: Sequence[Bar], *, title: str) -> str:
    """Horizontal bars from 0 to each row's return time; unknown returns drawn hatched."""
    rows = list(bars)[:60]
    known = [b.hours for b in rows if b.hours is not None] + [
        b.target for b in rows if b.target is not None
    ]
    horizon = max(known, default=1.0) or 1.0
    height = 1.2 + 0.32 * max(len(rows), 1)
    figure, axes = plt.subplots(figsize=(8, height))
    for y, bar in enumerate(rows):
        colour = STATUS_COLOURS.get(bar.status, STATUS_COLOURS["unknown"])
        if bar.hours is None:
            axes.barh(y, horizon * 1.05, color="white", edgecolor=colour, hatch="///")
            axes.text(horizon * 0.02, y, "unknown", va="center", fontsize=8)
        else:
            axes.barh(y, max(bar.hours, horizon * 0.004), color=colour)
            axes.text(bar.hours, y, f" {_hours(bar.hours)}", va="center", fontsize=8)
        if bar.target is not None:
            axes.plot([bar.target, bar.target], [y - 0.4, y + 0.4], color="black", lw=1.5)
    axes.set_yticks(range(len(rows)), [b.label for b in rows], fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, horizon * 1.15)
    axes.set_xlabel("hours after the disruption starts")
    axes.set_title(title, fontsize=10)
    axes.grid(axis="x", alpha=0.3)
    return _svg(figure)


def _hours(hours: float) -> str:
    if hours >= 48 and math.isclose(hours % 24, 0):
        return f"{hours / 24:g} d"
    return f"{hours:g} h"
