"""Health bands and scorecard, Play 04 strength, routing and Play 02 eligibility."""

from __future__ import annotations

from datetime import timedelta

import pytest

from detection.config import DetectionConfig
from detection.findings import (
    Evidence,
    ExpansionSignal,
    HealthAssessment,
    PriorSignal,
    StakeholderMap,
    WhiteSpaceMap,
    category_of,
)
from detection.health import assess_health, band_of
from detection.routing import route
from detection.snapshot import PriorScan
from detection.strength import classify
from tests.detection_core.builders import (
    NOW,
    TODAY,
    account,
    case,
    contact,
    days_ago,
    dt_days_ago,
    history,
    usage,
)


@pytest.mark.parametrize(
    ("score", "band"),
    [(70, "Green"), (69.9, "Yellow"), (69, "Yellow"), (60, "Yellow"), (59.9, "Red"),
     (59, "Red"), (0, "Red"), (100, "Green"), (None, "Unknown")],
)
def test_given_a_score_when_banded_then_green_70_yellow_60_red_below(score, band):
    assert band_of(score) == band


def test_given_an_org_score_when_assessed_then_it_is_used_as_is():
    health = assess_health(account(health_score=64.5), None, now=NOW)
    assert (health.score, health.band, health.source) == (64.5, "Yellow", "org")


def test_given_a_prior_scan_when_assessed_then_previous_score_comes_from_it():
    prior = PriorScan(scanned_at=dt_days_ago(7), health_score=81)
    assert assess_health(account(health_score=70), prior, now=NOW).previous_score == 81


def test_given_no_prior_when_assessed_then_previous_score_comes_from_history():
    snap = account(history=(history("001A", "account.health_score", "77", "80", 10),))
    assert assess_health(snap, None, now=NOW).previous_score == 77.0


def _troubled():
    return account(
        health_score=None,
        usage=(usage("a", -1, 1000, licensed=4000), usage("b", 0, 600, licensed=4000)),
        nps_score=3, nps_date=days_ago(20),
        cases=(case("c1", priority="High"), case("c2", priority="Critical")),
        contacts=(contact("c1", last_activity_date=days_ago(150), meddicc_role="Champion",
                          left_company=True),),
        renewal_date=TODAY + timedelta(days=20),
    )


def test_given_no_org_score_when_assessed_then_a_scorecard_names_its_top_factors():
    health = assess_health(_troubled(), None, now=NOW)
    assert health.source == "computed" and health.band == "Red"
    assert health.score is not None and health.score < 40
    assert len(health.top_factors) == 3
    names = {f.name for f in health.top_factors}
    assert names <= {"usage trend", "utilisation", "NPS", "open high-priority cases",
                     "engagement recency", "champion status", "renewal proximity"}
    assert all(f.note for f in health.top_factors)
    assert "usage trend" in health.explanation or "NPS" in health.explanation


def test_given_a_healthy_account_without_org_score_then_scorecard_is_green():
    snap = account(
        health_score=None,
        usage=(usage("a", -1, 1000, licensed=1100), usage("b", 0, 1100, licensed=1200)),
        nps_score=10, nps_date=days_ago(20),
        contacts=(contact("c1", meddicc_role="Champion"), contact("c2"), contact("c3")),
        renewal_date=TODAY + timedelta(days=300),
    )
    health = assess_health(snap, None, now=NOW)
    assert health.band == "Green", health


def test_given_custom_weights_when_assessed_then_only_weighted_factors_count():
    config = DetectionConfig(health_weights=(("NPS", 1.0),))
    health = assess_health(account(health_score=None, nps_score=6, nps_date=days_ago(5)), None,
                           config, now=NOW)
    assert health.score == 60.0 and [f.name for f in health.top_factors] == ["NPS"]


def test_given_invalid_config_when_built_then_it_fails_early():
    with pytest.raises(ValueError):
        DetectionConfig(health_yellow=75)
    with pytest.raises(ValueError):
        DetectionConfig(health_weights=(("NPS", 0.0),))
    with pytest.raises(ValueError):
        DetectionConfig(spike_ratio=-1)
    with pytest.raises(ValueError):
        DetectionConfig(seniority_ranks=((1, ("Lead",)), (7, ("Chief",))))


def sig(kind: str, clear: bool = False) -> ExpansionSignal:
    return ExpansionSignal(type=kind, category=category_of(kind), clear_pattern=clear,
                           evidence=Evidence(summary=kind), observed_on=TODAY, episode=kind)


