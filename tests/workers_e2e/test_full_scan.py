"""Acceptance (issue 6): a full scan of a 2,000-account generated org writes exactly the
Tasks and field values its ground truth implies; a second full scan creates nothing and
writes zero records. Issue 17: the org's metadata is the exported package (what
``radar emulator --metadata`` loads), and the white-space text and the panel's JSON agree.
Real Redis, `radar worker` processes, the emulator over HTTPS."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from detection.findings import EXPANSION_SIGNALS
from emulator.testing import running_emulator
from field_specs.package import export_package
from integration.state import RunStore
from tests.workers_e2e.harness import radar, radar_env, radar_tasks, seed_org, start_worker

ACCOUNTS = 2000
ALERTS = ("health_decline", "champion_departed", "competitive_threat", "thin_threading")


def _expected_actions(row: dict) -> Counter:
    """The once-per-account radar Tasks (by action) the truth of one account implies (signal
    logs are compared as the set of logged types: a type can have several episodes)."""
    expected: Counter = Counter()
    rescue = row["play"] == "renewal_rescue"
    if row["play"] == "play04" and row["strength"] in ("Strong", "Moderate"):
        expected["follow_up"] += 1
    if rescue:
        expected["renewal_rescue"] += 1
    if row["play02_eligible"] and "qbr_upcoming" in row["signals"]:
        expected["qbr_prep"] += 1
    return expected


@pytest.fixture(scope="module")
def scanned(tmp_path_factory, redis_url):
    import redis

    conn = redis.Redis.from_url(redis_url)
    conn.flushdb()
    tmp = tmp_path_factory.mktemp("fullscan")
    with running_emulator(tmp, metadata=export_package(tmp / "package")) as org:
        truth = seed_org(org, ACCOUNTS, seed=4242, tmp=tmp)
        env = radar_env(org, redis_url)
        radar(env, "sync", "--full")
        worker = start_worker(env, "--burst")
        assert worker.wait(timeout=600) == 0, worker.stderr.read()[-4000:]
        first = {"tasks": radar_tasks(org), "stats": org.stats(),
                 "runs": RunStore(conn, "default").recent_runs(5)}
        accounts = {r["Id"]: r for r in org.store.query(
            "SELECT Id, Name, Expansion_Readiness__c, White_Space_Potential__c, White_Space__c, "
            "White_Space_Json__c FROM Account")}
        task_count = org.store.query("SELECT COUNT() FROM Task")[0]["expr0"]
        radar(env, "sync", "--full")
        worker = start_worker(env, "--burst")
        assert worker.wait(timeout=600) == 0, worker.stderr.read()[-4000:]
        second = {"stats": org.stats(),
                  "task_count": org.store.query("SELECT COUNT() FROM Task")[0]["expr0"]}
        yield {"truth": truth, "first": first, "accounts": accounts, "task_count": task_count,
               "second": second}
    conn.flushdb()


def test_given_generated_org_when_fully_scanned_then_readiness_matches_truth(scanned):
    wrong = [(row["account_id"], row["readiness"],
              scanned["accounts"][row["account_id"]]["Expansion_Readiness__c"])
             for row in scanned["truth"]
             if scanned["accounts"][row["account_id"]]["Expansion_Readiness__c"]
             != row["readiness"]]
    assert wrong == []


def test_given_generated_org_when_fully_scanned_then_tasks_are_exactly_those_truth_implies(
        scanned):
    tasks = scanned["first"]["tasks"]
    wrong = []
    for row in scanned["truth"]:
        got = Counter(t["Radar_Action__c"] for t in tasks.get(row["account_id"], ())
                      if t["Radar_Action__c"] in ("follow_up", "renewal_rescue", "qbr_prep"))
        want = _expected_actions(row)
        logged = {t["Expansion_Signal_Type__c"] for t in tasks.get(row["account_id"], ())
                  if t["Radar_Action__c"] == "signal_log"}
        want_logged = {k for k in row["signals"]
                       if not (row["play"] == "renewal_rescue" and k in EXPANSION_SIGNALS)}
        alerts = {t["Radar_Action__c"] for t in tasks.get(row["account_id"], ())
                  if t["Radar_Action__c"] in ALERTS}
        if got != want or logged != want_logged or alerts != set(row["signals"]) & set(ALERTS):
            wrong.append((row["account_id"], dict(want), dict(got)))
    assert wrong == [], f"{len(wrong)} accounts differ, e.g. {wrong[:3]}"


def test_given_strong_and_moderate_episodes_then_follow_up_priorities_follow_strength(scanned):
    tasks = scanned["first"]["tasks"]
    for row in scanned["truth"]:
        follow_ups = [t for t in tasks.get(row["account_id"], ())
                      if t["Radar_Action__c"] == "follow_up"]
        for follow_up in follow_ups:
            assert follow_up["Priority"] == ("High" if row["strength"] == "Strong" else "Normal")


def test_given_scanned_org_when_scanned_again_then_nothing_created_and_zero_writes(scanned):
    def writes(stats: dict) -> int:
        # Writes travel inside composite calls (which also carry reads): count the write
        # subrequests, and any write call made on its own.
        by_kind, subs = stats["by_kind"], stats.get("subrequests", {})
        return (sum(by_kind.get(k, 0) for k in ("collections", "sobject_write"))
                + sum(n for k, n in subs.items() if k.endswith(":write")))

    assert writes(scanned["first"]["stats"]) > 0
    assert writes(scanned["second"]["stats"]) == writes(scanned["first"]["stats"])
    assert scanned["second"]["task_count"] == scanned["task_count"]


def test_given_full_scan_when_written_back_then_its_run_record_is_completed(scanned):
    [run] = [r for r in scanned["first"]["runs"] if r["mode"] == "full"]
    assert run["status"] == "completed"
    assert int(run["accounts_written"]) == ACCOUNTS
    assert run["calls"]["query_page"] > 0 and run["calls"]["collection_write"] > 0


def test_given_full_scan_then_map_text_names_the_account_and_agrees_with_the_panel_json(scanned):
    rows = [r for r in scanned["accounts"].values() if r["White_Space__c"]]
    assert len(rows) >= ACCOUNTS // 2
    for row in rows:
        text, doc = row["White_Space__c"], json.loads(row["White_Space_Json__c"])
        lines = text.splitlines()
        assert lines[0] == f"{row['Name']} White-Space Map"
        assert row["Id"] not in text and not re.search(r"\b00[1-9A-Za-z]\w{12,15}\b", text)
        assert all("  " not in line for line in lines)  # nothing aligned with spaces
        assert doc["account_name"] == row["Name"]
        for cell in doc["white_space"]["cells"]:  # one block per product: name — status
            assert sum(line.startswith(f"{cell['product_name']} — ") for line in lines) == 1
        assert round(doc["white_space"]["potential"], 2) == round(
            row["White_Space_Potential__c"], 2)
