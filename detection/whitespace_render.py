"""The white-space map as text for ``Account.White_Space__c`` and as compact JSON.

The text follows seed 000's map (product, current status, expansion opportunity, then
current ACV and potential) without box drawing: Salesforce shows long text areas in a
proportional font, so only the left columns are padded and every line stays under 100
characters. Long product names get a line of their own.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from detection.findings import WhiteSpaceCell, WhiteSpaceMap
from detection.formatting import WIDTH, money, wrap

NAME_WIDTH = 24
STATUS_WIDTH = 6
_LEFT = NAME_WIDTH + 3 + STATUS_WIDTH + 3  # "name | status | "
OPPORTUNITY_WIDTH = WIDTH - _LEFT
_RULE = "-" * NAME_WIDTH + "-+-" + "-" * STATUS_WIDTH + "-+-" + "-" * OPPORTUNITY_WIDTH


def _row(name: str, status: str, text: str) -> str:
    return f"{name:<{NAME_WIDTH}} | {status:<{STATUS_WIDTH}} | {text}".rstrip()


def _opportunity_lines(cell: WhiteSpaceCell) -> list[str]:
    """The "expansion opportunity" column of one product, as wrapped lines."""
    parts: list[str] = []
    if cell.status == "Active":
        acv = f"ACV {money(cell.current_acv)}; " if cell.current_acv is not None else ""
        parts.append(f"{acv}{cell.upgrade_room or 'no usage data'}")
        if cell.estimate_method:
            parts.append(f"priced as {cell.estimate_method}{_chance(cell)}")
        if cell.adoption:
            parts.append(f"adoption: {cell.adoption}")
    else:
        parts.append(f"{cell.priority}: {cell.priority_reason}")
        if cell.estimated_acv is not None:
            parts.append(f"est. {money(cell.estimated_acv)}/yr{_chance(cell)}:"
                         f" {cell.estimate_method}")
        else:
            parts.append(cell.estimate_method or "no estimate")
    lines: list[str] = []
    for i, part in enumerate(parts):
        lines += wrap(part, "" if i == 0 else "  ", "  ", width=OPPORTUNITY_WIDTH)
    return lines


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
    text = _opportunity_lines(cell)
    block: list[str] = []
    name = cell.product_name
    if len(name) > NAME_WIDTH:
        block += wrap(name)  # the name on its own line(s), the row below it
        name = ""
    block.append(_row(name, cell.status, text[0]))
    block += [_row("", "", more) for more in text[1:]]
    return block


def render_white_space(ws: WhiteSpaceMap, *, limit: int = 131072, title: str | None = None) -> str:
    """Readable plain text of the map, never longer than ``limit`` characters.

    When the whole map does not fit, whole products are dropped from the end (the least
    promising ones, by the map's order) and a last line says how many were left out.

    Args:
        ws: the map.
        limit: the field's size (Salesforce long text area, 131,072 by default).
        title: heading, e.g. the account name (default: the account id).
    """
    totals = totals_line(ws)
    head = [
        f"{title or ws.account_id}: White-Space Map",
        totals,
        "",
        _row("Product / Service", "Status", "Expansion opportunity"),
        _RULE,
    ]
    blocks = [_cell_block(cell) for cell in ws.cells]
    tail = [_RULE, totals]
    notes = [line for note in ws.notes for line in wrap(note, "- ", "  ")]
    if notes:
        tail += ["", "Notes:", *notes]
    full = head + [line for block in blocks for line in block] + tail
    text = "\n".join(full)
    if len(text) <= limit:
        return text
    return _cut(head, blocks, [_RULE, totals], limit)


def _cut(head: list[str], blocks: list[list[str]], tail: list[str], limit: int) -> str:
    """Keep as many whole products as fit, then say how many were left out."""

    def note(left_out: int) -> str:
        noun = "product" if left_out == 1 else "products"
        return f"… {left_out} more {noun} not shown (limit {limit:,} characters)"

    used = len("\n".join(head + tail)) + 1  # +1: the newline before the note
    kept: list[str] = []
    for i, block in enumerate(blocks):
        size = sum(len(line) + 1 for line in block)
        if used + size + len(note(len(blocks) - i)) > limit:
            lines = head + kept + tail + [note(len(blocks) - i)]
            break
        kept += block
        used += size
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


def white_space_json(ws: WhiteSpaceMap) -> str:
    """Compact, deterministic JSON (sorted keys; cell fields at their default omitted)."""
    doc = {
        "account_id": ws.account_id,
        "current_acv": ws.current_acv,
        "potential": ws.potential,
        "total_addressable": ws.total_addressable,
        "notes": list(ws.notes),
        "cells": [_cell_dict(cell) for cell in ws.cells],
    }
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def white_space_from_json(text: str) -> WhiteSpaceMap:
    """The map back from ``white_space_json`` (round-trips exactly)."""
    doc = json.loads(text)
    return WhiteSpaceMap(
        account_id=doc["account_id"],
        cells=tuple(WhiteSpaceCell(**cell) for cell in doc["cells"]),
        current_acv=doc["current_acv"],
        potential=doc["potential"],
        notes=tuple(doc["notes"]),
        total_addressable=doc.get("total_addressable", doc["potential"]),
    )
