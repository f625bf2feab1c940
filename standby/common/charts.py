"""Server-side SVG charts (matplotlib): the same figure on screen, offline and in PDFs.

Every chart has a title, axis labels with units, and text next to colour (never colour alone).
Output is deterministic (fixed hash salt, no date metadata), so exports can be checksummed.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from standby.common.durations import format_hours

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
            axes.text(bar.hours, y, f" {format_hours(bar.hours)}", va="center", fontsize=8)
        if bar.target is not None:
            axes.plot([bar.target, bar.target], [y - 0.4, y + 0.4], color="black", lw=1.5)
    axes.set_yticks(range(len(rows)), [b.label for b in rows], fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, horizon * 1.15)
    axes.set_xlabel("hours after the disruption starts")
    axes.set_title(title, fontsize=10)
    axes.grid(axis="x", alpha=0.3)
    return _svg(figure)


# -- business impact over time ----------------------------------------------------------------

_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
_LINESTYLES = ("-", "--", "-.", ":")


def impact_levels_svg(
    series: Sequence[tuple[str, Sequence[int | None]]],
    horizons: Sequence[str],
    level_names: Sequence[str],
    *,
    title: str,
    intolerable: int | None = None,
    mtpd_index: int | None = None,
) -> str:
    """Impact level (y, by name) of each category at each horizon (x): a step line each.

    Categories differ by marker and line style as well as colour; the intolerable level is a
    dashed red line labelled in words, the MTPD a vertical line.
    """
    figure, axes = plt.subplots(figsize=(8, 3.8))
    x = list(range(len(horizons)))
    for n, (label, levels) in enumerate(series):
        points = [(i, v) for i, v in zip(x, levels, strict=False) if v is not None]
        if not points:
            continue
        xs, ys = zip(*points, strict=True)
        # Small vertical offsets keep equal lines from hiding each other.
        offset = (n - (len(series) - 1) / 2) * 0.04
        axes.step(
            xs,
            [y + offset for y in ys],
            where="post",
            marker=_MARKERS[n % len(_MARKERS)],
            linestyle=_LINESTYLES[n % len(_LINESTYLES)],
            label=label,
            linewidth=1.5,
            markersize=5,
        )
    if intolerable is not None:
        axes.axhline(intolerable - 0.5, color=STATUS_COLOURS["breach"], linestyle="--", lw=1)
        axes.text(
            len(horizons) - 0.5,
            intolerable - 0.45,
            "intolerable from here",
            ha="right",
            va="bottom",
            fontsize=8,
            color=STATUS_COLOURS["breach"],
        )
    if mtpd_index is not None:
        axes.axvline(mtpd_index, color="black", lw=1)
        axes.text(mtpd_index, 5.35, " MTPD", fontsize=8, va="bottom")
    axes.set_xticks(x, list(horizons), fontsize=8)
    axes.set_yticks(range(len(level_names)), [f"{i} {n}" for i, n in enumerate(level_names)])
    axes.tick_params(axis="y", labelsize=8)
    axes.set_ylim(-0.3, len(level_names) - 0.3)
    axes.set_xlim(-0.3, len(horizons) - 0.5)
    axes.set_xlabel("time after the disruption starts")
    axes.set_ylabel("impact level")
    axes.set_title(title, fontsize=10)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return _svg(figure)


def money_svg(
    horizons: Sequence[str], amounts: Sequence[float | None], *, currency: str, title: str
) -> str:
    """Money lost by each horizon, as bars with the amount written on each."""
    figure, axes = plt.subplots(figsize=(8, 3))
    x = list(range(len(horizons)))
    known = [a for a in amounts if a is not None]
    top = max(known, default=1.0) or 1.0
    for i, amount in zip(x, amounts, strict=False):
        if amount is None:
            axes.text(i, top * 0.02, "not given", ha="center", fontsize=7, rotation=90)
            continue
        axes.bar(i, amount, color="#14365d", width=0.6)
        axes.text(i, amount, f"{amount:,.0f}", ha="center", va="bottom", fontsize=7)
    axes.set_xticks(x, list(horizons), fontsize=8)
    axes.set_ylim(0, top * 1.18)
    axes.set_xlabel("time after the disruption starts")
    axes.set_ylabel(f"loss ({currency})")
    axes.set_title(title, fontsize=10)
    axes.grid(axis="y", alpha=0.3)
    return _svg(figure)


def heat_svg(
    rows: Sequence[tuple[str, Sequence[int | None]]],
    horizons: Sequence[str],
    level_names: Sequence[str],
    colours: Sequence[tuple[str, str]],
    *,
    title: str,
) -> str:
    """A table of rows × horizons, each cell coloured by level with the level's name in it."""
    shown = list(rows)[:200]
    height = 1.2 + 0.28 * max(len(shown), 1)
    width = 3.0 + 1.05 * len(horizons)
    figure, axes = plt.subplots(figsize=(width, height))
    for y, (_, levels) in enumerate(shown):
        for x, level in enumerate(levels):
            background, ink = colours[level] if level is not None else ("#ffffff", "#6c757d")
            axes.add_patch(
                plt.Rectangle((x, y), 1, 1, facecolor=background, edgecolor="#ffffff", lw=1.5)
            )
            text = level_names[level] if level is not None else "—"
            axes.text(x + 0.5, y + 0.5, text, ha="center", va="center", fontsize=7, color=ink)
    axes.set_xlim(0, len(horizons))
    axes.set_ylim(len(shown), 0)
    axes.set_xticks([i + 0.5 for i in range(len(horizons))], list(horizons), fontsize=8)
    axes.xaxis.tick_top()
    axes.set_yticks([i + 0.5 for i in range(len(shown))], [r[0] for r in shown], fontsize=8)
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.set_xlabel("time after the disruption starts (highest level in any category)")
    axes.set_title(title, fontsize=10, pad=22)
    return _svg(figure)


