"""Run `radar` as an operator would: a subprocess with only the variables a case sets."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RADAR = [sys.executable, "-m", "service.cli"]
# Variables a developer's shell may hold that would change what a case tests.
DROPPED_PREFIXES = ("SALESFORCE_", "RADAR_", "REDIS_URL", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        """The lines a command printed for the operator (``error: ...``)."""
        return [line for line in self.stderr.splitlines() if line.startswith("error: ")]


def base_env(**extra: str) -> dict[str, str]:
    """The environment without any Radar/Salesforce/Redis setting, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED_PREFIXES)}
    env.update(extra)
    return env


def run_radar(env: dict[str, str], *args: str, timeout: float = 60) -> Outcome:
    result = subprocess.run([*RADAR, *args], env=env, capture_output=True, text=True,
                            timeout=timeout, cwd=ROOT)
    return Outcome(result.returncode, result.stdout, result.stderr)
