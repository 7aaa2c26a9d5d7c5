"""What the customer measurably got from us, and the relationship facts around it.

One source for the handoff document's "Key wins" (seed 001 step 3) and the QBR value
story's "Results since adoption" (seed 000 step 3, seed 003 prompt 3: "based on the actual
metrics, not a generic thank-you"). Only improvements are results: a product whose usage
fell is not a win and is never listed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from detection.findings import AccountFindings
from detection.ownership import latest_complete_month, month_usage
from detection.snapshot import AccountSnapshot

LOOKBACK_MONTHS = 6
MIN_GROWTH = 0.10  # usage up less than 10% is noise, not a result worth quoting
MIN_SEATS = 3  # one or two more people active is churn in the roster, not a result
RESOLVED_CASES_DAYS = 365
PROMOTER_SCORE = 9


@dataclass(frozen=True, slots=True)
class Outcome:
    """One measured result: ``kind`` is usage_growth, seats_activated, cases_resolved or
    promoter_comment; ``text`` is a complete sentence without a final full stop."""

    kind: str
    text: str


def _months_back(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _count(n: float, one: str, many: str) -> str:
    value = round(n)
    return f"{value:,} {one if value == 1 else many}"


def measured_outcomes(snapshot: AccountSnapshot, findings: AccountFindings,
                      today: date) -> tuple[Outcome, ...]:
    """Usage growth, seats activated, support cases resolved and promoter comments, each
    from the account's own records; empty when the CRM holds none of them."""
    out: list[Outcome] = []
    names = {c.product_id: c.product_name for c in
             (findings.white_space.cells if findings.white_space else ())}
    latest = latest_complete_month(today)
    back = _months_back(latest, LOOKBACK_MONTHS)
    now_use, then_use = month_usage(snapshot, latest), month_usage(snapshot, back)
    for product_id in sorted(now_use, key=lambda p: names.get(p, p)):
        name = names.get(product_id)
        current, earlier = now_use[product_id], then_use.get(product_id)
        if name is None or earlier is None:
            continue
        if earlier.usage > 0 and current.usage >= earlier.usage * (1 + MIN_GROWTH):
            growth = current.usage / earlier.usage - 1
            out.append(Outcome("usage_growth", (
                f"{name} usage grew {growth * 100:.0f}% in {LOOKBACK_MONTHS} months, from "
                f"{earlier.usage:,.0f} in {back:%b %Y} to {current.usage:,.0f} in {latest:%b %Y}")))
        if (current.active_users is not None and earlier.active_users is not None
                and current.active_users - earlier.active_users
                >= max(MIN_SEATS, earlier.active_users * MIN_GROWTH)):
            added = current.active_users - earlier.active_users
            out.append(Outcome("seats_activated", (
                f"{_count(added, 'more person', 'more people')} active on {name} since "
                f"{back:%b %Y} ({earlier.active_users:,.0f} to {current.active_users:,.0f})")))
    since = today - timedelta(days=RESOLVED_CASES_DAYS)
    resolved = [c for c in snapshot.cases if c.is_closed and c.created_date is not None
                and c.created_date.date() >= since]
    if resolved:
        urgent = sum(1 for c in resolved if (c.priority or "").lower() in ("high", "critical"))
        detail = f", {urgent:,} of them high priority" if urgent else ""
        out.append(Outcome("cases_resolved", (
            f"{_count(len(resolved), 'support case', 'support cases')} resolved in the last "
            f"12 months{detail}")))
    comment = (snapshot.nps_comment or "").strip().rstrip(".")
    if (snapshot.nps_score is not None and snapshot.nps_score >= PROMOTER_SCORE and comment):
        when = f" in {snapshot.nps_date:%b %Y}" if snapshot.nps_date else ""
        out.append(Outcome("promoter_comment", (
            f'NPS {snapshot.nps_score:.0f}{when}, in their words: "{comment}"')))
    return tuple(out)


def relationship_since(snapshot: AccountSnapshot) -> int | None:
    """The year of the account's first Closed Won opportunity (None when there is none)."""
    won = [o.close_date for o in snapshot.opportunities if o.is_won and o.close_date]
    return min(won).year if won else None


def is_qbr(subject: str | None, kind: str | None = None) -> bool:
    """A QBR meeting as people record it: "QBR" in the subject, or a business review."""
    text = f"{subject or ''} {kind or ''}".lower()
    return "qbr" in text or "business review" in text


def last_qbr(snapshot: AccountSnapshot, today: date) -> date | None:
    """The date of the last QBR held (a Task or Event a person logged, not one of ours)."""
    dates = [a.activity_date for a in snapshot.activities
             if a.activity_date and a.activity_date <= today
             and a.radar_action in (None, "qbr_meeting") and is_qbr(a.subject, a.type)]
    return max(dates) if dates else None
