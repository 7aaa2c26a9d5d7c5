"""truth.py's reading of docs/signal-rules.md, on hand-made records at every boundary."""

from __future__ import annotations

import pytest

from emulator.generator import catalog
from emulator.generator.truth import Truth, band_of, compute_truth, mentions, seniority

from .conftest import SEATS, STORAGE, TODAY, Records, day, stamp

ANALYTICS = catalog.PRODUCT_BY_KEY[2].id
CONNECTORS = catalog.PRODUCT_BY_KEY[7].id


def truth(r: Records) -> Truth:
    return compute_truth(r.data, catalog.PRODUCTS, TODAY)


def clear_of(t: Truth, signal: str) -> bool:
    return any(f.clear for f in t.findings if f.signal == signal)


def test_given_a_quiet_account_when_judged_then_no_signal_and_green_none() -> None:
    t = truth(Records())
    assert (t.signals, t.strength, t.band, t.play, t.readiness) == ([], "None", "Green", "none", "None")


@pytest.mark.parametrize(("previous", "latest", "licensed", "fires"), [
    (1000, 1300, None, True), (1000, 1299, None, False), (10, 13, None, True), (9, 12, None, False),
    (100, 130, 500, True), (99, 129, 500, False), (50, 70, 100, True), (19, 25, 100, False),
    (1, 2, 3, False)])
def test_given_month_over_month_usage_when_judged_then_spike_needs_130_percent_and_a_scaled_base(
        previous: int, latest: int, licensed: float | None, fires: bool) -> None:
    r = Records()
    r.usage(STORAGE, {3: previous * 1.05, 2: previous, 1: latest}, licensed=licensed)
    t = truth(r)
    assert ("usage_spike" in t.signals) is fires
    if fires:
        assert t.strength == "Weak" and not clear_of(t, "usage_spike")


@pytest.mark.parametrize(("values", "clear"), [
    ({3: 1050, 2: 1000, 1: 1500}, True), ({3: 1050, 2: 1000, 1: 1490}, False),
    ({3: 1000, 2: 1010, 1: 1320}, True)])
def test_given_a_spike_when_ratio_15_or_two_rising_months_then_clear(values: dict, clear: bool) -> None:
    r = Records()
    r.usage(STORAGE, values)
    t = truth(r)
    assert clear_of(t, "usage_spike") is clear
    assert t.strength == ("Moderate" if clear else "Weak")


def test_given_a_spike_only_in_the_current_month_when_judged_then_ignored() -> None:
    r = Records()
    r.usage(STORAGE, {5: 1000, 4: 1000, 3: 1000, 2: 1000, 1: 1000, 0: 5000})
    assert truth(r).signals == []


@pytest.mark.parametrize(("tier", "last", "earlier_first", "fires"), [
    ("T1", 434, 333, True), ("T1", 433, 333, False), ("T2", 434, 333, False)])
def test_given_quarter_over_quarter_growth_when_tier_one_then_spike_at_130_percent(
        tier: str, last: int, earlier_first: int, fires: bool) -> None:
    r = Records(Tier__c=tier)
    r.usage(STORAGE, {6: earlier_first, 5: 333, 4: 334, 3: 433, 2: 433, 1: last})
    assert ("usage_spike" in truth(r).signals) is fires


def test_given_quarter_over_quarter_when_earlier_quarter_below_20_percent_of_licensed_then_ignored(
) -> None:
    low, enough = Records(Tier__c="T1"), Records(Tier__c="T1")
    low.usage(STORAGE, {6: 99, 5: 100, 4: 100, 3: 130, 2: 130, 1: 130}, licensed=500)
    enough.usage(STORAGE, {6: 100, 5: 100, 4: 100, 3: 130, 2: 130, 1: 130}, licensed=500)
    assert "usage_spike" not in truth(low).signals
    assert "usage_spike" in truth(enough).signals


@pytest.mark.parametrize(("used", "fires", "clear"), [(79, False, False), (80, True, False), (89, True, False),
                                                      (90, True, True)])
def test_given_utilisation_when_judged_then_capacity_at_80_and_clear_at_90(used: int, fires: bool,
                                                                           clear: bool) -> None:
    r = Records()
    r.usage(SEATS, {2: used - 5, 1: used}, licensed=100)
    t = truth(r)
    assert ("capacity_limit" in t.signals) is fires
    assert clear_of(t, "capacity_limit") is clear


