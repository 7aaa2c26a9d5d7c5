"""Preflight over describe JSON captured from our own SFDX export."""

from __future__ import annotations

import copy
from typing import Any

from crm_mapping.document import FieldMapping, default_mapping, load_mapping
from crm_mapping.preflight import preflight

Describes = dict[str, dict[str, Any]]


def _field(describes: Describes, sobject: str, name: str) -> dict[str, Any]:
    return next(f for f in describes[sobject]["fields"] if f["name"] == name)


def _drop(describes: Describes, sobject: str, name: str) -> Describes:
    changed = copy.deepcopy(describes)
    changed[sobject]["fields"] = [f for f in changed[sobject]["fields"] if f["name"] != name]
    return changed


def test_given_exported_metadata_when_checked_then_preflight_passes(describes: Describes) -> None:
    report = preflight(default_mapping(), describes)
    assert report.ok, [str(p) for p in report.problems]
    assert report.problems == []


def test_given_one_field_dropped_then_fails_naming_it(describes: Describes) -> None:
    report = preflight(default_mapping(), _drop(describes, "Account", "White_Space__c"))
    assert not report.ok
    (error,) = report.errors
    assert (error.sobject, error.field, error.logical) == ("Account", "White_Space__c",
                                                          "account.white_space")
    assert "does not exist" in str(error) and "radar fields export" in error.fix


def test_given_write_mapped_to_formula_then_error(describes: Describes) -> None:
    changed = copy.deepcopy(describes)
    formula = dict(_field(changed, "Account", "ARR__c"), name="ARR_Formula__c", calculated=True,
                   createable=False, updateable=False, type="currency")
    changed["Account"]["fields"].append(formula)
    mapping = load_mapping({"fields": {"account.white_space_potential": "ARR_Formula__c"}})
    report = preflight(mapping, changed)
    (error,) = report.errors
    assert error.field == "ARR_Formula__c" and "formula" in error.message


def test_given_write_mapped_to_read_only_field_then_error(describes: Describes) -> None:
    changed = copy.deepcopy(describes)
    _field(changed, "Contact", "MEDDICC_Role__c")["updateable"] = False
    report = preflight(default_mapping(), changed)
    (error,) = report.errors
    assert (error.sobject, error.field) == ("Contact", "MEDDICC_Role__c")
    assert "not updateable" in error.message


def test_given_wrong_type_then_error_names_compatible_types(describes: Describes) -> None:
    mapping = load_mapping({"fields": {"account.health_score": "Industry",
                                       "account.industry": None}})
    report = preflight(mapping, describes)
    (error,) = report.errors
    assert error.logical == "account.health_score" and "type string" in error.message
    assert "double" in error.fix


def test_given_stage_value_missing_in_restricted_picklist_then_error(describes: Describes) -> None:
    changed = copy.deepcopy(describes)
    stage = _field(changed, "Opportunity", "StageName")
    stage["restrictedPicklist"] = True
    stage["picklistValues"] = [v for v in stage["picklistValues"]
                               if v["value"] != "S2 - Qualification"]
    report = preflight(default_mapping(), changed)
    (error,) = report.errors
    assert "'S2 - Qualification'" in error.message and error.field == "StageName"


def test_given_required_field_unmapped_for_enabled_play_then_error(describes: Describes) -> None:
    report = preflight(load_mapping({"fields": {"account.tier": None}}), describes)
    (error,) = report.errors
    assert error.logical == "account.tier" and "play02" in error.message
    disabled = load_mapping({"fields": {"account.tier": None},
                             "enabled_plays": ["signal_log", "play04", "handoff"]})
    assert preflight(disabled, describes).ok


def test_given_optional_object_missing_then_warning_only(describes: Describes) -> None:
    changed = {k: v for k, v in describes.items() if k != "Product_Usage__c"}
    report = preflight(default_mapping(), changed)
    assert report.ok
    assert [w.sobject for w in report.warnings] == ["Product_Usage__c"]


def test_given_other_org_with_its_fields_then_passes(describes: Describes,
                                                     other_org: FieldMapping) -> None:
    changed = copy.deepcopy(describes)
    tier = dict(_field(changed, "Account", "Tier__c"), name="Customer_Tier__c",
                picklistValues=[{"value": v, "active": True} for v in
                                ("Strategic", "Growth", "Scale", "Legacy")])
    health = dict(_field(changed, "Account", "Health_Score__c"), name="CS_Health__c")
    changed["Account"]["fields"] += [tier, health]
    stage = _field(changed, "Opportunity", "StageName")
    stage["picklistValues"] = [{"value": "Qualification", "active": True},
                               {"value": "Closed Won", "active": True}]
    report = preflight(other_org, changed)
    assert report.ok, [str(p) for p in report.errors]
    (warning,) = report.warnings  # "Legacy" has no tier
    assert "'Legacy'" in warning.message and "aliases" in warning.fix
