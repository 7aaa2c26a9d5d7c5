"""The portfolio expansion ranking of seed 003 prompt 2.

For every account: expansion readiness (High: strong signals and ripe timing; Medium:
signals, timing uncertain; Low: no clear signal), its main hypothesis, and this quarter's
recommended action (schedule an expansion conversation / put it on the QBR agenda /
monitor signals / no action). Accounts are ranked by expected ARR contribution =
pipeline value x likelihood; likelihoods follow seed 003's conversion figures
(evidence-backed expansions convert 60-70%, opportunistic ones 40-50%). Accounts at risk
(Red, Yellow outside T1, a health decline or a departed champion) are listed apart: they
are stabilised before any expansion conversation, and their value is not counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from detection.findings import AccountFindings
from detection.formatting import heading, join_lines, money, wrap

PortfolioReadiness = Literal["High", "Medium", "Low"]
LIKELIHOOD: dict[str, float] = {"High": 0.65, "Medium": 0.45, "Low": 0.15}
ACTION_CONVERSATION = "Schedule an expansion conversation"
ACTION_QBR = "Put it on the QBR agenda"
ACTION_MONITOR = "Monitor signals"
ACTION_NONE = "No action"
ACTION_STABILISE = "Stabilise first (renewal rescue)"
_RISK_SIGNALS = ("health_decline", "champion_departed")


@dataclass(frozen=True, slots=True)
class PortfolioEntry:
    """One account's line in the ranking."""

    rank: int
    account_id: str
    name: str
    tier: str | None
    acv: float
    readiness: PortfolioReadiness
    readiness_reason: str
    main_hypothesis: str | None
    pipeline_value: float  # the account's non-overlapping hypothesis values
    likelihood: float
    expected_value: float  # pipeline value x likelihood
    action: str


@dataclass(frozen=True, slots=True)
class AtRiskAccount:
    """An account to stabilise before talking expansion."""

    account_id: str
    name: str
    tier: str | None
    acv: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PortfolioRanking:
    entries: tuple[PortfolioEntry, ...]  # ranked, at-risk accounts excluded
    at_risk: tuple[AtRiskAccount, ...]  # largest ACV first
    total_pipeline_value: float  # sum of entries' pipeline values
    total_expected_value: float
    by_readiness: dict[str, int]


def _risk_reasons(f: AccountFindings, tier: str | None) -> tuple[str, ...]:
    reasons: list[str] = []
    band = f.health.band
    if band == "Red":
        reasons.append(f"health Red ({_score(f)})")
    elif band == "Yellow" and tier != "T1":
        reasons.append(f"health Yellow ({_score(f)}) outside T1")
    if f.routing.play == "renewal_rescue" and not reasons:
        reasons.append("routed to renewal rescue")
    for sig in f.signals:
        if sig.type in _RISK_SIGNALS:
            reasons.append(f"{sig.type.replace('_', ' ')}: {sig.evidence.summary}")
    return tuple(dict.fromkeys(reasons))


def _score(f: AccountFindings) -> str:
    return "n/a" if f.health.score is None else f"{f.health.score:.0f}"


def _readiness(f: AccountFindings) -> tuple[PortfolioReadiness, str]:
    types = {s.type for s in f.signals}
    timing = sorted(types & {"renewal_window", "qbr_upcoming"})
    ripe = f", timing: {', '.join(t.replace('_', ' ') for t in timing)}" if timing else ""
    if f.strength == "Strong" or (f.strength == "Moderate" and timing):
        return "High", f"{f.strength} signals{ripe}"
    if f.strength in ("Moderate", "Weak"):
        return "Medium", f"{f.strength} signals, timing uncertain"
    if f.hypotheses:
        return "Medium", "white-space evidence without a current signal"
    return "Low", "no clear signal"


def _pipeline_value(f: AccountFindings) -> float:
    """Hypothesis values, skipping one whose products an earlier one already covers."""
    seen: set[str] = set()
    total = 0.0
    for h in f.hypotheses:
        if seen.intersection(h.product_ids) and h.approach != "upsell":
            continue
        seen.update(h.product_ids)
        total += h.estimated_value
    return total


def _action(f: AccountFindings, readiness: str, tier: str | None, has_qbr: bool) -> str:
    if readiness == "High":
        return ACTION_CONVERSATION
    if readiness == "Medium":
        return ACTION_QBR if has_qbr or tier == "T1" else ACTION_MONITOR
    return ACTION_MONITOR if f.signals else ACTION_NONE


@dataclass(frozen=True, slots=True)
class AccountAssessment:
    """One account's place in the ranking, before the ranking: what ``rank_assessments``
    needs, computed per account (the workers keep one per account between scans).

    ``risk_reasons`` non-empty: the account is stabilised first, not ranked.
    """

    account_id: str
    name: str
    tier: str | None
    acv: float
    readiness: PortfolioReadiness
    readiness_reason: str
    main_hypothesis: str | None
    pipeline_value: float
    likelihood: float
    action: str
    risk_reasons: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AccountAssessment:
        """Rebuild one from ``dataclasses.asdict`` after a JSON round trip."""
        values = {k: data[k] for k in cls.__slots__ if k in data}
        values["risk_reasons"] = tuple(values.get("risk_reasons") or ())
        return cls(**values)


