"""The catalog holds DESIGN.md's default schema as data."""

from __future__ import annotations

import re

from detection.findings import ALL_SIGNALS
from field_specs.catalog import CATALOG, DEFAULT_OBJECTS, field, fields_of
from field_specs.model import LOGICAL_OBJECTS
from field_specs.values import title_case


def test_given_catalog_then_every_name_is_logical_object_dot_snake_case() -> None:
    for name, entry in CATALOG.items():
        assert re.fullmatch(r"[a-z_]+\.[a-z0-9_]+", name), name
        assert entry.object in LOGICAL_OBJECTS


def test_given_catalog_then_every_object_of_the_read_contract_has_fields() -> None:
    for logical in LOGICAL_OBJECTS:
        assert fields_of(logical), logical
    assert DEFAULT_OBJECTS["product_usage"] == "Product_Usage__c"


def test_given_design_defaults_then_api_names_match_exactly() -> None:
    expected = {
        "account.name": ("Account", "Name"), "account.tier": ("Account", "Tier__c"),
        "account.health_score": ("Account", "Health_Score__c"),
        "account.csm_id": ("Account", "CSM__c"), "contact.title": ("Contact", "Title"),
        "contact.meddicc_role": ("Contact", "MEDDICC_Role__c"),
        "opportunity.expansion_key": ("Opportunity", "Expansion_Key__c"),
        "task.radar_action": ("Task", "Radar_Action__c"),
        "product_usage.usage_units": ("Product_Usage__c", "Usage_Units__c"),
        "product_usage.account_id": ("Product_Usage__c", "Account__c"),
        "opportunity_line_item.account_id": ("OpportunityLineItem", "Opportunity.AccountId"),
        "contact_history.account_id": ("ContactHistory", "Contact.AccountId"),
    }
    for name, (sobject, api) in expected.items():
        assert (field(name).sobject, field(name).api_name) == (sobject, api), name


def test_given_signal_type_picklist_then_api_values_are_the_signal_catalog_in_title_case() -> None:
    entry = field("task.expansion_signal_type")
    assert [v.org_value for v in entry.values] == list(ALL_SIGNALS)
    labels = {v.value: v.label for v in entry.values}
    assert labels["usage_spike"] == "Usage Spike"
    assert labels["nps_promoter"] == "NPS Promoter"
    assert title_case("qbr_upcoming") == "QBR Upcoming"


def test_given_picklists_then_default_values_are_designs() -> None:
    assert [v.org_value for v in field("account.tier").values] == ["T1", "T2", "T3"]
    # + play02_alert, handoff_review, qbr_meeting, account_plan_item, portfolio_actions
    assert len(field("task.radar_action").values) == 20
    assert [v.value for v in field("account.expansion_readiness").values] == [
        "High", "Medium", "Low", "None"]
    assert [v.value for v in field("task.signal_strength").values] == [
        "Strong", "Moderate", "Weak"]
    assert len(field("contact.meddicc_role").values) == 7
    assert field("opportunity.stage_name").default_org_value("S2") == "S2 - Qualification"
    assert field("opportunity.lead_source").default_org_value("CS-driven Expansion") == \
        "CS-driven Expansion"


def test_given_human_edit_guard_then_last_written_is_a_write_field_on_account_and_contact() -> None:
    for obj in ("account", "contact"):
        entry = field(f"{obj}.radar_last_written")
        assert entry.writes and entry.api_name == "Radar_Last_Written__c"
        assert entry.type == "text"
    assert field("account.white_space").guarded
    assert not field("task.status").guarded


def test_given_plays_logical_names_then_catalog_knows_them() -> None:
    from plays import fields as plays_fields

    names = [v for k, v in vars(plays_fields).items() if k.isupper() and "." in str(v)]
    assert names
    for name in names:
        assert name in CATALOG, name