def test_given_high_utilisation_only_before_m_when_judged_then_no_capacity() -> None:
    r = Records()
    r.usage(SEATS, {5: 70, 4: 70, 3: 70, 2: 95, 1: 70}, licensed=100)
    assert truth(r).signals == []


@pytest.mark.parametrize(("values", "fires", "clear"), [
    ({1: 40}, True, False), ({2: 40, 1: 45}, True, True), ({3: 40, 2: 45, 1: 50}, False, False),
    ({1: 9}, False, False), ({5: 9, 4: 9, 3: 9, 2: 9, 1: 40}, True, False),
    ({6: 40, 2: 40, 1: 45}, True, True), ({5: 40, 2: 40, 1: 45}, False, False)])
def test_given_a_feature_series_when_usage_starts_then_new_use_case_after_three_quiet_months(
        values: dict, fires: bool, clear: bool) -> None:
    r = Records()
    r.usage(ANALYTICS, values, feature="Embedded Views")
    t = truth(r)
    assert ("new_use_case" in t.signals) is fires
    assert clear_of(t, "new_use_case") is clear


@pytest.mark.parametrize(("tier", "score", "comment", "age", "fires", "clear"), [
    ("T2", 9, "Great", 10, True, True), ("T2", 8, "Great", 10, False, False), ("T1", 8, "Great", 10, True, False),
    ("T1", 7, "Great", 10, False, False), ("T2", 9, "  ", 10, False, False), ("T1", 9, None, 10, True, False),
    ("T2", 10, "Great", 90, True, True), ("T2", 10, "Great", 91, False, False)])
def test_given_an_nps_answer_when_judged_then_promoter_per_tier_comment_and_age(
        tier: str, score: int, comment: str | None, age: int, fires: bool, clear: bool) -> None:
    t = truth(Records(Tier__c=tier, NPS_Score__c=score, NPS_Comment__c=comment, NPS_Date__c=day(age)))
    assert ("nps_promoter" in t.signals) is fires
    assert clear_of(t, "nps_promoter") is clear


@pytest.mark.parametrize(("created", "fires"), [(29, True), (30, True), (31, False)])
def test_given_a_new_contact_outside_contracted_departments_when_created_within_30_days_then_new_department(
        created: int, fires: bool) -> None:
    r = Records()
    r.contact(dept="Legal", created=created, activity=None)
    assert ("new_department" in truth(r).signals) is fires


def test_given_two_new_contacts_in_one_new_department_then_clear() -> None:
    r = Records()
    r.contact(dept="Legal", created=5, activity=None)
    r.contact(dept=" legal", created=6, activity=None)
    assert clear_of(truth(r), "new_department")


def test_given_an_old_contact_in_a_new_department_when_active_then_counts_unless_service_wrote_it() -> None:
    human, service, late = Records(), Records(), Records()
    for r, days, action in ((human, 30, None), (service, 5, "follow_up"), (late, 31, None)):
        contact = r.contact(dept="Legal", activity=None)
        r.task(days, WhoId=contact["Id"], Radar_Action__c=action)
    assert "new_department" in truth(human).signals
    assert "new_department" not in truth(service).signals
    assert "new_department" not in truth(late).signals


def test_given_department_spelling_or_no_contracted_departments_then_no_new_department() -> None:
    spelled = Records()
    spelled.contact(dept="  sales ", created=3)
    unjudged = Records(Contracted_Departments__c=None)
    unjudged.contact(dept="Legal", created=3)
    assert truth(spelled).signals == [] and truth(unjudged).signals == []


@pytest.mark.parametrize(("rows", "now", "fires"), [
    ([(1000, 1200, 100)], 1200, True), ([(1000, 1190, 100)], 1190, False),
    ([(1000, 1100, 365), (1100, 1300, 100)], 1300, False), ([(800, 1000, 400), (1000, 1250, 50)], 1250, True),
    ([], 5000, False)])
