"""The map as text for White_Space__c (golden, limits) and as JSON (round trip)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from detection.findings import WhiteSpaceCell, WhiteSpaceMap
from detection.whitespace import render_white_space, white_space_from_json, white_space_json
from tests.detection_docs.conftest import check_golden


def test_given_focus_map_when_rendered_then_matches_golden(focus_map):
    check_golden("white_space.txt", render_white_space(focus_map, title="Acme Robotics"))


def test_given_focus_map_when_rendered_then_first_line_names_the_account(focus_map):
    text = render_white_space(focus_map, title="Acme Robotics")
    assert text.splitlines()[0] == "Acme Robotics White-Space Map"
    assert focus_map.account_id not in text
    assert ("Current ACV: $38,000 | Weighted potential: $14,425 (38% of ACV) |"
            " Total addressable: $43,500") in text


def test_given_proportional_font_when_rendered_then_nothing_is_aligned_by_spaces(focus_map):
    text = render_white_space(focus_map, title="Acme Robotics")
    for line in text.splitlines():
        assert "  " not in line and not line.startswith(" "), line
        assert " | " not in line or line.startswith("Current ACV"), line  # no table columns


def test_given_focus_map_when_rendered_then_one_block_per_product_with_its_facts(focus_map):
    blocks = render_white_space(focus_map, title="Acme Robotics").split("\n\n")
    for cell in focus_map.cells:
        mine = [b for b in blocks if b.startswith(f"{cell.product_name} — ")]
        assert len(mine) == 1, cell.product_name
        if cell.status == "None" and cell.estimated_acv is not None:
            assert f"Estimate: ${cell.estimated_acv:,.0f}/yr" in mine[0]
            assert f", {cell.estimate_method}" in mine[0]
            if cell.weighted_acv is not None:
                assert f"(weighted ${cell.weighted_acv:,.0f} at {cell.probability:.0%})" in mine[0]
            assert f"Why: {cell.priority_reason}" in mine[0]
    long_name = "Enterprise Governance, Risk and Compliance Suite for Regulated Industries"
    assert (f"{long_name} — Low priority\nWhy: no signal yet\n"
            "No estimate: nobody owns it yet and it has no list price") in blocks


def test_given_no_title_when_rendered_then_heading_has_no_record_id(focus_map):
    first = render_white_space(focus_map).splitlines()[0]
    assert first == "White-Space Map"


def test_given_small_limit_when_rendered_then_cut_at_product_boundary_with_note(focus_map):
    text = render_white_space(focus_map, limit=900, title="Acme Robotics")
    assert len(text) <= 900
    assert text.endswith("… 3 more products not shown (limit 900 characters)")
    assert "Marketing Hub" in text and "Data Connector" not in text
    full = render_white_space(focus_map, title="Acme Robotics").splitlines()
    assert all(line in full for line in text.splitlines()[:-1])  # whole lines only


def test_given_tiny_limit_when_rendered_then_still_within_limit(focus_map):
    for limit in (0, 1, 10, 60, 200):
        assert len(render_white_space(focus_map, limit=limit)) <= limit


def test_given_focus_map_when_json_then_compact_deterministic_and_round_trips(focus_map):
    text = white_space_json(focus_map)
    compact = json.dumps(
        json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert text == compact
    assert json.loads(text)["potential"] == focus_map.potential
    assert white_space_from_json(text) == focus_map
    assert white_space_json(white_space_from_json(text)) == text


_names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=120
)
_cells = st.builds(
    WhiteSpaceCell,
    product_id=st.text(min_size=1, max_size=18),
    product_name=_names,
    status=st.sampled_from(["Active", "None"]),
    utilisation=st.none() | st.floats(0, 3, allow_nan=False),
    upgrade_room=st.none() | _names,
    current_acv=st.none() | st.floats(0, 1e7, allow_nan=False),
    priority=st.none() | st.sampled_from(["HIGH", "MED", "LOW"]),
    priority_reason=_names,
    estimated_acv=st.none() | st.floats(0, 1e7, allow_nan=False),
    estimate_method=_names,
    sample_size=st.integers(0, 10_000),
)
_maps = st.builds(
    WhiteSpaceMap,
    account_id=st.text(min_size=1, max_size=18),
    cells=st.lists(_cells, max_size=25).map(tuple),
    current_acv=st.floats(0, 1e8, allow_nan=False),
    potential=st.floats(0, 1e8, allow_nan=False),
    notes=st.lists(_names, max_size=3).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(ws=_maps, limit=st.integers(0, 6000))
def test_given_any_map_and_limit_when_rendered_then_never_exceeds_limit(ws, limit):
    text = render_white_space(ws, limit=limit)
    assert len(text) <= limit
    if len(render_white_space(ws)) > limit >= 400 and ws.cells:
        assert "not shown (limit" in text


@settings(max_examples=150, deadline=None)
@given(ws=_maps)
def test_given_any_map_when_json_then_round_trips(ws):
    assert white_space_from_json(white_space_json(ws)) == ws
