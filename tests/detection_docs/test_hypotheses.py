"""Ranked hypotheses: evidence x revenue x timing, approaches, contacts and red flags."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detection.findings import HealthAssessment, Routing
from detection.hypotheses import explain_score, rank_hypotheses, timing_breakdown
from detection.whitespace import build_white_space_map
from tests.detection_docs import world
from tests.detection_docs.conftest import partial


def _rank(ws, top=3, **overrides):
    return rank_hypotheses(
        world.focus_snapshot(), partial(ws, **overrides), world.CTX, world.NOW, top=top
    )


def test_given_focus_when_ranked_then_top_three_by_score_with_breakdown(focus_map):
    hyps = _rank(focus_map)
    assert [h.rank for h in hyps] == [1, 2, 3]
    assert [h.title for h in hyps] == [
        "Cross-sell: Data Connector",
        "Cross-sell: Marketing Hub",
        "Platform: 4-product bundle adding Marketing Hub + Data Connector",
    ]
    scores = [h.score for h in hyps]
    assert scores == sorted(scores, reverse=True)
    for h in hyps:
        assert h.score == pytest.approx(
            h.evidence_score * h.revenue_score * h.timing_score, abs=1e-4
        )
        assert explain_score(h).endswith(f"= {h.score:.3f}")


def test_given_every_approach_when_ranked_then_each_is_represented(focus_map):
    approaches = {h.approach for h in _rank(focus_map, top=10)}
    assert approaches == {"cross-sell", "platform", "upsell"}
    signals = tuple(s for s in world.focus_signals() if s.type != "new_department") + (
        replace(world.focus_signals()[2], department="Legal"),  # matches no product
    )
    hyps = _rank(focus_map, top=10, signals=signals)
    land = [h for h in hyps if h.approach == "land & expand"]
    assert land and land[0].title == "Land & expand: Analytics Cloud for Legal"
    assert land[0].estimated_value == 30000  # Analytics ACV over 1 contracted department
    assert land[0].contacts[0] == "003M"


def test_given_upsell_when_ranked_then_rests_on_capacity_and_upgrade_room(focus_map):
    upsell = next(h for h in _rank(focus_map, top=10) if h.approach == "upsell")
    assert upsell.estimated_value == 6000
    assert "Analytics Cloud at 92% of 50 units: +10 units ≈ $6,000" in upsell.evidence
    assert "Analytics Cloud units used 46/50 (92%) in 2026-10" in upsell.evidence


def test_given_focus_when_ranked_then_contacts_and_red_flags_listed(focus_map):
    top = _rank(focus_map)
    marketing = next(h for h in top if h.title == "Cross-sell: Marketing Hub")
    assert marketing.contacts == ("003M", "003C", "003E")
    assert top[0].red_flags == (
        '1 open high-priority case: "Dashboard outage"',
        "Competitor mentioned: Gainsight named in case 500H on 2026-10-30",
    )


def test_given_risks_when_ranked_then_flags_name_them(focus_map):
    stakeholders = replace(
        world.focus_stakeholders(), champions=(), thin_threading=True, active_contacts=2
    )
    health = HealthAssessment(score=64, band="Yellow", source="org")
    flags = _rank(focus_map, stakeholders=stakeholders, health=health)[0].red_flags
    assert "Health is Yellow (64)" in flags
    assert "No active champion on record" in flags
    assert "Thin threading: 2 active contacts" in flags


@pytest.mark.parametrize(
    ("drop", "expected"),
    [
        ((), 1.0),
        (("renewal_window",), 0.75),
        (("qbr_upcoming",), 0.8),
        (("renewal_window", "qbr_upcoming"), 0.55),
    ],
)
def test_given_timing_signals_when_scored_then_timing_adds_up(drop, expected):
    signals = tuple(s for s in world.focus_signals() if s.type not in drop)
    score, parts = timing_breakdown(signals, world.focus_health(), world.focus_stakeholders())
    assert score == pytest.approx(expected)
    assert parts[0] == "base 0.20"


def test_given_renewal_rescue_or_no_map_when_ranked_then_no_hypotheses(focus_map):
    rescue = Routing(play="renewal_rescue", reason="Red")
    assert _rank(focus_map, routing=rescue) == ()
    assert _rank(focus_map, white_space=None) == ()


_SIGNALS = world.focus_signals()


@settings(max_examples=60, deadline=None)
@given(
    owned=st.lists(st.sampled_from(["01tA", "01tW", "01tM", "01tS"]), min_size=1, unique=True),
    used=st.integers(0, 60),
    signals=st.lists(st.sampled_from(range(len(_SIGNALS))), unique=True),
    industry=st.sampled_from(["Software", "Healthcare", "Retail", None]),
    employees=st.sampled_from([None, 50, 650, 3000, 9000]),
)
def test_given_any_account_when_ranked_then_every_hypothesis_has_evidence(
    benchmark, owned, used, signals, industry, employees
):
    snap = replace(
        world.focus_snapshot(),
        industry=industry,
        employees=employees,
        opportunities=(world._won("006H", [(p, 50, 500) for p in owned], date(2026, 6, 1)),),
        usage=tuple(world._usage("h", owned[0], [(date(2026, 10, 1), used, 50)])),
    )
    sigs = tuple(_SIGNALS[i] for i in sorted(signals))
    ws = build_white_space_map(snap, world.CTX, benchmark, sigs, world.NOW)
    assert ws.total_addressable == sum(c.estimated_acv or 0 for c in ws.cells)
    assert ws.potential <= ws.total_addressable
    hyps = rank_hypotheses(snap, partial(ws, signals=sigs), world.CTX, world.NOW)
    assert len(hyps) <= 3
    for h in hyps:
        assert h.evidence and all(line.strip() for line in h.evidence)
        assert 0 <= h.evidence_score <= 1 and 0 <= h.revenue_score <= 1
        assert 0 <= h.timing_score <= 1
    assert [h.score for h in hyps] == sorted((h.score for h in hyps), reverse=True)