def test_given_employee_history_when_judged_then_growth_vs_value_365_days_ago(rows: list, now: int,
                                                                            fires: bool) -> None:
    r = Records(NumberOfEmployees=now)
    for old, new, days in rows:
        r.add("AccountHistory", AccountId=r.account["Id"], Field="NumberOfEmployees", OldValue=str(old),
              NewValue=str(new), CreatedDate=stamp(days))
    assert ("org_growth" in truth(r).signals) is fires


@pytest.mark.parametrize(("title", "created", "fires"), [
    ("VP of Sales", 89, True), ("VP of Sales", 90, True), ("VP of Sales", 91, False), ("Head of Sales", 5, False),
    ("Chief of Staff", 5, True), ("CISO", 5, True), ("Vice President, Finance", 5, True), ("SVP Sales", 5, True),
    ("Director of Cocoa", 5, False), ("President", 5, True), ("Coordinator", 5, False)])
def test_given_a_new_contact_when_title_is_senior_then_leadership_change(title: str, created: int,
                                                                         fires: bool) -> None:
    r = Records()
    r.contact(title=title, created=created)
    assert ("leadership_change" in truth(r).signals) is fires


@pytest.mark.parametrize(("title", "rank"), [
    ("CEO", 7), ("Chief of Staff", 7), ("SVP Sales", 6), ("VP Sales", 5), ("Head of IT", 5),
    ("Senior Director, IT", 4), ("Sr. Director", 4), ("Director of IT", 3), ("Senior Manager", 2),
    ("Manager", 1), ("Team Lead", 1), ("Analyst", 0), (None, 0)])
def test_given_a_title_then_seniority_rank_follows_the_rules_table(title: str | None, rank: int) -> None:
    assert seniority(title) == rank


@pytest.mark.parametrize(("subject", "product", "age", "fires"), [
    ("Pricing", CONNECTORS, 59, True), ("Pricing", CONNECTORS, 60, True), ("Pricing", CONNECTORS, 61, False),
    ("Do you support SAML?", None, 5, True), ("Nightly backups are slow", None, 5, False),
    ("Would Backup Vault help?", None, 5, True), ("Legacy Reports export", catalog.INACTIVE_PRODUCT.id, 5, False),
    ("Collaboration Suite: cannot log in", SEATS, 5, False)])
def test_given_a_case_when_about_an_unowned_active_product_then_support_request(
        subject: str, product: str | None, age: int, fires: bool) -> None:
    r = Records()
    r.add("Case", Subject=subject, Description="", Product__c=product, CreatedDate=stamp(age))
    t = truth(r)
    assert ("support_request_unpurchased" in t.signals) is fires
    assert t.strength == ("Moderate" if fires else "None")


@pytest.mark.parametrize(("closed_days", "fires"), [(365, False), (366, True)])
def test_given_a_product_bought_long_ago_when_a_case_names_it_then_owned_only_within_365_days(
        closed_days: int, fires: bool) -> None:
    r = Records()
    old = r.add("Opportunity", StageName="Closed Won", IsWon=True, IsClosed=True, CloseDate=day(closed_days))
    r.line(CONNECTORS, 10, 300.0, old)
    r.add("Case", Subject="Sync jobs stuck", Product__c=CONNECTORS, CreatedDate=stamp(5))
    assert ("support_request_unpurchased" in truth(r).signals) is fires


@pytest.mark.parametrize(("days", "action", "fires"), [(30, None, True), (31, None, False), (3, "follow_up", False)])
def test_given_a_cs_recorded_task_when_recent_and_human_then_signal(days: int, action: str | None,
                                                                   fires: bool) -> None:
    r = Records()
    r.task(days, Expansion_Signal_Type__c="reference_offer", Radar_Action__c=action)
    t = truth(r)
    assert ("reference_offer" in t.signals) is fires
    assert t.strength == ("Moderate" if fires else "None")


def test_given_a_cs_task_without_activity_date_then_created_date_counts() -> None:
    r = Records()
    task = r.task(None, Expansion_Signal_Type__c="business_event")
    task["CreatedDate"] = stamp(10)
    assert "business_event" in truth(r).signals


def test_given_a_direct_request_alone_then_strong() -> None:
    r = Records()
    r.task(2, Expansion_Signal_Type__c="direct_request")
    assert truth(r).strength == "Strong"