# -- risk heat map ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatCell:
    """One cell of a risk matrix: its band's name and colours, and how many risks sit there."""

    band: str
    background: str
    ink: str
    inherent: int = 0
    residual: int = 0


@dataclass(frozen=True)
class HeatPoint:
    """One risk on the heat map: a short label, an id for the SVG, and its two positions
    as (likelihood, impact) levels counted from 1."""

    label: str
    gid: str
    inherent: tuple[int, int]
    residual: tuple[int, int]


def risk_heat_map_svg(
    likelihood_names: Sequence[str],
    impact_names: Sequence[str],
    cells: Sequence[Sequence[HeatCell]],
    points: Sequence[HeatPoint],
    *,
    title: str,
    max_points: int = 80,
) -> str:
    """Likelihood (y) × impact (x): each cell with its band name and counts written in it;
    each risk a hollow circle (inherent) with an arrow to a filled one (residual).

    ``cells[l - 1][i - 1]`` is the cell at likelihood ``l`` and impact ``i``. The markers have
    SVG ids ``<gid>-inherent`` and ``<gid>-residual``.
    """
    rows, columns = len(likelihood_names), len(impact_names)
    figure, axes = plt.subplots(figsize=(1.5 * columns + 2.2, 1.15 * rows + 1.4))
    for likelihood in range(1, rows + 1):
        for impact in range(1, columns + 1):
            cell = cells[likelihood - 1][impact - 1]
            x, y = impact - 1, likelihood - 1
            axes.add_patch(
                plt.Rectangle((x, y), 1, 1, facecolor=cell.background, edgecolor="#ffffff", lw=2)
            )
            axes.text(
                x + 0.05, y + 0.93, cell.band, ha="left", va="top", fontsize=7, color=cell.ink
            )
            counts = f"inherent {cell.inherent} · residual {cell.residual}"
            if cell.inherent or cell.residual:
                axes.text(
                    x + 0.05, y + 0.05, counts, ha="left", va="bottom", fontsize=5.5, color=cell.ink
                )
    # Several risks in one cell: spread them on a small grid inside it.
    slots: dict[tuple[int, int], int] = {}

    def place(position: tuple[int, int]) -> tuple[float, float]:
        n = slots.get(position, 0)
        slots[position] = n + 1
        dx, dy = (n % 4) * 0.2, (n // 4 % 3) * 0.2
        return position[1] - 1 + 0.22 + dx, position[0] - 1 + 0.62 - dy

    for point in list(points)[:max_points]:
        x0, y0 = place(point.inherent)
        x1, y1 = place(point.residual)
        if (x0, y0) != (x1, y1) and point.inherent != point.residual:
            arrow = axes.annotate(
                "",
                xy=(x1, y1),
                xytext=(x0, y0),
                arrowprops={
                    "arrowstyle": "->",
                    "color": "#212529",
                    "lw": 1.1,
                    "shrinkA": 5,
                    "shrinkB": 5,
                },
            )
            if arrow.arrow_patch is not None:
                arrow.arrow_patch.set_gid(f"{point.gid}-arrow")
        axes.plot(
            x0,
            y0,
            "o",
            markersize=9,
            markerfacecolor="white",
            markeredgecolor="#212529",
            gid=f"{point.gid}-inherent",
        )
        axes.plot(x1, y1, "o", markersize=9, color="#212529", gid=f"{point.gid}-residual")
        axes.text(x0, y0, point.label, ha="center", va="center", fontsize=5, color="#212529")
        axes.text(x1, y1, point.label, ha="center", va="center", fontsize=5, color="white")
    axes.set_xlim(0, columns)
    axes.set_ylim(0, rows)
    axes.set_xticks(
        [i + 0.5 for i in range(columns)],
        [f"{i + 1} {n}" for i, n in enumerate(impact_names)],
        fontsize=7,
    )
    axes.set_yticks(
        [i + 0.5 for i in range(rows)],
        [f"{i + 1} {n}" for i, n in enumerate(likelihood_names)],
        fontsize=7,
    )
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.set_xlabel("impact")
    axes.set_ylabel("likelihood")
    axes.set_title(title, fontsize=10)
    axes.text(
        0,
        -0.55 if rows else 0,
        "○ inherent (before measures)   ● residual (after)",
        fontsize=7,
        transform=axes.transData,
        va="top",
    )
    axes.set_aspect("auto")
    return _svg(figure)


def loss_exceedance_svg(
    losses: Sequence[float],
    probabilities: Sequence[float],
    *,
    currency: str,
    title: str,
    marks: Sequence[tuple[str, float]] = (),
) -> str:
    """Probability (y) that a year's loss exceeds each amount (x); ``marks`` are labelled
    vertical lines (e.g. the mean and P90)."""
    figure, axes = plt.subplots(figsize=(8, 3.6))
    axes.plot(list(losses), [p * 100 for p in probabilities], color="#14365d", lw=1.8)
    for label, value in marks:
        axes.axvline(value, color="#5c636a", lw=1, linestyle="--")
        axes.text(value, 98, f" {label}: {value:,.0f}", fontsize=7, va="top", rotation=90)
    axes.set_ylim(0, 100)
    axes.set_xlim(left=0)
    axes.set_xlabel(f"annual loss ({currency})")
    axes.set_ylabel("chance of losing more (%)")
    axes.set_title(title, fontsize=10)
    axes.grid(alpha=0.3)
    return _svg(figure)
