"""The documents: golden files, seed layouts, determinism and the never-sent rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from detection.documents import (
    Qualification,
    account_plan,
    engagement_calendar,
    handoff_document,
    outreach_draft,
    peer_benchmark_lines,
    pick_handoff_contacts,
    qbr_agenda,
    value_story,
)
from detection.snapshot import Activity
from tests.detection_docs import world
from tests.detection_docs.conftest import check_golden

QUAL = Qualification(
    pain="Manual ETL takes two days a month",
    metrics="Daily data refresh for the ops dashboards",
    timeline="This quarter",
    decision_maker="Lee Park signs off",
    budget=None,
)
USERS = {"005AE": "Alex Morgan", "005CS": "Jane Doe"}


def _handoff(findings) -> str:
    snap = world.focus_snapshot()
    return handoff_document(
        snap,
        findings,
        qualification=QUAL,
        contacts=pick_handoff_contacts(snap, findings.stakeholders),
        deal_size=13500,
        handoff_date=date(2026, 11, 2),
        cs_owner_name="Jane Doe",
        account_since=2021,
        last_qbr=date(2026, 8, 20),
        key_wins=("Cut weekly report preparation from three days to two hours",),
    )


def _all_documents(findings, benchmark) -> dict[str, str]:
    snap = world.focus_snapshot()
    return {
        "handoff.txt": _handoff(findings),
        "value_story.txt": value_story(snap, findings, benchmark, world.NOW),
        "qbr_agenda.txt": qbr_agenda(snap, findings, benchmark, world.NOW),
        "account_plan.txt": account_plan(snap, findings, world.NOW, user_names=USERS),
        "outreach.txt": outreach_draft(
            snap,
            findings,
            findings.hypotheses[0],
            snap.contacts[0],
            ae_name="Alex Morgan",
            now=world.NOW,
            meeting_date=date(2026, 11, 12),
        ),
    }


@pytest.mark.parametrize(
    "name", ["handoff.txt", "value_story.txt", "qbr_agenda.txt", "account_plan.txt", "outreach.txt"]
)
def test_given_focus_account_when_documented_then_matches_golden(name, focus_findings, benchmark):
    check_golden(name, _all_documents(focus_findings, benchmark)[name])


def test_given_same_input_when_documented_twice_then_identical_and_soft_wrapped(
    focus_findings, benchmark
):
    first = _all_documents(focus_findings, benchmark)
    assert first == _all_documents(focus_findings, benchmark)
    for text in first.values():
        # one line per paragraph or bullet: Salesforce wraps to the window, so no line may
        # continue a sentence begun on the line before it
        assert not [line for line in text.splitlines() if line.strip()[:1].islower()]
        assert text.endswith("\n") and not text.endswith("\n\n")


def test_given_handoff_when_written_then_seed_001_sections_in_order(focus_findings):
    text = _handoff(focus_findings)
    order = [
        "EXPANSION OPPORTUNITY HANDOFF",
        "Account: Acme Robotics | Tier: T1",
        "Current ACV: $38,000 | Health Score: 82",
        "CS Owner: Jane Doe | Handoff Date: 2026-11-02",
        "EXPANSION TYPE: Cross-sell (Data Connector)",
        "SIGNAL DETECTED:",
        "CUSTOMER NEED:",
        "KEY CONTACTS:",
        "ESTIMATED DEAL SIZE: $13,500",
        "RELATIONSHIP CONTEXT:",
        "CS RECOMMENDATION:",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert "• Decision Maker: Lee Park, CFO (CS notes: Lee Park signs off)" in text
    assert "• Champion: Dana Kim, VP Operations" in text
    assert "• Day-to-day: Sam Ortiz, Analyst" in text
    assert "• Budget: not confirmed in qualification yet" in text
    assert "• Account relationship since: 2021" in text
    assert "  - Cut weekly report preparation from three days to two hours." in text
    recommendation = text.split("CS RECOMMENDATION:\n", 1)[1]
    assert "Have Dana Kim introduce the AE" in recommendation
    assert "Gainsight" in recommendation  # the competitor named at this account
    assert "[" not in text and "n/a" not in text


def test_given_follow_up_task_when_qualified_then_fields_counted():
    task = Activity(
        "00T1",
        "Task",
        "Follow up",
        None,
        "Open",
        None,
        None,
        qual_pain="p",
        qual_metrics="m",
        qual_timeline=" ",
        qual_budget="b",
    )
    q = Qualification.from_task(task)
    assert q.filled() == 3 and q.timeline == " "


def test_given_peers_when_benchmarked_then_peer_line_excludes_the_account(
    focus_findings, benchmark
):
    snap = world.focus_snapshot()
    mean, n = benchmark.utilisation[("Software", "T1", "01tA")]
    peers = (mean * n - 0.92) / (n - 1)
    line = peer_benchmark_lines(snap, focus_findings, benchmark)[0]
    assert line == (
        f"Same-industry T1 peers (Software, {n - 1} accounts) average {peers * 100:.0f}% "
        f"utilisation of Analytics Cloud; this account 92% (+{(0.92 - peers) * 100:.0f} points)."
    )


def test_given_qbr_agenda_when_written_then_five_timed_sections_and_d7(focus_findings, benchmark):
    text = qbr_agenda(world.focus_snapshot(), focus_findings, benchmark, world.NOW)
    for head in ("1. [10 min]", "2. [10 min]", "3. [15 min]", "4. [10 min]", "5. [5 min]"):
        assert head in text
    assert "materials due D-7 2026-11-17" in text
    assert "Peer benchmark: Same-industry T1 peers" in text


def test_given_account_plan_when_written_then_seed_002_sections(focus_findings):
    text = account_plan(world.focus_snapshot(), focus_findings, world.NOW, user_names=USERS)
    for section in (
        "1. Account health assessment",
        "Risk indicators and red flags:",
        "Relationship strength by stakeholder",
        "2. Customer objectives",
        "3. Expansion opportunities",
        "4. Stakeholder map (MEDDICC)",
        "7. Engagement calendar (next 90 days)",
        "8. Success metrics",
    ):
        assert section in text


def test_given_calendar_when_planned_then_dated_within_90_days_and_sorted(focus_findings):
    today = world.NOW.date()
    items = engagement_calendar(world.focus_snapshot(), focus_findings, today)
    assert items == sorted(items)
    assert all(today <= d <= today + timedelta(days=90) for d, _ in items)
    assert (date(2026, 11, 24), "Quarterly business review") in items
    far = replace(world.focus_snapshot(), next_qbr_date=None, renewal_date=None)
    texts = [t for _, t in engagement_calendar(far, focus_findings, today)]
    assert "Schedule the quarterly business review" in texts
    assert not any("Renewal" in t for t in texts)


def test_given_outreach_when_drafted_then_marked_not_sent_for_the_ae(focus_findings):
    snap = world.focus_snapshot()
    text = outreach_draft(
        snap,
        focus_findings,
        focus_findings.hypotheses[1],
        None,
        ae_name="Alex Morgan",
        now=world.NOW,
    )
    assert text.startswith("DRAFT — NOT SENT\nFor Alex Morgan (AE) to review, edit and send")
    # no contact given: the draft picks one with a first name rather than "Hi [first name],"
    assert "\nHi Robin,\n" in text and "[" not in text  # Robin Hale: the Marketing lead
    questions = [line for line in text.splitlines() if line.lstrip()[:3] in ("1) ", "2) ", "3) ")]
    assert len(questions) == 3
    for part in (
        "1. Pre-meeting email",
        "2. Opening talking points",
        "4. Three discovery questions",
        "5. Follow-up",
    ):
        assert part in text
    assert "Gainsight" not in text  # red flags stay internal
