"""Timing signals (do not count toward strength): renewal_window, qbr_upcoming."""

from __future__ import annotations

from datetime import date

from detection.findings import ExpansionSignal
from detection.signals.base import make_signal
from detection.signals.facts import ScanFacts

RENEWAL_NAMES = ("account.renewal_date",)
QBR_NAMES = ("account.next_qbr_date",)


def find(facts: ScanFacts, out: list[ExpansionSignal], gaps: list[str]) -> None:
    """Append renewal_window and qbr_upcoming when their dates are close enough."""
    cfg = facts.config
    snap = facts.snapshot
    _upcoming(facts, out, gaps, "renewal_window", snap.renewal_date, cfg.renewal_window_days,
              RENEWAL_NAMES, "Renewal", "renewal")
    _upcoming(facts, out, gaps, "qbr_upcoming", snap.next_qbr_date, cfg.qbr_window_days,
              QBR_NAMES, "Next QBR", "qbr")


def _upcoming(
    facts: ScanFacts,
    out: list[ExpansionSignal],
    gaps: list[str],
    signal_type: str,
    when: date | None,
    days: int,
    names: tuple[str, ...],
    label: str,
    prefix: str,
) -> None:
    if when is None:
        if facts.missing(*names):
            gaps.append(f"{signal_type}: {label.lower()} date not provided by the org")
        return
    ahead = when.toordinal() - facts.today_ord
    if not 0 <= ahead <= days:
        return
    day = when.isoformat()
    out.append(
        make_signal(
            facts,
            signal_type,
            clear=False,
            summary=f"{label} on {day}, " + ("today." if ahead == 0 else
                                             f"in {ahead} day{'s' if ahead != 1 else ''}."),
            episode=f"{prefix}:{day}",
            source_ids=(facts.snapshot.id,),
            values=(("date", day), ("days_ahead", ahead)),
            window=f"next {days} days",
            threshold=f"0 <= days ahead <= {days}",
        )
    )