@pytest.mark.parametrize(("old", "new", "days", "champion", "fires"), [
    ("Sales Manager", "Director of Sales", 90, True, True), ("Sales Manager", "Director of Sales", 91, True, False),
    ("Director of Sales", "Director of Marketing", 5, True, False), ("VP Sales", "Director of Sales", 5, True, False),
    ("Analyst", "Director of Sales", 5, False, False)])
def test_given_a_title_change_when_a_champion_rises_within_90_days_then_promoted(
        old: str, new: str, days: int, champion: bool, fires: bool) -> None:
    r = Records()
    contact = r.champion if champion else r.data["Contact"][-1]
    r.add("ContactHistory", ContactId=contact["Id"], Field="Title", OldValue=old, NewValue=new,
          CreatedDate=stamp(days))
    assert ("champion_promoted" in truth(r).signals) is fires


@pytest.mark.parametrize(("field", "ahead", "fires"), [
    ("Renewal_Date__c", 180, True), ("Renewal_Date__c", 181, False), ("Renewal_Date__c", 0, True),
    ("Renewal_Date__c", -1, False), ("Next_QBR_Date__c", 30, True), ("Next_QBR_Date__c", 31, False)])
def test_given_a_date_ahead_when_inside_the_window_then_timing_signal(field: str, ahead: int, fires: bool) -> None:
    signal = "renewal_window" if field == "Renewal_Date__c" else "qbr_upcoming"
    t = truth(Records(**{field: day(-ahead)}))
    assert (signal in t.signals) is fires
    assert t.strength == "None"  # timing never counts toward strength


@pytest.mark.parametrize(("changes", "fires"), [
    ([(89, 80, 10)], False), ([(90, 80, 10)], True), ([(100, 80, 31)], False), ([(90, 80, 30)], True),
    ([(91, 85, 20), (85, 80, 5)], True), ([(75, 90, 25), (90, 80, 3)], False)])
def test_given_health_history_when_dropped_10_since_30_days_ago_then_decline(changes: list, fires: bool) -> None:
    r = Records(Health_Score__c=80)
    for old, new, days in changes:
        r.add("AccountHistory", AccountId=r.account["Id"], Field="Health_Score__c", OldValue=str(old),
              NewValue=str(new), CreatedDate=stamp(days))
    assert ("health_decline" in truth(r).signals) is fires


def test_given_a_champion_who_left_or_bounced_then_departed_and_not_an_active_champion() -> None:
    left, bounced, other = Records(Tier__c="T1"), Records(), Records()
    left.champion["Left_Company__c"] = True
    bounced.champion["EmailBouncedDate"] = stamp(300)
    other.data["Contact"][-1]["Left_Company__c"] = True
    assert "champion_departed" in truth(left).signals and not truth(left).play02_eligible
    assert "champion_departed" in truth(bounced).signals
    assert "champion_departed" not in truth(other).signals


@pytest.mark.parametrize(("activities", "fires"), [
    ([10, 20, 30, None], False), ([10, 20, None, None], True), ([10, 20, 90, None], False),
    ([10, 20, 91, None], True)])
def test_given_contact_activity_when_fewer_than_3_active_then_thin_threading(activities: list, fires: bool) -> None:
    r = Records()
    for contact, last in zip(r.data["Contact"], activities, strict=True):
        contact["LastActivityDate"] = None if last is None else day(last)
    assert ("thin_threading" in truth(r).signals) is fires


def test_given_activity_by_who_id_or_a_departed_contact_then_thin_threading_counts_correctly() -> None:
    r = Records()
    contacts = r.data["Contact"]
    for contact in contacts:
        contact["LastActivityDate"] = None
    r.task(40, WhoId=contacts[0]["Id"])
    r.add("Event", ActivityDate=day(80), WhoId=contacts[1]["Id"])
    contacts[2].update(LastActivityDate=day(3), Left_Company__c=True)
    assert "thin_threading" in truth(r).signals  # two active: the departed one does not count
    r.task(5, WhoId=contacts[3]["Id"])
    assert "thin_threading" not in truth(r).signals


