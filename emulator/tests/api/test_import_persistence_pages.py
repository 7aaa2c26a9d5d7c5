"""Tree import of public sample data, persistence across restarts, the Account page, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from emulator.testing import EmulatorHandle, running_emulator
from emulator.tree_import import TreeImportError, import_plan

SAMPLE_PLAN = Path("/work/shared/sample-orgs/apex-recipes/data-plan.json")
REPO = Path(__file__).resolve().parents[2]


def test_given_apex_recipes_plan_with_lower_case_fields_when_imported_then_linked_records(
        emu: EmulatorHandle) -> None:
    refs = import_plan(emu.store, SAMPLE_PLAN)
    assert len(refs) == 250
    sf = emu.salesforce()
    opp = sf.query("SELECT Amount, CloseDate, Account.Name FROM Opportunity WHERE Name = 'Cape starling'")["records"][0]
    assert opp["Amount"] == 119373.34 and opp["CloseDate"] == "2020-12-22" and opp["Account"]["Name"]
    assert sf.query("SELECT COUNT() FROM Contact WHERE AccountId != null")["totalSize"] == 150


def test_given_plan_with_unresolved_reference_when_imported_then_nothing_saved(tmp_path: Path,
                                                                              emu: EmulatorHandle) -> None:
    (tmp_path / "c.json").write_text(json.dumps({"records": [
        {"attributes": {"type": "Contact", "referenceId": "C1"}, "lastname": "X"},
        {"attributes": {"type": "Contact", "referenceId": "C2"}, "lastname": "Y", "accountid": "@Missing"}]}))
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{"sobject": "Contact", "saveRefs": True, "resolveRefs": True, "files": ["c.json"]}]))
    with pytest.raises(TreeImportError, match="Missing"):
        import_plan(emu.store, plan)
    assert emu.store.count("Contact") == 0


def test_given_data_file_when_restarted_then_records_and_sequences_survive(tmp_path: Path) -> None:
    data = tmp_path / "org.sqlite3"
    with running_emulator(tmp_path, data_path=data) as emu:
        first = emu.salesforce().Account.create({"Name": "Durable"})["id"]
    with running_emulator(tmp_path, data_path=data) as emu:
        sf = emu.salesforce()
        assert sf.Account.get(first)["Name"] == "Durable"
        second = sf.Account.create({"Name": "Next"})["id"]
        assert second != first and sf.query("SELECT COUNT() FROM Account")["totalSize"] == 2


def test_given_account_with_related_records_when_page_viewed_then_escaped_html(emu: EmulatorHandle) -> None:
    account = emu.store.insert("Account", {"Name": "<script>alert(1)</script> Ltd"})
    emu.store.insert("Contact", {"LastName": "Lee", "AccountId": account, "Title": "VP Ops"})
    emu.store.insert("Task", {"Subject": "Open one", "WhatId": account})
    emu.store.insert("Task", {"Subject": "Done one", "WhatId": account, "Status": "Completed"})
    page = emu.http().get(f"{emu.instance_url}/lightning/r/Account/{account}/view", timeout=10)
    assert page.status_code == 200 and "<script>alert" not in page.text
    assert "&lt;script&gt;" in page.text and "VP Ops" in page.text
    assert page.text.index("Open one") < page.text.index("Activity History") < page.text.index("Done one")
    listing = emu.http().get(f"{emu.instance_url}/lightning/o/Account/list", timeout=10)
    assert f"/lightning/r/Account/{account}/view" in listing.text


def test_given_cli_when_started_then_prints_url_and_writes_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / "sf.env"
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "emulator", "--port", "0", "--state-dir", str(tmp_path / "state"),
         "--env-file", str(env_file), "--import", str(SAMPLE_PLAN)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("https://127.0.0.1:")
        env = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
        assert env["SALESFORCE_INSTANCE_URL"] == url and env["SALESFORCE_AUTH"] == "password"
        assert Path(env["SALESFORCE_CA_BUNDLE"]).exists() and Path(env["SALESFORCE_PRIVATE_KEY_FILE"]).exists()
        assert "RADAR_EMULATOR_CONTROL_TOKEN" in env
    finally:
        process.terminate()
        process.wait(timeout=10)
