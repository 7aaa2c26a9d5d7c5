from datetime import timedelta

import pytest

from detection.documents.handoff import Qualification
from plays import fields as F
from plays.handoff import plan_handoff
from plays.periodic import DigestLine, sla_escalations, stalled, weekly_digests
from tests.plays.builders import NOW, findings, follow_up_task, hypothesis, snapshot

QUAL = dict(qual_pain="Manual reporting", qual_metrics="Save 10h/week", qual_timeline="Q1",
            qual_decision_maker="Ana Lee (VP Finance)", qual_budget="Approved")


@pytest.mark.parametrize(("filled", "expected_writes"), [(3, 0), (4, 6), (5, 6)])
def test_given_n_qualification_fields_when_planned_then_handoff_only_from_four(filled, expected_writes):
    names = list(QUAL)[:filled]
    fu = follow_up_task(**{name: QUAL[name] for name in names})
    assert Qualification.from_task(fu).filled() == filled
    plan = plan_handoff(snapshot(), findings(hypotheses=[hypothesis()]), fu, NOW,
                        estimated_deal_size=24000)
    # opportunity + 1 contact role (Ana is decision maker and day-to-day) + the alignment
    # Event and its CS invitee + the CS owner's review of the document + completion
    assert len(plan.writes) == expected_writes


def test_given_qualified_follow_up_when_planned_then_s2_opportunity_keyed_on_the_task():
    fu = follow_up_task(**QUAL)
    plan = plan_handoff(snapshot(), findings(hypotheses=[hypothesis()]), fu, NOW,
                        estimated_deal_size=24000)
    [opp] = [w for w in plan.writes if w.object == "opportunity"]
    assert opp.op == "upsert" and opp.key == f"opp:{fu.id}"
    assert opp.fields[F.OPP_STAGE] == F.STAGE_S2
    assert opp.fields[F.OPP_LEAD_SOURCE] == "CS-driven Expansion"
    assert opp.fields[F.OPP_CLOSE_DATE] == NOW.date() + timedelta(days=45)
    assert opp.fields[F.OPP_AMOUNT] == 24000
    document = opp.fields[F.OPP_DESCRIPTION]
    assert "EXPANSION OPPORTUNITY HANDOFF" in document and "Acme Corp" in document
    assert "$24,000" in document and "Manual reporting" in document
    [ocr] = [w for w in plan.writes if w.object == "opportunity_contact_role"]
    assert ocr.parent_key == opp.key and ocr.fields[F.OCR_IS_PRIMARY] is True
    [complete] = [w for w in plan.writes if w.op == "update"]
    assert complete.record_id == fu.id and complete.fields == {F.TASK_STATUS: "Completed"}
    again = plan_handoff(snapshot(), findings(hypotheses=[hypothesis()]), fu,
                         NOW + timedelta(hours=5), estimated_deal_size=24000)
    assert [w.key for w in again.writes] == [w.key for w in plan.writes]


def test_given_owner_lines_when_digested_then_one_task_per_owner_per_week():
    lines = [DigestLine("005A", "001A", "Beta", "Moderate", "capacity 85%"),
             DigestLine("005A", "001B", "Alpha", "Strong", "2 signals"),
             DigestLine("005B", "001C", "Gamma", "Moderate", "NPS 9")]
    writes = weekly_digests(lines, NOW.date())
    assert [w.fields[F.TASK_OWNER_ID] for w in writes] == ["005A", "005B"]
    body = writes[0].fields[F.TASK_DESCRIPTION]
    assert body.index("Alpha") < body.index("Beta")  # Strong first
    assert writes[0].key == "digest:005A:2026W47"


def test_given_strong_follow_up_open_47_vs_48_hours_when_checked_then_escalated_at_48():
    young = follow_up_task(id="00T5g0000000002AAA", created_date=NOW - timedelta(hours=47))
    old = follow_up_task(id="00T5g0000000003AAA", created_date=NOW - timedelta(hours=48))
    done = follow_up_task(id="00T5g0000000004AAA", created_date=NOW - timedelta(days=9),
                          status="Completed")
    writes = sla_escalations([young, old, done], {}, NOW)
    assert [w.key for w in writes] == ["sla:follow_up:00T5g0000000003AAA"]


