"""The server-side SVG charts."""

from __future__ import annotations

from service.admin.charts import bar_chart, stacked_chart


def test_given_points_when_bar_chart_then_one_bar_and_value_per_point() -> None:
    svg = str(bar_chart("Signals", [("Jan 24", 3), ("Feb 24", 0), ("Mar 24", 7)]))
    assert svg.count('<rect class="bar s0"') == 3
    assert ">7</text>" in svg and ">3</text>" in svg


def test_given_hostile_labels_when_charted_then_escaped() -> None:
    svg = str(stacked_chart("<t>", {"<script>x</script>": {"Strong": 1}}))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<title>&lt;t&gt;" in svg


def test_given_unknown_strength_when_stacked_then_counted_not_dropped() -> None:
    svg = str(stacked_chart("s", {"usage": {"Strong": 1, "Extreme": 2}}))
    assert ">3</text>" in svg and "Extreme" in svg


def test_given_no_data_when_charted_then_placeholder() -> None:
    assert "no data yet" in str(stacked_chart("s", {}))
    assert "no data yet" in str(bar_chart("s", []))
