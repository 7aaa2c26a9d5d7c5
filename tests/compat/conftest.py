"""The clients Salesforce teams use, driving the emulator: the Salesforce CLI and jsforce.

Both come from npm into the shared node-tools cache (tests/node_tools.py) and run on Node 22
from npm. Each module starts one emulator and logs in once; its steps run in file order and
share that org, as a person at a terminal would.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.node_tools import node_env, npm_tool

SF_CLI = ("sf-cli", ["@salesforce/cli@2.150.6"])
JSFORCE = ("jsforce", ["jsforce@3.10.26"])
REPO_ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 300


def apex_recipes_dir() -> Path:
    """The apex-recipes sample data: ../shared beside the repo (CI's copy) or /work/shared."""
    for root in (REPO_ROOT.parent / "shared", Path("/work/shared")):
        folder = root / "sample-orgs" / "apex-recipes"
        if (folder / "data-plan.json").exists():
            return folder
    raise FileNotFoundError("shared/sample-orgs/apex-recipes not found beside the repository")


@dataclass
class SfCli:
    """Runs ``sf`` with its own home folder (auth files), the emulator's CA and no telemetry."""

    binary: Path
    env: dict[str, str]

    def run(self, *args: str, cwd: Path | None = None, check: bool = True,
            extra_env: dict[str, str] | None = None) -> dict[str, Any]:
        """``sf ARGS --json``; returns the parsed JSON (status 0 asserted when ``check``)."""
        done = subprocess.run([str(self.binary), *args, "--json"], cwd=cwd, capture_output=True, text=True,
                              timeout=TIMEOUT_S, env={**self.env, **(extra_env or {})}, check=False)
        start = done.stdout.find("{")
        assert start >= 0, f"sf {' '.join(args)} printed no JSON:\n{done.stdout}\n{done.stderr[-2000:]}"
        body = json.loads(done.stdout[start:])
        if check:
            assert body.get("status") == 0, f"sf {' '.join(args)} failed: {json.dumps(body)[:3000]}"
        return body


def client_env(home: Path, ca_file: str) -> dict[str, str]:
    """Node 22 first on PATH, an isolated HOME, the emulator's CA trusted, no phoning home."""
    env = node_env()
    for key in [k for k in env if k.startswith(("SF_", "SFDX_"))]:
        env.pop(key)
    env.update(HOME=str(home), NODE_EXTRA_CA_CERTS=ca_file, SF_DISABLE_TELEMETRY="true",
               SF_AUTOUPDATE_DISABLE="true", SF_USE_GENERIC_UNIX_KEYCHAIN="true",
               SF_SKIP_NEW_VERSION_CHECK="true", SF_DISABLE_DNS_CHECK="true", SF_LOG_LEVEL="error",
               SF_CONTAINER_MODE="false", NO_COLOR="1")
    return env


@pytest.fixture(scope="session")
def sf_prefix() -> Path:
    """The Salesforce CLI's npm prefix (installed on first use, minutes; cached after)."""
    return npm_tool(*SF_CLI)


@pytest.fixture(scope="session")
def jsforce_prefix() -> Path:
    """jsforce's npm prefix (``node_modules/jsforce``)."""
    return npm_tool(*JSFORCE)


@pytest.fixture(scope="module")
def module_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("compat")
    yield path


def node_binary() -> str:
    """Node 22's executable."""
    return str(Path(node_env()["PATH"].split(os.pathsep)[0]) / "node")
