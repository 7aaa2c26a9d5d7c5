"""Fixtures for the SOQL engine tests."""

from __future__ import annotations

import pytest

from emulator.tests.soql.org import Org, seeded


@pytest.fixture(scope="module")
def org() -> Org:
    """The seeded test org (read-only: tests must not write to it)."""
    return seeded()
