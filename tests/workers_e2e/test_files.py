"""Issue 6 build point 5: the account plan (and QBR brief) are Files on the Account; a refresh
adds a version to the same file instead of piling up files, and an unchanged plan writes
nothing."""

from __future__ import annotations

from collections import Counter

from simple_salesforce import format_soql

from emulator.testing import running_emulator
from tests.workers_e2e.harness import radar, radar_env, seed_org, start_worker


def _scan(env, *args: str) -> None:
    radar(env, "sync", *args)
    worker = start_worker(env, "--burst")
    assert worker.wait(timeout=300) == 0, worker.stderr.read()[-3000:]


def _plans(org) -> list[dict]:
    return org.store.query("SELECT Id, ContentDocumentId, Title, VersionNumber, IsLatest, "
                           "FirstPublishLocationId FROM ContentVersion "
                           "WHERE Title = 'Expansion Radar — Account plan'")


def test_given_t1_accounts_when_rescanned_then_one_plan_file_each_versioned_on_change(
        tmp_path, redis_conn, redis_url):
    with running_emulator(tmp_path) as org:
        truth = seed_org(org, 120, seed=5, tmp=tmp_path)
        env = radar_env(org, redis_url)
        _scan(env, "--full")
        strategic = {r["account_id"] for r in truth
                     if r["tier"] == "T1" and r["play"] != "renewal_rescue"}
        first = _plans(org)
        assert strategic and {v["FirstPublishLocationId"] for v in first} == strategic
        assert len(first) == len(strategic)  # one file, one version each

        _scan(env, "--full")
        assert len(_plans(org)) == len(first)  # unchanged plans write nothing

        account = sorted(strategic)[0]
        org.salesforce().Contact.create({"AccountId": account, "LastName": "Okafor",
                                         "FirstName": "Ada", "Title": "Chief Data Officer",
                                         "Department": "Data"})
        _scan(env, "--account", account)
        versions = [v for v in _plans(org) if v["ContentDocumentId"] in
                    {f["ContentDocumentId"] for f in first if f["FirstPublishLocationId"] == account}]
        assert len(versions) == 2
        assert [v["IsLatest"] for v in sorted(versions, key=lambda v: v["VersionNumber"])] == [
            False, True]
        plan_documents = {v["ContentDocumentId"] for v in versions}
        links = org.store.query(format_soql(
            "SELECT ContentDocumentId FROM ContentDocumentLink WHERE LinkedEntityId = {}",
            account))
        assert len(plan_documents) == 1  # still one plan file on the account
        assert Counter(link["ContentDocumentId"] for link in links)[plan_documents.pop()] == 1
