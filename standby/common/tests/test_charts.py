from standby.common.charts import Bar, timeline_svg


def test_timeline_is_inline_svg_with_labels_units_and_unknowns():
    svg = timeline_svg(
        [Bar("Web", 4.0, "ok"), Bar("Student records", None), Bar("E-mail", 48.0, "breach", 24.0)],
        title="Recovery timeline",
    )
    assert svg.startswith("<svg")
    for text in (
        "Recovery timeline",
        "hours after the disruption starts",
        "Student records",
        "unknown",
        "2 d",
        "4 h",
    ):
        assert text in svg


def test_timeline_is_deterministic():
    bars = [Bar("A", 1.0), Bar("B", 2.0)]
    assert timeline_svg(bars, title="t") == timeline_svg(bars, title="t")
