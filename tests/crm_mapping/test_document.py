"""Mapping documents: defaults, validation with one problem per mistake, YAML round trip."""

from __future__ import annotations

import pytest
import yaml

from crm_mapping.defaults import default_yaml
from crm_mapping.document import MappingInvalid, default_mapping, load_mapping, load_yaml
from crm_mapping.store import DEFAULT_YAML
from field_specs.catalog import CATALOG


def _problems(document: dict) -> list[str]:
    with pytest.raises(MappingInvalid) as caught:
        load_mapping(document)
    return [str(p) for p in caught.value.problems]


def test_given_committed_default_yaml_then_it_equals_the_catalog() -> None:
    assert DEFAULT_YAML.read_text(encoding="utf-8") == default_yaml()
    assert load_yaml(DEFAULT_YAML.read_text(encoding="utf-8")) == default_mapping()


def test_given_empty_document_then_every_catalog_field_has_its_default() -> None:
    mapping = load_mapping({})
    assert set(mapping.fields) == set(CATALOG)
    assert mapping.api("account.tier") == "Tier__c"
    assert mapping.sobject("product_usage") == "Product_Usage__c"


def test_given_exported_document_when_loaded_then_equal_mapping() -> None:
    mapping = load_mapping({"fields": {"account.health_score": "CS_Health__c",
                                       "account.tier": {"aliases": {"Enterprise": "T1"}}}})
    again = load_yaml(mapping.to_yaml())
    assert again == mapping
    assert again.binding("account.tier").to_logical["Enterprise"] == "T1"


def test_given_partial_values_then_merged_over_defaults() -> None:
    mapping = load_mapping({"fields": {"opportunity.stage_name": {"values": {"S2": "Qualification"}}}})
    binding = mapping.binding("opportunity.stage_name")
    assert binding.values == {"S2": "Qualification", "Closed Won": "Closed Won"}
    assert binding.api == "StageName"


def test_given_several_mistakes_then_one_problem_each() -> None:
    problems = _problems({"fields": {
        "account.teir": "X__c",
        "account.tier": {"field": "Customer Tier", "values": {"T9": "Platinum"}},
        "opportunity.name": "Account.Name",
    }})
    assert len(problems) == 4, problems
    assert any("unknown logical field 'account.teir'" in p and "account.tier" in p
               for p in problems)
    assert any("'Customer Tier' is not a Salesforce API name" in p for p in problems)
    assert any("'T9' is not a value of account.tier" in p for p in problems)
    assert any("must be a field of Opportunity itself" in p for p in problems)


def test_given_one_org_field_bound_twice_then_duplicate_problem() -> None:
    problems = _problems({"fields": {"account.health_score": "ARR__c"}})
    assert problems == ["fields.account.health_score.field: Account.ARR__c is already bound to "
                        "account.arr; one org field can hold only one logical field"]


def test_given_bad_shape_then_marshmallow_problems_have_paths() -> None:
    problems = _problems({"enabled_plays": ["play99"], "surprise": True,
                          "objects": {"account": None, "widget": "Widget__c"}})
    assert any(p.startswith("enabled_plays.0:") for p in problems)
    assert any(p.startswith("surprise:") for p in problems)
    assert any("widget" in p for p in problems)


def test_given_account_object_unmapped_then_refused() -> None:
    problems = _problems({"objects": {"account": None}})
    assert problems == ["objects.account: account cannot be unmapped: every scan reads it"]


def test_given_yaml_that_is_not_a_mapping_then_clear_problem() -> None:
    with pytest.raises(MappingInvalid) as caught:
        load_yaml(yaml.safe_dump(["a", "b"]))
    assert "must be a mapping" in str(caught.value)


def test_given_unmapped_object_then_its_fields_resolve_to_none() -> None:
    mapping = load_mapping({"objects": {"product_usage": None}})
    assert mapping.api("product_usage.usage_units") is None
