"""The server-side SVG charts."""

from __future__ import annotations

import re

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


def test_given_twenty_signal_types_when_stacked_then_top_eleven_and_one_other_row() -> None:
    counts = {f"type_{n:02d}": {"Strong": n, "-": 1} for n in range(1, 21)}
    svg = str(stacked_chart("signals", counts))
    rows = re.findall(r'<text class="label row"[^>]*>([^<]+)</text>', svg)
    assert rows[:2] == ["type 20", "type 19"] and len(rows) == 12
    assert rows[-1] == "9 other types"
    other_total = sum(n + 1 for n in range(1, 10))
    assert f">{other_total}</text>" in svg  # nothing dropped
    legend = re.findall(r'<text class="legend"[^>]*>([^<]+)</text>', svg)
    assert legend == ["Strong", "Moderate", "Weak", "Not rated"]
    assert "None" not in legend and "-" not in legend
    assert 'class="axis-title"' in svg


def test_given_more_series_than_colours_then_every_series_still_coloured() -> None:
    svg = str(stacked_chart("s", {"usage": {"Strong": 1, "Moderate": 1, "Weak": 1, "None": 1,
                                           "Extreme": 1}}))
    classes = set(re.findall(r'<rect class="bar (s\d)"', svg))
    assert classes == {"s0", "s1", "s2", "s3", "s4"}