@pytest.mark.parametrize(
    ("signals", "priors", "strength"),
    [
        ([], [], "None"),
        ([sig("renewal_window"), sig("thin_threading")], [], "None"),  # not expansion
        ([sig("direct_request")], [], "Strong"),
        ([sig("usage_spike"), sig("capacity_limit")], [], "Strong"),
        ([sig("usage_spike", True)], [], "Moderate"),
        ([sig("usage_spike"), sig("usage_spike", True)], [], "Moderate"),  # one type, clear
        ([sig("org_growth")], [], "Weak"),
        ([sig("org_growth"), sig("qbr_upcoming")], [], "Weak"),
        ([sig("org_growth")], [("capacity_limit", 13)], "Strong"),
        ([sig("org_growth")], [("capacity_limit", 14)], "Strong"),  # 14 days ago counts
        ([sig("org_growth")], [("capacity_limit", 15)], "Weak"),  # 15 does not
        ([sig("org_growth")], [("org_growth", 3)], "Weak"),  # same type is not a second
        ([sig("org_growth")], [("health_decline", 3)], "Weak"),  # priors: expansion only
        ([sig("org_growth", True)], [("capacity_limit", 20)], "Moderate"),
    ],
)
def test_given_signals_and_priors_when_classified_then_strength_per_play_04(
    signals, priors, strength
):
    prior_signals = [PriorSignal(type=t, observed_on=days_ago(d)) for t, d in priors]
    assert classify(signals, prior_signals, now=NOW) == strength


def _health(score):
    from detection.health import band_of

    return HealthAssessment(score=score, band=band_of(score),
                            source="org" if score is not None else "unknown")


def _map(champion: bool = True) -> StakeholderMap:
    return StakeholderMap(roles=(), active_contacts=3, thin_threading=False,
                          champions=("ch",) if champion else ())


def _ws(potential: float = 60_000, acv: float = 100_000) -> WhiteSpaceMap:
    return WhiteSpaceMap(account_id="001A", cells=(), current_acv=acv, potential=potential)


@pytest.mark.parametrize(
    ("tier", "score", "strength", "play", "readiness"),
    [
        ("T1", 59, "Strong", "renewal_rescue", "None"),  # Red
        ("T2", 59.9, "None", "renewal_rescue", "None"),
        ("T2", 69, "Strong", "renewal_rescue", "None"),  # Yellow, not T1
        ("T3", 60, "Weak", "renewal_rescue", "None"),
        ("T1", 69, "Weak", "play02", "Low"),  # Yellow T1 stays in Play 02
        ("T1", 60, "None", "play02", "None"),
        ("T2", 70, "Strong", "play04", "High"),  # Green with signals
        ("T1", 70, "Moderate", "play04", "Medium"),
        ("T3", 95, "Weak", "play04", "Low"),
        ("T1", 70, "None", "play02", "None"),  # Green, no signal, eligible
        ("T2", 80, "None", "none", "None"),  # Green, no signal, not T1
        ("T1", None, "Strong", "none", "High"),  # Unknown health
    ],
)
def test_given_band_tier_and_strength_when_routed_then_every_branch_of_the_rules(
    tier, score, strength, play, readiness
):
    routing = route(account(tier=tier), _health(score), strength, _ws(), _map(), now=NOW)
    assert routing.play == play
    assert routing.readiness == readiness
    band = band_of(score)
    assert routing.play04_eligible is (band == "Green" and strength != "None")


def test_given_unknown_health_when_routed_then_reason_says_no_health_score():
    routing = route(account(), _health(None), "Weak", _ws(), _map(), now=NOW)
    assert routing.reason == "no health score"


@pytest.mark.parametrize(
    ("change", "reason_word"),
    [
        ({"tier": "T2"}, "tier"),
        ({"score": 59}, "health"),
        ({"potential": 49_999}, "white-space"),
        ({"champion": False}, "Champion"),
        ({"ws": None}, "white-space"),
    ],
)
def test_given_one_play02_criterion_failing_when_routed_then_not_eligible_and_says_why(
    change, reason_word
):
    tier = change.get("tier", "T1")
    score = change.get("score", 75)
    ws = change["ws"] if "ws" in change else _ws(change.get("potential", 50_000))
    routing = route(account(tier=tier), _health(score), "None", ws,
                    _map(change.get("champion", True)), now=NOW)
    assert routing.play02_eligible is False
    assert len(routing.play02_reasons) == 1 and reason_word in routing.play02_reasons[0]
    assert routing.play == "none" or routing.play == "renewal_rescue"


def test_given_every_play02_criterion_met_at_the_boundary_then_eligible():
    routing = route(account(tier="T1"), _health(60), "None", _ws(50_000), _map(), now=NOW)
    assert routing.play02_eligible is True and routing.play02_reasons == ()
    assert routing.play == "play02"
