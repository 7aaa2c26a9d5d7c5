"""SFDX export: the metadata files sf project deploy start takes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from defusedxml import ElementTree

from detection.findings import ALL_SIGNALS
from field_specs.sfdx import NS, export_metadata
from service.cli import main


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _field(source: Path, obj: str, name: str):  # noqa: ANN202 - an Element
    return ElementTree.parse(source / "objects" / obj / "fields" / f"{name}.field-meta.xml").getroot()


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_metadata(tmp_path_factory.mktemp("sfdx"))


def test_given_export_then_returns_the_directory_holding_objects(source: Path) -> None:
    assert source.name == "default" and (source / "objects").is_dir()
    project = json.loads((source.parents[2] / "sfdx-project.json").read_text())
    assert project["packageDirectories"][0]["path"] == "force-app"
    assert project["sourceApiVersion"] == "59.0"


def test_given_expansion_key_then_external_id_unique_text(source: Path) -> None:
    root = _field(source, "Opportunity", "Expansion_Key__c")
    assert root.find(_q("type")).text == "Text"
    assert root.find(_q("length")).text == "255"
    assert root.find(_q("externalId")).text == "true"
    assert root.find(_q("unique")).text == "true"
    assert root.find(_q("fullName")).text == "Expansion_Key__c"


def test_given_tier_then_restricted_picklist_t1_t3(source: Path) -> None:
    root = _field(source, "Account", "Tier__c")
    assert root.find(_q("type")).text == "Picklist"
    value_set = root.find(_q("valueSet"))
    assert value_set.find(_q("restricted")).text == "true"
    names = [v.find(_q("fullName")).text for v in value_set.iter(_q("value"))]
    assert names == ["T1", "T2", "T3"]


def test_given_task_fields_then_authored_on_activity(source: Path) -> None:
    root = _field(source, "Activity", "Expansion_Signal_Type__c")
    values = [(v.find(_q("fullName")).text, v.find(_q("label")).text)
              for v in root.iter(_q("value"))]
    assert [v for v, _ in values] == list(ALL_SIGNALS)
    assert ("support_request_unpurchased", "Support Request Unpurchased") in values
    assert not (source / "objects" / "Task").exists()


def test_given_long_text_and_numbers_then_sizes_are_set(source: Path) -> None:
    white_space = _field(source, "Account", "White_Space__c")
    assert white_space.find(_q("type")).text == "LongTextArea"
    assert white_space.find(_q("length")).text == "131072"
    assert white_space.find(_q("visibleLines")) is not None
    potential = _field(source, "Account", "White_Space_Potential__c")
    assert (potential.find(_q("type")).text, potential.find(_q("precision")).text,
            potential.find(_q("scale")).text) == ("Currency", "18", "2")
    left = _field(source, "Contact", "Left_Company__c")
    assert left.find(_q("type")).text == "Checkbox"
    assert left.find(_q("defaultValue")).text == "false"


def test_given_product_usage_then_custom_object_with_lookups(source: Path) -> None:
    folder = source / "objects" / "Product_Usage__c"
    obj = ElementTree.parse(folder / "Product_Usage__c.object-meta.xml").getroot()
    assert obj.tag == _q("CustomObject")
    assert obj.find(_q("nameField")).find(_q("type")).text == "AutoNumber"
    assert obj.find(_q("sharingModel")).text == "ReadWrite"
    assert obj.find(_q("deploymentStatus")).text == "Deployed"
    lookup = _field(source, "Product_Usage__c", "Account__c")
    assert lookup.find(_q("type")).text == "Lookup"
    assert lookup.find(_q("referenceTo")).text == "Account"
    assert lookup.find(_q("relationshipName")).text == "Product_Usages"
    assert lookup.find(_q("deleteConstraint")).text == "SetNull"


def test_given_permission_set_then_edit_for_writes_read_for_reads(source: Path) -> None:
    path = source / "permissionsets" / "Expansion_Radar_Integration.permissionset-meta.xml"
    root = ElementTree.parse(path).getroot()
    grants = {g.find(_q("field")).text: (g.find(_q("readable")).text, g.find(_q("editable")).text)
              for g in root.iter(_q("fieldPermissions"))}
    assert grants["Account.White_Space__c"] == ("true", "true")
    assert grants["Account.Tier__c"] == ("true", "false")
    assert grants["Task.Radar_Action__c"] == ("true", "true")
    assert grants["Event.Radar_Action__c"] == ("true", "true")  # shared Activity FLS
    objects = {g.find(_q("object")).text for g in root.iter(_q("objectPermissions"))}
    assert {"Account", "Opportunity", "Product_Usage__c"} <= objects


def test_given_manifest_then_lists_every_exported_field(source: Path) -> None:
    root = ElementTree.parse(source.parents[2] / "manifest" / "package.xml").getroot()
    members = {t.find(_q("name")).text: [m.text for m in t.iter(_q("members"))]
               for t in root.iter(_q("types"))}
    files = sorted(source.glob("objects/*/fields/*.field-meta.xml"))
    assert len(members["CustomField"]) == len(files)
    assert "Activity.Radar_Action__c" in members["CustomField"]
    assert members["CustomObject"] == ["Product_Usage__c"]
    assert members["PermissionSet"] == ["Expansion_Radar_Integration"]


def test_given_radar_fields_export_command_then_writes_project(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["fields", "export", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "force-app/main/default/objects/Account/fields/Tier__c.field-meta.xml").exists()
