"""Every signal of the catalog (docs/signal-rules.md), one small module per family.

``detect_signals`` is the contract of detection/findings.py; ``detect_with_gaps`` also
returns what could not be judged, for ``AccountFindings.not_judged``.
"""

from __future__ import annotations

from datetime import datetime

from detection.config import DEFAULT_CONFIG, DetectionConfig
from detection.findings import ChampionIndex, ExpansionSignal
from detection.signals import (
    cases,
    contacts,
    cs_recorded,
    nps,
    org,
    risk,
    timing,
    usage,
)
from detection.signals.facts import ScanFacts
from detection.snapshot import AccountSnapshot, OrgContext, PriorScan

_CATEGORY_ORDER = {"expansion": 0, "timing": 1, "risk": 2, "recommendation": 3}


def signal_order(signal: ExpansionSignal) -> tuple[int, str, str]:
    """Stable ordering of signals: category, type, episode."""
    return (_CATEGORY_ORDER[signal.category], signal.type, signal.episode)


def detect_with_gaps(
    facts: ScanFacts,
    current_health: float | None,
    champion_index: ChampionIndex | None = None,
) -> tuple[tuple[ExpansionSignal, ...], tuple[str, ...]]:
    """(signals in stable order, what could not be judged) for the account of ``facts``."""
    out: list[ExpansionSignal] = []
    gaps: list[str] = []
    usage.find(facts, out, gaps)
    nps.find(facts, out, gaps)
    contacts.find(facts, out, gaps)
    org.find(facts, out, gaps)
    cases.find(facts, out, gaps)
    cs_recorded.find(facts, out, gaps)
    timing.find(facts, out, gaps)
    risk.find(facts, out, gaps, current_health, champion_index)
    out.sort(key=signal_order)
    return tuple(out), tuple(gaps)


def detect_signals(
    snapshot: AccountSnapshot,
    ctx: OrgContext,
    prior: PriorScan | None,
    config: DetectionConfig = DEFAULT_CONFIG,
    now: datetime | None = None,
    champion_index: ChampionIndex | None = None,
    current_health: float | None = None,
) -> tuple[ExpansionSignal, ...]:
    """Every signal of every category that fires for ``snapshot`` at ``now``.

    ``current_health`` is the score health_decline compares with; when not given it is
    worked out with ``detection.health.assess_health``.
    """
    if now is None:
        raise ValueError("detect_signals needs now")
    facts = ScanFacts(snapshot, ctx, prior, config, now)
    if current_health is None:
        from detection.health import assess_with_facts  # health imports signals: no cycle

        current_health = assess_with_facts(facts).score
    return detect_with_gaps(facts, current_health, champion_index)[0]
