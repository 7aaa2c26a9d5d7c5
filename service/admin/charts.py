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


def bar_chart(title: str, points: Sequence[tuple[str, int]]) -> Markup:
    """One bar per (label, value), the value written above each bar."""
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
    return _frame(title, body)


def stacked_chart(title: str, counts: Mapping[str, Mapping[str, int]],
                  series: Sequence[str] = STRENGTHS) -> Markup:
    """One bar per category (e.g. signal type), stacked by series (e.g. strength).

    Series found in the data but not in ``series`` are stacked after it, so no count is
    silently dropped.
    """
    if not counts or not any(sum(by.values()) for by in counts.values()):
        return _empty(title)
    extra = sorted({s for by in counts.values() for s in by} - set(series))
    order = [*series, *extra]
    totals = {cat: sum(by.values()) for cat, by in counts.items()}
    top = max(totals.values()) or 1
    plot = _H - _TOP - _BOTTOM
    categories = sorted(counts, key=lambda c: (-totals[c], c))
    slot, width = _slots(len(categories))
    body = []
    for i, cat in enumerate(categories):
        x = _LEFT + i * slot + (slot - width) / 2
        y = float(_H - _BOTTOM)
        for s_index, name in enumerate(order):
            value = counts[cat].get(name, 0)
            if not value:
                continue
            height = plot * value / top
            y -= height
            body.append(f'<rect class="bar s{s_index}" x="{x:.1f}" y="{y:.1f}" '
                        f'width="{width:.1f}" height="{height:.1f}"><title>'
                        f'{escape(cat)}, {escape(name)}: {value}</title></rect>')
        centre = x + width / 2
        body.append(f'<text class="value" x="{centre:.1f}" y="{y - 4:.1f}">{totals[cat]}</text>'
                    f'<text class="label" x="{centre:.1f}" y="{_H - _BOTTOM + 16}">'
                    f'{escape(cat.replace("_", " "))}</text>')
    return _frame(title, body, legend=order)


def _empty(title: str) -> Markup:
    return _frame(title, [f'<text class="label" x="{_W / 2}" y="{_H / 2}">no data yet</text>'])
