"""Account.White_Space_Json__c: the document the Lightning panel reads, written on scan."""

from __future__ import annotations

import json
from dataclasses import replace

from detection.findings import WhiteSpaceCell, WhiteSpaceMap
from plays import fields as F
from plays.account_plan import plan_account
from plays.panel import panel_json
from tests.plays.builders import CTX, NOW, findings, follow_up_task, signal, snapshot


def _panel(plan) -> dict:
    [update] = [w for w in plan.writes if w.object == "account"]
    return json.loads(update.fields[F.ACCOUNT_WHITE_SPACE_JSON])


def _cell(i: int, status: str = "None") -> WhiteSpaceCell:
    return WhiteSpaceCell(product_id=f"01t{i:015d}", product_name=f"Product {i}", status=status,
                          priority="HIGH" if status == "None" else None,
                          priority_reason="a support case asks about it " * 20,
                          estimated_acv=1000.0 * i, estimate_method="median of 7 comparable "
                          "customers (Software, 200-999 employees)", sample_size=7)


def test_given_strong_account_when_planned_then_panel_holds_readiness_signals_and_map():
    found = replace(findings(signals=[signal("usage_spike"), signal("capacity_limit")],
                             strength="Strong", readiness="High"),
                    white_space=WhiteSpaceMap("0015g0000000001AAA", (_cell(3),), 1000.0, 3000.0))
    doc = _panel(plan_account(snapshot(), found, CTX, NOW))
    assert (doc["account_name"], doc["readiness"], doc["strength"]) == ("Acme Corp", "High",
                                                                        "Strong")
    assert doc["health"] == {"band": "Green", "score": 80.0}
    assert [s["label"] for s in doc["signals"]] == ["Usage Spike", "Capacity Limit"]
    assert doc["signals"][0]["rule"] == "rule" and doc["signals"][0]["observed_on"] == "2026-11-18"
    assert doc["white_space"]["cells"][0]["estimated_acv"] == 3000.0
    assert "follow_up" not in doc  # the panel reads the open Task itself


def test_given_red_account_when_planned_then_panel_says_renewal_rescue():
    found = findings(signals=[signal("renewal_window", episode="r")], strength="None",
                     play="renewal_rescue", band="Red")
    doc = _panel(plan_account(snapshot(health_score=50.0), found, CTX, NOW))
    assert doc["health"]["band"] == "Red" and doc["play"] == "renewal_rescue"
    assert doc["play_reason"] == "test"


def test_given_follow_up_created_by_the_scan_when_rescanned_then_panel_unchanged():
    found = findings(signals=[signal("usage_spike"), signal("capacity_limit")], strength="Strong")
    first = _panel(plan_account(snapshot(), found, CTX, NOW))
    # the rescan finds the Task it created and says the signal was already logged
    logged = [replace(s, evidence=replace(s.evidence, change_since_last_scan="already logged"))
              for s in found.signals]
    again = _panel(plan_account(snapshot(activities=(follow_up_task(),)),
                                replace(found, signals=tuple(logged)), CTX, NOW))
    assert again == first


def test_given_panel_already_in_org_when_rescanned_later_then_no_account_write():
    found = findings(signals=[signal("usage_spike")], strength="Moderate", readiness="Medium")
    first = _panel(plan_account(snapshot(), found, CTX, NOW))
    held = snapshot(white_space_json=json.dumps(first, sort_keys=True, separators=(",", ":")),
                    expansion_readiness="Medium", white_space_potential=0.0)
    later = NOW.replace(hour=15)
    again = plan_account(held, found, CTX, later)
    assert [w for w in again.writes if w.object == "account"] == []


def test_given_unmapped_panel_field_when_planned_then_not_written():
    found = findings(signals=[signal("usage_spike")], strength="Moderate", readiness="Medium")
    plan = plan_account(snapshot(unavailable=frozenset({F.ACCOUNT_WHITE_SPACE_JSON})), found,
                        CTX, NOW)
    [update] = [w for w in plan.writes if w.object == "account"]
    assert F.ACCOUNT_WHITE_SPACE_JSON not in update.fields


def test_given_huge_map_when_serialised_then_fits_limit_and_counts_left_out_cells():
    cells = tuple(_cell(i) for i in range(1, 400))
    found = replace(findings(signals=[signal("usage_spike")], strength="Moderate"),
                    white_space=WhiteSpaceMap("0015g0000000001AAA", cells, 1000.0, 5.0))
    text = panel_json(snapshot(), found, 20_000)
    assert text is not None and len(text) <= 20_000
    doc = json.loads(text)
    kept = len(doc["white_space"]["cells"])
    assert 0 < kept < 399 and doc["white_space"]["cells_left_out"] == 399 - kept
    assert [c["product_name"] for c in doc["white_space"]["cells"]] == [
        f"Product {i}" for i in range(1, kept + 1)]  # the most promising (first) ones stay
    assert "rule" not in doc["signals"][0]  # evidence kept to its summary