@pytest.mark.parametrize(("kind", "age", "text", "fires"), [
    ("case", 90, "Evaluating Gainsight", True), ("case", 91, "Evaluating Gainsight", False),
    ("case", 5, "Growth catalysts", False), ("task", 30, "ChurnZero pitched", True),
    ("service", 5, "Totango mentioned", False)])
def test_given_a_competitor_named_in_cases_or_tasks_then_competitive_threat(kind: str, age: int, text: str,
                                                                           fires: bool) -> None:
    r = Records()
    if kind == "case":
        r.add("Case", Subject="Renewal", Description=text, CreatedDate=stamp(age))
    else:
        r.task(age, Subject="Call notes", Description=text,
               Radar_Action__c="competitive_threat" if kind == "service" else None)
    assert ("competitive_threat" in truth(r).signals) is fires


@pytest.mark.parametrize(("stage", "created", "fires"), [
    ("Needs Analysis", 200, True), ("Closed Lost", 200, False), ("Closed Lost", 60, True)])
def test_given_an_opportunity_competitor_when_open_or_recent_then_competitive_threat(stage: str, created: int,
                                                                                    fires: bool) -> None:
    r = Records()
    opp = r.add("Opportunity", StageName=stage, IsClosed=stage.startswith("Closed"), IsWon=False,
                CloseDate=day(-10), CreatedDate=stamp(created))
    r.add("OpportunityCompetitor", OpportunityId=opp["Id"], CompetitorName="Vitally")
    assert ("competitive_threat" in truth(r).signals) is fires


@pytest.mark.parametrize(("prior", "age", "strength"), [
    ("usage_spike", 13, "Strong"), ("usage_spike", 14, "Strong"), ("usage_spike", 15, "Weak"),
    ("leadership_change", 2, "Weak")])
def test_given_a_weak_signal_and_an_earlier_logged_one_when_within_14_days_then_strong(
        prior: str, age: int, strength: str) -> None:
    r = Records()
    r.contact(title="VP of Sales", created=40)
    r.task(age, Radar_Action__c="signal_log", Expansion_Signal_Type__c=prior)
    assert truth(r).strength == strength


def test_given_only_an_earlier_logged_signal_then_none() -> None:
    r = Records()
    r.task(3, Radar_Action__c="signal_log", Expansion_Signal_Type__c="usage_spike")
    assert (truth(r).strength, truth(r).signals) == ("None", [])


@pytest.mark.parametrize(("score", "band"), [(70, "Green"), (69.9, "Yellow"), (60, "Yellow"), (59.9, "Red"),
                                             (None, "Unknown")])
def test_given_a_health_score_then_band(score: float | None, band: str) -> None:
    assert band_of(score) == band


@pytest.mark.parametrize(("tier", "health", "signal", "play", "strength"), [
    ("T2", 59, True, "renewal_rescue", "None"), ("T2", 69, False, "renewal_rescue", "None"),
    ("T1", 69, True, "play02", "Weak"), ("T2", 70, True, "play04", "Weak"), ("T2", 70, False, "none", "None")])
def test_given_health_tier_and_signals_then_routing(tier: str, health: int, signal: bool, play: str,
                                                    strength: str) -> None:
    r = Records(Tier__c=tier, Health_Score__c=health)
    if signal:
        r.contact(title="CFO", created=10)
    t = truth(r)
    assert (t.play, t.strength) == (play, strength)
    assert t.play04_eligible is (play == "play04")


def test_given_a_t1_account_when_potential_is_wide_and_champion_active_then_play02_eligible() -> None:
    narrow = Records(Tier__c="T1", NumberOfEmployees=3000)
    full = Records(Tier__c="T1", NumberOfEmployees=3000)
    for product in catalog.ACTIVE_PRODUCTS[1:]:
        full.line(product.id, product.typical_units(3000), product.list_price)
    assert truth(narrow).potential_ratio >= 1 and truth(narrow).play02_eligible and truth(narrow).play == "play02"
    assert truth(full).potential_ratio == 0 and not truth(full).play02_eligible and truth(full).play == "none"


def test_given_text_then_mentions_match_whole_words_case_insensitively() -> None:
    assert mentions("We like GAINSIGHT.", "Gainsight") and mentions("api-based", "API")
    assert not mentions("catalysts", "Catalyst") and not mentions(None, "x")
