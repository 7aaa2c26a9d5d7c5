"""The Metadata API over SOAP, as a client sends it: deploy options, partial deploys, unknown
types, a custom object usable at once, list/read/describe, and session faults."""

from __future__ import annotations

import base64
import io
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from defusedxml import ElementTree
from simple_salesforce import Salesforce

from emulator.testing import EmulatorHandle, running_emulator

MD = "http://soap.sforce.com/2006/04/metadata"
TIMEOUT = 10


@pytest.fixture
def bare(tmp_path: Path) -> Iterator[EmulatorHandle]:
    with running_emulator(tmp_path, metadata=None) as handle:
        yield handle


def _zip(files: dict[str, str]) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return base64.b64encode(buffer.getvalue()).decode()


def _package(*types: tuple[str, str]) -> str:
    return (f'<Package xmlns="{MD}">' + "".join(f"<types><members>{m}</members><name>{t}</name></types>"
                                                for t, m in types) + "<version>59.0</version></Package>")


def _field(name: str, md_type: str, extra: str = "") -> str:
    return f"<fields><fullName>{name}</fullName><label>{name[:-3]}</label><type>{md_type}</type>{extra}</fields>"


def _soap(emu: EmulatorHandle, body: str, token: str | None = None) -> tuple[int, Any]:
    envelope = (f'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="{MD}">'
                f"<soapenv:Header><SessionHeader><sessionId>{token or emu.login()}</sessionId></SessionHeader>"
                f"</soapenv:Header><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>")
    response = emu.http().post(f"{emu.instance_url}/services/Soap/m/59.0", data=envelope.encode(), timeout=TIMEOUT,
                               headers={"Content-Type": "text/xml", "SOAPAction": '""'})
    return response.status_code, ElementTree.fromstring(response.content)


def _text(root: Any, path: str) -> list[str]:
    return [e.text or "" for e in root.iter(f"{{{MD}}}{path}")]


def _deploy(emu: EmulatorHandle, files: dict[str, str], **options: bool) -> Any:
    opts = "".join(f"<{k}>{str(v).lower()}</{k}>" for k, v in options.items())
    _, started = _soap(emu, f"<deploy><ZipFile>{_zip(files)}</ZipFile><DeployOptions>{opts}</DeployOptions></deploy>")
    deploy_id = _text(started, "id")[0]
    for _ in range(100):
        _, status = _soap(emu, f"<checkDeployStatus><asyncProcessId>{deploy_id}</asyncProcessId>"
                               "<includeDetails>true</includeDetails></checkDeployStatus>")
        if _text(status, "done")[0] == "true":
            return status
        time.sleep(0.05)
    raise AssertionError("deploy never finished")


WIDGET = {"package.xml": _package(("CustomObject", "Widget__c")),
          "objects/Widget__c.object": (f'<CustomObject xmlns="{MD}"><label>Widget</label><pluralLabel>Widgets'
                                       "</pluralLabel><nameField><label>Widget Name</label><type>Text</type>"
                                       "</nameField><sharingModel>ReadWrite</sharingModel>"
                                       + _field("Size__c", "Number", "<precision>6</precision><scale>0</scale>")
                                       + "</CustomObject>")}


def test_given_custom_object_deployed_when_records_created_then_queryable_at_once(bare: EmulatorHandle) -> None:
    status = _deploy(bare, WIDGET)
    assert _text(status, "status") == ["Succeeded"]
    sf: Salesforce = bare.salesforce()
    sf.Widget__c.create({"Name": "Sprocket", "Size__c": 7})
    assert sf.query("SELECT Name, Size__c FROM Widget__c")["records"][0]["Size__c"] == 7


def test_given_check_only_when_deployed_then_validated_and_nothing_changes(bare: EmulatorHandle) -> None:
    status = _deploy(bare, WIDGET, checkOnly=True)
    assert _text(status, "status") == ["Succeeded"] and _text(status, "checkOnly") == ["true"]
    assert not bare.org.schema.has_object("Widget__c")


