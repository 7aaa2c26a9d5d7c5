from datetime import timedelta

import pytest

from detection.documents.handoff import Qualification
from plays import fields as F
from plays.handoff import plan_handoff
from plays.periodic import DigestLine, sla_escalations, stalled, weekly_digests
from tests.plays.builders import NOW, findings, follow_up_task, hypothesis, snapshot

QUAL = dict(qual_pain="Manual reporting", qual_metrics="Save 10h/week", qual_timeline="Q1",
            qual_decision_maker="Ana Lee (VP Finance)", qual_budget="Approved")


@pytest.mark.parametrize(("filled", "expected_writes"), [(3, 0), (4, 5), (5, 5)])
def test_given_n_qualification_fields_when_planned_then_handoff_only_from_four(filled, expected_writes):
    names = list(QUAL)[:filled]
    fu = follow_up_task(**{name: QUAL[name] for name in names})
    assert Qualification.from_task(fu).filled() == filled
    plan = plan_handoff(snapshot(), findings(hypotheses=[hypothesis()]), fu, NOW,
                        estimated_deal_size=24000)
    # opportunity + 1 contact role (Ana is decision maker and day-to-day) + alignment + the CS
    # owner's review of the document + completion
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