def test_given_old_follow_up_and_old_opportunity_when_checked_then_stalled_flags():
    from detection.snapshot import Opportunity
    fu = follow_up_task(created_date=NOW - timedelta(days=15))
    fresh = follow_up_task(id="00T5g0000000009AAA", created_date=NOW - timedelta(days=14))
    opp = Opportunity(id="0065g0000000001AAA", name="Acme — X", stage="S2 - Qualification",
                      is_closed=False, is_won=False, amount=1.0, close_date=None,
                      created_date=NOW - timedelta(days=46), expansion_key="opp:x",
                      account_id="0015g0000000001AAA")
    writes = stalled([fu, fresh], [opp], {}, NOW)
    assert sorted(w.key for w in writes) == [
        "sla:handoff_to_close:0065g0000000001AAA", f"sla:signal_to_handoff:{fu.id}"]


def test_given_handoff_then_alignment_is_a_meeting_of_ae_and_cs_within_two_business_days():
    from datetime import date

    from plays.handoff import add_business_days

    fu = follow_up_task(**QUAL)
    plan = plan_handoff(snapshot(), findings(hypotheses=[hypothesis()]), fu, NOW,
                        estimated_deal_size=24000, cs_owner_name="Jane Doe",
                        ae_name="Alex Morgan")
    [event] = [w for w in plan.writes if w.object == "event"]
    [invite] = [w for w in plan.writes if w.object == "event_relation"]
    assert event.op == invite.op == "create_once" and invite.parent_key == event.key
    assert event.fields[F.EVENT_OWNER_ID] == snapshot().owner_id  # the AE organises
    assert invite.fields[F.EVENT_RELATION_RELATION_ID] == fu.owner_id  # CS is invited
    assert event.fields[F.EVENT_DURATION] == 15
    assert event.fields[F.EVENT_START].date() == add_business_days(NOW.date(), 2)
    assert "Jane Doe introduces Alex Morgan as the specialist" in event.fields[F.EVENT_DESCRIPTION]
    # a Friday handoff meets on Tuesday, not on the weekend
    assert add_business_days(date(2026, 11, 20), 2) == date(2026, 11, 24)
    [review] = [w for w in plan.writes if w.fields.get(F.TASK_RADAR_ACTION) == "handoff_review"]
    assert review.fields[F.TASK_OWNER_ID] == fu.owner_id
    assert "Alex Morgan got the S2 opportunity" in review.fields[F.TASK_DESCRIPTION]


def test_given_confirm_first_when_qualified_then_draft_only_and_handoff_after_the_tick():
    from dataclasses import replace

    from plays.config import PlaysConfig
    from plays.handoff import plan_handoff_draft

    config = PlaysConfig(handoff_mode="confirm_first")
    fu = follow_up_task(**QUAL)
    args = (snapshot(), findings(hypotheses=[hypothesis()]))
    assert plan_handoff(*args, fu, NOW, config, estimated_deal_size=24000).writes == []
    [draft] = plan_handoff_draft(*args, fu, NOW, config, estimated_deal_size=24000,
                                 cs_owner_name="Jane Doe").writes
    assert draft.fields[F.TASK_RADAR_ACTION] == "handoff_review"
    text = draft.fields[F.TASK_DESCRIPTION]
    assert "tick Handoff Confirmed" in text and "EXPANSION OPPORTUNITY HANDOFF" in text
    confirmed = replace(fu, handoff_confirmed=True)
    assert plan_handoff_draft(*args, confirmed, NOW, config, estimated_deal_size=24000).writes == []
    plan = plan_handoff(*args, confirmed, NOW, config, estimated_deal_size=24000,
                        cs_owner_name="Jane Doe")
    [opp] = [w for w in plan.writes if w.object == "opportunity"]
    assert "CS review: confirmed by Jane Doe before the handoff." in opp.fields[F.OPP_DESCRIPTION]
    # no second review request: CS already read it
    assert not [w for w in plan.writes if w.fields.get(F.TASK_RADAR_ACTION) == "handoff_review"]


def test_given_ae_qualifies_play02_alert_then_same_handoff_as_cs():
    fu = follow_up_task(radar_action="play02_alert", owner_id="0055g00000000AEAAA", **QUAL)
    plan = plan_handoff(snapshot(), findings(hypotheses=[hypothesis()]), fu, NOW,
                        estimated_deal_size=24000)
    [opp] = [w for w in plan.writes if w.object == "opportunity"]
    assert opp.key == f"opp:{fu.id}" and opp.fields[F.OPP_STAGE] == F.STAGE_S2
    # the AE owns the alignment; the CS owner of the account is the invitee
    [invite] = [w for w in plan.writes if w.object == "event_relation"]
    assert invite.fields[F.EVENT_RELATION_RELATION_ID] == snapshot().csm_id


