"""The JSON the Lightning panel reads: ``Account.White_Space_Json__c`` (pure).

The ``radarAccountPanel`` component reads one field with ``getRecord`` instead of calling
Apex: no Apex class to deploy, no test coverage to maintain in the customer's org, and the
numbers are exactly the ones the product computed. The document holds the white-space map
in ``detection.whitespace_render.white_space_json``'s form (``white_space``), readiness,
strength, health, routing and the current signals with their evidence. The open follow-up
is not in it: the component reads that Task live (GraphQL wire adapter), so it shows what CS
did to it since the scan, and a follow-up created by the scan needs no second write here.

It is deterministic (sorted keys, no scan time; ``Last_Expansion_Scan__c`` holds that), so an
unchanged account plans no write.

It fits the long text limit: when the full document is too long, evidence keeps only its
summary, then the least promising white-space cells are dropped from the end and counted in
``white_space.cells_left_out`` (the panel says so).
"""

from __future__ import annotations

import json
from typing import Any

from detection.findings import AccountFindings, ExpansionSignal
from detection.formatting import signal_label
from detection.snapshot import AccountSnapshot
from detection.whitespace_render import white_space_doc

VERSION = 1


def _signal(signal: ExpansionSignal, brief: bool) -> dict[str, Any]:
    ev = signal.evidence
    out: dict[str, Any] = {
        "type": signal.type, "label": signal_label(signal.type), "category": signal.category,
        "observed_on": signal.observed_on.isoformat(), "summary": ev.summary,
    }
    if signal.clear_pattern:
        out["clear_pattern"] = True
    if not brief:
        # not ev.change_since_last_scan: it describes the scan, not the account, and would
        # make every rescan rewrite the field
        for name, value in (("window", ev.window), ("rule", ev.threshold)):
            if value:
                out[name] = value
    return out


def panel_doc(snapshot: AccountSnapshot, findings: AccountFindings, *,
              brief: bool = False) -> dict[str, Any]:
    """The panel's document as plain data (see the module docstring)."""
    health = findings.health
    doc: dict[str, Any] = {
        "version": VERSION,
        "account_name": snapshot.name or "",
        "readiness": findings.routing.readiness,
        "strength": findings.strength,
        "health": {"band": health.band,
                   **({"score": round(health.score, 1)} if health.score is not None else {})},
        "play": findings.routing.play,
        "play_reason": findings.routing.reason,
        "signals": [_signal(s, brief) for s in sorted(
            findings.signals, key=lambda s: (s.observed_on, s.type), reverse=True)],
    }
    if findings.white_space is not None:
        doc["white_space"] = white_space_doc(findings.white_space)
    return doc


def _dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def panel_json(snapshot: AccountSnapshot, findings: AccountFindings, limit: int) -> str | None:
    """The document as compact JSON of at most ``limit`` characters (None if even the
    document without map and signals does not fit: a limit far below any real org's)."""
    doc = panel_doc(snapshot, findings)
    text = _dump(doc)
    if len(text) <= limit:
        return text
    doc = panel_doc(snapshot, findings, brief=True)
    text = _dump(doc)
    ws = doc.get("white_space")
    cells = list(ws["cells"]) if ws else []
    while len(text) > limit and cells:
        # halve what is left to drop until it fits, then the map says how many are missing
        cells = cells[: len(cells) // 2] if len(text) > 2 * limit else cells[:-1]
        ws["cells"] = cells
        ws["cells_left_out"] = len(findings.white_space.cells) - len(cells)
        text = _dump(doc)
    while len(text) > limit and doc["signals"]:
        doc["signals"] = doc["signals"][:-1]
        doc["signals_left_out"] = len(findings.signals) - len(doc["signals"])
        text = _dump(doc)
    return text if len(text) <= limit else None
