"""What detection finds about one account: the contract between the detection modules
and the plays. Plain immutable data; every recommendation carries its evidence.

Module ownership inside detection/ (each a pure function, ``now`` passed in):

- ``detection.config``       DetectionConfig: every threshold of DESIGN.md's catalog.
- ``detection.signals``      detect_signals(snapshot, ctx, prior, config, now, champion_index)
                             -> tuple[ExpansionSignal, ...]
- ``detection.health``       assess_health(snapshot, prior, config, now) -> HealthAssessment
- ``detection.strength``     classify(signals, prior_signals, config, now) -> Strength
- ``detection.routing``      route(snapshot, health, strength, white_space, stakeholders,
                             config, now) -> Routing
- ``detection.stakeholders`` map_stakeholders(snapshot, config, now) -> StakeholderMap;
                             build_champion_index(snapshots) -> ChampionIndex
- ``detection.whitespace``   build_benchmark(snapshots_or_summaries, ctx, now) /
                             BenchmarkBuilder(ctx, now).add(x).build() -> PortfolioBenchmark;
                             owned_products(snapshot, now, use_assets=True),
                             current_acv(snapshot, now) (from detection.ownership);
                             build_white_space_map(snapshot, ctx, benchmark, signals, now,
                             *, min_sample=5, ...) -> WhiteSpaceMap;
                             render_white_space(map, *, limit=131072, title=None) -> str;
                             white_space_json(map) / white_space_from_json(text)
- ``detection.hypotheses``   rank_hypotheses(snapshot, findings_partial: dict, ctx, now,
                             *, top=3) -> tuple[Hypothesis, ...]
- ``detection.portfolio``    rank_portfolio(findings, snapshots_by_id) -> PortfolioRanking
- ``detection.funnel``       funnel_metrics(accounts=, signals=, follow_ups=, opportunities=,
                             period_start=, period_end=) -> FunnelMetrics
- ``detection.documents``    handoff_document(...), qbr_agenda(...), value_story(...),
                             account_plan(...), outreach_draft(...) -> str
- ``detection.scan``         scan_account(snapshot, ctx, prior, benchmark, champion_index,
                             config, now) -> AccountFindings (calls all of the above)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from detection.fastinit import fast_init

# The catalog's signal names (API values of Task.Expansion_Signal_Type__c).
EXPANSION_SIGNALS = (
    "usage_spike",
    "capacity_limit",
    "new_use_case",
    "nps_promoter",
    "new_department",
    "org_growth",
    "leadership_change",
    "support_request_unpurchased",
    "reference_offer",
    "qbr_mention",
    "direct_request",
    "business_event",
    "champion_promoted",
)
TIMING_SIGNALS = ("renewal_window", "qbr_upcoming")
RISK_SIGNALS = ("health_decline", "champion_departed", "competitive_threat")
RECOMMENDATION_SIGNALS = ("thin_threading",)
ALL_SIGNALS = EXPANSION_SIGNALS + TIMING_SIGNALS + RISK_SIGNALS + RECOMMENDATION_SIGNALS
CS_RECORDED_SIGNALS = ("reference_offer", "qbr_mention", "direct_request", "business_event")

SignalCategory = Literal["expansion", "timing", "risk", "recommendation"]
Strength = Literal["Strong", "Moderate", "Weak", "None"]
HealthBand = Literal["Green", "Yellow", "Red", "Unknown"]
Readiness = Literal["High", "Medium", "Low", "None"]
MeddiccRole = Literal[
    "Economic Buyer", "Champion", "Decision Maker", "Coach", "Influencer", "End User", "Blocker"
]


def category_of(signal_type: str) -> SignalCategory:
    if signal_type in EXPANSION_SIGNALS:
        return "expansion"
    if signal_type in TIMING_SIGNALS:
        return "timing"
    if signal_type in RISK_SIGNALS:
        return "risk"
    if signal_type in RECOMMENDATION_SIGNALS:
        return "recommendation"
    raise ValueError(f"unknown signal type {signal_type!r}")


@fast_init
@dataclass(frozen=True, slots=True)
class Evidence:
    """The data points behind a signal, so a person can check it in the CRM.

    Attributes:
        summary: one sentence in the users' words ("Seats used 46/50 (92%) in Oct 2026").
        source_ids: Salesforce ids of the records the signal rests on.
        values: named values (("ratio", 1.42), ("previous", 120), ("current", 170)).
        window: the period looked at ("2026-09 vs 2026-10", "last 90 days").
        threshold: the rule applied ("usage >= 1.30 x previous month").
        change_since_last_scan: what moved since the prior scan, if known.
    """

    summary: str
    source_ids: tuple[str, ...] = ()
    values: tuple[tuple[str, object], ...] = ()
    window: str = ""
    threshold: str = ""
    change_since_last_scan: str | None = None


@fast_init
@dataclass(frozen=True, slots=True)
class ExpansionSignal:
    """One detected signal (any category of the catalog, despite the name).

    ``episode`` makes the signal's identity stable across scans: the same signal in the
    same period is the same episode and is logged once (e.g. "2026-10" for a monthly
    usage signal, the case id for a support case, the contact id for a new leader).
    """

    type: str
    category: SignalCategory
    clear_pattern: bool
    evidence: Evidence
    observed_on: date
    episode: str
    product_id: str | None = None
    contact_id: str | None = None
    department: str | None = None
    recorded_by_cs: bool = False


@fast_init
@dataclass(frozen=True, slots=True)
class PriorSignal:
    """A signal logged earlier (from the service's signal_log Tasks in the org)."""

    type: str
    observed_on: date
    clear_pattern: bool = False


@fast_init
@dataclass(frozen=True, slots=True)
class HealthFactor:
    name: str  # "usage trend", "utilisation", "NPS", ...
    score: float  # 0-100 for this factor
    weight: float
    note: str


@fast_init
@dataclass(frozen=True, slots=True)
class HealthAssessment:
    score: float | None
    band: HealthBand
    source: Literal["org", "computed", "unknown"]
    previous_score: float | None = None
    top_factors: tuple[HealthFactor, ...] = ()
    explanation: str = ""


@fast_init
@dataclass(frozen=True, slots=True)
class StakeholderRole:
    contact_id: str
    name: str
    title: str | None
    role: MeddiccRole | None
    role_reason: str
    relationship: Literal["Strong", "Medium", "Weak", "None"]
    last_activity: date | None
    active: bool


@fast_init
@dataclass(frozen=True, slots=True)
class ChampionMove:
    """A champion who left this account, and where the same person turned up (if seen)."""

    contact_id: str
    name: str
    reason: str  # "Left_Company__c checked", "email bounced on 2026-10-02"
    new_account_id: str | None = None
    new_contact_id: str | None = None
    matched_on: str | None = None  # "email", "LinkedIn URL", "name + new domain"
    # names for the people who read the Tasks (never ids): both ends of the move
    title: str | None = None  # the title the champion held at this account
    from_account_name: str | None = None
    new_account: CompanyProfile | None = None
    new_title: str | None = None


@fast_init
@dataclass(frozen=True, slots=True)
class CompanyProfile:
    """What the ICP fit of a champion's new company is judged on."""

    name: str
    industry: str | None = None
    employees: int | None = None
    is_customer: bool = False  # the company already pays us (current ACV > 0)
    tier: str | None = None


@fast_init
@dataclass(frozen=True, slots=True)
class StakeholderMap:
    roles: tuple[StakeholderRole, ...]
    active_contacts: int
    thin_threading: bool
    champions: tuple[str, ...]  # contact ids with an active Champion role
    departed_champions: tuple[ChampionMove, ...] = ()
    arrived_champions: tuple[ChampionMove, ...] = ()  # champions from elsewhere now here


@dataclass(frozen=True, slots=True)
class ChampionIndex:
    """Portfolio-wide look-up to find a departed champion at another account.

    Keys are normalised emails, LinkedIn URLs and "first last|domain" strings; values are
    (account id, contact id).
    """

    by_email: dict[str, tuple[str, str]] = field(default_factory=dict)
    by_linkedin: dict[str, tuple[str, str]] = field(default_factory=dict)
    by_name_domain: dict[str, tuple[str, str]] = field(default_factory=dict)


@fast_init
@dataclass(frozen=True, slots=True)
class WhiteSpaceCell:
    product_id: str
    product_name: str
    status: Literal["Active", "None"]
    # owned products
    utilisation: float | None = None
    upgrade_room: str | None = None
    current_acv: float | None = None
    # missing products
    priority: Literal["HIGH", "MED", "LOW"] | None = None
    priority_reason: str = ""
    estimated_acv: float | None = None
    estimate_method: str = ""  # "median of 14 comparable customers (Software, 200-999)"
    sample_size: int = 0
    # the chance this cell turns into revenue (by priority), and estimate x chance
    probability: float | None = None
    weighted_acv: float | None = None
    # owned products: adoption from Active_Users__c ("42 of 100 seats active (42%)")
    adoption: str = ""


@fast_init
@dataclass(frozen=True, slots=True)
class WhiteSpaceMap:
    account_id: str
    cells: tuple[WhiteSpaceCell, ...]
    current_acv: float
    # the expected value: each cell's estimate x its probability by priority (the figure
    # written to White_Space_Potential__c and used by Play 02's share test)
    potential: float
    notes: tuple[str, ...] = ()
    # every cell's estimate at full value (missing products + upgrade room)
    total_addressable: float = 0.0


@dataclass(frozen=True, slots=True)
class PortfolioBenchmark:
    """Comparable-customer ACV per product, computed once per scan."""

    # (industry, size band, product id) -> sorted ACVs of owners
    acv_by_segment: dict[tuple[str, str, str], tuple[float, ...]] = field(default_factory=dict)
    # product id -> ACVs across the portfolio
    acv_by_product: dict[str, tuple[float, ...]] = field(default_factory=dict)
    # (size band, product id) -> ACVs of owners of that size in any industry: the fallback
    # when an industry segment is too small (company size drives ACV more than industry)
    acv_by_band: dict[tuple[str, str], tuple[float, ...]] = field(default_factory=dict)
    # product id -> {other product id: share of owners of the first who own the other}
    co_ownership: dict[str, dict[str, float]] = field(default_factory=dict)
    accounts: int = 0
    # product id -> number of accounts owning it (the base of its co-ownership shares)
    owners: dict[str, int] = field(default_factory=dict)
    # (industry, tier, product id) -> (mean utilisation of the latest complete month, n)
    utilisation: dict[tuple[str, str, str], tuple[float, int]] = field(default_factory=dict)
    # white-space priority -> (share of earlier cells of that priority that were won, n):
    # replaces the default probability once n reaches the configured sample
    priority_conversion: dict[str, tuple[float, int]] = field(default_factory=dict)


@fast_init
@dataclass(frozen=True, slots=True)
class Hypothesis:
    rank: int
    title: str
    approach: Literal["land & expand", "cross-sell", "upsell", "platform"]
    product_ids: tuple[str, ...]
    estimated_value: float
    evidence_score: float
    revenue_score: float
    timing_score: float
    score: float
    outreach_angle: str
    contacts: tuple[str, ...]  # contact ids to involve
    red_flags: tuple[str, ...]
    evidence: tuple[str, ...]  # signal summaries it rests on


@fast_init
@dataclass(frozen=True, slots=True)
class Routing:
    """Which play the account belongs to this scan, and why."""

    play: Literal["play04", "play02", "renewal_rescue", "none"]
    reason: str
    play02_eligible: bool = False
    play02_reasons: tuple[str, ...] = ()  # unmet criteria when not eligible
    play04_eligible: bool = False
    readiness: Readiness = "None"


@fast_init
@dataclass(frozen=True, slots=True)
class AccountFindings:
    account_id: str
    scanned_at: datetime
    health: HealthAssessment
    signals: tuple[ExpansionSignal, ...]
    strength: Strength
    routing: Routing
    stakeholders: StakeholderMap
    white_space: WhiteSpaceMap | None
    hypotheses: tuple[Hypothesis, ...] = ()
    not_judged: tuple[str, ...] = ()  # what could not be judged, and why
