"""Funnel rows against the goals of seeds 000/001."""

from __future__ import annotations

from service.admin.presenters import funnel_rows, month_points
from tests.admin.seed import known_funnel


def _row(rows, key):
    return next(r for r in rows if r.key == key)


def test_given_funnel_when_rows_built_then_day_goals_judged_with_their_thresholds() -> None:
    rows = funnel_rows(known_funnel())
    assert (_row(rows, "days_signal_to_handoff").text, _row(rows, "days_signal_to_handoff").met) \
        == ("10.0 days", True)
    assert _row(rows, "days_handoff_to_close").goal == "< 45 days"
    assert _row(rows, "signal_to_qualified").met is False  # 1 of 5 signals = 20% < 30%


def test_given_t1_only_goal_when_overall_then_not_judged_but_t1_slice_is() -> None:
    funnel = known_funnel()
    assert _row(funnel_rows(funnel), "multi_thread_depth").met is None
    t1 = funnel_rows(funnel, funnel.by_tier["T1"], "T1")
    assert _row(t1, "multi_thread_depth").met is True  # 6 active contacts >= 5
    t2 = funnel_rows(funnel, funnel.by_tier["T2"], "T2")
    assert _row(t2, "multi_thread_depth").met is None


def test_given_period_when_months_listed_then_empty_months_are_zero() -> None:
    assert month_points(known_funnel()) == [("Jan 24", 2), ("Feb 24", 1), ("Mar 24", 2)]