def test_given_daily_cadence_then_one_digest_per_owner_per_day_with_due_dates_and_no_handed_off():
    from datetime import date

    from plays.periodic import signal_digests

    lines = [DigestLine("005A", "001A", "Beta", "Moderate", "Seats at 85%.", due=date(2026, 11, 20)),
             DigestLine("005A", "001B", "Alpha", "Strong", "2 signals", due=date(2026, 11, 20)),
             DigestLine("005A", "001D", "Delta", "Strong", "asked for seats", handed_off=True),
             DigestLine("005B", "001C", "Gamma", "Weak", "NPS 9")]
    writes = signal_digests(lines, NOW.date(), owner_names={"005A": "Jane Doe"})
    [digest] = writes  # Weak lines and handed-off accounts are not listed; 005B has none left
    assert digest.key == f"digest:005A:{NOW.date().isoformat()}"
    assert digest.fields[F.TASK_SUBJECT] == "Daily expansion digest: 2 accounts"
    body = digest.fields[F.TASK_DESCRIPTION]
    assert body.startswith("Jane, here are your expansion signals to review (today")
    assert "- [Strong] Alpha: 2 signals. Due 2026-11-20." in body
    assert "- [Moderate] Beta: Seats at 85%. Due 2026-11-20." in body
    assert "Delta" not in body


def test_given_missed_sla_then_the_managers_task_names_the_owner_once_per_follow_up():
    from plays.periodic import sla_escalations as escalate

    old = follow_up_task(id="00T5g0000000003AAA", created_date=NOW - timedelta(hours=50))
    cs = old.owner_id
    [write] = escalate([old], {old.what_id: "Acme Corp"}, NOW, managers={cs: "005MGR"},
                       user_names={cs: "Jane Doe"})
    assert write.fields[F.TASK_OWNER_ID] == "005MGR"  # not back to the person who missed it
    text = write.fields[F.TASK_DESCRIPTION]
    assert text.startswith("Jane Doe has not followed up the Strong signal at Acme Corp")
    assert "00T" not in text
    [fallback] = escalate([old], {}, NOW, escalation_user="005ESC")
    assert fallback.fields[F.TASK_OWNER_ID] == "005ESC" and fallback.key == write.key


def test_given_a_clock_jump_then_stalled_flags_are_capped_per_owner_per_day_and_never_repeated():
    items = [follow_up_task(id=f"00T5g00000000{i:02d}AAA",
                            created_date=NOW - timedelta(days=20 + i)) for i in range(10)]
    first = stalled(items, [], {}, NOW)
    assert len(first) == 3  # the three oldest of one owner, not ten at once
    assert first[0].key == "sla:signal_to_handoff:00T5g0000000009AAA"
    second = stalled(items, [], {}, NOW + timedelta(days=1),
                     already_flagged=frozenset(w.key for w in first))
    assert len(second) == 3 and not {w.key for w in second} & {w.key for w in first}


def test_given_owner_rankings_then_one_quarterly_action_list_per_owner_named_and_clean():
    from detection.portfolio import AccountAssessment, rank_assessments, render_portfolio
    from plays.periodic import portfolio_action_lists
    from tests.corpus.rules import findings as rule_findings

    def assessed(aid, name, readiness, value, risk=()):
        return AccountAssessment(aid, name, "T2", 50_000.0, readiness, "Strong signals",
                                 "Cross-sell: Data Connector", value, 0.65,
                                 "Schedule an expansion conversation", risk)

    ranking = rank_assessments([assessed("001A", "Acme", "High", 30_000.0),
                                assessed("001B", "Beta", "Medium", 20_000.0),
                                assessed("001C", "Gamma", "Low", 0.0, ("health 55 (Red)",))])
    text = render_portfolio(ranking, top=10)
    [write] = portfolio_action_lists({"005A": ("001A", "Acme", text)}, NOW.date(),
                                     {"005A": "Jane Doe"})
    assert write.key == "portfolio:005A:2026Q4" and write.fields[F.TASK_OWNER_ID] == "005A"
    body = write.fields[F.TASK_DESCRIPTION]
    assert body.startswith("Jane, here is your expansion plan for 2026 Q4")
    assert body.index("1. Acme") < body.index("2. Beta") and "Gamma" in body  # Gamma: stabilise
    assert list(rule_findings(body)) == []
