"""scan_account: one account's findings, calling every detection module in order.

health -> signals (+ what could not be judged) -> stakeholders -> white-space map ->
strength (with the prior signals) -> routing -> hypotheses. Pure and deterministic: the
same snapshot, context and ``now`` always give the same findings, signals in a stable
order (category, type, episode).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from detection.config import DEFAULT_CONFIG, DetectionConfig
from detection.findings import (
    AccountFindings,
    ChampionIndex,
    PortfolioBenchmark,
    PriorSignal,
)
from detection.health import assess_with_facts
from detection.hypotheses import rank_hypotheses
from detection.routing import route
from detection.signals import detect_with_gaps
from detection.signals.facts import ScanFacts
from detection.snapshot import AccountSnapshot, OrgContext, PriorScan
from detection.stakeholders import map_stakeholders
from detection.strength import classify
from detection.whitespace import build_white_space_map

_EMPTY_BENCHMARK = PortfolioBenchmark()


def _logged_signals(facts: ScanFacts) -> Iterator[PriorSignal]:
    """facts.prior_signals(), worked out when first iterated."""
    yield from facts.prior_signals()


def scan_account(
    snapshot: AccountSnapshot,
    ctx: OrgContext,
    prior: PriorScan | None,
    benchmark: PortfolioBenchmark | None,
    champion_index: ChampionIndex | None,
    config: DetectionConfig = DEFAULT_CONFIG,
    now: datetime | None = None,
    prior_signals: Iterable[PriorSignal] | None = None,
    *,
    white_space_builder: Callable[..., Any] | None = None,
    hypothesis_ranker: Callable[..., Any] | None = None,
) -> AccountFindings:
    """Everything detection finds about one account at ``now``.

    Args:
        snapshot: the account.
        ctx: the org's catalog, users and competitor list.
        prior: what the previous scan remembered (None on the first scan).
        benchmark: the portfolio benchmark of this scan (None: no comparable customers).
        champion_index: the portfolio's departed champions (stakeholders.build_champion_index).
        config: thresholds.
        now: scan time (UTC); required.
        prior_signals: signals logged earlier; when None they are read back from the
            snapshot's own signal_log Tasks.
        white_space_builder / hypothesis_ranker: seams for tests; default to
            detection.whitespace.build_white_space_map and detection.hypotheses.rank_hypotheses.

    Returns:
        AccountFindings; strength is "None" for accounts routed to renewal rescue.
    """
    if now is None:
        raise ValueError("scan_account needs now")
    facts = ScanFacts(snapshot, ctx, prior, config, now)
    health = assess_with_facts(facts)
    signals, gaps = detect_with_gaps(facts, health.score, champion_index)
    if health.score is None:
        gaps += ("health: no Health_Score__c and no data for the scorecard",)
    stakeholders = map_stakeholders(snapshot, config, now, champion_index, facts=facts)
    if white_space_builder is None:
        # the real builder sums the month's usage rows the facts already grouped
        white_space = build_white_space_map(
            snapshot, ctx, benchmark or _EMPTY_BENCHMARK, signals, now, facts=facts,
            config=config,
        )
    else:
        white_space = white_space_builder(
            snapshot, ctx, benchmark or _EMPTY_BENCHMARK, signals, now
        )
    if prior_signals is None:
        # read back only if classify gets that far (it does not without expansion signals)
        prior_signals = _logged_signals(facts)
    strength = classify(signals, prior_signals, config, now)
    routing = route(snapshot, health, strength, white_space, stakeholders, config, now)
    if routing.play == "renewal_rescue":
        strength = "None"  # rescue accounts get no upsell (signal-rules.md, Strength)
    rank = hypothesis_ranker or rank_hypotheses
    hypotheses = rank(
        snapshot,
        {
            "signals": signals,
            "health": health,
            "stakeholders": stakeholders,
            "white_space": white_space,
            "routing": routing,
            "strength": strength,
        },
        ctx,
        now,
    )
    return AccountFindings(  # positional, in field order (cheaper than keywords)
        snapshot.id,  # account_id
        now,  # scanned_at
        health,
        signals,
        strength,
        routing,
        stakeholders,
        white_space,
        tuple(hypotheses),
        gaps,  # not_judged
    )
