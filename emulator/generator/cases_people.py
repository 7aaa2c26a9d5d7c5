"""Boundary cases on NPS, contacts (new departments, leaders, champions, threading) and
signals recorded by CS."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.generator import catalog
from emulator.generator.context import fmt_date
from emulator.generator.plants import move_activity
from emulator.generator.specs import Apply, Scenario

if TYPE_CHECKING:
    from emulator.generator.draft import Draft

PRAISE = catalog.NPS_COMMENTS_HIGH[0]


def _nps(score: int, comment: str | None, days: int) -> Apply:
    def apply(d: Draft) -> None:
        d.account.update({"NPS_Score__c": score, "NPS_Comment__c": comment,
                          "NPS_Date__c": fmt_date(d.ctx.day(days))})
    return apply


def _person(d: Draft) -> tuple[str, str]:
    return d.rng.choice(catalog.FIRST_NAMES), d.rng.choice(catalog.LAST_NAMES)


def _uncontracted(d: Draft) -> str:
    return next(x for x in catalog.DEPARTMENTS if x not in d.contracted)


def _new_dept(*created: int) -> Apply:
    def apply(d: Draft) -> None:
        dept = _uncontracted(d)
        for days in created:
            d.contact(*_person(d), "Business Analyst", dept, days)
    return apply


def _dept_activity(days: int, service: bool = False) -> Apply:
    def apply(d: Draft) -> None:
        contact = d.contact(*_person(d), "Business Analyst", _uncontracted(d), 400)
        d.task(days, "Intro call", contact["Id"], radar_action="follow_up" if service else None)
    return apply


def _dept_spelling(d: Draft) -> None:
    d.contact(*_person(d), "Business Analyst", f"  {d.contracted[0].lower()} ", 5)


def _no_contracted(d: Draft) -> None:
    d.account["Contracted_Departments__c"] = None
    d.contact(*_person(d), "Business Analyst", "Legal", 5)


def _leader(title: str, days: int) -> Apply:
    return lambda d: d.contact(*_person(d), title, d.contracted[0], days)


def _promote(old: str, new: str, days: int, champion: bool = True) -> Apply:
    def apply(d: Draft) -> None:
        contact = d.champion if champion else d.records["Contact"][2]
        contact["Title"] = new
        d.history("ContactHistory", contact["Id"], "Title", old, new, days)
    return apply


def _cs(signal: str, days: int | None, service: bool = False, created: int | None = None) -> Apply:
    def apply(d: Draft) -> None:
        d.task(days, catalog.CS_SIGNAL_SUBJECTS[signal], None, kind="Other", signal_type=signal,
               radar_action="follow_up" if service else None, created_days=created)
    return apply


def _thread(days: list[int], left: int | None = None) -> Apply:
    """Contact k's activities all on ``days[k]`` days ago; the others' 150 days ago."""
    def apply(d: Draft) -> None:
        today = fmt_date(d.ctx.today)
        for k, contact in enumerate(d.records["Contact"]):
            target = days[k] if k < len(days) else 150
            mine = [a for obj in ("Task", "Event") for a in d.records[obj] if a["WhoId"] == contact["Id"]]
            for activity in mine:
                if activity["ActivityDate"] and activity["ActivityDate"] > today:
                    activity["WhoId"] = None
                else:
                    move_activity(d, activity, target)
        if left is not None:
            d.records["Contact"][left]["Left_Company__c"] = True
    return apply


def _non_champion_left(d: Draft) -> None:
    d.records["Contact"][2]["Left_Company__c"] = True


def _nps_case(name: str, tier: str, score: int, comment: str | None, days: int, fires: bool,
              strength: str) -> Scenario:
    return Scenario(name, {"nps_promoter": fires, "strength": strength}, _nps(score, comment, days),
                    {"tier": tier})


def _departed(name: str, how: str, arrival: str | None) -> Scenario:
    return Scenario(name, {"champion_departed": True, "strength": "None"}, None,
                    {"departed": (how, arrival)})


PEOPLE_CASES: tuple[Scenario, ...] = (
    _nps_case("nps_9_with_comment", "T2", 9, PRAISE, 10, True, "Moderate"),
    _nps_case("nps_8_non_t1_ignored", "T2", 8, PRAISE, 10, False, "None"),
    _nps_case("nps_8_t1", "T1", 8, PRAISE, 10, True, "Weak"),
    _nps_case("nps_7_t1_ignored", "T1", 7, PRAISE, 10, False, "None"),
    _nps_case("nps_9_blank_comment_ignored", "T2", 9, "   ", 10, False, "None"),
    _nps_case("nps_9_blank_comment_t1", "T1", 9, None, 10, True, "Weak"),
    _nps_case("nps_10_dated_90_days_ago", "T2", 10, PRAISE, 90, True, "Moderate"),
    _nps_case("nps_10_dated_91_days_ago", "T2", 10, PRAISE, 91, False, "None"),
    Scenario("new_dept_contact_29_days", {"new_department": True, "strength": "Weak"}, _new_dept(29)),
    Scenario("new_dept_contact_30_days", {"new_department": True, "strength": "Weak"}, _new_dept(30)),
    Scenario("new_dept_contact_31_days", {"new_department": False}, _new_dept(31)),
    Scenario("new_dept_two_contacts_clear", {"new_department": True, "strength": "Moderate"}, _new_dept(10, 12)),
    Scenario("new_dept_activity_20_days", {"new_department": True, "strength": "Weak"}, _dept_activity(20)),
    Scenario("new_dept_activity_31_days", {"new_department": False}, _dept_activity(31)),
    Scenario("new_dept_service_task_ignored", {"new_department": False}, _dept_activity(5, service=True)),
    Scenario("new_dept_case_and_spaces_are_contracted", {"new_department": False}, _dept_spelling),
    Scenario("new_dept_not_judged_without_contracted", {"new_department": False}, _no_contracted),
    Scenario("leader_created_89_days", {"leadership_change": True, "strength": "Weak"}, _leader("VP Operations", 89)),
    Scenario("leader_created_90_days", {"leadership_change": True}, _leader("VP Operations", 90)),
    Scenario("leader_created_91_days", {"leadership_change": False}, _leader("VP Operations", 91)),
    Scenario("leader_head_of_not_senior", {"leadership_change": False}, _leader("Head of Sales", 10)),
    Scenario("leader_chief_of_staff", {"leadership_change": True}, _leader("Chief of Staff", 10)),
    Scenario("leader_ciso", {"leadership_change": True}, _leader("CISO", 20)),
    Scenario("leader_vice_president_words", {"leadership_change": True}, _leader("Vice President, Finance", 20)),
    Scenario("promo_champion_90_days", {"champion_promoted": True, "strength": "Weak"},
             _promote("Operations Manager", "Director of Operations", 90)),
    Scenario("promo_champion_91_days", {"champion_promoted": False},
             _promote("Operations Manager", "Director of Operations", 91)),
    Scenario("promo_senior_manager_to_senior_director", {"champion_promoted": True},
             _promote("Senior Manager, IT", "Senior Director, IT", 15)),
    Scenario("promo_non_champion_ignored", {"champion_promoted": False},
             _promote("Analyst", "Director of Finance", 10, champion=False)),
    Scenario("promo_lateral_ignored", {"champion_promoted": False},
             _promote("Director of Sales", "Director of Marketing", 10)),
    Scenario("promo_demotion_ignored", {"champion_promoted": False},
             _promote("VP of Sales", "Director of Sales", 10)),
    Scenario("cs_reference_offer_30_days", {"reference_offer": True, "strength": "Moderate"},
             _cs("reference_offer", 30)),
    Scenario("cs_reference_offer_31_days", {"reference_offer": False}, _cs("reference_offer", 31)),
    Scenario("cs_direct_request_strong", {"direct_request": True, "strength": "Strong"}, _cs("direct_request", 5)),
    Scenario("cs_qbr_mention_recent", {"qbr_mention": True, "strength": "Moderate"}, _cs("qbr_mention", 12)),
    Scenario("cs_written_by_service_ignored", {"qbr_mention": False}, _cs("qbr_mention", 5, service=True)),
    Scenario("cs_no_activity_date_uses_created", {"business_event": True, "strength": "Moderate"},
             _cs("business_event", None, created=10)),
    _departed("champion_left", "left", None),
    _departed("champion_email_bounced", "bounced", None),
    _departed("champion_left_arrives_by_email", "left", "email"),
    _departed("champion_bounced_arrives_by_linkedin", "bounced", "linkedin"),
    _departed("champion_left_arrives_by_name", "left", "name"),
    Scenario("non_champion_left_ignored", {"champion_departed": False}, _non_champion_left),
    Scenario("thin_2_active_contacts", {"thin_threading": True}, _thread([10, 20]), {"n_contacts": 4}),
    Scenario("thin_3_active_contacts", {"thin_threading": False}, _thread([10, 20, 30]), {"n_contacts": 5}),
    Scenario("thin_activity_90_days_counts", {"thin_threading": False}, _thread([10, 20, 90]), {"n_contacts": 5}),
    Scenario("thin_activity_91_days_too_old", {"thin_threading": True}, _thread([10, 20, 91]), {"n_contacts": 5}),
    Scenario("thin_left_contact_not_active", {"thin_threading": True}, _thread([10, 20, 30], left=2),
             {"n_contacts": 5}),
)
