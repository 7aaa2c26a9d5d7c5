"""NPS, contact, org, case and CS-recorded signals at their boundaries (signal-rules.md)."""

from __future__ import annotations

import pytest

from detection.snapshot import Activity, Contact, PriorScan
from tests.detection_core.builders import (
    CTX,
    NOW,
    account,
    activity,
    case,
    contact,
    days_ago,
    dt_days_ago,
    history,
    won,
)
from tests.detection_core.helpers import detect, of_type, types


@pytest.mark.parametrize(
    ("tier", "score", "comment", "age", "fires", "clear"),
    [
        ("T2", 9, "Love it", 10, True, True),
        ("T2", 8, "Love it", 10, False, False),  # 8 is not a promoter outside T1
        ("T2", 9, "  ", 10, False, False),  # a promoter needs a comment
        ("T2", 10, "Great", 90, True, True),  # 90 days counts
        ("T2", 10, "Great", 91, False, False),
        ("T1", 8, None, 10, True, False),  # seed 000: NPS >= 8 triggers Play 02
        ("T1", 7, "ok", 10, False, False),
        ("T1", 9, "Great", 10, True, True),
        ("T1", 9, None, 10, True, False),  # fires through the T1 rule, not clear
    ],
)
def test_given_nps_answer_when_detected_then_promoter_per_tier(
    tier, score, comment, age, fires, clear
):
    snap = account(tier=tier, nps_score=score, nps_comment=comment, nps_date=days_ago(age))
    found = of_type(snap, "nps_promoter")
    assert bool(found) is fires
    if fires:
        assert found[0].clear_pattern is clear
        assert str(score) in found[0].evidence.summary


def _dept_contact(cid: str, created_days: int = 400, dept: str = "Marketing", **kw) -> Contact:
    return contact(cid, department=dept, created_date=dt_days_ago(created_days), **kw)


@pytest.mark.parametrize(("created", "fires"), [(30, True), (31, False), (0, True)])
def test_given_new_contact_from_an_uncontracted_department_then_new_department_within_30_days(
    created, fires
):
    snap = account(contacts=account().contacts + (_dept_contact("c9", created),))
    assert bool(of_type(snap, "new_department")) is fires


@pytest.mark.parametrize(("age", "fires"), [(30, True), (31, False), (-1, False)])
def test_given_activity_with_an_uncontracted_department_contact_then_window_is_30_days(age, fires):
    snap = account(
        contacts=account().contacts + (_dept_contact("c9"),),
        activities=(activity("t1", who_id="c9", activity_date=days_ago(age)),),
    )
    assert bool(of_type(snap, "new_department")) is fires


def test_given_a_service_written_activity_when_detected_then_it_does_not_make_a_new_department():
    snap = account(
        contacts=account().contacts + (_dept_contact("c9"),),
        activities=(activity("t1", who_id="c9", radar_action="follow_up"),),
    )
    assert of_type(snap, "new_department") == []


def test_given_contracted_department_in_other_case_when_detected_then_not_new():
    snap = account(contacts=(_dept_contact("c9", 5, dept="  sales "),),
                   contracted_departments=("Sales",))
    assert of_type(snap, "new_department") == []


def test_given_two_contacts_from_the_same_new_department_then_one_clear_signal():
    snap = account(contacts=(_dept_contact("c8", 5), _dept_contact("c9", 3, dept="marketing")))
    [sig] = of_type(snap, "new_department")
    assert sig.clear_pattern is True
    assert sig.episode == "dept:marketing"
    assert {"c8", "c9"} <= set(sig.evidence.source_ids)
    assert "2 contacts from Marketing" in sig.evidence.summary


def test_given_no_contracted_departments_when_detected_then_not_judged():
    snap = account(contracted_departments=(), contacts=(_dept_contact("c9", 5),))
    signals, gaps = detect(snap)
    assert not [s for s in signals if s.type == "new_department"]
    assert "new_department: no contracted departments recorded" in gaps


@pytest.mark.parametrize(
    ("employees", "baseline", "fires"),
    [(1190, 1000, False), (1199, 1000, False), (1200, 1000, True), (120, 100, True)],
)
def test_given_employee_growth_from_history_then_org_growth_at_20_percent(
    employees, baseline, fires
):
    snap = account(employees=employees,
                   history=(history("001A", "account.employees", "10", str(baseline), 400),))
    assert bool(of_type(snap, "org_growth")) is fires


