"""The shortcuts that keep detection fast give exactly the answers of the plain paths."""

from __future__ import annotations

from dataclasses import replace

from detection.bench import measure, synthetic_context, synthetic_portfolio
from detection.config import DEFAULT_CONFIG
from detection.findings import PortfolioBenchmark
from detection.ownership import latest_complete_month, month_usage, usage_by_product
from detection.signals.contacts import contracted_departments
from detection.signals.facts import ScanFacts
from detection.signals.usage import usage_series
from detection.snapshot import Asset, LineItem
from detection.whitespace import build_benchmark, build_white_space_map
from detection.whitespace_cells import plain_missing_cells
from tests.detection_core.builders import CTX, NOW, PRODUCTS, account, usage, won


def _mixed_usage_account():
    """Whole-product rows, feature rows, several rows a month, an Asset, a missing price."""
    rows = (
        usage("u1", 0, 120, licensed=100),
        usage("u2", 0, 30, licensed=50),  # a second whole row in the same month: summed
        usage("u3", 0, 40, product="p-analytics", feature="dashboards", licensed=60),
        usage("u4", 0, 15, product="p-analytics", feature="reports", licensed=20),
        usage("u5", -1, 90, licensed=100),
        usage("u6", 0, 7, product="p-sso", licensed=0),
    )
    item = LineItem(id="o2-li", product_id="p-sso", quantity=4, unit_price=5.0,
                    total_price=None)
    return account(
        usage=rows,
        opportunities=(won(), replace(won("o2", product="p-sso"), line_items=(item,))),
        assets=(Asset(id="as1", product_id="p-analytics", quantity=3.0, status="Installed"),),
    )


def test_given_grouped_month_rows_when_summed_then_equal_to_month_usage():
    snap = _mixed_usage_account()
    facts = ScanFacts(snap, CTX, None, DEFAULT_CONFIG, NOW)
    usage_series(facts)
    from_facts = usage_by_product(facts.month_rows)
    plain = month_usage(snap, latest_complete_month(NOW.date()))
    assert from_facts == plain
    assert repr(from_facts) == repr(plain)  # same types too (int vs float sums)
    assert plain["p-core"].usage == 150 and plain["p-analytics"].usage == 55


def test_given_scan_facts_when_white_space_built_then_same_map_as_without():
    snap = _mixed_usage_account()
    benchmark = build_benchmark([snap, account(id="001B")], CTX, NOW)
    facts = ScanFacts(snap, CTX, None, DEFAULT_CONFIG, NOW)
    with_facts = build_white_space_map(snap, CTX, benchmark, (), NOW, facts=facts)
    without = build_white_space_map(snap, CTX, benchmark, (), NOW)
    assert repr(with_facts) == repr(without)


CHANCES = {"HIGH": 0.35, "MED": 0.15, "LOW": 0.05}


def test_given_product_nobody_owns_when_seat_counts_differ_then_estimates_differ():
    active = tuple(p for p in PRODUCTS if p.is_active)
    by_id = {p.id: p for p in PRODUCTS}
    benchmark = PortfolioBenchmark()  # nobody owns anything: list price x seats

    def cells(seats: float):
        return plain_missing_cells(active, by_id, benchmark, "Software", "200-999 employees",
                                   ("p-core",), lambda: (seats, "why"), 5, 0.5, CHANCES)

    ten, twenty = cells(10.0), cells(20.0)
    assert {c.product_id: c.estimated_acv for c in ten} == {"p-analytics": 500.0,
                                                            "p-sso": 200.0}
    assert {c.product_id: c.estimated_acv for c in twenty} == {"p-analytics": 1000.0,
                                                               "p-sso": 400.0}
    assert cells(10.0) is ten  # remembered per seat count


def test_given_peer_estimates_when_seat_counts_differ_then_cells_shared():
    peers = [account(id=f"001P{i}", opportunities=(won(product="p-analytics"),
                                                   won("o2", product="p-sso")))
             for i in range(6)]
    benchmark = build_benchmark(peers, CTX, NOW)
    active = tuple(p for p in PRODUCTS if p.is_active)
    by_id = {p.id: p for p in PRODUCTS}
    asked = []

    def seats(n: float):
        def ask():
            asked.append(n)
            return n, "why"
        return ask

    first = plain_missing_cells(active, by_id, benchmark, "Software", "200-999 employees",
                                ("p-core",), seats(10.0), 5, 0.5, CHANCES)
    second = plain_missing_cells(active, by_id, benchmark, "Software", "200-999 employees",
                                 ("p-core",), seats(99.0), 5, 0.5, CHANCES)
    assert first is second and asked == []  # peers price every product: seats never asked
    assert all(c.sample_size == 6 for c in first)


def test_given_list_of_departments_when_normalised_then_same_as_tuple():
    assert contracted_departments(["Sales; IT", " it "]) == frozenset({"sales", "it"})
    assert contracted_departments(("Sales; IT", " it ")) == frozenset({"sales", "it"})


def test_given_bench_when_measured_then_cpu_and_wall_rates_reported():
    ctx = synthetic_context()
    result = measure(synthetic_portfolio(30, ctx), ctx)
    assert result["accounts_per_s_cpu"] > 0 and result["accounts_per_s_wall"] > 0
    assert result["accounts_per_s"] == result["accounts_per_s_cpu"]
