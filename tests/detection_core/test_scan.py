"""scan_account end to end (real white-space and hypotheses modules), and the benchmark."""

from __future__ import annotations

import pytest

from detection.bench import measure, synthetic_context, synthetic_portfolio
from detection.findings import ALL_SIGNALS, WhiteSpaceMap
from detection.scan import scan_account
from detection.signals import signal_order
from detection.snapshot import PriorScan
from detection.stakeholders import build_champion_index
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
    usage,
)


def _busy():
    return account(
        tier="T1", health_score=82, employees=1300,
        history=(history("001A", "account.employees", "900", "1000", 400),),
        usage=(usage("u1", -2, 800), usage("u2", -1, 1000), usage("u3", 0, 1400, licensed=1500)),
        cases=(case("500A", subject="Can we get SSO?"),),
        contacts=account().contacts + (
            contact("c9", title="CTO", department="Engineering", created_date=dt_days_ago(10)),
            contact("ch", meddicc_role="Champion"),
        ),
        activities=(activity("t1", signal_type="qbr_mention", subject="Wants analytics"),),
        nps_score=9, nps_comment="Great support", nps_date=days_ago(5),
    )


def test_given_a_busy_account_when_scanned_then_findings_are_complete_and_ordered():
    findings = scan_account(_busy(), CTX, None, None, None, now=NOW)
    kinds = [s.type for s in findings.signals]
    for expected in ("usage_spike", "capacity_limit", "org_growth", "leadership_change",
                     "support_request_unpurchased", "qbr_mention", "nps_promoter",
                     "new_department"):
        assert expected in kinds, expected
    assert list(findings.signals) == sorted(findings.signals, key=signal_order)
    assert set(kinds) <= set(ALL_SIGNALS)
    assert findings.strength == "Strong"
    assert findings.routing.play == "play04" and findings.routing.readiness == "High"
    assert findings.health.band == "Green"
    assert findings.white_space is not None
    assert len(findings.hypotheses) <= 3
    for signal in findings.signals:
        assert signal.evidence.summary and signal.evidence.source_ids, signal.type


def test_given_the_same_inputs_when_scanned_twice_then_findings_are_identical():
    assert scan_account(_busy(), CTX, None, None, None, now=NOW) == scan_account(
        _busy(), CTX, None, None, None, now=NOW)


@pytest.mark.parametrize(
    ("signal_type", "words"),
    [
        ("usage_spike", ("Core Platform", "1,000", "1,400", "40%")),
        ("capacity_limit", ("1,400", "1,500", "93.33%")),
        ("org_growth", ("1,000", "1,300", "30%")),
        ("leadership_change", ("CTO",)),
        ("support_request_unpurchased", ("Single Sign-On", "SSO")),
        ("nps_promoter", ("NPS 9", "Great support")),
    ],
)
def test_given_a_signal_when_reported_then_its_summary_names_the_numbers(signal_type, words):
    findings = scan_account(_busy(), CTX, None, None, None, now=NOW)
    [sig] = [s for s in findings.signals if s.type == signal_type]
    for word in words:
        assert word in sig.evidence.summary, (word, sig.evidence.summary)
    assert sig.evidence.threshold and sig.evidence.window


def test_given_a_prior_scan_when_scanned_then_evidence_says_what_changed():
    prior = PriorScan(scanned_at=dt_days_ago(7), health_score=95, employees=1200)
    findings = scan_account(_busy(), CTX, prior, None, None, now=NOW)
    growth = next(s for s in findings.signals if s.type == "org_growth")
    assert "employees at the last scan: 1,200" in growth.evidence.change_since_last_scan
    decline = next(s for s in findings.signals if s.type == "health_decline")
    assert "95" in decline.evidence.summary and findings.health.previous_score == 95