def test_given_history_after_the_baseline_day_then_its_old_value_is_the_baseline():
    changes = (
        history("001A", "account.employees", "1000", "1100", 200),  # first change after
        history("001A", "account.employees", "1100", "1300", 20),
    )
    [sig] = of_type(account(employees=1300, history=changes), "org_growth")
    assert dict(sig.evidence.values)["baseline"] == 1000.0
    assert "30%" in sig.evidence.summary


def test_given_the_last_change_on_or_before_the_baseline_day_then_its_new_value_counts():
    changes = (
        history("001A", "account.employees", "500", "900", 500),
        history("001A", "account.employees", "900", "1100", 365),  # exactly 365 days ago
    )
    assert of_type(account(employees=1300, history=changes), "org_growth") == []


@pytest.mark.parametrize(("prior_age", "judged"), [(300, True), (299, False)])
def test_given_no_history_then_a_prior_scan_of_300_days_or_more_is_the_baseline(prior_age, judged):
    prior = PriorScan(scanned_at=dt_days_ago(prior_age), employees=1000)
    signals, gaps = detect(account(employees=1250), prior=prior)
    assert bool([s for s in signals if s.type == "org_growth"]) is judged
    assert ("org_growth: no employee history" in gaps) is (not judged)


def test_given_no_employee_count_when_detected_then_org_growth_not_judged():
    _, gaps = detect(account(employees=None, unavailable=frozenset({"account.employees"})))
    assert "org_growth: no employee count" in gaps


@pytest.mark.parametrize(
    ("title", "created", "fires"),
    [
        ("VP Marketing", 90, True),
        ("VP Marketing", 91, False),
        ("Chief Data Officer", 10, True),
        ("CISO", 10, True),
        ("cfo", 10, True),
        ("Senior Vice President, Sales", 10, True),
        ("President", 10, True),
        ("Director of Sales", 10, False),
        ("MVP Program Manager", 10, False),  # whole words only
        ("Coordinator", 10, False),
    ],
)
def test_given_a_new_contact_when_title_is_senior_then_leadership_change_within_90_days(
    title, created, fires
):
    snap = account(contacts=account().contacts + (
        contact("c9", title=title, created_date=dt_days_ago(created)),))
    found = of_type(snap, "leadership_change")
    assert bool(found) is fires
    if fires:
        assert found[0].episode == "leader:c9" and found[0].contact_id == "c9"


@pytest.mark.parametrize(
    ("kwargs", "fires"),
    [
        ({"product_id": "p-analytics"}, True),
        ({"subject": "How do I build dashboards?"}, True),  # a keyword, whole word
        ({"description": "Need SAML for our users"}, True),
        ({"subject": "Analytics question"}, True),  # the product name
        ({"subject": "Analyticsplus question"}, False),  # not a whole word
        ({"product_id": "p-core"}, False),  # owned
        ({"subject": "Core Platform bug"}, False),  # owned
        ({"product_id": "p-old"}, False),  # inactive catalog product
        ({"subject": "Legacy Sync question"}, False),
    ],
)
def test_given_a_case_when_it_is_about_an_unowned_active_product_then_support_request(
    kwargs, fires
):
    snap = account(cases=(case("500X", **kwargs),))
    found = of_type(snap, "support_request_unpurchased")
    assert bool(found) is fires
    if fires:
        assert found[0].clear_pattern is True and found[0].episode == "case:500X"
        assert "500X" in found[0].evidence.source_ids


@pytest.mark.parametrize(("age", "fires"), [(60, True), (61, False)])
def test_given_case_age_when_detected_then_support_request_within_60_days(age, fires):
    snap = account(cases=(case("500X", product_id="p-sso", created_date=dt_days_ago(age)),))
    assert bool(of_type(snap, "support_request_unpurchased")) is fires


def test_given_a_product_owned_through_an_old_deal_when_detected_then_it_is_not_owned():
    snap = account(opportunities=(won("o1", "p-analytics", closed_days_ago=366),),
                   cases=(case("500X", product_id="p-analytics"),))
    assert of_type(snap, "support_request_unpurchased")


