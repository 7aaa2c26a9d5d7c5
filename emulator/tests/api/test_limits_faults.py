"""The daily API allowance, Sforce-Limit-Info, and faults injected on demand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
)

from emulator.testing import EmulatorHandle, running_emulator


def test_given_calls_when_made_then_limit_info_counts_each_and_limits_resource_agrees(emu: EmulatorHandle) -> None:
    sf = emu.salesforce()  # the OAuth login does not count
    sf.query("SELECT Id FROM Account")
    assert sf.api_usage["api-usage"].used == 1 and sf.api_usage["api-usage"].total == 15000
    limits = sf.limits()
    assert limits["DailyApiRequests"] == {"Max": 15000, "Remaining": 15000 - 2}


def test_given_allowance_spent_when_calling_then_403_request_limit_exceeded(tmp_path: Path) -> None:
    with running_emulator(tmp_path, api_limit=3) as emu:
        sf = emu.salesforce()
        for _ in range(3):
            sf.query("SELECT Id FROM Account")
        with pytest.raises(SalesforceRefusedRequest) as caught:
            sf.query("SELECT Id FROM Account")
        assert caught.value.content == [{"message": "TotalRequests Limit exceeded.",
                                         "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
        assert emu.stats()["refused"] == 1
        emu.advance_clock(days=1)  # a new day restores the allowance
        assert emu.salesforce().query("SELECT Id FROM Account")["totalSize"] == 0


def _outcomes(emu: EmulatorHandle, calls: int) -> list[int]:
    sf = emu.salesforce()
    outcomes = []
    for _ in range(calls):
        try:
            sf.query("SELECT Id FROM Account")
            outcomes.append(200)
        except SalesforceGeneralError as error:
            outcomes.append(error.status)
    return outcomes


def test_given_fault_rate_and_seed_when_repeated_then_same_503_pattern(emu: EmulatorHandle) -> None:
    emu.set_faults(rate=0.5, seed=11)
    first = _outcomes(emu, 20)
    emu.set_faults(seed=11)
    second = _outcomes(emu, 20)
    assert first == second and 503 in first and 200 in first


def test_given_every_write_faulted_when_collection_sent_then_lock_errors_and_nothing_written(
        emu: EmulatorHandle) -> None:
    sf = emu.salesforce()
    emu.set_faults(rate=1.0, seed=3)
    records = [{"attributes": {"type": "Account"}, "Name": f"A{i}"} for i in range(5)]
    seen = set()
    for _ in range(10):
        try:
            results = sf.restful("composite/sobjects", method="POST", data=json.dumps({"records": records}))
            seen.add(results[0]["errors"][0]["statusCode"])
            assert len(results) == 5 and not any(r["success"] for r in results)
        except SalesforceGeneralError as error:
            seen.add(error.content[0]["errorCode"])
    assert seen == {"UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE"}
    assert emu.store.count("Account") == 0
    with pytest.raises((SalesforceMalformedRequest, SalesforceGeneralError)):
        for _ in range(10):
            sf.Account.create({"Name": "single"})
    assert emu.store.count("Account") == 0
    assert emu.stats()["faults"]["lock"] >= 1


def test_given_expire_every_3_when_calling_then_third_call_gets_invalid_session(tmp_path: Path) -> None:
    with running_emulator(tmp_path, expire_every=3) as emu:
        sf = emu.salesforce()
        sf.query("SELECT Id FROM Account")
        sf.query("SELECT Id FROM Account")
        with pytest.raises(SalesforceExpiredSession):
            sf.query("SELECT Id FROM Account")
        with pytest.raises(SalesforceExpiredSession):
            sf.query("SELECT Id FROM Account")  # the session stays dead: log in again
        assert emu.salesforce().query("SELECT Id FROM Account")["totalSize"] == 0


def test_given_control_call_without_token_when_sent_then_401(emu: EmulatorHandle) -> None:
    response = emu.http().post(f"{emu.instance_url}/__emulator/faults", json={"rate": 1}, timeout=10)
    assert response.status_code == 401 and emu.stats()["fault_settings"]["rate"] == 0.0
