"""Bulk API 2.0 CSV in and out."""

from __future__ import annotations

import pytest

from integration.bulk_csv import (
    UnknownFieldType,
    coerce,
    csv_records,
    ingest_csv,
    parse_bulk_error,
)


def test_given_result_csv_when_read_then_typed_like_rest_with_nested_parents() -> None:
    text = ('"Id","Quantity","UnitPrice","IsActive","Name","Opportunity.AccountId"\n'
            '"00k1","3","12.5","true","Seats","001A"\n'
            '"00k2","","","false","",""\n')
    types = {"id": "id", "quantity": "int", "unitprice": "currency", "isactive": "boolean",
             "name": "string"}
    rows = list(csv_records(text, types))
    assert rows[0] == {"Id": "00k1", "Quantity": 3, "UnitPrice": 12.5, "IsActive": True,
                       "Name": "Seats", "Opportunity": {"AccountId": "001A"}}
    assert rows[1]["Quantity"] is None and rows[1]["Opportunity"] == {"AccountId": None}


def test_given_unknown_type_when_coerced_then_fails_early() -> None:
    with pytest.raises(UnknownFieldType):
        coerce("x", "hologram")


def test_given_rows_with_different_fields_when_csv_built_then_blank_means_unchanged() -> None:
    text = ingest_csv([{"Id": "001", "A__c": None}, {"Id": "002", "B__c": True}])
    assert text.splitlines() == ["Id,A__c,B__c", "001,#N/A,", "002,,true"]


def test_given_bulk_error_text_when_parsed_then_code_message_fields() -> None:
    error = parse_bulk_error("REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --")
    assert (error.status_code, error.message, error.fields) == (
        "REQUIRED_FIELD_MISSING", "Required fields are missing: [Name]", ("Name",))
    lock = parse_bulk_error("UNABLE_TO_LOCK_ROW:unable to obtain exclusive access to this record:--")
    assert lock.status_code == "UNABLE_TO_LOCK_ROW" and lock.fields == ()