@pytest.mark.parametrize(
    ("signal", "age", "radar_action", "fires"),
    [
        ("direct_request", 30, None, True),
        ("direct_request", 31, None, False),
        ("reference_offer", 0, None, True),
        ("qbr_mention", 5, "  ", True),  # blank Radar_Action__c: recorded by CS
        ("business_event", 5, "signal_log", False),  # the service's own log
        ("usage_spike", 5, None, False),  # only the four CS-recorded types
    ],
)
def test_given_a_cs_recorded_task_then_signal_within_30_days(signal, age, radar_action, fires):
    snap = account(activities=(activity("t1", signal_type=signal, activity_date=days_ago(age),
                                        radar_action=radar_action),))
    found = of_type(snap, signal)
    assert bool(found) is fires
    if fires:
        assert found[0].recorded_by_cs and found[0].clear_pattern
        assert found[0].episode == "cs:t1"


def test_given_a_cs_task_without_activity_date_then_created_date_counts():
    task = Activity(id="t1", kind="Task", subject="Wants 50 more seats", type=None,
                    status="Completed", activity_date=None, created_date=dt_days_ago(3),
                    signal_type="direct_request")
    [sig] = of_type(account(activities=(task,)), "direct_request")
    assert "Wants 50 more seats" in sig.evidence.summary


def test_given_an_event_with_signal_type_then_not_a_cs_signal():
    snap = account(activities=(activity("e1", kind="Event", signal_type="direct_request"),))
    assert "direct_request" not in types(snap)


def _champion(**kw) -> Contact:
    return contact("ch", meddicc_role="Champion", title="VP Sales", **kw)


@pytest.mark.parametrize(
    ("old", "new", "age", "fires"),
    [
        ("Director of Sales", "VP Sales", 30, True),
        ("Director of Sales", "VP Sales", 90, True),
        ("Director of Sales", "VP Sales", 91, False),
        ("VP Sales", "VP Marketing", 10, False),  # same rank
        ("Vice President, Sales", "SVP Sales", 10, True),  # 5 -> 6
        ("Senior Vice President", "Chief Revenue Officer", 10, True),  # 6 -> 7
        ("VP Sales", "Vice President Sales", 10, False),  # 5 -> 5
        ("CEO", "VP Sales", 10, False),  # demotion
        ("Sr. Director", "Director", 10, False),
        ("Manager", "Senior Manager", 10, True),
    ],
)
def test_given_a_champion_title_change_then_promoted_when_rank_rises_within_90_days(
    old, new, age, fires
):
    snap = account(contacts=(_champion(),),
                   history=(history("ch", "contact.title", old, new, age),))
    found = of_type(snap, "champion_promoted")
    assert bool(found) is fires
    if fires:
        assert found[0].episode == f"promo:ch:{new}"


def test_given_a_non_champion_promotion_then_no_signal():
    snap = account(contacts=(contact("c1", title="VP Sales"),),
                   history=(history("c1", "contact.title", "Director", "VP Sales", 5),))
    assert of_type(snap, "champion_promoted") == []


@pytest.mark.parametrize(("prior_age", "fires"), [(60, True), (91, False)])
def test_given_a_prior_scan_title_when_champion_rose_then_promoted(prior_age, fires):
    prior = PriorScan(scanned_at=dt_days_ago(prior_age), contact_titles=(("ch", "Director"),))
    found = of_type(account(contacts=(_champion(),)), "champion_promoted", prior=prior)
    assert bool(found) is fires
    if fires:
        assert "title at the last scan: Director" in found[0].evidence.change_since_last_scan


def test_given_ctx_fixture_is_shared_then_catalog_is_compiled_once():
    from detection.signals.facts import catalog_for

    assert catalog_for(CTX) is catalog_for(CTX)
    assert NOW.tzinfo is not None


@pytest.mark.parametrize(
    ("unavailable", "gap"),
    [
        ("contact.title", "leadership_change: contact.title not provided by the org"),
        ("contact.meddicc_role", "champion_promoted: contact.meddicc_role not provided by the org"),
        ("contact.department", "new_department: contact.department not provided by the org"),
    ],
)
def test_given_an_unmapped_contact_field_when_detected_then_its_rule_is_not_judged(
    unavailable, gap
):
    snap = account(unavailable=frozenset({unavailable}),
                   contacts=(contact("c9", title=None, department=None, created_date=dt_days_ago(3)),))
    signals, gaps = detect(snap)
    assert gap in gaps
