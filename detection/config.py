"""DetectionConfig: every threshold of the signal catalog, in one validated object.

The defaults are exactly those of docs/signal-rules.md (the org generator plants signals
with the same numbers). Regular expressions built from the configured words are compiled
once per config object (``cached_property``) and shared by every account of a scan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

DEFAULT_COMPETITORS = ("Gainsight", "ChurnZero", "Totango", "Catalyst", "Vitally")

# signal-rules.md: a senior title for leadership_change.
DEFAULT_SENIOR_TITLE_PATTERNS = (
    "VP",
    "SVP",
    "EVP",
    "Vice President",
    "Chief",
    "President",
    "C[A-Z]{1,2}O",
)

# signal-rules.md's seniority ranks, checked top-down, first match wins. Reading chosen:
# a literal top-down check would rank "Vice President" (and "Senior Vice President") as 7
# through the word "President", which makes the explicit rank-5 and rank-6 entries
# unreachable; rank 7's "President" therefore does not match inside "Vice President".
DEFAULT_SENIORITY_RANKS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (7, ("Chief", r"(?<!Vice\s)(?<!Vice-)President", "C[A-Z]{1,2}O")),
    (6, ("SVP", "EVP", "Senior Vice President", "Executive Vice President")),
    (5, ("VP", "Vice President", "Head")),
    (4, ("Senior Director", r"Sr\. Director")),
    (3, ("Director",)),
    (2, ("Senior Manager", r"Sr\. Manager")),
    (1, ("Manager", "Lead")),
)

# Computed health scorecard (used only when the org provides no Health_Score__c).
DEFAULT_HEALTH_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("usage trend", 0.20),
    ("utilisation", 0.15),
    ("NPS", 0.15),
    ("open high-priority cases", 0.15),
    ("engagement recency", 0.15),
    ("champion status", 0.10),
    ("renewal proximity", 0.10),
)

# Logical field names (field_specs) the rules read from history rows and `unavailable`.
EMPLOYEES_FIELD = "account.employees"
HEALTH_FIELD = "account.health_score"
TITLE_FIELD = "contact.title"


def _word_regex(pattern: str) -> str:
    """Wrap a regex fragment so it matches whole words only; spaces match any whitespace."""
    return r"(?<!\w)(?:" + pattern.replace(" ", r"\s+") + r")(?!\w)"


@lru_cache(maxsize=256)
def compile_terms(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One case-insensitive whole-word regex matching any of the literal ``terms``.

    Longer terms come first so that "Analytics Pro" wins over "Analytics" at one spot.
    Returns None when there is nothing to match.
    """
    cleaned = sorted({t.strip() for t in terms if t and t.strip()}, key=lambda t: (-len(t), t))
    if not cleaned:
        return None
    # one look-around pair around the alternation: the engine checks the boundary once per
    # position instead of once per term (same matches: it backtracks into the group)
    body = "|".join(re.escape(t).replace(r"\ ", " ") for t in cleaned)
    return re.compile(_word_regex(body), re.IGNORECASE)


