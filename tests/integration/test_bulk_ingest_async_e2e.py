"""Bulk API 2.0 ingest against an emulator that processes jobs asynchronously, as a real
org does: the client must poll until JobComplete, read failed rows back, and survive a
503 while polling."""

from __future__ import annotations

import time

from emulator.testing import running_emulator
from integration.bulk_ingest import bulk_ingest
from integration.errors import RetryPolicy
from integration.gateway import SalesforceGateway
from service.settings import Settings

DELAY = 0.6  # seconds from UploadComplete to JobComplete


def _accounts(store, n: int) -> list[str]:
    store.insert_many("Account", [{"Name": f"B{i:03d}"} for i in range(n)])
    return [r["Id"] for r in store.query("SELECT Id FROM Account ORDER BY Id")]


def _gateway(emu, sleep=lambda _s: None, poll_sleep=lambda _s: None) -> SalesforceGateway:
    settings = Settings.from_env({**emu.env, "RADAR_API_BUDGET_PERCENT": "100"})
    return SalesforceGateway.from_settings(settings, sleep=sleep, poll_sleep=poll_sleep,
                                           policy=RetryPolicy(max_attempts=5, base_delay=0.01,
                                                              max_delay=0.02))


def test_given_upload_complete_when_not_polled_then_job_is_still_running(tmp_path) -> None:
    with running_emulator(tmp_path, ingest_delay=DELAY) as emu:
        ids = _accounts(emu.store, 3)
        sf = emu.salesforce()
        job = sf.restful("jobs/ingest", method="POST", json={
            "object": "Account", "operation": "update", "contentType": "CSV", "lineEnding": "LF"})
        csv_body = "Id,Expansion_Readiness__c\n" + "".join(f"{i},High\n" for i in ids)
        sf._call_salesforce("PUT", sf.base_url + f"jobs/ingest/{job['id']}/batches",  # noqa: SLF001
                            data=csv_body.encode(), headers={"Content-Type": "text/csv"})
        closed = sf.restful(f"jobs/ingest/{job['id']}", method="PATCH",
                            json={"state": "UploadComplete"})
        assert closed["state"] == "UploadComplete"
        state = sf.restful(f"jobs/ingest/{job['id']}")["state"]
        assert state in ("UploadComplete", "InProgress")  # a client reading now gets nothing
        assert emu.store.get_row("Account", ids[0])["Expansion_Readiness__c"] != "High"
        deadline = time.monotonic() + 10
        while state != "JobComplete" and time.monotonic() < deadline:
            time.sleep(0.05)
            state = sf.restful(f"jobs/ingest/{job['id']}")["state"]
        assert state == "JobComplete"
        assert emu.store.get_row("Account", ids[0])["Expansion_Readiness__c"] == "High"


def test_given_async_job_with_a_bad_row_when_ingested_then_polled_and_failure_reported(
        tmp_path) -> None:
    with running_emulator(tmp_path, ingest_delay=DELAY) as emu:
        ids = _accounts(emu.store, 20)
        polls: list[float] = []
        gateway = _gateway(emu, poll_sleep=lambda s: (polls.append(s), time.sleep(s)))
        rows = [{"Id": i, "Expansion_Readiness__c": "High"} for i in ids[:-1]]
        rows.append({"Id": ids[-1], "Expansion_Readiness__c": "Bogus"})
        result = bulk_ingest(gateway, "Account", "update", rows, "Id")
        assert len(polls) >= 2  # the job was still running at the first status check
        assert len(result.succeeded) == 19
        (errors,) = result.failed.values()
        assert errors[0].status_code == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
        assert list(result.failed) == [ids[-1][:15]]


def test_given_503_while_polling_when_ingested_then_poll_retried_and_job_finished(
        tmp_path) -> None:
    with running_emulator(tmp_path, ingest_delay=DELAY) as emu:
        ids = _accounts(emu.store, 5)
        state = {"armed": True}

        def poll_sleep(seconds: float) -> None:
            time.sleep(seconds)
            if state["armed"]:  # the next call (a status poll) answers 503
                state["armed"] = False
                emu.set_faults(rate=1.0, seed=3)

        def retry_sleep(_seconds: float) -> None:
            emu.set_faults(rate=0.0)

        gateway = _gateway(emu, sleep=retry_sleep, poll_sleep=poll_sleep)
        rows = [{"Id": i, "Expansion_Readiness__c": "Low"} for i in ids]
        result = bulk_ingest(gateway, "Account", "update", rows, "Id")
        assert emu.stats()["faults"].get("unavailable", 0) >= 1
        assert len(result.succeeded) == 5 and not result.failed
        assert all(emu.store.get_row("Account", i)["Expansion_Readiness__c"] == "Low" for i in ids)
