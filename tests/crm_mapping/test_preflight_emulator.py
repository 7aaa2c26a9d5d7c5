"""End to end: our SFDX export loaded into an emulated org, preflight over its describe."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET  # noqa: S405 - building a test file; parsing is defusedxml
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from crm_mapping.document import default_mapping, load_mapping
from crm_mapping.preflight import PreflightReport, preflight
from emulator.testing import EmulatorHandle, running_emulator
from field_specs.sfdx import NS, export_metadata
from service.cli import main

pytestmark = pytest.mark.slow


def _add_formula_field(source: Path) -> None:
    root = ET.Element(f"{{{NS}}}CustomField")
    for tag, text in (("fullName", "ARR_Formula__c"), ("formula", "ARR__c * 1.1"),
                      ("label", "ARR Formula"), ("precision", "18"), ("scale", "2"),
                      ("type", "Currency")):
        ET.SubElement(root, f"{{{NS}}}{tag}").text = text
    path = source / "objects" / "Account" / "fields" / "ARR_Formula__c.field-meta.xml"
    path.write_text(ET.tostring(root, encoding="unicode"), encoding="utf-8")


def _describe(emu: EmulatorHandle, mapping: Any) -> dict[str, Any]:
    sf = emu.salesforce()
    return {name: getattr(sf, name).describe() for name in
            sorted({s for s in mapping.objects.values() if s})}


def _check(emu: EmulatorHandle, document: dict[str, Any] | None = None) -> PreflightReport:
    mapping = load_mapping(document or {})
    return preflight(mapping, _describe(emu, mapping))


def test_given_exported_metadata_in_emulator_then_preflight_passes_and_formula_write_fails(
        tmp_path: Path) -> None:
    source = export_metadata(tmp_path / "sfdx")
    _add_formula_field(source)
    with running_emulator(tmp_path / "org", metadata=source) as emu:
        report = _check(emu)
        assert report.ok, [str(p) for p in report.errors]
        formula = _check(emu, {"fields": {"account.white_space_potential": "ARR_Formula__c"}})
        (error,) = formula.errors
        assert (error.sobject, error.field) == ("Account", "ARR_Formula__c")
        assert "formula" in error.message
        # the CLI does the same through integration's connection and the emulator's env
        draft = tmp_path / "draft.yaml"
        draft.write_text("{}\n")
        result = CliRunner().invoke(main, ["mapping", "check", "--file", str(draft)],
                                    env=emu.env)
        assert result.exit_code == 0, result.output
        assert "scans may start" in result.output


def test_given_one_field_missing_from_org_then_preflight_names_it(tmp_path: Path) -> None:
    source = export_metadata(tmp_path / "sfdx")
    (source / "objects" / "Account" / "fields" / "Expansion_Readiness__c.field-meta.xml").unlink()
    shutil.rmtree(source / "permissionsets")
    with running_emulator(tmp_path / "org", metadata=source) as emu:
        report = _check(emu)
    assert not report.ok
    (error,) = report.errors
    assert (error.sobject, error.field, error.logical) == (
        "Account", "Expansion_Readiness__c", "account.expansion_readiness")
    assert default_mapping().api("account.expansion_readiness") == "Expansion_Readiness__c"
