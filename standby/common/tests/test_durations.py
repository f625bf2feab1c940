"""One spelling of durations: the BIA pages, the plan exports and the charts agree."""

from __future__ import annotations

import pytest

from standby.analysis.bia import format_hours as bia_format_hours
from standby.bia.templatetags.bia_tags import hours as bia_filter
from standby.common.charts import Bar, timeline_svg
from standby.common.durations import format_hours
from standby.common.templatetags.durations import hours as common_filter
from standby.plans.exports.render import hours as plan_export_hours
from standby.plans.exports.timeline import GanttRow, duration_text, gantt_svg
from standby.plans.templatetags.plan_markdown import hours_filter as plan_filter

EXPECTED = {
    0.25: "0.25 h",
    1: "1 h",
    24: "24 h",
    47.5: "47.5 h",
    48: "2 d",
    72: "3 d",
    168: "7 d",
    336: "14 d",
    344: "14 d 8 h",
    512.5: "21 d 8.5 h",
}


@pytest.mark.parametrize(("hours", "text"), EXPECTED.items())
def test_every_formatter_for_people_writes_the_same(hours, text):
    assert format_hours(hours) == text
    assert bia_format_hours(hours) == text
    assert bia_filter(hours) == text
    assert common_filter(hours) == text
    assert plan_filter(hours) == text
    assert plan_export_hours(hours) == text
    assert duration_text(hours) == text


def test_the_charts_label_bars_the_same_way():
    values = list(EXPECTED)
    svg = timeline_svg([Bar(f"n{i}", h, "ok") for i, h in enumerate(values)], title="t")
    gantt = gantt_svg([GanttRow(f"step {i}", 0.0, h) for i, h in enumerate(values)], title="t")
    for text in EXPECTED.values():
        assert f"> {text}<" in svg, text  # the label is written " 14 d 8 h" after the bar
        assert f">{text}<" in gantt, text


def test_unknown_is_an_em_dash_and_decimals_are_read():
    from decimal import Decimal

    assert bia_filter(None) == common_filter(None) == plan_export_hours(None) == "—"
    assert common_filter(Decimal("336")) == "14 d"


def test_the_file_format_keeps_its_own_compact_spelling():
    from standby.modelfile.durations import format_duration

    assert format_duration(336.0) == "2w"
    assert format_duration(0.5) == "30m"


def test_not_a_finite_number_is_refused():
    with pytest.raises(ValueError, match="finite"):
        format_hours(float("inf"))


def test_templates_load_the_filter_from_the_durations_library():
    from django.template import Context, Template

    template = Template("{% load durations %}{{ a|hours }} / {{ b|hours }}")
    assert template.render(Context({"a": 344.0, "b": None})) == "14 d 8 h / —"
