"""The Salesforce CLI (``sf`` 2.150 on Node 22) against an emulator that starts without the
product's metadata: login, describe, data commands, the apex-recipes tree import, and the
product's install step — deploying ``radar fields export`` — after which ``radar mapping
check`` passes. The steps share one org and one login and run in file order."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from emulator.generator import generate_into
from emulator.testing import EmulatorHandle, running_emulator
from tests.compat.conftest import TIMEOUT_S, SfCli, apex_recipes_dir, client_env

ALIAS = "emu"


@pytest.fixture(scope="module")
def emu(module_tmp: Path) -> Iterator[EmulatorHandle]:
    with running_emulator(module_tmp, metadata=None) as handle:
        yield handle


@pytest.fixture(scope="module")
def sf(emu: EmulatorHandle, sf_prefix: Path, module_tmp: Path) -> SfCli:
    cli = SfCli(sf_prefix / "node_modules" / ".bin" / "sf", client_env(module_tmp / "home", emu.ca_path))
    cli.env["PATH"] = f"{sf_prefix / 'node_modules' / '.bin'}:{cli.env['PATH']}"
    return cli


@pytest.fixture(scope="module")
def login(sf: SfCli, emu: EmulatorHandle) -> dict[str, Any]:
    return sf.run("org", "login", "jwt", "--client-id", emu.env["SALESFORCE_CLIENT_ID"], "--jwt-key-file",
                  emu.env["SALESFORCE_PRIVATE_KEY_FILE"], "--username", emu.env["SALESFORCE_USERNAME"],
                  "--instance-url", emu.login_url, "--alias", ALIAS)["result"]


@pytest.fixture(scope="module")
def exported(module_tmp: Path) -> Path:
    """The product's metadata as `radar fields export` writes it."""
    out = module_tmp / "radar-metadata"
    subprocess.run([sys.executable, "-m", "service.cli", "fields", "export", "--out", str(out)], check=True,
                   capture_output=True, timeout=TIMEOUT_S)
    return out


def _permission_sets(project: Path, naming: str = "") -> set[str]:
    """The package's permission sets (those whose file names ``naming``, when given)."""
    folder = project / "force-app/main/default/permissionsets"
    return {p.name.removesuffix(".permissionset-meta.xml") for p in folder.glob("*.permissionset-meta.xml")
            if naming in p.read_text()}


def _count(sf: SfCli, soql: str) -> int:
    return sf.run("data", "query", "-q", soql, "-o", ALIAS)["result"]["totalSize"]


def test_sf_org_login_jwt_stores_the_orgs_identity(login: dict[str, Any], emu: EmulatorHandle) -> None:
    assert login["orgId"] == emu.store.org_id
    assert login["username"] == emu.env["SALESFORCE_USERNAME"]
    assert login["instanceUrl"] == emu.instance_url
    assert login["isSandbox"] is False and login["namespacePrefix"] is None


def test_sf_org_login_access_token_reads_userinfo(sf: SfCli, emu: EmulatorHandle) -> None:
    # The CLI asks /services/oauth2/userinfo who the token belongs to.
    result = sf.run("org", "login", "access-token", "--instance-url", emu.instance_url, "--no-prompt",
                    "--alias", "by-token", extra_env={"SF_ACCESS_TOKEN": emu.login()})["result"]
    assert result["username"] == emu.env["SALESFORCE_USERNAME"] and result["orgId"] == emu.store.org_id


def test_sf_org_display_shows_a_connected_org(sf: SfCli, login: dict[str, Any], emu: EmulatorHandle) -> None:
    result = sf.run("org", "display", "-o", ALIAS)["result"]
    assert result["connectedStatus"] == "Connected"
    assert result["id"] == emu.store.org_id


def test_sf_sobject_describe_lists_the_objects_fields(sf: SfCli, login: dict[str, Any]) -> None:
    result = sf.run("sobject", "describe", "-s", "Account", "-o", ALIAS)["result"]
    names = {f["name"] for f in result["fields"]}
    assert result["name"] == "Account" and {"Id", "Name", "Industry", "OwnerId"} <= names


def test_sf_data_record_commands_create_update_get_and_delete(sf: SfCli, login: dict[str, Any]) -> None:
    created = sf.run("data", "create", "record", "-s", "Account", "-v", "Name='Compat Works' Industry=Banking",
                     "-o", ALIAS)["result"]
    assert created["success"] is True
    sf.run("data", "update", "record", "-s", "Account", "-i", created["id"], "-v", "Name='Compat Works Ltd'",
           "-o", ALIAS)
    record = sf.run("data", "get", "record", "-s", "Account", "-i", created["id"], "-o", ALIAS)["result"]
    assert record["Name"] == "Compat Works Ltd" and record["Industry"] == "Banking"
    sf.run("data", "delete", "record", "-s", "Account", "-i", created["id"], "-o", ALIAS)
    assert _count(sf, "SELECT Id FROM Account WHERE Name = 'Compat Works Ltd'") == 0


