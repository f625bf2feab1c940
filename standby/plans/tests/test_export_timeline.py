"""The hand-written Gantt chart of the exports and the PDF's flat lists."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from standby.plans.exports.render import offline_markdown, step_times
from standby.plans.exports.sample import synthetic_content
from standby.plans.exports.timeline import BAR_COLOUR, GanttRow, gantt_svg, nice_step
from standby.plans.tests.offline_refs import external_references

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    ("horizon", "step"), [(1, 0.2), (7, 2), (26.25, 5), (100, 20), (175, 50), (0.3, 0.05)]
)
def test_nice_step_is_a_round_spacing_with_at_most_about_six_intervals(horizon, step):
    assert nice_step(horizon) == pytest.approx(step)
    assert horizon / nice_step(horizon) <= 6


def test_bars_run_from_start_to_finish_and_unknown_times_are_said():
    rows = [GanttRow("1. Power", 0, 2), GanttRow("2. Network", 2, 5), GanttRow("3. ?", None, None)]
    svg = gantt_svg(rows, title="Sequence")
    root = ET.fromstring(svg)  # well-formed XML
    bars = root.findall(f"{SVG}path[@fill='{BAR_COLOUR}']")
    assert len(bars) == 1
    # Two rectangles, each "M x y h width …": the second starts where the first ends.
    moves = re.findall(r"M([\d.]+) [\d.]+h([\d.]+)", bars[0].get("d", ""))
    (x0, w0), (x1, w1) = [(float(x), float(w)) for x, w in moves]
    assert x0 + w0 == pytest.approx(x1, abs=0.2)
    assert w1 == pytest.approx(1.5 * w0, abs=0.2)  # 3 h against 2 h
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "time unknown" in texts
    assert {"2 h", "5 h"} <= set(texts)


def test_labels_are_escaped_and_the_chart_references_nothing():
    svg = gantt_svg([GanttRow('<script>alert(1)</script> & "x"', 0, 1)], title="<b>t</b>")
    assert "<script>" not in svg
    assert "<b>" not in svg
    ET.fromstring(svg)
    assert external_references(f"<html><body>{svg}</body></html>") == []


def test_step_times_wait_for_the_steps_before():
    content = synthetic_content(steps=4, contacts=1)
    times = step_times(content)
    for step in content["steps"]:
        start, finish = times[step["position"]]
        assert start == max((times[p][1] for p in step["after"]), default=0.0)
        assert finish == pytest.approx(start + step["expected_duration"])


def test_pdf_lists_are_flat_with_their_numbers_as_text():
    text = "1. Stop\n2. Restore\n    - disk\n    - tape\n3. Start"
    flat = str(offline_markdown(text, flat_lists=True))
    assert "<ol" not in flat
    assert "<li" not in flat
    items = re.findall(r'<div class="li">([^<\n]*)', flat)
    assert [i.strip() for i in items] == ["1. Stop", "2. Restore", "• disk", "• tape", "3. Start"]
    assert flat.count("<div") == flat.count("</div>")
    assert "<ol>" in str(offline_markdown(text))  # on screen and offline: real lists
