"""The white-space map as text for ``Account.White_Space__c`` and as compact JSON.

The text follows seed 000's map ("[Account Name] White-Space Map"; product, current status,
expansion opportunity; current ACV and potential) but is written for the place it is read:
Lightning shows a Long Text Area in the system's proportional sans-serif font, so nothing is
aligned by spaces. Each product is one short block — its name and status on the first line,
then one fact per line (why, estimate with its method and sample size) — and blocks are
separated by a blank line. Amounts are whole dollars with thousands separators ($12,345) and
ratios whole percents (92%), the same formats the Lightning panel (radarAccountPanel) uses.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from detection.findings import WhiteSpaceCell, WhiteSpaceMap
from detection.formatting import money

_PRIORITY_WORDS = {"HIGH": "High priority", "MED": "Medium priority", "LOW": "Low priority"}


def _owned_block(cell: WhiteSpaceCell) -> list[str]:
    block = [f"{cell.product_name} — Active"]
    facts = []
    if cell.current_acv is not None:
        facts.append(f"ACV {money(cell.current_acv)}")
    facts.append(cell.upgrade_room or "no usage data yet")
    block.append(" · ".join(facts))
    if cell.estimate_method:
        block.append(f"Priced as {cell.estimate_method}{_chance(cell)}")
    if cell.adoption:
        block.append(f"Adoption: {cell.adoption}")
    return block


def _missing_block(cell: WhiteSpaceCell) -> list[str]:
    priority = _PRIORITY_WORDS.get(cell.priority or "", "Not owned")
    block = [f"{cell.product_name} — {priority}"]
    if cell.priority_reason:
        block.append(f"Why: {cell.priority_reason}")
    if cell.estimated_acv is not None:
        method = f", {cell.estimate_method}" if cell.estimate_method else ""
        block.append(f"Estimate: {money(cell.estimated_acv)}/yr{_chance(cell)}{method}")
    elif cell.estimate_method:  # the method says why there is none ("no estimate: ...")
        block.append(cell.estimate_method[:1].upper() + cell.estimate_method[1:])
    else:
        block.append("No estimate yet")
    return block


def _chance(cell: WhiteSpaceCell) -> str:
    """" (weighted $1,200 at 5%)" when the cell has a probability."""
    if cell.probability is None or cell.weighted_acv is None:
        return ""
    return f" (weighted {money(cell.weighted_acv)} at {cell.probability:.0%})"


def totals_line(ws: WhiteSpaceMap) -> str:
    """Current ACV, weighted potential and total addressable, with shares of ACV."""
    def share(value: float) -> str:
        return f" ({value / ws.current_acv:.0%} of ACV)" if ws.current_acv else ""
    return (f"Current ACV: {money(ws.current_acv)} | Weighted potential: {money(ws.potential)}"
            f"{share(ws.potential)} | Total addressable: {money(ws.total_addressable)}")


def _cell_block(cell: WhiteSpaceCell) -> list[str]:
    """One product: name and status, then one fact per line, then a blank line."""
    lines = _owned_block(cell) if cell.status == "Active" else _missing_block(cell)
    return [*lines, ""]


def _section(heading: str, cells: list[WhiteSpaceCell]) -> list[tuple[bool, list[str]]]:
    """(is a product, lines) blocks: the section heading, then one block per product."""
    if not cells:
        return []
    return [(False, [f"{heading} ({len(cells)})", ""])] + [
        (True, _cell_block(cell)) for cell in cells]


def render_white_space(ws: WhiteSpaceMap, *, limit: int = 131072, title: str | None = None) -> str:
    """Readable plain text of the map, never longer than ``limit`` characters.

    When the whole map does not fit, whole products are dropped from the end (the least
    promising ones, by the map's order) and a last line says how many were left out.

    Args:
        ws: the map.
        limit: the field's size (Salesforce long text area, 131,072 by default).
        title: the account's name, shown as "<title> White-Space Map".
    """
    totals = totals_line(ws)
    head = [f"{title} White-Space Map" if title else "White-Space Map", totals, ""]
    owned = [c for c in ws.cells if c.status == "Active"]
    missing = [c for c in ws.cells if c.status != "Active"]
    blocks = _section("Owned", owned) + _section("Not owned", missing)
    tail = [totals]
    if ws.notes:
        tail += ["", "Notes:", *(f"- {note}" for note in ws.notes)]
    text = "\n".join(head + [line for _, block in blocks for line in block] + tail)
    if len(text) <= limit:
        return text
    return _cut(head, blocks, [totals], limit, len(ws.cells))


def _cut(head: list[str], blocks: list[tuple[bool, list[str]]], tail: list[str], limit: int,
         products: int) -> str:
    """Keep as many whole products as fit, then say how many were left out."""

    def note(left_out: int) -> str:
        noun = "product" if left_out == 1 else "products"
        return f"… {left_out} more {noun} not shown (limit {limit:,} characters)"

    used = len("\n".join(head + tail)) + 1  # +1: the newline before the note
    kept: list[str] = []
    shown = 0
    for is_product, block in blocks:
        size = sum(len(line) + 1 for line in block)
        if used + size + len(note(products - shown)) > limit:
            lines = head + kept + tail + [note(products - shown)]
            break
        kept += block
        used += size
        shown += is_product
    else:  # every product fits once the notes are dropped
        lines = head + kept + tail + [f"… notes not shown (limit {limit:,} characters)"]
    text = "\n".join(lines)
    while len(text) > limit and len(lines) > 1:
        lines.pop(0)  # a tiny limit: drop heading lines, keep the note
        text = "\n".join(lines)
    return text[:limit]


def _cell_dict(cell: WhiteSpaceCell) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(WhiteSpaceCell):
        value = getattr(cell, f.name)
        if value != f.default or f.name in ("product_id", "product_name", "status"):
            out[f.name] = value
    return out


def white_space_doc(ws: WhiteSpaceMap) -> dict[str, Any]:
    """The map as plain data (cell fields at their default omitted); the Lightning panel
    reads this shape inside ``Account.White_Space_Json__c`` (plays.panel)."""
    return {
        "account_id": ws.account_id,
        "current_acv": ws.current_acv,
        "potential": ws.potential,
        "total_addressable": ws.total_addressable,
        "notes": list(ws.notes),
        "cells": [_cell_dict(cell) for cell in ws.cells],
    }


def white_space_json(ws: WhiteSpaceMap) -> str:
    """Compact, deterministic JSON of ``white_space_doc`` (sorted keys)."""
    return json.dumps(white_space_doc(ws), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)


def white_space_from_json(text: str) -> WhiteSpaceMap:
    """The map back from ``white_space_json`` (round-trips exactly)."""
    doc = json.loads(text)
    return WhiteSpaceMap(
        account_id=doc["account_id"],
        cells=tuple(WhiteSpaceCell(**cell) for cell in doc["cells"]),
        current_acv=doc["current_acv"],
        potential=doc["potential"],
        notes=tuple(doc["notes"]),
        total_addressable=doc.get("total_addressable", 0.0),
    )
