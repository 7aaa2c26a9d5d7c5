"""The Lightning panel's Jest tests (real @salesforce/sfdx-lwc-jest) and their fixtures."""

from __future__ import annotations

import os

import pytest

from tests.field_specs.lwc_runner import run_jest
from tests.field_specs.panel_fixtures import DATA, documents, render


def test_given_product_code_then_jest_fixtures_are_what_a_scan_writes() -> None:
    regenerate = os.environ.get("RADAR_REGEN_GOLDEN") == "1"
    for name, doc in documents().items():
        path = DATA / name
        if regenerate:
            path.write_text(render(doc), encoding="utf-8")
        assert path.read_text(encoding="utf-8") == render(doc), (
            f"{name} drifted from plays.panel; RADAR_REGEN_GOLDEN=1 rewrites it")


@pytest.fixture(scope="module")
def jest_report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Jest's JSON report of the component's suite, run in a scratch SFDX project."""
    return run_jest(tmp_path_factory.mktemp("lwc"))


def test_given_panel_when_jest_runs_then_every_test_passes(jest_report: dict) -> None:
    failed = [t["fullName"] for s in jest_report["testResults"] for t in s["assertionResults"]
              if t["status"] != "passed"]
    assert failed == [], jest_report["_output"][-4000:]
    assert jest_report["numPassedTests"] >= 10


def test_given_panel_tests_then_they_cover_full_empty_red_and_long_evidence(
        jest_report: dict) -> None:
    names = " | ".join(t["title"] for s in jest_report["testResults"]
                       for t in s["assertionResults"] if t["status"] == "passed")
    for scenario in ("renders a full map", "renders an empty map", "Red account",
                     "long evidence list", "shows the error"):
        assert scenario in names, names
