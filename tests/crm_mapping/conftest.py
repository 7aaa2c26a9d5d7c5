"""Fixtures: exported metadata, describe JSON from it, and an org with other names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crm_mapping.document import FieldMapping, load_mapping
from field_specs.sfdx import export_metadata
from tests.crm_mapping.describe_fixture import describes_from_export

# The example org: tier on Customer_Tier__c valued Strategic/Growth/Scale, health on
# CS_Health__c, stage "Qualification" instead of "S2 - Qualification".
OTHER_ORG_DOCUMENT: dict[str, Any] = {
    "fields": {
        "account.tier": {"field": "Customer_Tier__c",
                         "values": {"T1": "Strategic", "T2": "Growth", "T3": "Scale"}},
        "account.health_score": "CS_Health__c",
        "opportunity.stage_name": {"values": {"S2": "Qualification"}},
    }
}


@pytest.fixture(scope="session")
def metadata_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_metadata(tmp_path_factory.mktemp("metadata"))


@pytest.fixture(scope="session")
def describes(metadata_source: Path) -> dict[str, dict[str, Any]]:
    return describes_from_export(metadata_source)


@pytest.fixture
def other_org() -> FieldMapping:
    return load_mapping(OTHER_ORG_DOCUMENT)