@dataclass(frozen=True)
class DetectionConfig:
    """Every threshold, window and word list detection uses (signal-rules.md defaults).

    Ratios are compared with ``ratio_tolerance`` (``value >= threshold - tolerance``);
    health scores and day counts exactly. Windows are inclusive day counts.
    """

    ratio_tolerance: float = 1e-9
    # usage_spike
    spike_ratio: float = 1.30
    # the minimum base scales with the customer (issue 15): the month before must reach
    # max(spike_min_base_share x licensed units of that month, spike_min_base); a series
    # without licensed units (a feature, an unmetered product) needs the floor alone
    spike_min_base: float = 10.0
    spike_min_base_share: float = 0.20
    # quarter over quarter: the earlier 3 months together must reach
    # max(share x their licensed units summed, spike_qoq_min_base)
    spike_qoq_min_base: float = 30.0
    spike_clear_ratio: float = 1.5
    # capacity_limit
    capacity_ratio: float = 0.80
    capacity_clear_ratio: float = 0.90
    # new_use_case
    new_use_min_units: float = 10.0
    new_use_quiet_months: int = 3
    # nps_promoter
    nps_window_days: int = 90
    nps_promoter_score: float = 9.0
    nps_t1_score: float = 8.0
    # new_department
    new_department_window_days: int = 30
    new_department_clear_contacts: int = 2
    # org_growth
    org_growth_ratio: float = 1.20
    org_growth_lookback_days: int = 365
    org_growth_prior_min_age_days: int = 300
    # leadership_change and champion_promoted
    leadership_window_days: int = 90
    senior_title_patterns: tuple[str, ...] = DEFAULT_SENIOR_TITLE_PATTERNS
    seniority_ranks: tuple[tuple[int, tuple[str, ...]], ...] = DEFAULT_SENIORITY_RANKS
    champion_promotion_window_days: int = 90
    # support_request_unpurchased
    support_case_window_days: int = 60
    owned_product_lookback_days: int = 365
    # reference_offer, qbr_mention, direct_request, business_event
    cs_signal_window_days: int = 30
    # timing
    renewal_window_days: int = 180
    qbr_window_days: int = 30
    # risk and recommendation
    health_decline_points: float = 10.0
    health_history_days: int = 30
    min_active_contacts: int = 3
    active_contact_days: int = 90
    competitor_window_days: int = 90
    competitors: tuple[str, ...] = DEFAULT_COMPETITORS
    # strength
    prior_signal_days: int = 14
    strong_min_signals: int = 2
    # health bands and scorecard
    health_green: float = 70.0
    health_yellow: float = 60.0
    health_weights: tuple[tuple[str, float], ...] = DEFAULT_HEALTH_WEIGHTS
    health_top_factors: int = 3
    # routing (Play 02)
    play02_tier: str = "T1"
    play02_min_health: float = 60.0
    play02_min_potential_share: float = 0.50
    # white-space expected value (issue 15): the chance a cell turns into revenue, by
    # priority. Defaults until the portfolio has conversion history: HIGH 35% (seed 000's
    # white-space conversion goal is > 30%), MED 15%, LOW 5%.
    potential_probabilities: tuple[tuple[str, float], ...] = (
        ("HIGH", 0.35), ("MED", 0.15), ("LOW", 0.05))
    # cells with no signal yet (LOW) together count for at most this share of current ACV
    low_potential_cap_share: float = 1.0
    # an owned product used below this share of its licensed units is an adoption risk
    adoption_risk_utilisation: float = 0.30
    # conversions needed per priority before the portfolio's own rate replaces the default
    potential_history_min_sample: int = 30
    # which white-space figure Play 02's share test reads: "weighted" (expected value,
    # White_Space_Potential__c) or "total" (total addressable)
    play02_potential_basis: str = "weighted"
    # relationship strength per contact (seed 002), see stakeholders.py
    relationship_strong_days: int = 30
    relationship_strong_touches: int = 3
    relationship_medium_days: int = 90
    relationship_weak_days: int = 180

    def __post_init__(self) -> None:
        ratios = {
            "spike_ratio": self.spike_ratio,
            "spike_clear_ratio": self.spike_clear_ratio,
            "capacity_ratio": self.capacity_ratio,
            "capacity_clear_ratio": self.capacity_clear_ratio,
            "org_growth_ratio": self.org_growth_ratio,
        }
        for name, value in ratios.items():
            if not value > 0:
                raise ValueError(f"{name} must be positive, got {value!r}")
        if self.spike_clear_ratio < self.spike_ratio:
            raise ValueError("spike_clear_ratio must be >= spike_ratio")
        if self.capacity_clear_ratio < self.capacity_ratio:
            raise ValueError("capacity_clear_ratio must be >= capacity_ratio")
        if not 0 <= self.ratio_tolerance < 1e-3:
            raise ValueError("ratio_tolerance must be a small non-negative number")
        for name in (
            "spike_min_base", "spike_qoq_min_base", "new_use_min_units", "nps_window_days",
            "new_department_window_days", "org_growth_lookback_days",
            "org_growth_prior_min_age_days", "leadership_window_days",
            "champion_promotion_window_days", "support_case_window_days",
            "owned_product_lookback_days", "cs_signal_window_days", "renewal_window_days",
            "qbr_window_days", "health_history_days", "active_contact_days",
            "competitor_window_days", "prior_signal_days", "relationship_strong_days",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        for name in ("new_use_quiet_months", "new_department_clear_contacts",
                     "strong_min_signals", "min_active_contacts", "health_top_factors",
                     "relationship_strong_touches"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if not self.relationship_strong_days <= self.relationship_medium_days <= (
            self.relationship_weak_days
        ):
            raise ValueError("relationship windows must grow: strong <= medium <= weak")
        if not 0 <= self.health_yellow < self.health_green <= 100:
            raise ValueError("health bands need 0 <= yellow < green <= 100")
        if not 0 <= self.play02_min_health <= 100:
            raise ValueError("play02_min_health must be within 0-100")
        probabilities = dict(self.potential_probabilities)
        if set(probabilities) != {"HIGH", "MED", "LOW"} or any(
                not 0 <= v <= 1 for v in probabilities.values()):
            raise ValueError("potential_probabilities needs HIGH, MED and LOW within 0-1")
        if self.low_potential_cap_share < 0 or not 0 <= self.adoption_risk_utilisation <= 1:
            raise ValueError("low_potential_cap_share must be >= 0, "
                             "adoption_risk_utilisation within 0-1")
        if not 0 <= self.spike_min_base_share <= 1:
            raise ValueError("spike_min_base_share must be within 0-1")
        if self.play02_potential_basis not in ("weighted", "total"):
            raise ValueError("play02_potential_basis must be 'weighted' or 'total'")
        if self.play02_min_potential_share < 0:
            raise ValueError("play02_min_potential_share must not be negative")
        if self.health_decline_points <= 0:
            raise ValueError("health_decline_points must be positive")
        weights = [w for _, w in self.health_weights]
        if any(w < 0 for w in weights) or sum(weights) <= 0:
            raise ValueError("health_weights must be non-negative and not all zero")
        ranks = [r for r, _ in self.seniority_ranks]
        if ranks != sorted(ranks, reverse=True) or any(r <= 0 for r in ranks):
            raise ValueError("seniority_ranks must be listed from the highest rank down, > 0")
        # compile now so that a bad pattern fails when the config is built, not mid-scan
        _ = self.senior_title_re, self.seniority_res, self.competitor_re

    @cached_property
    def senior_title_re(self) -> re.Pattern[str]:
        """Whole-word, case-insensitive match of a senior (VP / C-level) title."""
        return re.compile(
            "|".join(_word_regex(p) for p in self.senior_title_patterns), re.IGNORECASE
        )

    @cached_property
    def seniority_res(self) -> tuple[tuple[int, re.Pattern[str]], ...]:
        """(rank, compiled pattern) from the highest rank down."""
        return tuple(
            (rank, re.compile("|".join(_word_regex(p) for p in pats), re.IGNORECASE))
            for rank, pats in self.seniority_ranks
        )

    @cached_property
    def competitor_re(self) -> re.Pattern[str] | None:
        """Whole-word, case-insensitive match of any configured competitor name."""
        return compile_terms(self.competitors)


    @cached_property
    def _rank_cache(self) -> dict[str, int]:
        return {}

    @cached_property
    def _memos(self) -> dict[str, dict]:
        return {}

    def memo(self, name: str) -> dict:
        """A per-config cache for answers that depend only on this config and their key
        (callers bound its size); one config object serves a whole scan run."""
        memos = self._memos
        found = memos.get(name)
        if found is None:
            found = memos[name] = {}
        return found

    def seniority_rank(self, title: str | None) -> int:
        """Seniority rank 0-7 of a job title (signal-rules.md), memoised per config."""
        if not title:
            return 0
        cache = self._rank_cache
        rank = cache.get(title)
        if rank is None:
            rank = next((r for r, rx in self.seniority_res if rx.search(title)), 0)
            if len(cache) > 100_000:  # titles repeat a lot; bound memory on odd inputs
                cache.clear()
            cache[title] = rank
        return rank

    def spike_base(self, licensed: float | None) -> float:
        """The smallest previous-month usage a usage spike may start from: a share of the
        licensed units with an absolute floor (the floor alone without licensed units)."""
        if licensed is None or licensed <= 0:
            return self.spike_min_base
        return max(self.spike_min_base_share * licensed, self.spike_min_base)

    def spike_qoq_base(self, licensed: float | None) -> float:
        """The quarter-over-quarter counterpart of ``spike_base`` (licensed: the earlier
        three months' licensed units summed)."""
        if licensed is None or licensed <= 0:
            return self.spike_qoq_min_base
        return max(self.spike_min_base_share * licensed, self.spike_qoq_min_base)

    def at_least(self, value: float, threshold: float) -> bool:
        """Ratio comparison with the rules' tolerance (1300/1000 meets 1.30)."""
        return value >= threshold - self.ratio_tolerance


DEFAULT_CONFIG = DetectionConfig()
