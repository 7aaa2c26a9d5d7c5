"""Portfolio ranking (seed 003 prompt 2) and funnel metrics (seeds 000/001)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from detection.findings import HealthAssessment, Hypothesis
from detection.funnel import (
    AccountRecord,
    FollowUpRecord,
    FunnelMetrics,
    OpportunityRecord,
    SignalLogRecord,
    funnel_metrics,
    render_funnel,
)
from detection.portfolio import (
    ACTION_CONVERSATION,
    ACTION_MONITOR,
    ACTION_NONE,
    ACTION_QBR,
    rank_portfolio,
    render_portfolio,
)
from tests.detection_docs import world
from tests.detection_docs.conftest import check_golden


def _hyp(
    title: str, value: float, pids: tuple[str, ...], approach: str = "cross-sell"
) -> Hypothesis:
    return Hypothesis(
        1, title, approach, pids, value, 0.5, 0.5, 0.5, 0.125, "angle", (), (), ("e",)
    )  # type: ignore[arg-type]


@pytest.fixture
def portfolio(focus_findings):
    snap = world.focus_snapshot()
    weak = replace(
        focus_findings,
        account_id="001WEAK",
        strength="Weak",
        signals=tuple(s for s in focus_findings.signals if s.type == "nps_promoter"),
        hypotheses=(_hyp("Cross-sell: Marketing Hub", 20000, ("01tM",)),),
    )
    quiet = replace(
        focus_findings, account_id="001QUIET", strength="None", signals=(), hypotheses=()
    )
    red = replace(
        focus_findings,
        account_id="001RED",
        strength="None",
        white_space=None,
        health=HealthAssessment(score=48, band="Red", source="org"),
    )
    findings = [weak, focus_findings, quiet, red]
    snaps = {
        "001FOCUS": snap,
        "001WEAK": replace(snap, id="001WEAK", name="Beta Labs", tier="T2", next_qbr_date=None),
        "001QUIET": replace(snap, id="001QUIET", name="Quiet Co", tier="T3"),
        "001RED": replace(snap, id="001RED", name="Red Corp", tier="T1", arr=90000),
    }
    return rank_portfolio(findings, snaps)


def test_given_portfolio_when_ranked_then_readiness_actions_and_order(portfolio):
    by_id = {e.account_id: e for e in portfolio.entries}
    assert [e.account_id for e in portfolio.entries] == ["001FOCUS", "001WEAK", "001QUIET"]
    assert by_id["001FOCUS"].readiness == "High" and by_id["001FOCUS"].action == ACTION_CONVERSATION
    assert by_id["001WEAK"].readiness == "Medium" and by_id["001WEAK"].action == ACTION_MONITOR
    assert by_id["001QUIET"].readiness == "Low" and by_id["001QUIET"].action == ACTION_NONE
    assert portfolio.by_readiness == {"High": 1, "Medium": 1, "Low": 1}


def test_given_overlapping_hypotheses_when_valued_then_bundle_not_double_counted(portfolio):
    focus = next(e for e in portfolio.entries if e.account_id == "001FOCUS")
    assert focus.pipeline_value == 13500 + 20000  # the platform bundle repeats both
    assert focus.expected_value == pytest.approx(33500 * 0.65)
    assert portfolio.total_pipeline_value == 33500 + 20000


def test_given_red_account_when_ranked_then_stabilise_first_and_not_counted(portfolio):
    assert [a.account_id for a in portfolio.at_risk] == ["001RED"]
    assert portfolio.at_risk[0].reasons[0] == "health Red (48)"
    assert "001RED" not in {e.account_id for e in portfolio.entries}


def test_given_medium_t1_with_qbr_when_ranked_then_put_on_qbr_agenda(focus_findings):
    medium = replace(focus_findings, strength="Weak")
    ranking = rank_portfolio([medium], {"001FOCUS": world.focus_snapshot()})
    assert ranking.entries[0].action == ACTION_QBR


def test_given_portfolio_when_rendered_then_matches_golden(portfolio):
    check_golden("portfolio.txt", render_portfolio(portfolio))


def _funnel() -> FunnelMetrics:
    accounts = [
        AccountRecord("A1", "T1", "U1", 100000, 6, True),
        AccountRecord("A2", "T1", "U2", 50000, 2, False),
        AccountRecord("A3", "T2", "U1", 20000, 3, False),
    ]
    signals = [
        SignalLogRecord("A1", "usage_spike", date(2026, 7, 1)),
        SignalLogRecord("A1", "capacity_limit", date(2026, 7, 3)),
        SignalLogRecord("A2", "nps_promoter", date(2026, 8, 10)),
        SignalLogRecord("A3", "new_department", date(2026, 9, 1)),
    ]
    follow_ups = [
        FollowUpRecord("A1", date(2026, 7, 5), 5),
        FollowUpRecord("A2", date(2026, 8, 12), 2),
        FollowUpRecord("A3", date(2026, 9, 3), 4),
    ]
    opps = [
        OpportunityRecord(
            "O1",
            "A1",
            date(2026, 7, 11),
            30000,
            "CS-driven Expansion",
            True,
            True,
            date(2026, 8, 20),
        ),
        OpportunityRecord("O2", "A3", date(2026, 9, 8), 10000, "CS-driven Expansion"),
        OpportunityRecord("O3", "A2", date(2026, 8, 1), 60000, "Outbound"),
    ]
    return funnel_metrics(
        accounts=accounts,
        signals=signals,
        follow_ups=follow_ups,
        opportunities=opps,
        period_start=date(2026, 7, 1),
        period_end=date(2026, 9, 30),
    )


def test_given_records_when_funnel_computed_then_overall_metrics_exact():
    m = _funnel().overall
    assert m.signals == 4 and m.signals_per_month == pytest.approx(4 / (92 / 30.4375), abs=0.01)
    assert m.signal_to_qualified == pytest.approx(3 / 4)  # A2's follow-up has 2 fields
    assert m.qualified == 2 and m.handoffs == 2 and m.qualified_to_handoff == 1.0
    assert m.handoff_to_won == 1.0 and m.avg_expansion_acv == 30000
    assert m.cs_pipeline == 40000 and m.cs_pipeline_share == pytest.approx(0.4)
    assert m.days_signal_to_handoff == pytest.approx((10 + 7) / 2)
    assert m.days_handoff_to_close == 40
    assert m.qbr_execution_rate == 0.5 and m.multi_thread_depth == pytest.approx(11 / 3)
    assert m.expansion_vs_acv == pytest.approx(30000 / 170000)
    assert m.signals_by_month == (("2026-07", 2), ("2026-08", 1), ("2026-09", 1))


def test_given_records_when_funnel_computed_then_sliced_by_tier_and_owner():
    metrics = _funnel()
    assert set(metrics.by_tier) == {"T1", "T2"} and set(metrics.by_owner) == {"U1", "U2"}
    assert metrics.by_owner["U1"].handoffs == 2 and metrics.by_owner["U2"].handoffs == 0
    assert metrics.by_tier["T2"].qbr_execution_rate is None  # no T1 account in the slice
    assert "how usage splits among the active users needs per-user usage" in (
        metrics.not_detectable[0])


def test_given_funnel_when_rendered_then_matches_golden():
    check_golden("funnel.txt", render_funnel(_funnel(), {"U1": "Jane Doe", "U2": "Ravi Shah"}))


def test_given_active_users_when_funnel_computed_then_seat_activation_and_adoption_risk():
    accounts = [AccountRecord("A1", "T1", "U1", 100000, 6, True, 40.0, 100.0, 0),
                AccountRecord("A2", "T2", "U1", 20000, 3, False, 5.0, 50.0, 1),
                AccountRecord("A3", "T2", "U2", 20000, 3, False)]  # no Active_Users__c
    metrics = funnel_metrics(accounts=accounts, signals=[], follow_ups=[], opportunities=[],
                             period_start=date(2026, 8, 1), period_end=date(2026, 10, 31))
    assert metrics.overall.seat_activation == 45 / 150
    assert metrics.overall.adoption_risk_accounts == 1
    assert metrics.by_owner["U2"].seat_activation is None
    text = render_funnel(metrics)
    assert "Active users / licensed seats  30%" in text
    assert "Accounts at adoption risk      1\n" in text
