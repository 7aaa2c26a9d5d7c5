"""Issue 18: preflight tells "the org said no such object" from "the org could not be
reached" — only the first is a mapping problem; the second is retried and never cached as
a missing object. Real emulator over HTTPS, real gateway, real Redis."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from crm_mapping.document import default_mapping
from emulator.testing import running_emulator
from integration.diagnosis import Kind, diagnose
from integration.errors import SalesforceFailure, no_sleep
from integration.gateway import SalesforceGateway
from service.settings import Settings
from workers.runtime import Runtime


def test_given_missing_object_then_none_but_unreachable_org_then_unreachable_failure(
        tmp_path: Path, redis_url: str, redis_conn: redis.Redis) -> None:
    with running_emulator(tmp_path / "org") as emu:
        settings = Settings.from_env({**emu.env, "REDIS_URL": redis_url})
        rt = Runtime(settings=settings, redis=redis_conn, org_key="default")
        gateway = SalesforceGateway.from_settings(settings, sleep=no_sleep)
        found = rt.describes(gateway, ["Account", "No_Such_Object__c"])
        assert found["Account"]["name"] == "Account"
        assert found["No_Such_Object__c"] is None  # the org's own 404: preflight's finding
    # the org is gone now: not "no such object", and nothing is cached as missing
    unreachable = SalesforceGateway.from_settings(settings, sleep=no_sleep)
    with pytest.raises(SalesforceFailure) as caught:
        rt.checked_spec(unreachable, default_mapping())
    assert caught.type is SalesforceFailure  # not PreflightFailed
    problem = diagnose(caught.value)
    assert problem.kind is Kind.UNREACHABLE and problem.retryable
    assert "could not be reached" in problem.message and "does not exist" not in problem.message
    assert redis_conn.get("radar:default:describe:Contact") is None
