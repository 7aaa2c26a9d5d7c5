"""Fixtures for the emulator's tests: a running emulator and a simple-salesforce client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from simple_salesforce import Salesforce

from emulator.testing import EmulatorHandle, running_emulator


@pytest.fixture
def emu(tmp_path: Path) -> Iterator[EmulatorHandle]:
    with running_emulator(tmp_path) as handle:
        yield handle


@pytest.fixture
def sf(emu: EmulatorHandle) -> Salesforce:
    return emu.salesforce()
