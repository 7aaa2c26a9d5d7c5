"""org_growth: employees up >= 20% on 12 months earlier (signal-rules.md)."""

from __future__ import annotations

from detection.config import EMPLOYEES_FIELD
from detection.findings import ExpansionSignal
from detection.signals.base import make_signal, r4
from detection.signals.facts import ScanFacts
from detection.signals.wording import num, pct, utc_date
from detection.snapshot import FieldChange


def _as_number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value.replace(",", ""))
    except ValueError:
        return None


def employee_baseline(facts: ScanFacts) -> tuple[float | None, str, tuple[str, ...]]:
    """Employees as of today - 365 days: (value, where it came from, history row ids).

    From AccountHistory: the NewValue of the last change on or before that day, else the
    OldValue of the first change after it. Without history rows, the PriorScan's count when
    that scan is at least 300 days old. (None, reason, ()) when it cannot be known.
    """
    value, row, source = _baseline(facts)
    return (value, *_described(row, source))


def _baseline(facts: ScanFacts) -> tuple[float | None, FieldChange | None, str]:
    """employee_baseline without the wording: (value, history row used, other source).
    The wording is only needed when the signal fires or a gap is reported."""
    cfg = facts.config
    cutoff = facts.today_ord - cfg.org_growth_lookback_days
    rows = [c for c in facts.snapshot.history if c.field == EMPLOYEES_FIELD]
    if rows:
        if len(rows) > 1:
            rows.sort(key=lambda c: c.changed_at)
        on_or_before = [c for c in rows if utc_date(c.changed_at).toordinal() <= cutoff]
        if on_or_before:
            row = on_or_before[-1]
            return _as_number(row.new_value), row, ""
        row = rows[0]
        return _as_number(row.old_value), row, ""
    prior = facts.prior
    if (
        prior is not None
        and prior.employees is not None
        and facts.age_dt(prior.scanned_at) >= cfg.org_growth_prior_min_age_days
    ):
        return float(prior.employees), None, f"scan of {prior.scanned_at.date()}"
    return None, None, "no employee history"


def _described(row: FieldChange | None, source: str) -> tuple[str, tuple[str, ...]]:
    if row is None:
        return source, ()
    return f"AccountHistory change on {row.changed_at.date()}", (
        f"{row.record_id}:{row.changed_at.isoformat()}",)


def find(facts: ScanFacts, out: list[ExpansionSignal], gaps: list[str]) -> None:
    """Append org_growth when the headcount grew enough over 12 months."""
    cfg = facts.config
    current = facts.snapshot.employees
    if current is None:
        gaps.append("org_growth: no employee count")
        return
    baseline, row, source = _baseline(facts)
    if baseline is None:
        gaps.append(f"org_growth: {_described(row, source)[0]}")
        return
    if baseline <= 0:
        gaps.append("org_growth: employee count 12 months ago was 0")
        return
    ratio = current / baseline
    if not cfg.at_least(ratio, cfg.org_growth_ratio):
        return
    source, ids = _described(row, source)
    detail = None
    if facts.prior is not None and facts.prior.employees is not None:
        detail = f"employees at the last scan: {num(facts.prior.employees)}"
    out.append(
        make_signal(
            facts,
            "org_growth",
            clear=False,
            summary=(
                f"Employees grew {pct(ratio - 1)} in 12 months, from {num(baseline)}"
                f" ({source}) to {num(current)}."
            ),
            episode=f"growth:{facts.m // 12}",
            source_ids=(facts.snapshot.id, *ids),
            values=(("employees", current), ("baseline", baseline), ("ratio", r4(ratio))),
            window=f"{cfg.org_growth_lookback_days} days",
            threshold=f"employees >= {cfg.org_growth_ratio:.2f} x 12 months earlier",
            change_detail=detail,
        )
    )
