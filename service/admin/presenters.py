"""Numbers -> what the pages print: formats, funnel rows against their goals, chart points.

Goals are seeds 000/001's (``detection.funnel.GOALS`` holds their wording); the thresholds
below are the same goals as numbers, so each row can say whether it is met.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from detection.formatting import metric
from detection.funnel import FunnelMetrics, FunnelSlice

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# (label, FunnelSlice attribute, format, goal comparison, goal threshold)
FUNNEL_ROWS: tuple[tuple[str, str, str, str | None, float | None], ...] = (
    ("Signals in the period", "signals", "int", None, None),
    ("Signals per month", "signals_per_month", "num", None, None),
    ("Signal -> qualified", "signal_to_qualified", "pct", ">", 0.30),
    ("Qualified -> handoff", "qualified_to_handoff", "pct", ">", 0.70),
    ("Handoff -> closed won", "handoff_to_won", "pct", ">", 0.50),
    ("Days signal -> handoff", "days_signal_to_handoff", "days", "<", 14),
    ("Days handoff -> close", "days_handoff_to_close", "days", "<", 45),
    ("Avg expansion ACV", "avg_expansion_acv", "money", ">", 15000),
    ("CS-driven pipeline", "cs_pipeline", "money", None, None),
    ("CS-driven share of pipeline", "cs_pipeline_share", "pct", ">", 0.25),
    ("QBR execution rate (T1)", "qbr_execution_rate", "pct", ">=", 1.0),
    ("Multi-thread depth", "multi_thread_depth", "num", ">=", 5),
    ("Expansion revenue vs ACV", "expansion_vs_acv", "pct", ">=", 0.20),
)
_GOAL_KEYS = {attr for _, attr, _, op, _ in FUNNEL_ROWS if op}
# Goals seed 001 sets for T1 accounts only; judged on the T1 slice, shown elsewhere as-is.
T1_ONLY_GOALS = frozenset({"multi_thread_depth", "expansion_vs_acv"})


def fmt(value: float | int | None, kind: str) -> str:
    """One number as the pages print it ("n/a" when there is nothing to compute from)."""
    return metric(value, kind)


def money(value: float | int | None) -> str:
    return fmt(value, "money")


def meets(value: float | None, op: str | None, threshold: float | None) -> bool | None:
    """Whether a value meets its goal; None when there is no goal or no value."""
    if op is None or threshold is None or value is None:
        return None
    if op == ">":
        return value > threshold
    if op == "<":
        return value < threshold
    return value >= threshold


@dataclass(frozen=True)
class FunnelRow:
    key: str
    label: str
    value: float | int | None
    text: str
    goal: str
    met: bool | None


def funnel_rows(metrics: FunnelMetrics, part: FunnelSlice | None = None,
                tier: str | None = None) -> list[FunnelRow]:
    """The overall slice (or ``part`` of tier ``tier``) as rows with goal text and met /
    missed; T1-only goals are judged on the T1 slice alone."""
    s = part or metrics.overall
    rows = []
    for label, attr, kind, op, threshold in FUNNEL_ROWS:
        value = getattr(s, attr)
        goal = metrics.goals.get(attr, "") if attr in _GOAL_KEYS else ""
        met = meets(value, op, threshold)
        if attr in T1_ONLY_GOALS and tier != "T1":
            met = None
        rows.append(FunnelRow(attr, label, value, fmt(value, kind), goal, met))
    return rows


def month_label(key: str) -> str:
    """``2024-03`` -> ``Mar 24`` (short enough for a bar's width)."""
    try:
        year, month = key.split("-")
        return f"{MONTHS[int(month) - 1]} {year[2:]}"
    except (ValueError, IndexError):
        return key


def month_points(metrics: FunnelMetrics) -> list[tuple[str, int]]:
    """Signals per calendar month of the period, months without signals included as 0."""
    counts = dict(metrics.overall.signals_by_month)
    keys: list[str] = []
    cursor = date(metrics.period_start.year, metrics.period_start.month, 1)
    while cursor <= metrics.period_end and len(keys) < 36:
        keys.append(f"{cursor.year:04d}-{cursor.month:02d}")
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    keys += sorted(k for k in counts if k not in keys)  # defensive: signals outside the period
    return [(month_label(k), int(counts.get(k, 0))) for k in keys]


def calls_text(calls: dict[str, int] | Sequence[tuple[str, int]]) -> str:
    items = calls.items() if isinstance(calls, dict) else calls
    return ", ".join(f"{kind} {count:,}" for kind, count in sorted(items)) or "-"
