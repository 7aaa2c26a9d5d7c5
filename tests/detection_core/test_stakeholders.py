"""MEDDICC roles, relationship strength, threading and champion moves."""

from __future__ import annotations

from dataclasses import replace

import pytest

from detection.findings import ChampionIndex
from detection.snapshot import ContactRole
from detection.stakeholders import (
    build_champion_index,
    map_stakeholders,
    norm_linkedin,
)
from tests.detection_core.builders import (
    NOW,
    account,
    activity,
    contact,
    days_ago,
    dt_days_ago,
    won,
)


def _role(snap, cid):
    sm = map_stakeholders(snap, now=NOW)
    return next(r for r in sm.roles if r.contact_id == cid)


@pytest.mark.parametrize(
    ("kw", "role", "reason_word"),
    [
        ({"meddicc_role": "Blocker"}, "Blocker", "recorded"),
        ({"meddicc_role": "Champion", "title": "Analyst"}, "Champion", "recorded"),
        ({"meddicc_role": "Economic Buyer", "title": "Analyst"}, "Economic Buyer", "recorded"),
        ({"title": "CFO"}, "Economic Buyer", "CFO"),
        ({"title": "EVP Operations"}, "Economic Buyer", "EVP"),
        ({"title": "VP Finance", "department": "Finance"}, "Economic Buyer", "budget"),
        ({"title": "VP Sales"}, "Decision Maker", "VP Sales"),
        ({"title": "Director of IT"}, "Decision Maker", "Director"),
        ({"title": "Sales Manager"}, "Influencer", "manager"),
        ({"title": "Analyst"}, "End User", "Analyst"),
        ({"title": None}, "End User", "no title"),
        ({"account_roles": ("Executive Sponsor",), "title": "Analyst"}, "Economic Buyer",
         "Executive Sponsor"),
        ({"account_roles": ("Technical Buyer",)}, "Decision Maker", "Technical Buyer"),
        ({"account_roles": ("Evaluator",)}, "Influencer", "Evaluator"),
        ({"account_roles": ("Business User",), "title": "CEO"}, "End User", "Business User"),
        ({"left_company": True, "title": "CEO"}, None, "left"),
    ],
)
def test_given_a_contact_when_mapped_then_role_is_recorded_or_inferred_with_a_reason(
    kw, role, reason_word
):
    snap = account(contacts=(contact("x", **kw),))
    found = _role(snap, "x")
    assert found.role == role
    assert reason_word in found.role_reason


def test_given_an_opportunity_contact_role_when_mapped_then_it_wins_over_the_title():
    opp = replace(won(), contact_roles=(ContactRole("x", "Economic Buyer", True),))
    snap = account(contacts=(contact("x", title="Analyst"),), opportunities=(opp,))
    found = _role(snap, "x")
    assert found.role == "Economic Buyer" and "Deal o1" in found.role_reason


@pytest.mark.parametrize("title", ["Analyst", "Chief Executive Officer", "Team Lead", None])
def test_given_any_contact_without_a_role_then_champion_and_blocker_are_never_inferred(title):
    acts = tuple(activity(f"t{k}", who_id="x", activity_date=days_ago(k)) for k in range(6))
    snap = account(contacts=(contact("x", title=title),), activities=acts,
                   nps_score=10, nps_date=days_ago(3))
    assert _role(snap, "x").role not in ("Champion", "Blocker")


def test_given_frequent_recent_contact_with_a_non_executive_then_coach():
    acts = tuple(activity(f"t{k}", who_id="x", activity_date=days_ago(k * 5)) for k in range(3))
    snap = account(contacts=(contact("x", title="Analyst"),), activities=acts)
    found = _role(snap, "x")
    assert found.role == "Coach" and found.relationship == "Strong"


@pytest.mark.parametrize(
    ("last", "touch_ages", "strength"),
    [
        (None, (1, 10, 20), "Strong"),  # within 30 days and 3 touches
        (None, (1, 10), "Medium"),  # within 30 days, fewer touches
        (None, (40, 60), "Medium"),  # within 90 days and 2 touches
        (None, (40,), "Weak"),  # one touch 40 days ago
        (100, (), "Weak"),
        (180, (), "Weak"),
        (181, (), "None"),
        (None, (), "None"),
        (None, (95, 100, 120), "Weak"),  # touches outside 90 days do not count
    ],
)
def test_given_touches_when_mapped_then_relationship_strength_cut_offs(last, touch_ages, strength):
    acts = tuple(activity(f"t{k}", who_id="x", activity_date=days_ago(a))
                 for k, a in enumerate(touch_ages))
    c = contact("x", last_activity_date=days_ago(last) if last is not None else None)
    assert _role(account(contacts=(c,), activities=acts), "x").relationship == strength