def test_sf_data_import_tree_loads_the_apex_recipes_plan(sf: SfCli, login: dict[str, Any]) -> None:
    plan = apex_recipes_dir() / "data-plan.json"
    result = sf.run("data", "import", "tree", "--plan", str(plan), "-o", ALIAS)["result"]
    assert len(result) == 250  # 50 accounts, 150 contacts, 50 opportunities, one result each
    assert _count(sf, "SELECT Id FROM Contact WHERE AccountId != null") == 150
    rows = sf.run("data", "query", "-q", "SELECT Name, Account.Name FROM Opportunity ORDER BY Name LIMIT 5",
                  "-o", ALIAS)["result"]["records"]
    assert len(rows) == 5 and all(r["Account"]["Name"] for r in rows)


def test_sf_data_export_bulk_writes_every_account(sf: SfCli, login: dict[str, Any], module_tmp: Path) -> None:
    out = module_tmp / "accounts.csv"
    sf.run("data", "export", "bulk", "-q", "SELECT Id, Name FROM Account", "--output-file", str(out),
           "-r", "csv", "-w", "5", "-o", ALIAS)
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == _count(sf, "SELECT Id FROM Account") == 50
    assert all(r["Id"].startswith("001") and r["Name"] for r in rows)


def _deploy_dir(exported: Path, tmp: Path, name: str) -> Path:
    target = tmp / name
    shutil.copytree(exported, target)
    return target


def test_sf_project_deploy_with_an_invalid_field_fails_naming_it_and_deploys_nothing(
        sf: SfCli, login: dict[str, Any], exported: Path, module_tmp: Path, emu: EmulatorHandle) -> None:
    project = _deploy_dir(exported, module_tmp, "invalid")
    field_file = project / "force-app/main/default/objects/Account/fields/ARR__c.field-meta.xml"
    field_file.write_text(field_file.read_text().replace("<type>Currency</type>", "<type>Currancy</type>"))
    body = sf.run("project", "deploy", "start", "-o", ALIAS, "-w", "5", cwd=project, check=False)
    assert body["status"] == 1
    granting = _permission_sets(project, "Account.ARR__c")
    assert {"Expansion_Radar_Integration", "Expansion_Radar_CS"} <= granting
    assert body["result"]["status"] == "Failed"
    assert body["result"]["numberComponentErrors"] == 1 + len(granting)
    failures = {(f["fullName"], f["type"]): f["error"] for f in body["result"]["files"] if f["state"] == "Failed"}
    assert failures[("Account.ARR__c", "CustomField")] == (
        "Error parsing file: 'Currancy' is not a valid value for the enum 'FieldType'")
    # Each permission set granting the field that failed fails too, as in Salesforce.
    for name in granting:
        assert failures[(name, "PermissionSet")] == "In field: field - no CustomField named Account.ARR__c found"
    assert not emu.org.schema.has_object("Product_Usage__c")  # rollbackOnError: nothing applied


def test_sf_project_deploy_dry_run_validates_without_changing_the_org(
        sf: SfCli, login: dict[str, Any], exported: Path, emu: EmulatorHandle) -> None:
    # Through the REST deploy (POST metadata/deployRequest), which the CLI uses when asked.
    before = emu.org.usage.by_kind["metadata_rest"]
    result = sf.run("project", "deploy", "start", "--dry-run", "-o", ALIAS, "-w", "5", cwd=exported,
                    extra_env={"SF_ORG_METADATA_REST_DEPLOY": "true"})["result"]
    assert emu.org.usage.by_kind["metadata_rest"] > before
    assert result["success"] is True and result["checkOnly"] is True
    assert not emu.org.schema.has_object("Product_Usage__c")
    assert not emu.org.schema.object("Account").has_field("ARR__c")


def test_sf_project_deploy_of_the_exported_metadata_makes_mapping_check_pass(
        sf: SfCli, login: dict[str, Any], exported: Path, emu: EmulatorHandle, redis_url: str) -> None:
    result = sf.run("project", "deploy", "start", "-o", ALIAS, "-w", "5", cwd=exported)["result"]
    assert result["status"] == "Succeeded"
    deployed = {(f["type"], f["fullName"]) for f in result["files"]}
    assert {("CustomObject", "Product_Usage__c"), ("CustomField", "Account.ARR__c"),
            ("PermissionSet", "Expansion_Radar_Integration")} <= deployed
    redis.Redis.from_url(redis_url).flushdb()
    check = subprocess.run([sys.executable, "-m", "service.cli", "mapping", "check"], capture_output=True,
                           text=True, timeout=TIMEOUT_S, check=False,
                           env={**sf.env, "PATH": sf.env["PATH"], **emu.env, "REDIS_URL": redis_url,
                                "HOME": str(Path.home())})
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 error(s)" in check.stdout


