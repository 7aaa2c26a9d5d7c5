"""Run the Lightning components' Jest suites with the real @salesforce/sfdx-lwc-jest."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from field_specs.pages import STATIC_SOURCE
from tests.node_tools import node_env, npm_tool

LWC_JEST = "@salesforce/sfdx-lwc-jest@7.9.0"
SLDS = "@salesforce-ux/design-system@2.26.1"
_JEST_CONFIG = """const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');
module.exports = { ...jestConfig, modulePathIgnorePatterns: ['<rootDir>/.localdevserver'] };
"""


def run_jest(workdir: Path, extra_env: dict[str, str] | None = None) -> dict:
    """Copy the components into a scratch SFDX project under ``workdir``, run Jest there.

    Returns:
        Jest's JSON report, plus ``_output`` (its console output, for failure messages).
    """
    prefix = npm_tool("sfdx-lwc-jest", [LWC_JEST])
    project = workdir / "lwc-project"
    shutil.copytree(STATIC_SOURCE / "lwc", project / "force-app" / "main" / "default" / "lwc")
    (project / "sfdx-project.json").write_text(json.dumps(
        {"packageDirectories": [{"path": "force-app", "default": True}],
         "sourceApiVersion": "59.0"}))
    (project / "jest.config.js").write_text(_JEST_CONFIG)
    (project / "node_modules").symlink_to(prefix / "node_modules")
    report = project / "jest.json"
    env = node_env() | (extra_env or {})
    done = subprocess.run(
        ["node", str(prefix / "node_modules/@salesforce/sfdx-lwc-jest/bin/sfdx-lwc-jest"),
         "--", "--ci", "--json", f"--outputFile={report}"],
        cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False)
    if not report.exists():
        raise RuntimeError(f"Jest wrote no report:\n{done.stdout}\n{done.stderr}")
    return json.loads(report.read_text()) | {"_output": done.stdout + done.stderr}


def slds_css() -> str:
    """The Salesforce Lightning Design System stylesheet (for rendering outside an org)."""
    prefix = npm_tool("slds", [SLDS])
    return (prefix / "node_modules" / "@salesforce-ux" / "design-system" / "assets" / "styles"
            / "salesforce-lightning-design-system.min.css").read_text(encoding="utf-8")
