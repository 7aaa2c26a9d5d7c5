"""jsforce 3.10 (Node 22) against the emulator with the product's metadata and 2,100
accounts: login, identity, paging, Bulk 2.0, CRUD, upsert, collections, composite, tree and
the Metadata API. One node process runs every step (tests/compat/jsforce_steps.cjs); each
test asserts one step's result."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator.testing import running_emulator
from tests.compat.conftest import TIMEOUT_S, client_env, node_binary

ACCOUNTS = 2100
STEPS = Path(__file__).with_name("jsforce_steps.cjs")
MD = "http://soap.sforce.com/2006/04/metadata"


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _package(*types: tuple[str, str]) -> str:
    members = "".join(f"<types><members>{m}</members><name>{t}</name></types>" for t, m in types)
    return f'<Package xmlns="{MD}">{members}<version>59.0</version></Package>'


SOAP_ZIP = {
    "package.xml": _package(("CustomField", "Account.Compat_Score__c"), ("Layout", "Account-Compat Layout")),
    "objects/Account.object": (
        f'<CustomObject xmlns="{MD}"><fields><fullName>Compat_Score__c</fullName><label>Compat Score</label>'
        "<precision>5</precision><scale>1</scale><type>Number</type></fields></CustomObject>"),
    "layouts/Account-Compat Layout.layout": (
        f'<Layout xmlns="{MD}"><layoutSections><label>Compat</label><style>OneColumn</style>'
        "</layoutSections></Layout>"),
}
REST_ZIP = {
    "package.xml": _package(("CustomField", "Account.Compat_Partner__c")),
    "objects/Account.object": (
        f'<CustomObject xmlns="{MD}"><fields><fullName>Compat_Partner__c</fullName><label>Partner</label>'
        "<referenceTo>Missing_Partner__c</referenceTo><relationshipName>Partners</relationshipName>"
        "<type>Lookup</type></fields></CustomObject>"),
}


@pytest.fixture(scope="module")
def results(module_tmp: Path, jsforce_prefix: Path) -> Iterator[dict[str, Any]]:
    with running_emulator(module_tmp) as emu:
        emu.store.insert_many("Account", ({"Name": f"Paging Account {i:04d}"} for i in range(ACCOUNTS)))
        (module_tmp / "soap.zip").write_bytes(_zip(SOAP_ZIP))
        (module_tmp / "rest.zip").write_bytes(_zip(REST_ZIP))
        env = {**client_env(module_tmp / "home", emu.ca_path),
               "JSFORCE_MODULE": str(jsforce_prefix / "node_modules" / "jsforce"), "LOGIN_URL": emu.login_url,
               "API_VERSION": emu.api_version, "SF_USERNAME": emu.env["SALESFORCE_USERNAME"],
               "SF_PASSWORD": emu.env["SALESFORCE_PASSWORD"], "DEPLOY_ZIP": str(module_tmp / "soap.zip"),
               "DEPLOY_ZIP_REST": str(module_tmp / "rest.zip")}
        done = subprocess.run([node_binary(), str(STEPS)], env=env, capture_output=True, text=True,
                              timeout=TIMEOUT_S, check=False)
        marker = done.stdout.rfind("@@RESULTS@@")
        assert marker >= 0, f"jsforce steps printed no results:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        body = json.loads(done.stdout[marker + len("@@RESULTS@@"):])
        body["_emu"] = {"org_id": emu.store.org_id, "user_id": emu.store.integration_user_id,
                        "username": emu.env["SALESFORCE_USERNAME"], "instance_url": emu.instance_url}
        yield body


def _step(results: dict[str, Any], name: str) -> dict[str, Any]:
    value = results[name]
    assert "error" not in value, f"{name}: {value['error']}"
    return value


def test_jsforce_login_over_soap_returns_the_user_and_org(results: dict[str, Any]) -> None:
    login, emu = _step(results, "login"), results["_emu"]
    assert (login["userId"], login["organizationId"], login["instanceUrl"]) == (
        emu["user_id"], emu["org_id"], emu["instance_url"])


def test_jsforce_identity_reads_the_identity_url(results: dict[str, Any]) -> None:
    identity, emu = _step(results, "identity"), results["_emu"]
    assert identity == {"user_id": emu["user_id"], "organization_id": emu["org_id"], "username": emu["username"]}


def test_jsforce_query_and_query_more_page_past_2000_rows(results: dict[str, Any]) -> None:
    paging = _step(results, "query_more")
    assert paging["totalSize"] == ACCOUNTS and paging["firstPage"] == 2000 and paging["firstDone"] is False
    assert paging["secondPage"] == ACCOUNTS - 2000 and paging["secondDone"] is True
    assert paging["autoFetched"] == ACCOUNTS


def test_jsforce_bulk2_query_returns_every_row(results: dict[str, Any]) -> None:
    assert _step(results, "bulk2_query") == {"rows": ACCOUNTS, "firstIdPrefix": "001"}


def test_jsforce_bulk2_load_reports_successes_and_the_failed_row(results: dict[str, Any]) -> None:
    load = _step(results, "bulk2_load")
    assert load["successful"] == 2 and load["failed"] == 1
    assert load["failedError"].startswith("REQUIRED_FIELD_MISSING")


def test_jsforce_single_record_crud(results: dict[str, Any]) -> None:
    assert _step(results, "crud") == {"created": True, "name": "Jsforce Crud Company", "industry": "Retail",
                                      "destroyed": True, "afterDelete": "NOT_FOUND"}


def test_jsforce_upsert_creates_then_updates_by_external_id(results: dict[str, Any]) -> None:
    assert _step(results, "upsert") == {"firstCreated": True, "secondCreated": False, "names": ["Jsforce second"]}


def test_jsforce_collections_create_update_retrieve_and_destroy(results: dict[str, Any]) -> None:
    assert _step(results, "collections") == {
        "created": [True, True, False], "failedCode": "REQUIRED_FIELD_MISSING", "updated": True,
        "industries": ["Energy", "Media"], "destroyed": True}


def test_jsforce_composite_chains_references(results: dict[str, Any]) -> None:
    assert _step(results, "composite") == {"statuses": [201, 201, 200], "linked": True}


def test_jsforce_composite_batch_answers_each_subrequest(results: dict[str, Any]) -> None:
    assert _step(results, "composite_batch") == {"hasErrors": True, "statuses": [200, 404]}


def test_jsforce_tree_creates_parent_and_child(results: dict[str, Any]) -> None:
    assert _step(results, "tree") == {"hasErrors": False, "refs": ["tree1", "tree2"]}


def test_jsforce_metadata_deploy_adds_the_field_to_describe(results: dict[str, Any]) -> None:
    deploy = _step(results, "metadata_deploy")
    assert deploy["status"] == "Succeeded" and deploy["success"] is True
    assert deploy["components"] == ["CustomField:Account.Compat_Score__c", "Layout:Account-Compat Layout"]
    assert deploy["describedType"] == "double"


def test_jsforce_metadata_rest_deploy_fails_a_lookup_to_a_missing_object(results: dict[str, Any]) -> None:
    deploy = _step(results, "metadata_deploy_rest")
    assert deploy["status"] == deploy["restStatus"] == "Failed"
    assert deploy["restFailures"] == [
        "Account.Compat_Partner__c: referenceTo value of 'Missing_Partner__c' does not resolve to a valid sObject type"]


def test_jsforce_metadata_read_and_list_return_deployed_components(results: dict[str, Any]) -> None:
    assert _step(results, "metadata_read_list") == {
        "fieldType": "Number", "fieldLabel": "Compat Score", "precision": 5, "layoutName": "Account-Compat Layout",
        "listed": ["CustomField:Account.Compat_Score__c", "Layout:Account-Compat Layout"]}
