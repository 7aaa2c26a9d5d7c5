"""Boundary cases on timing (renewal, QBR), health (bands, declines, routing, Play 02
eligibility), competitors, and the strength rule with earlier logged signals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.generator import catalog
from emulator.generator.context import fmt_date
from emulator.generator.plants import add_prior
from emulator.generator.specs import Apply, Scenario

if TYPE_CHECKING:
    from emulator.generator.draft import Draft


def _renewal(days_ahead: int) -> Apply:
    def apply(d: Draft) -> None:
        d.renewal_override = d.ctx.day(-days_ahead)
    return apply


def _qbr(days_ahead: int) -> Apply:
    def apply(d: Draft) -> None:
        d.account["Next_QBR_Date__c"] = fmt_date(d.ctx.day(-days_ahead))
    return apply


def _health(*changes: tuple[int, int, int]) -> Apply:
    """Health_Score__c history rows (old, new, days ago); the last new value is current."""
    def apply(d: Draft) -> None:
        for old, new, days in changes:
            d.history("AccountHistory", d.account_id, "Health_Score__c", old, new, days)
        d.account["Health_Score__c"] = changes[-1][1]
    return apply


def _case_text(days: int, subject: str, description: str) -> Apply:
    return lambda d: d.case(days, subject, description, None)


def _task_text(days: int, description: str, service: bool = False) -> Apply:
    return lambda d: d.task(days, "Call notes", None, description=description,
                            radar_action="competitive_threat" if service else None)


def _competitor_on(stage: str, created: int, name: str) -> Apply:
    def apply(d: Draft) -> None:
        close = d.ctx.day(-30) if not stage.startswith("Closed") else d.ctx.day(max(created - 30, 0))
        opp = d.opportunity(f"{d.plan.name} - Platform", stage, close, created, "Existing Customer - Upgrade",
                            amount=40000.0)
        d.new("OpportunityCompetitor", opp["CreatedDate"], {"OpportunityId": opp["Id"], "CompetitorName": name})
    return apply


def _leader(d: Draft, days: int = 40) -> None:
    d.contact(d.rng.choice(catalog.FIRST_NAMES), d.rng.choice(catalog.LAST_NAMES), "VP Operations",
              d.contracted[0], days)


def _with_prior(signal: str, days: int, leader: bool = True) -> Apply:
    def apply(d: Draft) -> None:
        if leader:
            _leader(d)
        add_prior(d, signal, days)
    return apply


def _two_weak(d: Draft) -> None:
    _leader(d)
    d.history("AccountHistory", d.account_id, "NumberOfEmployees", round(d.plan.employees / 1.4),
              d.plan.employees, 120)


def _route(name: str, expect: dict[str, object], apply: Apply | None = None, **overrides: object) -> Scenario:
    return Scenario(name, expect, apply, overrides)


RISK_CASES: tuple[Scenario, ...] = (
    Scenario("renewal_in_180_days", {"renewal_window": True, "strength": "None"}, _renewal(180)),
    Scenario("renewal_in_181_days", {"renewal_window": False}, _renewal(181)),
    Scenario("renewal_today", {"renewal_window": True}, _renewal(0)),
    Scenario("renewal_yesterday_ignored", {"renewal_window": False}, _renewal(-1)),
    Scenario("qbr_in_30_days", {"qbr_upcoming": True}, _qbr(30)),
    Scenario("qbr_in_31_days", {"qbr_upcoming": False}, _qbr(31)),
    Scenario("qbr_today", {"qbr_upcoming": True}, _qbr(0)),
    Scenario("health_drop_9_points", {"health_decline": False}, _health((89, 80, 10))),
    Scenario("health_drop_10_points", {"health_decline": True}, _health((90, 80, 10))),
    Scenario("health_drop_31_days_ago_ignored", {"health_decline": False}, _health((100, 80, 31))),
    Scenario("health_drop_30_days_ago", {"health_decline": True}, _health((90, 80, 30))),
    Scenario("health_drops_add_up", {"health_decline": True}, _health((91, 85, 20), (85, 80, 5))),
    Scenario("health_up_then_down_ignored", {"health_decline": False}, _health((75, 90, 25), (90, 80, 3))),
    Scenario("competitor_in_case_90_days", {"competitive_threat": True},
             _case_text(90, "Renewal concerns", "They are evaluating Gainsight.")),
    Scenario("competitor_in_case_91_days", {"competitive_threat": False},
             _case_text(91, "Renewal concerns", "They are evaluating Gainsight.")),
    Scenario("competitor_in_task", {"competitive_threat": True}, _task_text(30, "ChurnZero pitched the VP.")),
    Scenario("competitor_in_service_task_ignored", {"competitive_threat": False},
             _task_text(5, "Totango mentioned.", service=True)),
    Scenario("competitor_inside_word_ignored", {"competitive_threat": False},
             _case_text(10, "Planning call", "Growth catalysts discussed.")),
    Scenario("competitor_on_old_open_opportunity", {"competitive_threat": True},
             _competitor_on("Needs Analysis", 200, "Vitally")),
    Scenario("competitor_on_old_closed_opportunity_ignored", {"competitive_threat": False},
             _competitor_on("Closed Lost", 200, "Gainsight")),
    Scenario("competitor_on_recent_closed_opportunity", {"competitive_threat": True},
             _competitor_on("Closed Lost", 60, "Catalyst")),
    Scenario("prior_13_days_makes_strong", {"leadership_change": True, "strength": "Strong"},
             _with_prior("usage_spike", 13)),
    Scenario("prior_14_days_makes_strong", {"leadership_change": True, "strength": "Strong"},
             _with_prior("usage_spike", 14)),
    Scenario("prior_15_days_stays_weak", {"leadership_change": True, "strength": "Weak"},
             _with_prior("usage_spike", 15)),
    Scenario("prior_of_same_type_stays_weak", {"leadership_change": True, "strength": "Weak"},
             _with_prior("leadership_change", 5)),
    Scenario("prior_alone_is_none", {"strength": "None", "play": "none"},
             _with_prior("usage_spike", 5, leader=False)),
    Scenario("two_weak_signals_strong", {"leadership_change": True, "org_growth": True, "strength": "Strong"},
             _two_weak),
    _route("health_70_green", {"band": "Green", "play": "none"}, health=70),
    _route("health_69_t2_rescue", {"band": "Yellow", "play": "renewal_rescue"}, health=69),
    _route("health_69_t1_play02", {"band": "Yellow", "play": "play02"}, health=69, tier="T1", potential="full"),
    _route("health_60_t2_rescue", {"band": "Yellow", "play": "renewal_rescue"}, health=60),
    _route("health_59_t2_red", {"band": "Red", "play": "renewal_rescue"}, health=59),
    _route("health_59_t1_red_not_eligible", {"band": "Red", "play": "renewal_rescue", "play02_eligible": False},
           health=59, tier="T1", potential="narrow"),
    _route("red_with_signal_rescue", {"band": "Red", "play": "renewal_rescue", "strength": "None",
                                      "leadership_change": True}, _leader, health=50),
    _route("yellow_t1_with_signal_play02", {"band": "Yellow", "play": "play02", "strength": "Weak",
                                            "play02_eligible": True}, _leader, health=65, tier="T1",
           potential="narrow"),
    _route("t1_health_60_eligible", {"band": "Yellow", "play": "play02", "play02_eligible": True},
           health=60, tier="T1", potential="narrow"),
    _route("green_t1_quiet_eligible", {"band": "Green", "play": "play02", "play02_eligible": True},
           health=80, tier="T1", potential="narrow"),
    _route("green_t1_quiet_low_potential", {"band": "Green", "play": "none", "play02_eligible": False},
           health=80, tier="T1", potential="full"),
    _route("green_t1_quiet_no_champion", {"band": "Green", "play": "none", "play02_eligible": False},
           health=80, tier="T1", potential="narrow", has_champion=False),
    _route("green_t1_departed_champion", {"band": "Green", "play": "none", "play02_eligible": False,
                                          "champion_departed": True},
           health=80, tier="T1", potential="narrow", departed=("left", None)),
    _route("green_t1_signal_play04", {"band": "Green", "play": "play04", "play02_eligible": True,
                                      "play04_eligible": True}, _leader, health=80, tier="T1", potential="narrow"),
    _route("green_t2_signal_play04", {"band": "Green", "play": "play04", "play04_eligible": True}, _leader,
           health=85),
)