def test_given_contacts_when_mapped_then_active_count_threading_and_champions():
    contacts = (
        contact("a", meddicc_role="Champion"),
        contact("b", last_activity_date=days_ago(200)),
        contact("c", meddicc_role="Champion", left_company=True),
    )
    sm = map_stakeholders(account(contacts=contacts), now=NOW)
    assert sm.active_contacts == 1 and sm.thin_threading is True
    assert sm.champions == ("a",)
    [gone] = sm.departed_champions
    assert gone.contact_id == "c" and "left the company" in gone.reason


def _departed(cid: str = "ch", **kw):
    base = dict(meddicc_role="Champion", left_company=True, first_name="Dana",
                last_name="Reyes", email="dana.reyes@old.com",
                linkedin_url="https://www.linkedin.com/in/dana-reyes/")
    base.update(kw)
    return contact(cid, **base)


@pytest.mark.parametrize(
    ("new_contact_kw", "matched_on"),
    [
        ({"email": "DANA.REYES@old.com"}, "email"),
        ({"email": "dana@new.io", "linkedin_url": "http://linkedin.com/in/Dana-Reyes"},
         "LinkedIn URL"),
        ({"email": "dana@new.io", "first_name": "dana", "last_name": "REYES"},
         "name + new domain"),
        ({"email": "dana@old.com", "first_name": "Dana", "last_name": "Reyes"}, None),  # same domain
        ({"email": "dana@new.io", "first_name": None, "last_name": "Reyes"}, None),  # one name
        ({"email": "someone@new.io"}, None),
    ],
)
def test_given_a_departed_champion_when_the_same_person_is_elsewhere_then_arrival_by_each_kind(
    new_contact_kw, matched_on
):
    old = account(id="001OLD", contacts=(_departed(),))
    kw = {"first_name": "Sam", "last_name": "Other", "linkedin_url": None}
    kw.update(new_contact_kw)
    new = account(id="001NEW", contacts=(contact("n1", **kw),))
    index = build_champion_index([new, old])
    moved = map_stakeholders(old, now=NOW, champion_index=index).departed_champions[0]
    arrived = map_stakeholders(new, now=NOW, champion_index=index).arrived_champions
    if matched_on is None:
        assert moved.new_account_id is None and arrived == ()
    else:
        assert (moved.new_account_id, moved.new_contact_id, moved.matched_on) == (
            "001NEW", "n1", matched_on)
        assert [(a.contact_id, a.new_contact_id, a.matched_on) for a in arrived] == [
            ("ch", "n1", matched_on)]


def test_given_a_plain_champion_index_when_mapped_then_arrivals_are_still_matched():
    index = ChampionIndex(by_email={"dana.reyes@old.com": ("001OLD", "ch")},
                          by_name_domain={"dana reyes|old.com": ("001OLD", "ch")})
    new = account(id="001NEW", contacts=(
        contact("n1", first_name="Dana", last_name="Reyes", email="d@new.io"),))
    [arrived] = map_stakeholders(new, now=NOW, champion_index=index).arrived_champions
    assert arrived.matched_on == "name + new domain" and arrived.new_account_id == "001NEW"


def test_given_a_departed_champion_with_a_new_home_then_the_signal_says_where():
    from tests.detection_core.helpers import of_type

    old = account(id="001OLD", contacts=(_departed(),))
    new = account(id="001NEW", name="Beta Works",
                  contacts=(contact("n1", email="dana.reyes@old.com", title="COO"),))
    index = build_champion_index([old, new])
    [sig] = of_type(old, "champion_departed", champion_index=index)
    # the company by name, never its record id
    assert "at Beta Works (matched on email)" in sig.evidence.summary
    assert "001NEW" not in sig.evidence.summary
    move = index.departures[sig.contact_id]
    assert (move.new_account.name, move.new_title, move.from_account_name) == (
        "Beta Works", "COO", old.name)


@pytest.mark.parametrize(
    ("url", "normal"),
    [("https://www.linkedin.com/in/x/", "linkedin.com/in/x"),
     ("HTTP://LinkedIn.com/in/X", "linkedin.com/in/x"), (" ", None), (None, None)],
)
def test_given_linkedin_urls_when_normalised_then_scheme_www_and_slash_dropped(url, normal):
    assert norm_linkedin(url) == normal


def test_given_no_now_when_mapping_without_facts_then_it_refuses():
    with pytest.raises(ValueError):
        map_stakeholders(account())
    assert dt_days_ago(0) == NOW
