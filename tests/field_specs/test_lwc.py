"""The Lightning panel's Jest tests (real @salesforce/sfdx-lwc-jest) and their fixtures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from field_specs.pages import STATIC_SOURCE
from tests.field_specs.panel_fixtures import DATA, documents, render
from tests.node_tools import node_env, npm_tool

LWC_JEST = "@salesforce/sfdx-lwc-jest@7.9.0"
_JEST_CONFIG = """const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');
module.exports = { ...jestConfig, modulePathIgnorePatterns: ['<rootDir>/.localdevserver'] };
"""


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
    """Run the component's Jest suite in a scratch SFDX project; Jest's JSON report."""
    prefix = npm_tool("sfdx-lwc-jest", [LWC_JEST])
    project = tmp_path_factory.mktemp("lwc")
    shutil.copytree(STATIC_SOURCE / "lwc", project / "force-app" / "main" / "default" / "lwc")
    (project / "sfdx-project.json").write_text(json.dumps(
        {"packageDirectories": [{"path": "force-app", "default": True}],
         "sourceApiVersion": "59.0"}))
    (project / "jest.config.js").write_text(_JEST_CONFIG)
    (project / "node_modules").symlink_to(prefix / "node_modules")
    report = project / "jest.json"
    done = subprocess.run(
        ["node", str(prefix / "node_modules/@salesforce/sfdx-lwc-jest/bin/sfdx-lwc-jest"),
         "--", "--ci", "--json", f"--outputFile={report}"],
        cwd=project, env=node_env(), capture_output=True, text=True, timeout=600, check=False)
    assert report.exists(), done.stdout + done.stderr
    return json.loads(report.read_text()) | {"_output": done.stdout + done.stderr}


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