@pytest.mark.parametrize(("age", "strength"), [(13, "Strong"), (14, "Strong"), (15, "Weak")])
def test_given_a_signal_log_task_when_scanned_then_priors_within_14_days_make_it_strong(
    age, strength
):
    log = activity("log1", radar_action="signal_log", signal_type="capacity_limit",
                   activity_date=days_ago(age))
    snap = account(employees=1300, activities=(log,),
                   history=(history("001A", "account.employees", "900", "1000", 400),))
    findings = scan_account(snap, CTX, None, None, None, now=NOW)
    assert [s.type for s in findings.signals if s.category == "expansion"] == ["org_growth"]
    assert findings.strength == strength


def test_given_explicit_prior_signals_when_scanned_then_they_replace_the_signal_log():
    log = activity("log1", radar_action="signal_log", signal_type="capacity_limit",
                   activity_date=days_ago(2))
    snap = account(employees=1300, activities=(log,),
                   history=(history("001A", "account.employees", "900", "1000", 400),))
    assert scan_account(snap, CTX, None, None, None, now=NOW, prior_signals=()).strength == "Weak"


def test_given_a_red_account_with_signals_when_scanned_then_rescue_with_no_strength():
    snap = account(health_score=55, usage=(usage("a", -1, 1000), usage("b", 0, 2000)))
    findings = scan_account(snap, CTX, None, None, None, now=NOW)
    assert findings.routing.play == "renewal_rescue"
    assert findings.strength == "None" and findings.routing.readiness == "None"
    assert "usage_spike" in {s.type for s in findings.signals}  # still detected, with evidence
    assert findings.hypotheses == ()


def test_given_missing_org_data_when_scanned_then_not_judged_instead_of_a_guess():
    snap = account(
        employees=None, contracted_departments=(), nps_score=None, nps_date=None,
        renewal_date=None, next_qbr_date=None, health_score=None,
        unavailable=frozenset({"account.employees", "account.nps_score", "account.nps_date",
                               "account.renewal_date", "account.next_qbr_date",
                               "account.contracted_departments", "product_usage"}),
    )
    gaps = scan_account(snap, CTX, None, None, None, now=NOW).not_judged
    for expected in ("org_growth: no employee count",
                     "new_department: no contracted departments recorded",
                     "usage_spike: no product usage data"):
        assert expected in gaps
    assert any(g.startswith("nps_promoter:") for g in gaps)
    assert any(g.startswith("qbr_upcoming:") for g in gaps)


def test_given_seams_when_scanned_then_white_space_and_hypotheses_come_from_them():
    seen = {}

    def fake_ws(snapshot, ctx, benchmark, signals, now):
        seen["signals"] = signals
        return WhiteSpaceMap(account_id=snapshot.id, cells=(), current_acv=100, potential=100)

    def fake_hyp(snapshot, partial, ctx, now):
        seen["partial"] = sorted(partial)
        return ()

    snap = account(tier="T1", contacts=account().contacts + (contact("ch", meddicc_role="Champion"),))
    findings = scan_account(snap, CTX, None, None, None, now=NOW,
                            white_space_builder=fake_ws, hypothesis_ranker=fake_hyp)
    assert findings.routing.play02_eligible is True and findings.routing.play == "play02"
    assert seen["partial"] == ["health", "routing", "signals", "stakeholders", "strength",
                               "white_space"]


def test_given_no_now_when_scanned_then_refused():
    with pytest.raises(ValueError):
        scan_account(account(), CTX, None, None, None)


def test_given_a_small_synthetic_portfolio_when_measured_then_figures_are_reported():
    ctx = synthetic_context()
    snaps = synthetic_portfolio(60, ctx)
    result = measure(snaps, ctx)
    assert result["accounts"] == 60 and result["accounts_per_s"] > 0
    assert result["signals"] > 0
    index = build_champion_index(snaps)
    findings = [scan_account(s, ctx, None, None, index, now=NOW) for s in snaps]
    assert len({f.account_id for f in findings}) == 60
