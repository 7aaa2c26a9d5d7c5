"""Owned products, current ACV, the benchmark and the white-space map's rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from detection.benchmark import BenchmarkBuilder, median, summarize_account
from detection.findings import PortfolioBenchmark
from detection.ownership import current_acv, owned_products, size_band
from detection.snapshot import Asset
from detection.whitespace import build_benchmark, build_white_space_map
from tests.detection_docs import world


def _cell(ws, pid):
    return next(c for c in ws.cells if c.product_id == pid)


@pytest.mark.parametrize(("age", "owned"), [(365, True), (366, False)])
def test_given_won_deal_at_term_boundary_when_owned_then_365_days_inclusive(age, owned):
    snap = world.focus_snapshot()
    closed = world.NOW.date() - timedelta(days=age)
    snap = replace(snap, opportunities=(world._won("006X", [("01tM", 5, 500)], closed),))
    assert ("01tM" in owned_products(snap, world.NOW)) is owned


def test_given_assets_when_owned_then_obsolete_ignored_and_switchable():
    snap = replace(
        world.focus_snapshot(),
        assets=(Asset("02iA", "01tS", 3, "Installed"), Asset("02iB", "01tG", 1, "Obsolete")),
    )
    owned = owned_products(snap, world.NOW)
    assert owned["01tS"].units == 3 and owned["01tS"].acv is None
    assert "01tG" not in owned
    assert "01tS" not in owned_products(snap, world.NOW, use_assets=False)


def test_given_arr_or_not_when_current_acv_then_arr_else_line_items():
    snap = world.focus_snapshot()
    assert current_acv(snap, world.NOW) == 38000
    assert current_acv(replace(snap, arr=None), world.NOW) == 50 * 600 + 20 * 400


@pytest.mark.parametrize(
    ("employees", "band"),
    [
        (None, "size unknown"),
        (199, "1-199 employees"),
        (200, "200-999 employees"),
        (999, "200-999 employees"),
        (1000, "1,000-4,999 employees"),
        (5000, "5,000+ employees"),
    ],
)
def test_given_employees_when_banded_then_boundaries_hold(employees, band):
    assert size_band(employees) == band


def test_given_stream_of_snapshots_or_summaries_when_built_then_same_benchmark():
    peers = world.peer_snapshots()
    builder = BenchmarkBuilder(world.CTX, world.NOW)
    for snap in peers:
        builder.add(snap)
    summaries = [summarize_account(s, world.CTX, world.NOW) for s in peers]
    assert builder.build() == build_benchmark(summaries, world.CTX, world.NOW)
    assert builder.build().accounts == len(peers)


def test_given_focus_when_mapped_then_owned_cells_show_utilisation_and_upgrade(focus_map):
    analytics = _cell(focus_map, "01tA")
    assert analytics.status == "Active"
    assert analytics.utilisation == pytest.approx(0.92)  # Oct, not the incomplete Nov
    assert analytics.upgrade_room == "at 92% of 50 units: +10 units ≈ $6,000"
    assert analytics.estimated_acv == 6000
    workflow = _cell(focus_map, "01tW")
    assert workflow.estimated_acv == 0 and "no upgrade needed" in workflow.upgrade_room
    assert "01tS" not in {c.product_id for c in focus_map.cells if c.status == "Active"}


def test_given_signals_and_peers_when_mapped_then_priorities_carry_reasons(focus_map):
    data = _cell(focus_map, "01tD")
    assert data.priority == "HIGH" and data.priority_reason.startswith("support case: ")
    marketing = _cell(focus_map, "01tM")
    assert marketing.priority == "HIGH" and "new department Marketing" in marketing.priority_reason
    support = _cell(focus_map, "01tS")
    assert support.priority == "MED"
    assert "owners of Workflow Automation also own it" in support.priority_reason
    governance = _cell(focus_map, "01tG")
    assert governance.priority == "LOW" and governance.estimated_acv is None
    assert "01tL" not in {c.product_id for c in focus_map.cells}  # inactive, not owned


def test_given_focus_when_mapped_then_estimates_name_method_and_sample(focus_map, benchmark):
    marketing = _cell(focus_map, "01tM")
    sample = benchmark.acv_by_segment[("Software", "200-999 employees", "01tM")]
    assert marketing.sample_size == len(sample) >= 5
    assert marketing.estimate_method == (
        f"median of {len(sample)} comparable customers (Software, 200-999 employees)"
    )


def test_given_thin_industry_segment_when_estimated_then_same_size_median_says_so(benchmark):
    snap = replace(world.focus_snapshot(), industry="Aerospace")
    ws = build_white_space_map(snap, world.CTX, benchmark, (), world.NOW)
    marketing = _cell(ws, "01tM")
    same_size = benchmark.acv_by_band[("200-999 employees", "01tM")]
    assert len(same_size) >= 5
    assert marketing.sample_size == len(same_size)
    assert marketing.estimated_acv == round(median(same_size))
    assert marketing.estimate_method == (
        f"median of {len(same_size)} customers of the same size (200-999 employees, any "
        "industry; only 0 in Aerospace)"
    )


def test_given_thin_segment_and_size_band_when_estimated_then_portfolio_median_says_so(
        benchmark):
    snap = replace(world.focus_snapshot(), industry="Aerospace", employees=None)
    ws = build_white_space_map(snap, world.CTX, benchmark, (), world.NOW)
    marketing = _cell(ws, "01tM")
    owners = benchmark.acv_by_product["01tM"]
    assert marketing.sample_size == len(owners)
    assert marketing.estimate_method.startswith(
        f"median of {len(owners)} owners across the portfolio"
    )
    assert "fewer than 5 in Aerospace" in marketing.estimate_method


def test_given_nobody_owns_it_when_estimated_then_list_price_times_largest_seats():
    ws = build_white_space_map(
        world.focus_snapshot(), world.CTX, PortfolioBenchmark(), (), world.NOW
    )
    data = _cell(ws, "01tD")
    assert data.estimated_acv == 900 * 50
    assert data.estimate_method == (
        "list price $900 x 50 units (the account's largest seat count); nobody owns it yet"
    )
    assert data.sample_size == 0


def test_given_any_map_when_totalled_then_addressable_is_sum_and_potential_is_weighted(focus_map):
    assert focus_map.total_addressable == sum(c.estimated_acv or 0 for c in focus_map.cells)
    assert focus_map.current_acv == 38000
    low = sum(c.weighted_acv or 0 for c in focus_map.cells if c.priority == "LOW")
    other = sum(c.weighted_acv or 0 for c in focus_map.cells if c.priority != "LOW")
    assert focus_map.potential == round(other + min(low, focus_map.current_acv))
    for cell in focus_map.cells:
        if cell.weighted_acv is not None:
            chance = {"HIGH": 0.35, "MED": 0.15, "LOW": 0.05}[cell.priority]
            assert (cell.probability, cell.weighted_acv) == (chance, round(cell.estimated_acv * chance))


def test_given_same_input_when_mapped_twice_then_identical_and_ordered(benchmark, focus_map):
    again = build_white_space_map(
        world.focus_snapshot(), world.CTX, benchmark, world.focus_signals(), world.NOW
    )
    assert again == focus_map
    statuses = [c.status for c in focus_map.cells]
    assert statuses == sorted(statuses, key=lambda s: s != "Active")
    priorities = [c.priority for c in focus_map.cells if c.status == "None"]
    assert priorities == sorted(priorities, key=["HIGH", "MED", "LOW"].index)


def test_given_january_scan_when_mapped_then_december_is_the_month():
    snap = replace(
        world.focus_snapshot(),
        usage=tuple(world._usage("j", "01tA", [(date(2026, 12, 1), 10, 50)])),
    )
    now = world.NOW.replace(year=2027, month=1, day=10)
    ws = build_white_space_map(snap, world.CTX, PortfolioBenchmark(), (), now)
    assert _cell(ws, "01tA").utilisation == pytest.approx(0.2)
