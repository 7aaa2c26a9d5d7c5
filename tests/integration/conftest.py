"""Fixtures: a running emulator with a small seeded org, and gateways against it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator.testing import EmulatorHandle, running_emulator
from integration.errors import RetryPolicy, no_sleep
from integration.gateway import SalesforceGateway
from service.settings import Settings
from tests.integration.org_data import seed_org


@pytest.fixture
def emu(tmp_path: Path) -> Iterator[EmulatorHandle]:
    with running_emulator(tmp_path) as handle:
        yield handle


@pytest.fixture
def seeded(emu: EmulatorHandle) -> tuple[EmulatorHandle, dict[str, int]]:
    return emu, seed_org(emu.store)


def make_gateway(emu: EmulatorHandle, auth: str = "password", budget_percent: float = 100.0,
                 **env: str) -> SalesforceGateway:
    """A gateway for the emulator: no retry sleeps, a fast retry policy."""
    settings = Settings.from_env({**emu.env, "SALESFORCE_AUTH": auth,
                                  "RADAR_API_BUDGET_PERCENT": str(budget_percent), **env})
    return SalesforceGateway.from_settings(settings, sleep=no_sleep,
                                           policy=RetryPolicy(max_attempts=8, base_delay=0.01,
                                                              max_delay=0.05))


@pytest.fixture
def gateway_factory(emu: EmulatorHandle) -> Callable[..., SalesforceGateway]:
    def factory(**kwargs: Any) -> SalesforceGateway:
        return make_gateway(emu, **kwargs)
    return factory