def assess_account(f: AccountFindings, snap: Any) -> AccountAssessment:
    """Readiness, pipeline value, likelihood, action and risk of one account.

    Args:
        f: the account's findings.
        snap: anything with ``name``, ``tier``, ``arr`` and ``next_qbr_date`` (an
            AccountSnapshot, or a lighter record); None when unknown.
    """
    name = getattr(snap, "name", None) or f.account_id
    tier = getattr(snap, "tier", None)
    acv = f.white_space.current_acv if f.white_space else float(getattr(snap, "arr", 0) or 0)
    readiness, why = _readiness(f)
    return AccountAssessment(
        account_id=f.account_id, name=name, tier=tier, acv=acv, readiness=readiness,
        readiness_reason=why,
        main_hypothesis=f.hypotheses[0].title if f.hypotheses else None,
        pipeline_value=_pipeline_value(f), likelihood=LIKELIHOOD[readiness],
        action=_action(f, readiness, tier, getattr(snap, "next_qbr_date", None) is not None),
        risk_reasons=_risk_reasons(f, tier))


def rank_assessments(assessments: Iterable[AccountAssessment]) -> PortfolioRanking:
    """Rank assessed accounts for this quarter: entries by expected value (then pipeline
    value, then name), the at-risk accounts apart (largest ACV first), and totals."""
    ranked: list[tuple[float, AccountAssessment]] = []
    at_risk: list[AtRiskAccount] = []
    counts = {"High": 0, "Medium": 0, "Low": 0}
    for a in assessments:
        if a.risk_reasons:
            at_risk.append(AtRiskAccount(a.account_id, a.name, a.tier, a.acv, a.risk_reasons))
            continue
        counts[a.readiness] += 1
        ranked.append((round(a.pipeline_value * a.likelihood, 2), a))
    ranked.sort(key=lambda r: (-r[0], -r[1].pipeline_value, r[1].name, r[1].account_id))
    entries = tuple(
        PortfolioEntry(rank=i, account_id=a.account_id, name=a.name, tier=a.tier, acv=a.acv,
                       readiness=a.readiness, readiness_reason=a.readiness_reason,
                       main_hypothesis=a.main_hypothesis, pipeline_value=a.pipeline_value,
                       likelihood=a.likelihood, expected_value=ev, action=a.action)
        for i, (ev, a) in enumerate(ranked, start=1)
    )
    at_risk.sort(key=lambda a: (-a.acv, a.name, a.account_id))
    return PortfolioRanking(
        entries=entries,
        at_risk=tuple(at_risk),
        total_pipeline_value=float(sum(e.pipeline_value for e in entries)),
        total_expected_value=round(sum(e.expected_value for e in entries), 2),
        by_readiness=counts,
    )


def rank_portfolio(
    findings: Iterable[AccountFindings], snapshots_by_id: Mapping[str, Any]
) -> PortfolioRanking:
    """Rank the portfolio for this quarter (``rank_assessments`` of every account).

    Args:
        findings: every account's findings.
        snapshots_by_id: account id -> anything with ``name``, ``tier``, ``arr`` and
            ``next_qbr_date`` (an AccountSnapshot, or a lighter record).
    """
    return rank_assessments(assess_account(f, snapshots_by_id.get(f.account_id))
                            for f in findings)


def render_portfolio(ranking: PortfolioRanking, *, top: int = 10) -> str:
    """The quarter's plan as plain text: top accounts, totals, accounts to stabilise."""
    lines = heading("Expansion pipeline ranking")
    lines.append(
        f"Total pipeline value: {money(ranking.total_pipeline_value)} | expected: "
        f"{money(ranking.total_expected_value)} | readiness High "
        f"{ranking.by_readiness['High']}, Medium {ranking.by_readiness['Medium']}, "
        f"Low {ranking.by_readiness['Low']}"
    )
    lines += ["", f"Quarterly action plan (top {min(top, len(ranking.entries))})"]
    for e in ranking.entries[:top]:
        lines.append(
            f"{e.rank}. {e.name} ({e.tier or 'no tier'}, ACV {money(e.acv)}): {e.readiness} "
            f"readiness, {money(e.pipeline_value)} pipeline x {e.likelihood:.0%} = "
            f"{money(e.expected_value)}"
        )
        lines += wrap(f"Main hypothesis: {e.main_hypothesis or 'none yet'}", "   ")
        lines += wrap(f"Why: {e.readiness_reason}. Action this quarter: {e.action}.", "   ")
    lines += ["", "Stabilise before any expansion conversation"]
    if not ranking.at_risk:
        lines.append("- none")
    for a in ranking.at_risk:
        lines += wrap(
            f"{a.name} ({a.tier or 'no tier'}, ACV {money(a.acv)}): {'; '.join(a.reasons)}",
            "- ",
            "  ",
        )
    return join_lines(lines)
