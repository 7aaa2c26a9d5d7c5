"""Funnel metrics of seeds 000 and 001, from plain records of what the service wrote.

Inputs are the service's ``signal_log`` Tasks, its ``follow_up`` Tasks (with how many of
the five qualification fields CS filled), the org's Opportunities (the CS-driven ones are
the handoffs) and one record per account. Everything is computed overall, by tier and
per CS owner, for one period (both ends inclusive). Definitions:

- signal -> qualified: share of signals whose account got a qualified follow-up (4+ of 5
  fields filled) created within 30 days after the signal (goal > 30%).
- qualified -> handoff: CS-driven Opportunities created / qualified follow-ups (> 70%).
- handoff -> closed won: won / closed among the period's handoffs (> 50%).
- average expansion ACV: mean amount of CS-driven Opportunities won in the period
  (> $15K Play 04, > $30K for T1 in Play 02).
- CS-driven pipeline: amount of CS-driven Opportunities created in the period, and its
  share of all Opportunities created in the period (> 25%).
- days signal -> handoff: from the account's earliest signal within the 90 days before
  the handoff (goal < 14); days handoff -> close for won handoffs (goal < 45).
- QBR execution rate: T1 accounts with a QBR held in the period (goal 100%).
- multi-thread depth: mean active contacts per account (T1 goal >= 5).
- expansion revenue vs ACV: CS-driven revenue won in the period / the accounts' ACV
  (T1 goal 20%+ a year).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from detection.formatting import metric

NOT_DETECTABLE = (
    "Usage concentrated in a few users: Product_Usage__c holds monthly totals per product, "
    "so the white-space map shows active users (Active_Users__c) against licensed seats and "
    "flags few active users on a well-used entitlement; how usage splits among the active "
    "users needs per-user usage and is not estimated.",
)
GOALS: dict[str, str] = {
    "signal_to_qualified": "> 30%",
    "qualified_to_handoff": "> 70%",
    "handoff_to_won": "> 50%",
    "avg_expansion_acv": "> $15,000 (T1: > $30,000)",
    "cs_pipeline_share": "> 25%",
    "days_signal_to_handoff": "< 14 days",
    "days_handoff_to_close": "< 45 days",
    "qbr_execution_rate": "100% of T1",
    "multi_thread_depth": ">= 5 active contacts (T1)",
    "expansion_vs_acv": ">= 20% a year (T1)",
}


@dataclass(frozen=True, slots=True)
class AccountRecord:
    account_id: str
    tier: str | None
    cs_owner_id: str | None
    acv: float
    active_contacts: int
    qbr_held: bool  # a QBR took place in the period
    # adoption (Active_Users__c) of the latest complete month, over owned products whose
    # rows carry both figures; products used below the adoption-risk line
    active_users: float = 0.0
    licensed_seats: float = 0.0
    products_at_adoption_risk: int = 0


@dataclass(frozen=True, slots=True)
class SignalLogRecord:
    account_id: str
    signal_type: str
    observed_on: date
    task_id: str = ""


@dataclass(frozen=True, slots=True)
class FollowUpRecord:
    account_id: str
    created_on: date
    qualified_fields: int  # how many of pain, metrics, timeline, decision maker, budget
    task_id: str = ""


@dataclass(frozen=True, slots=True)
class OpportunityRecord:
    id: str
    account_id: str
    created_on: date
    amount: float | None
    lead_source: str | None
    is_closed: bool = False
    is_won: bool = False
    close_date: date | None = None


@dataclass(frozen=True, slots=True)
class FunnelSlice:
    accounts: int = 0
    signals: int = 0
    signals_per_month: float = 0.0
    signals_by_month: tuple[tuple[str, int], ...] = ()
    qualified: int = 0
    signal_to_qualified: float | None = None
    handoffs: int = 0
    qualified_to_handoff: float | None = None
    handoffs_won: int = 0
    handoffs_closed: int = 0
    handoff_to_won: float | None = None
    avg_expansion_acv: float | None = None
    cs_pipeline: float = 0.0
    total_pipeline: float = 0.0
    cs_pipeline_share: float | None = None
    days_signal_to_handoff: float | None = None
    days_handoff_to_close: float | None = None
    qbr_execution_rate: float | None = None
    multi_thread_depth: float | None = None
    expansion_revenue: float = 0.0
    expansion_vs_acv: float | None = None
    seat_activation: float | None = None  # active users / licensed seats
    adoption_risk_accounts: int = 0  # accounts with an owned product used below 30%


@dataclass(frozen=True, slots=True)
class FunnelMetrics:
    period_start: date
    period_end: date
    overall: FunnelSlice
    by_tier: dict[str, FunnelSlice] = field(default_factory=dict)
    by_owner: dict[str, FunnelSlice] = field(default_factory=dict)
    goals: dict[str, str] = field(default_factory=lambda: dict(GOALS))
    not_detectable: tuple[str, ...] = NOT_DETECTABLE


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass(slots=True)
class _Bucket:
    accounts: list[AccountRecord] = field(default_factory=list)
    signals: list[SignalLogRecord] = field(default_factory=list)
    follow_ups: list[FollowUpRecord] = field(default_factory=list)
    opps: list[OpportunityRecord] = field(default_factory=list)


def _slice(
    b: _Bucket,
    start: date,
    end: date,
    lead_source: str,
    min_fields: int,
    qualify_days: int,
    lookback_days: int,
) -> FunnelSlice:
    def within(d: date | None) -> bool:
        return d is not None and start <= d <= end

    signals = [s for s in b.signals if within(s.observed_on)]
    qualified_dates: dict[str, list[date]] = {}
    for fu in b.follow_ups:
        if fu.qualified_fields >= min_fields:
            qualified_dates.setdefault(fu.account_id, []).append(fu.created_on)
    for days in qualified_dates.values():
        days.sort()
    qualified = sum(
        1 for fu in b.follow_ups if within(fu.created_on) and fu.qualified_fields >= min_fields
    )
    led = 0
    for s in signals:
        days = qualified_dates.get(s.account_id, [])
        i = bisect.bisect_left(days, s.observed_on)
        if i < len(days) and days[i] <= s.observed_on + timedelta(days=qualify_days):
            led += 1
    created = [o for o in b.opps if within(o.created_on)]
    handoffs = [o for o in created if o.lead_source == lead_source]
    closed = [o for o in handoffs if o.is_closed]
    won = [o for o in handoffs if o.is_won]
    won_in_period = [
        o for o in b.opps if o.lead_source == lead_source and o.is_won and within(o.close_date)
    ]
    signal_days: dict[str, list[date]] = {}
    for s in b.signals:
        signal_days.setdefault(s.account_id, []).append(s.observed_on)
    to_handoff: list[float] = []
    for o in handoffs:
        earlier = [
            d
            for d in signal_days.get(o.account_id, [])
            if o.created_on - timedelta(days=lookback_days) <= d <= o.created_on
        ]
        if earlier:
            to_handoff.append(float((o.created_on - min(earlier)).days))
    to_close = [float((o.close_date - o.created_on).days) for o in won if o.close_date]
    t1 = [a for a in b.accounts if a.tier == "T1"]
    months = max(((end - start).days + 1) / 30.4375, 1e-9)
    by_month: dict[str, int] = {}
    for s in signals:
        key = f"{s.observed_on.year:04d}-{s.observed_on.month:02d}"
        by_month[key] = by_month.get(key, 0) + 1
    cs_pipeline = sum(o.amount or 0.0 for o in handoffs)
    total_pipeline = sum(o.amount or 0.0 for o in created)
    revenue = sum(o.amount or 0.0 for o in won_in_period)
    return FunnelSlice(
        accounts=len(b.accounts),
        signals=len(signals),
        signals_per_month=round(len(signals) / months, 2),
        signals_by_month=tuple(sorted(by_month.items())),
        qualified=qualified,
        signal_to_qualified=_ratio(led, len(signals)),
        handoffs=len(handoffs),
        qualified_to_handoff=_ratio(len(handoffs), qualified),
        handoffs_won=len(won),
        handoffs_closed=len(closed),
        handoff_to_won=_ratio(len(won), len(closed)),
        avg_expansion_acv=_mean([o.amount or 0.0 for o in won_in_period]),
        cs_pipeline=cs_pipeline,
        total_pipeline=total_pipeline,
        cs_pipeline_share=_ratio(cs_pipeline, total_pipeline),
        days_signal_to_handoff=_mean(to_handoff),
        days_handoff_to_close=_mean(to_close),
        qbr_execution_rate=_ratio(sum(1 for a in t1 if a.qbr_held), len(t1)),
        multi_thread_depth=_mean([float(a.active_contacts) for a in b.accounts]),
        expansion_revenue=revenue,
        expansion_vs_acv=_ratio(revenue, sum(a.acv for a in b.accounts)),
        seat_activation=_ratio(sum(a.active_users for a in b.accounts),
                               sum(a.licensed_seats for a in b.accounts)),
        adoption_risk_accounts=sum(1 for a in b.accounts if a.products_at_adoption_risk),
    )


def funnel_metrics(
    *,
    accounts: Iterable[AccountRecord],
    signals: Iterable[SignalLogRecord],
    follow_ups: Iterable[FollowUpRecord],
    opportunities: Iterable[OpportunityRecord],
    period_start: date,
    period_end: date,
    cs_lead_source: str = "CS-driven Expansion",
    min_qualified_fields: int = 4,
    qualify_window_days: int = 30,
    handoff_lookback_days: int = 90,
) -> FunnelMetrics:
    """The funnel overall, by tier and per CS owner (see the module docstring).

    Records of accounts missing from ``accounts`` count only in the overall slice.
    """
    overall = _Bucket()
    tiers: dict[str, _Bucket] = {}
    owners: dict[str, _Bucket] = {}
    keys: dict[str, tuple[_Bucket, _Bucket]] = {}
    for a in accounts:
        t = tiers.setdefault(a.tier or "no tier", _Bucket())
        o = owners.setdefault(a.cs_owner_id or "unassigned", _Bucket())
        keys[a.account_id] = (t, o)
        for bucket in (overall, t, o):
            bucket.accounts.append(a)

    def spread(records: Iterable, attr: str) -> None:
        for r in records:
            getattr(overall, attr).append(r)
            for bucket in keys.get(r.account_id, ()):
                getattr(bucket, attr).append(r)

    spread(signals, "signals")
    spread(follow_ups, "follow_ups")
    spread(opportunities, "opps")
    args = (
        period_start,
        period_end,
        cs_lead_source,
        min_qualified_fields,
        qualify_window_days,
        handoff_lookback_days,
    )
    return FunnelMetrics(
        period_start=period_start,
        period_end=period_end,
        overall=_slice(overall, *args),
        by_tier={k: _slice(v, *args) for k, v in sorted(tiers.items())},
        by_owner={k: _slice(v, *args) for k, v in sorted(owners.items())},
    )


_ROWS = (
    ("Signals per month", "signals_per_month", "num", None),
    ("Signal -> qualified", "signal_to_qualified", "pct", "signal_to_qualified"),
    ("Qualified -> handoff", "qualified_to_handoff", "pct", "qualified_to_handoff"),
    ("Handoff -> closed won", "handoff_to_won", "pct", "handoff_to_won"),
    ("Avg expansion ACV", "avg_expansion_acv", "money", "avg_expansion_acv"),
    ("CS-driven pipeline", "cs_pipeline", "money", None),
    ("CS-driven share of pipeline", "cs_pipeline_share", "pct", "cs_pipeline_share"),
    ("Days signal -> handoff", "days_signal_to_handoff", "days", "days_signal_to_handoff"),
    ("Days handoff -> close", "days_handoff_to_close", "days", "days_handoff_to_close"),
    ("QBR execution rate (T1)", "qbr_execution_rate", "pct", "qbr_execution_rate"),
    ("Multi-thread depth", "multi_thread_depth", "num", "multi_thread_depth"),
    ("Expansion revenue vs ACV", "expansion_vs_acv", "pct", "expansion_vs_acv"),
    ("Active users / licensed seats", "seat_activation", "pct", None),
    ("Accounts at adoption risk", "adoption_risk_accounts", "int", None),
)


def _slice_lines(title: str, s: FunnelSlice, goals: dict[str, str]) -> list[str]:
    lines = [
        f"{title}: {s.accounts} accounts, {s.signals} signals, {s.qualified} qualified, "
        f"{s.handoffs} handoffs, {s.handoffs_won} won"
    ]
    for label, attr, kind, goal in _ROWS:
        text = f"  {label:<30} {metric(getattr(s, attr), kind)}"
        if goal:
            text = f"{text:<50} goal {goals[goal]}"
        lines.append(text)
    return lines


def render_funnel(metrics: FunnelMetrics, owner_names: dict[str, str] | None = None) -> str:
    """The funnel as plain text: overall, by tier, per CS owner, and what is not known."""
    names = owner_names or {}
    lines = [
        f"Expansion funnel {metrics.period_start.isoformat()} to {metrics.period_end.isoformat()}",
        "",
        *_slice_lines("Overall", metrics.overall, metrics.goals),
    ]
    for tier, s in metrics.by_tier.items():
        lines += ["", *_slice_lines(f"Tier {tier}", s, metrics.goals)]
    for owner, s in metrics.by_owner.items():
        lines += ["", *_slice_lines(f"CS owner {names.get(owner, owner)}", s, metrics.goals)]
    lines += ["", "Not measured:", *(f"- {note}" for note in metrics.not_detectable)]
    return "\n".join(lines) + "\n"
