"""The package the admin deploys: complete, valid for the real Salesforce CLI, every XML
element one its metadata type defines, and every field a view or report names exists."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from defusedxml import ElementTree

from field_specs.catalog import fields_of
from field_specs.package import export_package, manifest_members
from service.cli import main
from tests.field_specs.metadata_schema import NS, unknown_elements
from tests.node_tools import node_env, npm_tool

SF_CLI = "@salesforce/cli@2.150.6"


def _q(tag: str) -> str:
    return f"{NS}{tag}"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("package")
    export_package(out)
    return out


@pytest.fixture(scope="module")
def source(project: Path) -> Path:
    return project / "force-app" / "main" / "default"


def _xml_files(project: Path) -> list[Path]:
    return sorted(project.rglob("*.xml"))


def test_given_package_then_every_xml_file_is_well_formed_metadata(project: Path) -> None:
    files = _xml_files(project)
    assert len(files) > 60
    for path in files:
        root = ElementTree.parse(path).getroot()  # raises on malformed XML
        assert root.tag.startswith(NS), path


def test_given_package_then_every_element_is_one_its_type_defines(project: Path) -> None:
    problems = [problem for path in _xml_files(project)
                for problem in unknown_elements(ElementTree.parse(path).getroot(), path)]
    assert problems == []


def test_given_package_when_converted_by_the_real_sf_cli_then_it_succeeds(
        project: Path, tmp_path: Path) -> None:
    prefix = npm_tool("sf-cli", [SF_CLI])
    env = node_env(prefix / "node_modules" / ".bin")
    env.update(SF_DISABLE_TELEMETRY="true", SF_AUTOUPDATE_DISABLE="true",
               SF_SKIP_NEW_VERSION_CHECK="true", HOME=str(tmp_path))
    out = tmp_path / "mdapi"
    done = subprocess.run(
        ["sf", "project", "convert", "source", "--manifest", "manifest/package.xml",
         "--output-dir", str(out), "--json"],
        cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False)
    result = json.loads(done.stdout)
    assert done.returncode == 0 and result["status"] == 0, done.stdout + done.stderr
    converted = ElementTree.parse(out / "package.xml").getroot()
    types = {t.find(_q("name")).text for t in converted.iter(_q("types"))}
    assert {"LightningComponentBundle", "FlexiPage", "Report", "Dashboard", "ReportType",
            "ListView", "Flow", "NamedCredential", "ExternalCredential", "ApexClass"} <= types
    assert (out / "lwc" / "radarAccountPanel" / "radarAccountPanel.js").exists()
    assert not list(out.rglob("__tests__"))  # Jest tests are not metadata


def test_given_manifest_then_it_names_every_component_shipped(project: Path,
                                                              source: Path) -> None:
    root = ElementTree.parse(project / "manifest" / "package.xml").getroot()
    listed = {t.find(_q("name")).text: [m.text for m in t.iter(_q("members"))]
              for t in root.iter(_q("types"))}
    assert listed == manifest_members(source)
    assert listed["PermissionSet"] == ["Expansion_Radar_AE", "Expansion_Radar_CS",
                                       "Expansion_Radar_Integration", "Expansion_Radar_Notifier"]
    assert sorted(listed["ListView"]) == [
        "Account.Radar_Expansion_Readiness_High", "Task.Radar_My_Open_Follow_Ups",
        "Task.Radar_QBR_Prep_Due", "Task.Radar_Strong_Signals_This_Week"]
    assert "Account.White_Space_Json__c" in listed["CustomField"]
    assert listed["Dashboard"] == ["Expansion_Radar_Dashboards",
                                   "Expansion_Radar_Dashboards/Expansion_Radar_Funnel"]
    assert len(listed["Report"]) == 7  # the folder and six reports


def _grants(source: Path, name: str) -> dict[str, tuple[bool, bool]]:
    root = ElementTree.parse(source / "permissionsets" / f"{name}.permissionset-meta.xml").getroot()
    return {g.find(_q("field")).text: (g.find(_q("readable")).text == "true",
                                       g.find(_q("editable")).text == "true")
            for g in root.iter(_q("fieldPermissions"))}


def test_given_cs_permission_set_then_reads_radar_fields_and_edits_only_qualification(
        source: Path) -> None:
    grants = _grants(source, "Expansion_Radar_CS")
    editable = sorted(f for f, (_, edit) in grants.items() if edit)
    assert editable == sorted(["Contact.MEDDICC_Role__c", "Task.Qual_Budget__c",
                               "Task.Qual_Decision_Maker__c", "Task.Qual_Metrics__c",
                               "Task.Qual_Pain__c", "Task.Qual_Timeline__c"])
    assert grants["Account.White_Space_Json__c"] == (True, False)  # the panel's field
    assert grants["Event.Qual_Pain__c"] == (True, False)
    assert not any(f.endswith("Radar_Last_Written__c") for f in grants)


def test_given_ae_permission_set_then_reads_qualification_and_edits_meddicc(
        source: Path) -> None:
    grants = _grants(source, "Expansion_Radar_AE")
    assert grants["Task.Qual_Pain__c"] == (True, False)
    assert grants["Opportunity.Metrics__c"] == (True, True)
    assert grants["Account.White_Space__c"] == (True, False)


# Standard column names of list views and activity reports -> the catalog field they show.
_STANDARD_COLUMNS = {
    "SUBJECT": "task.subject", "WHAT_NAME": "task.what_id", "WHO_NAME": "task.who_id",
    "DUE_DATE": "task.activity_date", "PRIORITY": "task.priority", "STATUS": "task.status",
    "CREATED_DATE": "task.created_date", "ACCOUNT": "task.account_id",
    "ASSIGNED": "task.owner_id", "CORE.USERS.ALIAS": "task.owner_id",
    "ACCOUNT.NAME": "account.name",
}


def _api_names(logical_object: str) -> set[str]:
    """Field API names of one object the product knows (custom and standard), with the
    relationship names reports use for lookups (OwnerId -> Owner)."""
    names = {f.api_name for f in fields_of(logical_object) if f.api_name}
    return names | {n.removesuffix("Id") for n in names if n.endswith("Id") and n != "Id"}


def _field_exists(column: str, source: Path) -> bool:
    if column in _STANDARD_COLUMNS:
        return True
    if column.startswith("Activity."):
        return (source / "objects" / "Activity" / "fields"
                / f"{column.removeprefix('Activity.')}.field-meta.xml").exists()
    match = re.fullmatch(r"Opportunity\$(?:Account\.)?(\w+)", column)
    if match:
        obj = "account" if "$Account." in column else "opportunity"
        return match.group(1) in _api_names(obj)
    return False


def test_given_reports_then_every_column_filter_and_grouping_names_an_existing_field(
        source: Path) -> None:
    reports = sorted((source / "reports").rglob("*.report-meta.xml"))
    assert len(reports) == 6
    seen = set()
    for path in reports:
        root = ElementTree.parse(path).getroot()
        named = ([c.text for c in root.iter(_q("field"))]
                 + [c.text for c in root.iter(_q("column"))]
                 + [c.text for c in root.iter(_q("dateColumn"))])
        for column in named:
            assert _field_exists(column, source), f"{path.name}: {column}"
            seen.add(column)
    assert {"Activity.Radar_Action__c", "Opportunity$LeadSource",
            "Opportunity$Account.CSM__c"} <= seen


def test_given_a_report_label_longer_than_salesforce_allows_then_refused() -> None:
    from field_specs.analytics import REPORTS, ReportSpec

    assert all(len(spec.label) <= 40 for spec in REPORTS)
    with pytest.raises(ValueError, match="longer than 40"):
        ReportSpec("X", "Pipeline by lead source (CS-driven share)", "", "Activity", ())


def test_given_report_type_and_list_views_then_their_fields_exist(source: Path) -> None:
    crt = ElementTree.parse(source / "reportTypes"
                            / "Radar_Expansion_Opportunities.reportType-meta.xml").getroot()
    for name in (c.text for c in crt.iter(_q("field"))):
        obj, _, field = name.rpartition(".")
        assert field in _api_names("account" if obj == "Account" else "opportunity"), name
    for path in source.glob("objects/*/listViews/*.listView-meta.xml"):
        obj = path.parts[-3]
        root = ElementTree.parse(path).getroot()
        for name in [c.text for c in root.iter(_q("columns"))] + [
                f.find(_q("field")).text for f in root.iter(_q("filters"))]:
            custom = source / "objects" / ("Activity" if obj == "Task" else obj) / "fields" / (
                f"{name}.field-meta.xml")
            assert name in _STANDARD_COLUMNS or custom.exists(), f"{path.name}: {name}"


def test_given_follow_up_list_view_then_filters_open_follow_ups_of_the_user(source: Path) -> None:
    root = ElementTree.parse(source / "objects" / "Task" / "listViews"
                             / "Radar_My_Open_Follow_Ups.listView-meta.xml").getroot()
    assert root.find(_q("label")).text == "My open expansion follow-ups"
    assert root.find(_q("filterScope")).text == "Mine"
    rules = {(f.find(_q("field")).text, f.find(_q("operation")).text, f.find(_q("value")).text)
             for f in root.iter(_q("filters"))}
    assert rules == {("Radar_Action__c", "equals", "follow_up"),
                     ("STATUS", "notEqual", "Completed")}


def test_given_flexipage_then_panel_leads_the_account_page_on_desktop_and_phone(
        source: Path) -> None:
    page = ElementTree.parse(source / "flexipages"
                             / "Radar_Account_Record_Page.flexipage-meta.xml").getroot()
    assert page.find(_q("sobjectType")).text == "Account"
    main = next(r for r in page.iter(_q("flexiPageRegions")) if r.find(_q("name")).text == "main")
    assert [c.text for c in main.iter(_q("componentName"))][0] == "radarAccountPanel"
    meta = ElementTree.parse(source / "lwc" / "radarAccountPanel"
                             / "radarAccountPanel.js-meta.xml").getroot()
    assert meta.find(_q("isExposed")).text == "true"
    assert [o.text for o in meta.iter(_q("object"))] == ["Account"]
    assert {f.get("type") for f in meta.iter(_q("supportedFormFactor"))} == {"Large", "Small"}


def test_given_flow_then_it_calls_radar_when_a_follow_ups_qualification_changes(
        source: Path) -> None:
    flow = ElementTree.parse(source / "flows" / "Radar_Task_Callout.flow-meta.xml").getroot()
    start = flow.find(_q("start"))
    assert start.find(_q("object")).text == "Task"
    formula = start.find(_q("filterFormula")).text
    for name in ("Qual_Pain__c", "Qual_Metrics__c", "Qual_Timeline__c",
                 "Qual_Decision_Maker__c", "Qual_Budget__c"):
        assert f"ISCHANGED({{!$Record.{name}}})" in formula
    named = ElementTree.parse(source / "namedCredentials"
                              / "Expansion_Radar.namedCredential-meta.xml").getroot()
    assert "radar.example.com" in ElementTree.tostring(named, encoding="unicode")  # placeholder
    text = "\n".join(p.read_text() for p in source.rglob("*") if p.is_file())
    assert not re.search(r"(?i)signing_secret__c>\s*[^<\s]", text)  # no secret value shipped


def test_given_old_and_new_export_commands_then_both_write_the_package(tmp_path: Path) -> None:
    for command in (["package", "export"], ["fields", "export"]):
        out = tmp_path / command[0]
        result = CliRunner().invoke(main, [*command, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert (out / "force-app/main/default/lwc/radarAccountPanel/radarAccountPanel.js").exists()
        assert (out / ".forceignore").read_text().count("__tests__") == 1
    assert os.listdir(tmp_path / "package") == os.listdir(tmp_path / "fields")
