"""The handoff Opportunity carries the customer's ask (type, amount, its arithmetic) and each
qualification field in the MEDDICC field it means (issue 15)."""

from __future__ import annotations

import pytest

from detection.deal_sizing import DealSize
from detection.meddicc import describes_process, map_meddicc
from plays import fields as F
from plays.handoff import plan_handoff
from tests.plays.builders import NOW, findings, follow_up_task, hypothesis, snapshot

QUAL = dict(qual_pain="Manual reporting eats two days a month", qual_metrics="Close books 2 days faster",
            qual_timeline="Decision by end of Q1", qual_decision_maker="Ana Lee (VP Finance)",
            qual_budget="about $15K")
DEAL = DealSize("01tA", "Analytics Cloud", "Upsell", 15000.0,
                "50 seats x $300 contract price = $15,000; CS budget 'about $15K'", True)


def _opportunity(**qual):
    plan = plan_handoff(snapshot(), findings(hypotheses=[hypothesis()]), follow_up_task(**qual),
                        NOW, estimated_deal_size=99999, deal=DEAL)
    [opp] = [w for w in plan.writes if w.object == "opportunity"]
    return opp.fields


def test_given_a_sized_deal_when_handed_off_then_type_amount_and_arithmetic_on_the_opportunity():
    fields = _opportunity(**QUAL)
    assert fields[F.OPP_TYPE] == "Upsell" and fields[F.OPP_AMOUNT] == 15000
    assert fields[F.OPP_NAME] == "Acme Corp — Upsell: Analytics Cloud"
    document = fields[F.OPP_DESCRIPTION]
    assert "EXPANSION TYPE: Upsell" in document
    assert "ESTIMATED DEAL SIZE: $15,000" in document
    assert ("Amount basis: 50 seats x $300 contract price = $15,000; CS budget 'about $15K'"
            in document)


def test_given_qualification_when_handed_off_then_each_field_lands_in_its_meddicc_field():
    fields = _opportunity(**QUAL)
    assert fields[F.OPP_PAIN] == QUAL["qual_pain"]
    assert fields[F.OPP_METRICS] == QUAL["qual_metrics"]
    assert fields[F.OPP_DECISION_PROCESS] == "Timeline: Decision by end of Q1"
    assert "Ana Lee" in fields[F.OPP_ECONOMIC_BUYER]
    # budget is not a MEDDICC letter: it sizes the amount, never fills Decision Criteria
    assert fields[F.OPP_DECISION_CRITERIA] is None
    assert all("15K" not in (fields[f] or "") for f in (
        F.OPP_METRICS, F.OPP_PAIN, F.OPP_ECONOMIC_BUYER, F.OPP_DECISION_PROCESS))


@pytest.mark.parametrize(("text", "process"), [
    ("CFO signs off after procurement review", True), ("Board approval needed", True),
    ("Ana Lee, VP Finance", False), ("the Head of IT", False)])
def test_given_decision_maker_text_when_read_then_process_told_from_person(text, process):
    assert describes_process(text) is process


def test_given_a_process_and_no_matching_contact_when_mapped_then_process_not_economic_buyer():
    fields = map_meddicc(pain=None, metrics=None, timeline="Q2",
                         decision_maker="CFO signs off after procurement review",
                         economic_buyer_contact=None, champion=None)
    assert fields.economic_buyer is None
    assert fields.decision_process == ("Timeline: Q2; Approval: CFO signs off after procurement"
                                       " review")
    assert fields.decision_criteria is None
