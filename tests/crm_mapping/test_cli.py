"""`radar mapping export/import/check` against a real Redis."""

from __future__ import annotations

from pathlib import Path

import redis
import yaml
from click.testing import CliRunner

from crm_mapping.store import MappingStore
from service.cli import main
from tests.crm_mapping.conftest import OTHER_ORG_DOCUMENT


def _env(redis_url: str) -> dict[str, str]:
    return {"REDIS_URL": redis_url, "RADAR_ORG_KEY": "acme", "SALESFORCE_AUTH": "session",
            "SALESFORCE_SESSION_ID": "", "SALESFORCE_INSTANCE_URL": ""}


def test_given_yaml_when_imported_with_activate_force_then_new_active_version(
        tmp_path: Path, redis_url: str, redis_conn: redis.Redis) -> None:
    draft = tmp_path / "mapping.yaml"
    draft.write_text(yaml.safe_dump(OTHER_ORG_DOCUMENT))
    # --force: no org here to check against (tests/cli_errors checks the preflight path)
    result = CliRunner().invoke(main, ["mapping", "import", str(draft), "--activate", "--force"],
                                env=_env(redis_url))
    assert result.exit_code == 0, result.output
    assert "activating without checking the org (--force)" in result.output
    assert "saved mapping version 2: active" in result.output
    store = MappingStore(redis_conn, "acme")
    assert store.active_mapping().api("account.health_score") == "CS_Health__c"

    out = tmp_path / "exported.yaml"
    result = CliRunner().invoke(main, ["mapping", "export", "--out", str(out)],
                                env=_env(redis_url))
    assert result.exit_code == 0, result.output
    exported = yaml.safe_load(out.read_text())
    assert exported["fields"]["account.tier"]["values"]["T1"] == "Strategic"


def test_given_invalid_yaml_when_imported_then_exit_2_listing_problems(
        tmp_path: Path, redis_url: str, redis_conn: redis.Redis) -> None:
    draft = tmp_path / "bad.yaml"
    draft.write_text("fields:\n  account.teir: X__c\n  account.tier: {field: 'a b'}\n")
    result = CliRunner().invoke(main, ["mapping", "import", str(draft)], env=_env(redis_url))
    assert result.exit_code == 2
    assert "2 problem(s)" in result.output and "account.teir" in result.output
    assert redis_conn.keys("radar:acme:mapping:*") == []


def test_given_no_org_session_when_checking_then_clear_message(
        tmp_path: Path, redis_url: str) -> None:
    draft = tmp_path / "mapping.yaml"
    draft.write_text("{}\n")
    result = CliRunner().invoke(main, ["mapping", "check", "--file", str(draft)],
                                env=_env(redis_url))
    assert result.exit_code == 2
    assert result.output.strip() == (
        "error: SALESFORCE_AUTH=session needs SALESFORCE_SESSION_ID, SALESFORCE_INSTANCE_URL — "
        "set them (docs/configuration.md)")