def test_after_the_cli_deploys_the_package_into_an_empty_org_a_full_scan_writes_the_map(
        sf_prefix: Path, exported: Path, tmp_path: Path, redis_url: str) -> None:
    # An org with no custom metadata becomes the product's org through the CLI deploy alone;
    # then customers arrive and the product scans and writes back through those fields.
    with running_emulator(tmp_path / "org", metadata=None) as org:
        cli = SfCli(sf_prefix / "node_modules" / ".bin" / "sf", client_env(tmp_path / "home", org.ca_path))
        cli.env["PATH"] = f"{sf_prefix / 'node_modules' / '.bin'}:{cli.env['PATH']}"
        cli.run("org", "login", "jwt", "--client-id", org.env["SALESFORCE_CLIENT_ID"], "--jwt-key-file",
                org.env["SALESFORCE_PRIVATE_KEY_FILE"], "--username", org.env["SALESFORCE_USERNAME"],
                "--instance-url", org.login_url, "--alias", "fresh")
        assert not org.org.schema.object("Account").has_field("White_Space__c")
        assert cli.run("project", "deploy", "start", "-o", "fresh", "-w", "5",
                       cwd=exported)["result"]["status"] == "Succeeded"
        generate_into(org.org.store, 40, seed=5, now=org.org.clock.now())
        redis.Redis.from_url(redis_url).flushdb()
        scan = subprocess.run([sys.executable, "-m", "service.cli", "sync", "--full", "--inline"],
                              capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
                              env={**cli.env, **org.env, "REDIS_URL": redis_url, "HOME": str(Path.home())})
        assert scan.returncode == 0, scan.stdout[-2000:] + scan.stderr[-2000:]
        rows = cli.run("data", "query", "-q", "SELECT Name, White_Space__c FROM Account WHERE "
                       "Last_Expansion_Scan__c != null", "-o", "fresh")["result"]["records"]
        assert len(rows) == 40
        assert all(r["White_Space__c"].splitlines()[0] == f"{r['Name']} White-Space Map" for r in rows)


def test_sf_org_list_metadata_names_the_deployed_fields(sf: SfCli, login: dict[str, Any], exported: Path) -> None:
    fields = {c["fullName"] for c in sf.run("org", "list", "metadata", "-m", "CustomField", "-o", ALIAS)["result"]}
    assert {"Account.ARR__c", "Product_Usage__c.Usage_Units__c", "Opportunity.Expansion_Key__c"} <= fields
    sets = sf.run("org", "list", "metadata", "-m", "PermissionSet", "-o", ALIAS)["result"]
    assert {s["fullName"] for s in sets} == _permission_sets(exported) >= {
        "Expansion_Radar_Integration", "Expansion_Radar_CS", "Expansion_Radar_AE"}
    bundles = sf.run("org", "list", "metadata", "-m", "LightningComponentBundle", "-o", ALIAS)["result"]
    assert [b["fullName"] for b in bundles] == ["radarAccountPanel"]


def test_sf_data_upsert_bulk_matches_on_the_deployed_external_id(
        sf: SfCli, login: dict[str, Any], module_tmp: Path) -> None:
    source = module_tmp / "opportunities.csv"
    for name in ("First", "Second"):
        source.write_text("Expansion_Key__c,Name,StageName,CloseDate\n"
                          f"compat-1,{name} expansion,Prospecting,2027-01-15\n"
                          f"compat-2,{name} renewal,Prospecting,2027-02-15\n")
        result = sf.run("data", "upsert", "bulk", "-s", "Opportunity", "-f", str(source), "-i",
                        "Expansion_Key__c", "-w", "5", "-o", ALIAS)["result"]
        assert result["jobInfo"]["numberRecordsProcessed"] == 2 and result["jobInfo"]["numberRecordsFailed"] == 0
    rows = sf.run("data", "query", "-q", "SELECT Name FROM Opportunity WHERE Expansion_Key__c LIKE 'compat-%' "
                  "ORDER BY Expansion_Key__c", "-o", ALIAS)["result"]["records"]
    assert [r["Name"] for r in rows] == ["Second expansion", "Second renewal"]
