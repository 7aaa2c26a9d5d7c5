"""The exported package as an org's metadata (``radar emulator --metadata``): a full scan
writes a White_Space__c that names the account in its first line and reads one block per
product, and the White_Space_Json__c the Lightning panel reads, matching it. Real Redis,
`radar worker` processes, the emulator over HTTPS with the package's own field files."""

from __future__ import annotations

import json
import re

from emulator.testing import running_emulator
from field_specs.package import export_package
from tests.workers_e2e.harness import radar, radar_env, seed_org, start_worker

ACCOUNTS = 120


def test_given_package_deployed_when_fully_scanned_then_map_text_and_panel_json_agree(
        tmp_path, clean_redis, redis_url):
    source = export_package(tmp_path / "package")
    with running_emulator(tmp_path, metadata=source) as org:
        seed_org(org, ACCOUNTS, seed=17, tmp=tmp_path)
        env = radar_env(org, redis_url)
        radar(env, "sync", "--full")
        worker = start_worker(env, "--burst")
        assert worker.wait(timeout=600) == 0, worker.stderr.read()[-4000:]
        rows = org.store.query(
            "SELECT Id, Name, White_Space__c, White_Space_Json__c, White_Space_Potential__c "
            "FROM Account WHERE White_Space__c != null")
    assert len(rows) >= ACCOUNTS // 2
    for row in rows:
        text, doc = row["White_Space__c"], json.loads(row["White_Space_Json__c"])
        lines = text.splitlines()
        assert lines[0] == f"{row['Name']} White-Space Map"
        assert row["Id"] not in text and not re.search(r"\b00[1-9A-Za-z]\w{12,15}\b", text)
        assert all("  " not in line for line in lines)  # nothing aligned with spaces
        assert doc["account_name"] == row["Name"]
        cells = doc["white_space"]["cells"]
        for cell in cells:  # one block per product, starting with its name and status
            assert sum(line.startswith(f"{cell['product_name']} — ") for line in lines) == 1
        assert round(doc["white_space"]["potential"], 2) == round(row["White_Space_Potential__c"], 2)
