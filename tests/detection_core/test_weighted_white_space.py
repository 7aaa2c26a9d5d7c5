"""White-space potential as an expected value, adoption from Active_Users__c, and Play 02's
share test on the weighted figure (issue 15)."""

from __future__ import annotations

from dataclasses import replace

from detection.config import DEFAULT_CONFIG, DetectionConfig
from detection.findings import PortfolioBenchmark
from detection.scan import scan_account
from detection.snapshot import OrgContext, Product, UsageRow
from detection.whitespace import build_white_space_map
from tests.detection_core.builders import NOW, PRODUCTS, account, activity, contact, month, won

BIG = Product(id="p-big", name="Enterprise Suite", list_price=100_000.0)
CTX_BIG = OrgContext(org_id="00D1", products=(*PRODUCTS, BIG))


def _row(used: float, licensed: float, active: float | None) -> UsageRow:
    return UsageRow(id="u1", product_id="p-core", period_start=month(0), active_users=active,
                    licensed_units=licensed, usage_units=used)


def test_given_a_quiet_account_with_a_huge_catalog_when_mapped_then_weighted_never_above_acv():
    snap = account(usage=(_row(40, 100, 35),))  # ACV $10,000; nothing points anywhere
    ws = build_white_space_map(snap, CTX_BIG, PortfolioBenchmark(), (), NOW)
    assert {c.priority for c in ws.cells if c.status == "None"} == {"LOW"}
    assert ws.total_addressable > 50 * ws.current_acv  # $10M of list price x 100 seats
    assert ws.potential == ws.current_acv  # 5% of it, capped at the ACV
    assert "LOW cells together are capped at 100% of current ACV" in " ".join(ws.notes)


def test_given_low_cells_under_the_cap_when_mapped_then_weighted_is_five_percent():
    snap = account(usage=(_row(40, 100, 35),))
    ws = build_white_space_map(snap, replace(CTX_BIG, products=PRODUCTS), PortfolioBenchmark(),
                               (), NOW)
    assert ws.potential == round(0.05 * ws.total_addressable)


def test_given_configured_probabilities_when_mapped_then_they_weight_the_cells():
    config = DetectionConfig(potential_probabilities=(("HIGH", 0.5), ("MED", 0.2), ("LOW", 0.1)))
    snap = account(usage=(_row(40, 100, 35),))
    ws = build_white_space_map(snap, replace(CTX_BIG, products=PRODUCTS), PortfolioBenchmark(),
                               (), NOW, config=config)
    assert {c.probability for c in ws.cells if c.status == "None"} == {0.1}


def test_given_portfolio_conversion_history_when_enough_then_it_replaces_the_default():
    benchmark = PortfolioBenchmark(priority_conversion={"LOW": (0.02, 40), "MED": (0.5, 3)})
    snap = account(usage=(_row(40, 100, 35),))
    ws = build_white_space_map(snap, replace(CTX_BIG, products=PRODUCTS), benchmark, (), NOW)
    assert {c.probability for c in ws.cells if c.status == "None"} == {0.02}
    assert "the portfolio's conversions for LOW" in " ".join(ws.notes)


def test_given_utilisation_below_30_percent_when_mapped_then_adoption_risk_not_room_to_grow():
    ws = build_white_space_map(account(usage=(_row(29, 100, 20),)), CTX_BIG, PortfolioBenchmark(),
                               (), NOW)
    [core] = [c for c in ws.cells if c.product_id == "p-core"]
    assert "adoption risk (below 30%), not room to grow" in core.upgrade_room
    assert core.adoption == "20 of 100 licensed active (20%)"
    ok = build_white_space_map(account(usage=(_row(30, 100, 30),)), CTX_BIG, PortfolioBenchmark(),
                               (), NOW)
    assert "room to grow adoption" in [c for c in ok.cells if c.product_id == "p-core"][0].upgrade_room


def test_given_few_active_users_on_a_busy_entitlement_when_mapped_then_concentration_flagged():
    busy = build_white_space_map(account(usage=(_row(70, 100, 25),)), CTX_BIG,
                                 PortfolioBenchmark(), (), NOW)
    [core] = [c for c in busy.cells if c.product_id == "p-core"]
    assert "usage concentrated: 70% of the entitlement used by 25 active users" in core.adoption
    spread = build_white_space_map(account(usage=(_row(70, 100, 60),)), CTX_BIG,
                                   PortfolioBenchmark(), (), NOW)
    assert "concentrated" not in [c for c in spread.cells if c.product_id == "p-core"][0].adoption


def _t1_quiet():
    champion = replace(contact("c1"), meddicc_role="Champion")
    return account(tier="T1", contacts=(champion, contact("c2"), contact("c3")),
                   opportunities=(won(),), usage=(_row(40, 100, 35),))


def test_given_play02_when_weighted_basis_then_total_addressable_alone_does_not_qualify():
    ctx = replace(CTX_BIG, products=PRODUCTS)  # total addressable ~ 0.7x ACV, weighted ~ 4%
    weighted = scan_account(_t1_quiet(), ctx, None, None, None, DEFAULT_CONFIG, NOW)
    total = scan_account(_t1_quiet(), ctx, None, None, None,
                         DetectionConfig(play02_potential_basis="total"), NOW)
    ws = weighted.white_space
    assert ws.total_addressable >= 0.5 * ws.current_acv > ws.potential
    assert not weighted.routing.play02_eligible
    assert any(r.startswith("weighted white-space potential") for r in
               weighted.routing.play02_reasons)
    assert total.routing.play02_eligible


def test_given_a_direct_request_naming_a_product_when_scanned_then_it_points_at_that_product():
    task = activity("t1", subject="Customer asked for Analytics for 20 users",
                    description="Wants dashboards for the finance team", signal_type="direct_request")
    snap = replace(account(usage=(_row(40, 100, 35),)), activities=(task,))
    findings = scan_account(snap, CTX_BIG, None, None, None, DEFAULT_CONFIG, NOW)
    [request] = [s for s in findings.signals if s.type == "direct_request"]
    assert request.product_id == "p-analytics"
    [cell] = [c for c in findings.white_space.cells if c.product_id == "p-analytics"]
    assert cell.priority == "HIGH" and cell.priority_reason.startswith("direct request:")
    assert findings.hypotheses[0].product_ids == ("p-analytics",)
