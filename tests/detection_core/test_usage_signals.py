"""usage_spike, capacity_limit and new_use_case at their boundaries (signal-rules.md)."""

from __future__ import annotations

import pytest

from tests.detection_core.builders import account, usage
from tests.detection_core.helpers import of_type


def _flat_history(prev: float, cur: float, tier: str = "T2", before: float | None = None,
                  licensed: float | None = None):
    """Months M-5..M-2 at ``before`` (default: prev), then prev in M-1 and cur in M."""
    before = prev if before is None else before
    rows = [usage(f"u{k}", k, before, licensed=licensed) for k in range(-5, -1)]
    rows += [usage("u-1", -1, prev, licensed=licensed), usage("u0", 0, cur, licensed=licensed)]
    return account(tier=tier, usage=tuple(rows))


@pytest.mark.parametrize(
    ("prev", "cur", "fires"),
    [
        (1000, 1299, False),  # 29.9%
        (1000, 1300, True),  # 30% exactly (ratio tolerance)
        (10, 13, True),  # no licensed units: the 10-unit floor met exactly
        (9, 20, False),  # below the floor
        (1000, 2000, True),
    ],
)
def test_given_month_over_month_growth_when_detected_then_spike_follows_the_30_percent_rule(
    prev, cur, fires
):
    assert bool(of_type(_flat_history(prev, cur), "usage_spike")) is fires


@pytest.mark.parametrize(
    ("licensed", "prev", "cur", "fires"),
    [
        (100, 50, 70, True),  # a 100-seat customer going 50 -> 70 active seats (+40%)
        (3, 1, 2, False),  # 3 seats, 1 -> 2: below the 10-unit floor
        (100, 20, 26, True),  # 20% of 100 licensed, met exactly
        (100, 19, 25, False),  # +32%, but under 20% of the licensed seats
        (3000, 599, 800, False),  # a large entitlement: the base is 600
        (3000, 600, 780, True),
        (30, 10, 13, True),  # 20% of 30 is 6: the floor of 10 applies
        (30, 9, 12, False),
    ],
)
def test_given_licensed_units_when_detected_then_the_spike_base_scales_with_the_customer(
    licensed, prev, cur, fires
):
    snap = _flat_history(prev, cur, licensed=licensed)
    assert bool(of_type(snap, "usage_spike")) is fires


def test_given_a_scaled_base_when_a_spike_fires_then_the_evidence_says_how_the_base_was_set():
    [spike] = of_type(_flat_history(50, 70, licensed=100), "usage_spike")
    assert "previous >= 20 (20% of 100 licensed, at least 10)" in spike.evidence.threshold


def test_given_a_spike_when_ratio_below_1_5_and_no_rise_then_not_a_clear_pattern():
    snap = _flat_history(1000, 1400, before=1200)  # M-2 1200 > M-1 1000: not rising
    [spike] = of_type(snap, "usage_spike")
    assert spike.clear_pattern is False


@pytest.mark.parametrize(
    ("before", "prev", "cur", "clear"),
    [
        (1000, 1000, 1500, True),  # ratio 1.5
        (1000, 1000, 1499, False),  # ratio < 1.5, M-1 == M-2: not two rising months
        (900, 1000, 1300, True),  # two rising months
    ],
)
def test_given_a_spike_when_classified_then_clear_pattern_by_ratio_or_two_rising_months(
    before, prev, cur, clear
):
    [spike] = of_type(_flat_history(prev, cur, before=before), "usage_spike")
    assert spike.clear_pattern is clear


def _quarters(earlier: float, recent: float, tier: str):
    """Three months at ``earlier`` then three at ``recent`` (flat month over month)."""
    rows = [usage(f"e{k}", k, earlier / 3) for k in (-5, -4, -3)]
    rows += [usage(f"r{k}", k, recent / 3) for k in (-2, -1, 0)]
    return account(tier=tier, usage=tuple(rows))


@pytest.mark.parametrize(
    ("tier", "earlier", "recent", "fires"),
    [
        ("T1", 3000, 3900, True),  # +30% quarter over quarter
        ("T1", 3000, 3897, False),  # +29.9%
        ("T1", 27, 60, False),  # earlier sum below the floor of 30 (no licensed units)
        ("T1", 30, 39, True),
        ("T2", 3000, 6000, False),  # quarter over quarter only for T1 (Play 02)
    ],
)
def test_given_quarter_over_quarter_growth_when_t1_then_spike(tier, earlier, recent, fires):
    assert bool(of_type(_quarters(earlier, recent, tier), "usage_spike")) is fires


