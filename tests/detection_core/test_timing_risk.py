"""Timing, risk and recommendation signals at their boundaries (signal-rules.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from detection.snapshot import OrgContext, PriorScan
from tests.detection_core.builders import (
    CTX,
    TODAY,
    account,
    activity,
    case,
    contact,
    days_ago,
    dt_days_ago,
    history,
)
from tests.detection_core.helpers import detect, of_type


@pytest.mark.parametrize(("ahead", "fires"), [(180, True), (181, False), (0, True), (-1, False)])
def test_given_renewal_date_then_renewal_window_within_180_days(ahead, fires):
    snap = account(renewal_date=TODAY + timedelta(days=ahead))
    found = of_type(snap, "renewal_window")
    assert bool(found) is fires
    if fires:
        assert found[0].category == "timing"
        assert ("today." if ahead == 0 else f"in {ahead} days") in found[0].evidence.summary


@pytest.mark.parametrize(("ahead", "fires"), [(30, True), (31, False), (0, True), (-3, False)])
def test_given_next_qbr_date_then_qbr_upcoming_within_30_days(ahead, fires):
    snap = account(next_qbr_date=TODAY + timedelta(days=ahead))
    assert bool(of_type(snap, "qbr_upcoming")) is fires


def test_given_renewal_date_unavailable_when_detected_then_not_judged():
    _, gaps = detect(account(unavailable=frozenset({"account.renewal_date"})))
    assert any(g.startswith("renewal_window:") for g in gaps)


@pytest.mark.parametrize(("previous", "current", "fires"),
                         [(80, 71, False), (80, 70, True), (79.5, 69.5, True), (70, 75, False)])
def test_given_a_prior_score_then_health_decline_at_10_points(previous, current, fires):
    prior = PriorScan(scanned_at=dt_days_ago(7), health_score=previous)
    found = of_type(account(health_score=current), "health_decline", prior=prior)
    assert bool(found) is fires
    if fires:
        assert found[0].episode == "decline:2026-W42"
        assert found[0].evidence.change_since_last_scan


@pytest.mark.parametrize(
    ("changes", "fires"),
    [
        ((("85", "80", 20), ("80", "75", 5)), True),  # earliest change in 30 days: old 85
        ((("84", "80", 20),), False),  # 84 -> 75 is 9 points
        ((("90", "85", 31), ("85", "75", 10)), True),  # the 31-day change is older
        ((("95", "85", 31),), False),  # nothing changed in 30 days
    ],
)
def test_given_health_history_without_prior_then_value_30_days_ago_is_compared(changes, fires):
    rows = tuple(history("001A", "account.health_score", o, n, d) for o, n, d in changes)
    assert bool(of_type(account(health_score=75, history=rows), "health_decline")) is fires


@pytest.mark.parametrize(
    ("prior_score", "history_old", "fires"),
    [
        (75, "85", True),  # rescanned after a 30-day drop: the decline stays reported
        (85, "60", True),  # rose over 30 days but fell 10 since the last scan
        (80, "84", False),  # neither reference is 10 above the current 75
    ],
)
def test_given_prior_scan_and_history_then_decline_measured_against_the_higher(
        prior_score, history_old, fires):
    rows = (history("001A", "account.health_score", history_old, "75", 12),)
    prior = PriorScan(scanned_at=dt_days_ago(1), health_score=prior_score)
    found = of_type(account(health_score=75, history=rows), "health_decline", prior=prior)
    assert bool(found) is fires


def test_given_no_health_score_at_all_then_health_decline_not_judged_only_if_unknown():
    snap = account(health_score=None)  # the scorecard computes one
    signals, gaps = detect(snap)
    assert "health_decline: no current health score" not in gaps


@pytest.mark.parametrize(
    ("kw", "fires", "reason"),
    [
        ({"left_company": True}, True, "marked as having left the company"),
        ({"email_bounced_date": dt_days_ago(3)}, True, "email bounced"),
        ({}, False, None),
    ],
)
def test_given_a_champion_when_left_or_bounced_then_champion_departed(kw, fires, reason):
    champ = contact("ch", meddicc_role="Champion", **kw)
    found = of_type(account(contacts=account().contacts + (champ,)), "champion_departed")
    assert bool(found) is fires
    if fires:
        assert reason in found[0].evidence.summary and found[0].episode == "departed:ch"


def test_given_a_departed_non_champion_then_no_champion_departed():
    snap = account(contacts=(contact("c1", left_company=True, meddicc_role="Coach"),))
    assert of_type(snap, "champion_departed") == []


def _contacts(n_active: int, n_idle: int = 2):
    active = tuple(contact(f"a{k}", last_activity_date=days_ago(10)) for k in range(n_active))
    idle = tuple(contact(f"i{k}", last_activity_date=days_ago(200)) for k in range(n_idle))
    return active + idle


@pytest.mark.parametrize(("n_active", "fires"), [(2, True), (3, False), (0, True)])
def test_given_active_contacts_then_thin_threading_below_three(n_active, fires):
    found = of_type(account(contacts=_contacts(n_active)), "thin_threading")
    assert bool(found) is fires
    if fires:
        expected = f"Only {n_active} active contact" if n_active else "No contact touched"
        assert expected in found[0].evidence.summary
        assert found[0].episode == "thin:2026-09"


@pytest.mark.parametrize(
    ("contact_kw", "activity_age", "radar", "active"),
    [
        ({"last_activity_date": days_ago(90)}, None, None, True),
        ({"last_activity_date": days_ago(91)}, None, None, False),
        ({"last_activity_date": None}, 90, None, True),  # a Task with WhoId counts
        ({"last_activity_date": None}, 91, None, False),
        ({"last_activity_date": None}, 5, "follow_up", False),  # service-written: ignored
        ({"last_activity_date": days_ago(5), "left_company": True}, None, None, False),
        ({"last_activity_date": days_ago(5), "email_bounced_date": dt_days_ago(1)}, None, None,
         False),
    ],
)
def test_given_contact_activity_then_active_per_the_90_day_rule(
    contact_kw, activity_age, radar, active
):
    contacts = _contacts(2, 0) + (contact("x", **contact_kw),)
    acts = ()
    if activity_age is not None:
        acts = (activity("t", who_id="x", activity_date=days_ago(activity_age),
                         radar_action=radar),)
    found = of_type(account(contacts=contacts, activities=acts), "thin_threading")
    assert (not found) is active


@pytest.mark.parametrize(
    ("records", "fires"),
    [
        ({"cases": (case("5", subject="Evaluating Gainsight", created_date=dt_days_ago(90)),)},
         True),
        ({"cases": (case("5", subject="Evaluating Gainsight", created_date=dt_days_ago(91)),)},
         False),
        ({"activities": (activity("t", description="they demo'd ChurnZero",
                                  activity_date=days_ago(90)),)}, True),
        ({"activities": (activity("t", subject="ChurnZero call", activity_date=days_ago(91)),)},
         False),
        ({"activities": (activity("t", subject="Catalyst", radar_action="follow_up"),)}, False),
        ({"cases": (case("5", subject="catalysts and reactions"),)}, False),  # whole words
        ({"cases": (case("5", subject="TOTANGO renewal"),)}, True),  # any case
    ],
)
def test_given_records_naming_a_competitor_then_competitive_threat_within_90_days(records, fires):
    assert bool(of_type(account(**records), "competitive_threat")) is fires


@pytest.mark.parametrize(
    ("closed", "created_age", "fires"),
    [(False, 400, True), (True, 90, True), (True, 91, False)],
)
def test_given_an_opportunity_competitor_then_open_or_recent_opportunities_count(
    closed, created_age, fires
):
    from tests.detection_core.builders import won

    opp = won("o2", closed_days_ago=5)
    from dataclasses import replace

    opp = replace(opp, is_closed=closed, is_won=closed, competitors=("Vitally",),
                  created_date=dt_days_ago(created_age))
    snap = account(opportunities=account().opportunities + (opp,))
    found = of_type(snap, "competitive_threat")
    assert bool(found) is fires
    if fires:
        assert found[0].episode == "competitor:vitally" and "o2" in found[0].evidence.source_ids


def test_given_an_org_competitor_list_then_it_adds_to_the_configured_names():
    ctx = OrgContext(org_id="00D1", products=CTX.products, competitors=("Planhat",))
    snap = account(cases=(case("5", subject="Planhat is cheaper"),))
    assert of_type(snap, "competitive_threat", ctx=ctx)
    assert not of_type(snap, "competitive_threat")
