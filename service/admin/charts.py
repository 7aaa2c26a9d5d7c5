"""Small bar charts as inline SVG, drawn on the server (no JavaScript, nothing fetched).

Every label goes through ``markupsafe.escape``; colours come from CSS classes so the
stylesheet (and the page's Content-Security-Policy, which allows no inline styles) rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

STRENGTHS = ("Strong", "Moderate", "Weak")
_W, _H = 560, 200  # viewBox size; the CSS scales the chart to its column
_TOP, _BOTTOM, _LEFT = 18, 40, 8


def _frame(title: str, body: list[str], legend: Sequence[str] = ()) -> Markup:
    height = _H + (18 if legend else 0)
    parts = [f'<svg class="chart" viewBox="0 0 {_W} {height}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>",
             f'<line class="axis" x1="{_LEFT}" y1="{_H - _BOTTOM}" x2="{_W - _LEFT}" '
             f'y2="{_H - _BOTTOM}"/>',
             *body]
    for i, name in enumerate(legend):
        x = _LEFT + i * 110
        parts.append(f'<rect class="bar s{i}" x="{x}" y="{_H + 4}" width="10" height="10"/>'
                     f'<text class="legend" x="{x + 14}" y="{_H + 13}">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated label is escaped above


def _slots(count: int) -> tuple[float, float]:
    """(slot width, bar width) for ``count`` bars across the plot."""
    slot = (_W - 2 * _LEFT) / max(count, 1)
    return slot, max(min(slot * 0.7, 60.0), 2.0)


def bar_chart(title: str, points: Sequence[tuple[str, int]], value_axis: str = "signals") -> Markup:
    """One bar per (label, value), the value written above each bar; ``value_axis`` names
    what the bars count."""
    if not points:
        return _empty(title)
    top = max(value for _, value in points) or 1
    plot = _H - _TOP - _BOTTOM
    slot, width = _slots(len(points))
    body = []
    for i, (label, value) in enumerate(points):
        height = plot * value / top
        x = _LEFT + i * slot + (slot - width) / 2
        y = _H - _BOTTOM - height
        centre = x + width / 2
        body.append(
            f'<rect class="bar s0" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" '
            f'height="{height:.1f}"><title>{escape(label)}: {value}</title></rect>'
            f'<text class="value" x="{centre:.1f}" y="{y - 4:.1f}">{value}</text>'
            f'<text class="label" x="{centre:.1f}" y="{_H - _BOTTOM + 16}">{escape(label)}</text>')
    body.append(f'<text class="axis-title start" x="{_LEFT}" y="12">{escape(value_axis)} '
                f'per bar</text>')
    return _frame(title, body)


def _series_label(name: str) -> str:
    """A legend entry people can read: an unset strength is "not rated", never "-"/"None"."""
    return "Not rated" if name.strip() in ("", "-", "None", "none") else name


def _top(counts: Mapping[str, Mapping[str, int]], top_n: int) -> list[tuple[str, dict[str, int]]]:
    """Categories by total, largest first; past ``top_n`` the rest share one "other" row,
    so 20 or 200 signal types still fit the chart (and no count is dropped)."""
    rows = sorted(((cat, dict(by)) for cat, by in counts.items()),
                  key=lambda item: (-sum(item[1].values()), item[0]))
    if len(rows) <= top_n:
        return [(cat.replace("_", " "), by) for cat, by in rows]
    kept, rest = rows[:top_n - 1], rows[top_n - 1:]
    other: dict[str, int] = {}
    for _, by in rest:
        for name, value in by.items():
            other[name] = other.get(name, 0) + value
    return [*((cat.replace("_", " "), by) for cat, by in kept),
            (f"{len(rest)} other types", other)]


def stacked_chart(title: str, counts: Mapping[str, Mapping[str, int]],
                  series: Sequence[str] = STRENGTHS, *, top_n: int = 12,
                  value_axis: str = "signals") -> Markup:
    """Horizontal bars, one row per category (e.g. signal type), stacked by series (e.g.
    strength), labels on the left where long names have room, on a phone as on a desktop.

    Series found in the data but not in ``series`` are stacked after it, so no count is
    silently dropped; each series has its own colour (classes s0..s4).
    """
    if not counts or not any(sum(by.values()) for by in counts.values()):
        return _empty(title)
    extra = sorted({s for by in counts.values() for s in by} - set(series))
    order = [*series, *extra]
    rows = _top(counts, top_n)
    top = max(sum(by.values()) for _, by in rows) or 1
    label_w, row_h, axis_h = 170, 24, 34
    plot_w = _W - label_w - 44
    height = _TOP + len(rows) * row_h + axis_h
    body = []
    for i, (label, by) in enumerate(rows):
        y = _TOP + i * row_h
        x = float(label_w)
        body.append(f'<text class="label row" x="{label_w - 6}" y="{y + 15}">'
                    f'{escape(label)}</text>')
        for s_index, name in enumerate(order):
            value = by.get(name, 0)
            if not value:
                continue
            width = plot_w * value / top
            body.append(f'<rect class="bar s{min(s_index, 4)}" x="{x:.1f}" y="{y + 3}" '
                        f'width="{width:.1f}" height="{row_h - 6}"><title>{escape(label)}, '
                        f'{escape(_series_label(name))}: {value}</title></rect>')
            x += width
        body.append(f'<text class="value end" x="{x + 4:.1f}" y="{y + 15}">'
                    f'{sum(by.values())}</text>')
    base = _TOP + len(rows) * row_h
    body.append(f'<line class="axis" x1="{label_w}" y1="{_TOP}" x2="{label_w}" y2="{base}"/>'
                f'<line class="axis" x1="{label_w}" y1="{base}" x2="{label_w + plot_w}" '
                f'y2="{base}"/><text class="axis-title" x="{label_w + plot_w / 2}" '
                f'y="{base + 16}">{escape(value_axis)}</text>')
    legend = [(f"s{min(i, 4)}", _series_label(name)) for i, name in enumerate(order)]
    return _svg(title, height + 18, body, legend, legend_y=height)


def _svg(title: str, height: float, body: list[str], legend: Sequence[tuple[str, str]],
         legend_y: float) -> Markup:
    parts = [f'<svg class="chart" viewBox="0 0 {_W} {height:.0f}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>", *body]
    for i, (css, name) in enumerate(legend):
        x = _LEFT + i * 110
        parts.append(f'<rect class="bar {css}" x="{x}" y="{legend_y - 6:.0f}" width="10" '
                     f'height="10"/><text class="legend" x="{x + 14}" y="{legend_y + 3:.0f}">'
                     f"{escape(name)}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated label is escaped above


def _empty(title: str) -> Markup:
    return _frame(title, [f'<text class="label" x="{_W / 2}" y="{_H / 2}">no data yet</text>'])