def test_given_usage_in_the_current_month_when_detected_then_it_is_ignored():
    rows = (usage("a", -1, 1000), usage("b", 0, 1000), usage("c", 1, 5000))
    assert of_type(account(usage=rows), "usage_spike") == []


@pytest.mark.parametrize(
    ("used", "licensed", "fires", "clear"),
    [
        (79, 100, False, False),
        (80, 100, True, False),
        (89, 100, True, False),
        (90, 100, True, True),
        (120, 100, True, True),
        (50, 0, False, False),  # no licence: not judged as a ratio
    ],
)
def test_given_utilisation_when_detected_then_capacity_limit_at_80_and_clear_at_90(
    used, licensed, fires, clear
):
    snap = account(usage=(usage("u", 0, used, licensed=licensed),))
    found = of_type(snap, "capacity_limit")
    assert bool(found) is fires
    if fires:
        assert found[0].clear_pattern is clear
        assert found[0].episode == "p-core:2026-09"


def test_given_capacity_only_in_the_previous_month_when_detected_then_no_signal():
    snap = account(usage=(usage("u", -1, 95, licensed=100), usage("v", 0, 50, licensed=100)))
    assert of_type(snap, "capacity_limit") == []


@pytest.mark.parametrize(
    ("months", "fires", "clear", "start"),
    [
        ({0: 10}, True, False, "2026-09"),  # first real use in M
        ({0: 9.9}, False, False, None),  # below the real-usage floor
        ({-1: 10, 0: 12}, True, True, "2026-08"),  # sustained two months
        ({-1: 10, 0: 2}, True, False, "2026-08"),  # started in M-1, not sustained
        ({-3: 10, 0: 50}, False, False, None),  # real usage within 3 months before M
        ({-4: 10, 0: 50}, True, False, "2026-09"),  # 4 months before: quiet enough
        ({-4: 10, -1: 50, 0: 60}, False, False, None),  # M-4 is within 3 months of M-1
        ({-3: 5, -2: 9, 0: 40}, True, False, "2026-09"),  # rows below 10 count as none
    ],
)
def test_given_usage_history_when_detected_then_new_use_case_after_three_quiet_months(
    months, fires, clear, start
):
    rows = tuple(usage(f"u{k}", k, v, product="p-analytics", feature="Exports")
                 for k, v in months.items())
    found = of_type(account(usage=rows), "new_use_case")
    assert bool(found) is fires
    if fires:
        assert found[0].clear_pattern is clear
        assert found[0].episode == f"p-analytics:Exports:{start}"


def test_given_a_spike_when_detected_then_evidence_names_the_numbers_and_rows():
    snap = _flat_history(1000, 1350)
    [spike] = of_type(snap, "usage_spike")
    summary = spike.evidence.summary
    assert "Core Platform" in summary and "1,000" in summary and "1,350" in summary
    assert "35%" in summary and "Aug 2026" in summary and "Sep 2026" in summary
    assert {"u-1", "u0"} <= set(spike.evidence.source_ids)
    assert dict(spike.evidence.values)["ratio"] == 1.35
    assert spike.evidence.window == "2026-08 vs 2026-09"
    assert "1.30" in spike.evidence.threshold
    assert spike.evidence.change_since_last_scan is None  # no PriorScan given
    assert spike.product_id == "p-core"


def test_given_features_when_detected_then_each_feature_is_its_own_series():
    rows = (
        usage("a1", -1, 1000, feature="A"), usage("a0", 0, 1300, feature="A"),
        usage("b1", -1, 1000, feature="B"), usage("b0", 0, 1000, feature="B"),
        usage("n1", -1, 1000), usage("n0", 0, 1300),
    )
    episodes = {s.episode for s in of_type(account(usage=rows), "usage_spike")}
    assert episodes == {"p-core:A:2026-09", "p-core::2026-09"}


def test_given_no_row_two_months_back_when_spiking_then_not_two_rising_months():
    snap = account(usage=(usage("a", -1, 1000), usage("b", 0, 1400)))
    [spike] = of_type(snap, "usage_spike")
    assert spike.clear_pattern is False


def test_given_a_blank_feature_when_detected_then_it_is_the_product_series():
    rows = (usage("a", -1, 1000, feature=" "), usage("b", 0, 1300, feature=None))
    [spike] = of_type(account(usage=rows), "usage_spike")
    assert spike.episode == "p-core::2026-09"
