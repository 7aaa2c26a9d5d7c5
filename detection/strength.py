"""Play 04 signal strength (signal-rules.md, Strength): Strong / Moderate / Weak / None.

S = distinct expansion signal types found now; P = expansion types the service logged
earlier (signal_log Tasks) within the last 14 days and not in S.

1. S empty -> None.  2. direct_request in S -> Strong.  3. |S| + |P| >= 2 -> Strong.
4. |S| == 1 with a clear-pattern instance -> Moderate.  5. otherwise Weak.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from detection.config import DEFAULT_CONFIG, DetectionConfig
from detection.findings import EXPANSION_SIGNALS, ExpansionSignal, PriorSignal, Strength
from detection.signals.wording import utc_date

_EXPANSION = frozenset(EXPANSION_SIGNALS)


def recent_prior_types(
    prior_signals: Iterable[PriorSignal], found: Iterable[str], config: DetectionConfig,
    now: datetime,
) -> frozenset[str]:
    """P: expansion types logged within ``prior_signal_days`` (inclusive) and not found now."""
    today = utc_date(now).toordinal()
    found = set(found)
    days = config.prior_signal_days
    return frozenset(
        p.type for p in prior_signals
        if p.type in _EXPANSION and p.type not in found
        and 0 <= today - p.observed_on.toordinal() <= days
    )


def classify(
    signals: Iterable[ExpansionSignal],
    prior_signals: Iterable[PriorSignal] = (),
    config: DetectionConfig = DEFAULT_CONFIG,
    now: datetime | None = None,
) -> Strength:
    """The account episode's strength from the signals found now and those logged before."""
    expansion = [s for s in signals if s.category == "expansion"]
    found = {s.type for s in expansion}
    if not found:
        return "None"
    if "direct_request" in found:
        return "Strong"
    if now is None:
        raise ValueError("classify needs now to date the prior signals")
    prior = recent_prior_types(prior_signals, found, config, now)
    if len(found) + len(prior) >= config.strong_min_signals:
        return "Strong"
    if len(found) == 1 and any(s.clear_pattern for s in expansion):
        return "Moderate"
    return "Weak"