def test_given_rollback_off_when_one_field_invalid_then_the_rest_deploys(bare: EmulatorHandle) -> None:
    files = {"package.xml": _package(("CustomField", "Account.Good__c"), ("CustomField", "Account.Bad__c")),
             "objects/Account.object": f'<CustomObject xmlns="{MD}">' + _field("Good__c", "Checkbox")
             + _field("Bad__c", "Text") + "</CustomObject>"}
    status = _deploy(bare, files, rollbackOnError=False)
    assert _text(status, "status") == ["SucceededPartial"]
    assert _text(status, "problem") == ["Must specify the length of a Text field"]
    account = bare.org.schema.object("Account")
    assert account.has_field("Good__c") and not account.has_field("Bad__c")


def test_given_unknown_type_in_package_when_deployed_then_failed_naming_it(bare: EmulatorHandle) -> None:
    status = _deploy(bare, {"package.xml": _package(("Gizmo", "One"))})
    assert _text(status, "status") == ["Failed"]
    assert _text(status, "problem") == ["Unknown type name 'Gizmo' specified in package.xml"]


def test_given_a_zip_that_is_not_one_when_deployed_then_failed_with_error_message(bare: EmulatorHandle) -> None:
    _, started = _soap(bare, f"<deploy><ZipFile>{base64.b64encode(b'not a zip').decode()}</ZipFile></deploy>")
    deploy_id = _text(started, "id")[0]
    time.sleep(0.2)
    _, status = _soap(bare, f"<checkDeployStatus><asyncProcessId>{deploy_id}</asyncProcessId></checkDeployStatus>")
    assert _text(status, "status") == ["Failed"] and "not valid" in _text(status, "errorMessage")[0]


def test_given_flexipage_deployed_when_listed_and_read_then_returned(bare: EmulatorHandle) -> None:
    page = f'<FlexiPage xmlns="{MD}"><masterLabel>Radar Home</masterLabel><type>AppPage</type></FlexiPage>'
    _deploy(bare, {"package.xml": _package(("FlexiPage", "Radar_Home")), "flexipages/Radar_Home.flexipage": page})
    _, listed = _soap(bare, "<listMetadata><queries><type>FlexiPage</type></queries></listMetadata>")
    assert _text(listed, "fullName") == ["Radar_Home"]
    assert _text(listed, "fileName") == ["flexipages/Radar_Home.flexipage"]
    _, read = _soap(bare, "<readMetadata><type>FlexiPage</type><fullNames>Radar_Home</fullNames></readMetadata>")
    assert _text(read, "masterLabel") == ["Radar Home"] and _text(read, "type") == ["AppPage"]


def test_given_describe_metadata_then_types_with_their_folders(bare: EmulatorHandle) -> None:
    _, described = _soap(bare, "<describeMetadata><asOfVersion>59.0</asOfVersion></describeMetadata>")
    folders = dict(zip(_text(described, "xmlName"), _text(described, "directoryName"), strict=True))
    assert folders["CustomObject"] == "objects" and folders["PermissionSet"] == "permissionsets"


def test_given_bad_session_when_called_then_invalid_session_fault(bare: EmulatorHandle) -> None:
    status, fault = _soap(bare, "<describeMetadata/>", token="expired")
    assert status == 500
    assert [e.text for e in fault.iter("faultcode")] == ["sf:INVALID_SESSION_ID"]


def test_given_org_kept_in_a_file_when_restarted_then_deployed_object_and_records_remain(tmp_path: Path) -> None:
    data = tmp_path / "org.sqlite3"
    with running_emulator(tmp_path, metadata=None, data_path=data) as first:
        assert _text(_deploy(first, WIDGET), "status") == ["Succeeded"]
        first.salesforce().Widget__c.create({"Name": "Kept", "Size__c": 3})
    with running_emulator(tmp_path, metadata=None, data_path=data) as second:
        rows = second.salesforce().query("SELECT Name, Size__c FROM Widget__c")["records"]
        assert [(r["Name"], r["Size__c"]) for r in rows] == [("Kept", 3)]
