"""The panel documents the LWC Jest tests render, made by the product's own code.

The Jest fixtures (``field_specs/salesforce/lwc/radarAccountPanel/__tests__/data``) are
``plays.panel`` output for the fixed world of ``tests/detection_docs``, so the component is
tested against the shape the scan really writes; ``test_lwc`` fails when they drift
(regenerate with ``RADAR_REGEN_GOLDEN=1``).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from detection.findings import Evidence, ExpansionSignal, HealthAssessment, Routing
from detection.hypotheses import rank_hypotheses
from detection.whitespace import build_benchmark, build_white_space_map
from plays.panel import panel_doc
from tests.detection_docs import world
from tests.detection_docs.conftest import partial

DATA = (Path(__file__).resolve().parents[2] / "field_specs" / "salesforce" / "lwc"
        / "radarAccountPanel" / "__tests__" / "data")


def _record(name: str, doc: dict | None) -> dict:
    """What getRecord gives the component (UI API record shape)."""
    text = None if doc is None else json.dumps(doc, sort_keys=True, separators=(",", ":"),
                                               ensure_ascii=False)
    return {"apiName": "Account", "id": "001000000000001AAA",
            "fields": {"Name": {"value": name, "displayValue": None},
                       "White_Space_Json__c": {"value": text, "displayValue": None}}}


def documents() -> dict[str, dict]:
    """File name -> getRecord payload, one per state the Jest tests render."""
    snap = world.focus_snapshot()
    benchmark = build_benchmark(world.peer_snapshots() + [snap], world.CTX, world.NOW)
    ws = build_white_space_map(snap, world.CTX, benchmark, world.focus_signals(), world.NOW)
    hyps = rank_hypotheses(snap, partial(ws), world.CTX, world.NOW)
    full = replace(world.focus_findings(ws, hyps), strength="Strong",
                   routing=replace(world.focus_routing(), readiness="High"))
    out = {"fullMap.json": _record(snap.name, panel_doc(snap, full))}

    empty = replace(full, white_space=replace(ws, cells=(), potential=0.0), signals=(),
                    strength="None", routing=replace(full.routing, readiness="None"))
    out["emptyMap.json"] = _record(snap.name, panel_doc(snap, empty))

    red = replace(full, health=HealthAssessment(score=52.0, band="Red", source="org"),
                  strength="None", routing=Routing(
                      play="renewal_rescue", readiness="None",
                      reason="health 52 is Red (< 60): renewal rescue, no upsell"),
                  signals=tuple(s for s in full.signals if s.category != "expansion"))
    out["redAccount.json"] = _record(snap.name, panel_doc(snap, red))

    many = tuple(ExpansionSignal(
        type="usage_spike", category="expansion", clear_pattern=True,
        evidence=Evidence(summary=f"Analytics Cloud usage {100 + 10 * i} -> {150 + 12 * i} units "
                          f"({(150 + 12 * i) / (100 + 10 * i):.2f}x)",
                          window=f"month {i + 1} vs month {i}", threshold="usage >= 1.30 x previous"),
        observed_on=date(2026, 10, 30) - timedelta(days=7 * i), episode=f"w{i}") for i in range(12))
    out["longEvidence.json"] = _record(snap.name, panel_doc(snap, replace(full, signals=many)))
    return out


def render(doc: dict) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
