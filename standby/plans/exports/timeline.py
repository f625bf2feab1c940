"""The recovery sequence as a small hand-written SVG Gantt chart (exports and PDF).

matplotlib's SVG is hundreds of clipped paths: WeasyPrint needs about two seconds to draw it.
This chart is a few rectangles and text lines, drawn in milliseconds, and each bar runs from
when a step can start (its "after" steps done) to when it is expected to be done.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from standby.common.durations import format_hours

WIDTH = 760
LABEL_WIDTH = 250
ROW_HEIGHT = 16
TOP = 34  # title and axis labels
BOTTOM = 30
BAR_COLOUR = "#146c43"
UNKNOWN_COLOUR = "#5c636a"


@dataclass(frozen=True)
class GanttRow:
    """One step: its label and expected start and finish (hours; None when unknown)."""

    label: str
    start: float | None
    finish: float | None


def nice_step(horizon: float, ticks: int = 6) -> float:
    """A round tick spacing (1, 2 or 5 × 10ⁿ) giving at most about ``ticks`` intervals."""
    raw = max(horizon, 1e-9) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return float(factor * magnitude)
    return float(10 * magnitude)  # pragma: no cover - the loop always returns


def _text(x: float, y: float, value: str, **attributes: str) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{escape(v)}"' for name, v in attributes.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(value, quote=False)}</text>'


def _label(value: str, limit: int = 38) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def gantt_svg(rows: Sequence[GanttRow], *, title: str) -> str:
    """An inline-ready ``<svg>`` with one bar per row; unknown times are said in words."""
    known = [r.finish for r in rows if r.finish is not None]
    horizon = max(known, default=1.0) or 1.0
    step = nice_step(horizon)
    axis_end = math.ceil(horizon / step) * step
    plot = WIDTH - LABEL_WIDTH - 50

    def x_of(hours: float) -> float:
        return LABEL_WIDTH + plot * hours / axis_end

    height = TOP + ROW_HEIGHT * len(rows) + BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(title)}" '
        'font-family="DejaVu Sans, Arial, sans-serif" font-size="10">',
        f"<title>{escape(title, quote=False)}</title>",
        _text(0, 14, title, font_size="12", font_weight="bold"),
    ]
    bottom = TOP + ROW_HEIGHT * len(rows)
    # One path for all grid lines and one for all bars: each SVG element costs a PDF renderer
    # (WeasyPrint) milliseconds, whatever its size.
    grid, bars = [], []
    tick = 0.0
    while tick <= axis_end + 1e-9:
        x = x_of(tick)
        grid.append(f"M{x:.1f} {TOP - 4}V{bottom}")
        parts.append(_text(x, bottom + 12, f"{tick:g}", text_anchor="middle"))
        tick += step
    parts.append(f'<path d="{"".join(grid)}" stroke="#c9ced4" fill="none"/>')
    parts.append(
        _text(LABEL_WIDTH + plot / 2, bottom + 26, "hours after invocation", text_anchor="middle")
    )
    for n, row in enumerate(rows):
        y = TOP + n * ROW_HEIGHT
        parts.append(_text(0, y + 11, _label(row.label)))
        if row.finish is None or row.start is None:
            parts.append(_text(LABEL_WIDTH + 2, y + 11, "time unknown", fill=UNKNOWN_COLOUR))
            continue
        x0, x1 = x_of(row.start), x_of(row.finish)
        bars.append(f"M{x0:.1f} {y + 3}h{max(x1 - x0, 1.5):.1f}v{ROW_HEIGHT - 6}H{x0:.1f}Z")
        parts.append(_text(x1 + 3, y + 11, duration_text(row.finish)))
    if bars:
        parts.append(f'<path d="{"".join(bars)}" fill="{BAR_COLOUR}"/>')
    parts.append("</svg>")
    return "".join(parts)


def duration_text(value: float) -> str:
    """Hours as people read them: the one spelling of :func:`standby.common.durations.format_hours`.

    >>> [duration_text(h) for h in (0.75, 24, 47.5, 48, 344, 392.5)]
    ['0.75 h', '24 h', '47.5 h', '2 d', '14 d 8 h', '16 d 8.5 h']
    """
    return format_hours(value)
