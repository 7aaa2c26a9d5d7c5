"""Fixtures: the fixed world of world.py, built once per session, and golden files."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from detection.findings import AccountFindings, PortfolioBenchmark, WhiteSpaceMap
from detection.hypotheses import rank_hypotheses
from detection.whitespace import build_benchmark, build_white_space_map
from tests.detection_docs import world

GOLDEN = Path(__file__).parent / "golden"
# Golden files change only on purpose: RADAR_REGEN_GOLDEN=1 pytest tests/detection_docs
REGENERATE = os.environ.get("RADAR_REGEN_GOLDEN") == "1"


def check_golden(name: str, text: str) -> None:
    """Compare ``text`` with golden/<name> (or rewrite it when regenerating)."""
    path = GOLDEN / name
    if REGENERATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with RADAR_REGEN_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def benchmark() -> PortfolioBenchmark:
    return build_benchmark(world.peer_snapshots() + [world.focus_snapshot()], world.CTX, world.NOW)


@pytest.fixture(scope="session")
def focus_map(benchmark: PortfolioBenchmark) -> WhiteSpaceMap:
    return build_white_space_map(
        world.focus_snapshot(), world.CTX, benchmark, world.focus_signals(), world.NOW
    )


def partial(ws: WhiteSpaceMap, **overrides: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "signals": world.focus_signals(),
        "health": world.focus_health(),
        "stakeholders": world.focus_stakeholders(),
        "white_space": ws,
        "routing": world.focus_routing(),
    }
    out.update(overrides)
    return out


@pytest.fixture(scope="session")
def focus_findings(focus_map: WhiteSpaceMap) -> AccountFindings:
    hyps = rank_hypotheses(world.focus_snapshot(), partial(focus_map), world.CTX, world.NOW)
    return world.focus_findings(focus_map, hyps)
