"""Refused queries answer with Salesforce's error codes and message layout."""

from __future__ import annotations

import pytest

from emulator.soql import SoqlError, prepare
from emulator.tests.soql.org import NOW, Org

FIELD_HINT = ("If you are attempting to use a custom field, be sure to append the '__c' after "
              "the custom field name. Please reference your WSDL or the describe call for the "
              "appropriate names.")


def _error(org: Org, soql: str) -> SoqlError:
    with pytest.raises(SoqlError) as caught:
        prepare(soql, org.schema, now=NOW)
    return caught.value


def test_given_unknown_field_when_prepared_then_invalid_field_with_caret(org: Org) -> None:
    error = _error(org, "SELECT Id, Bogus__c FROM Account")
    assert error.error_code == "INVALID_FIELD"
    assert error.message == ("\nSELECT Id, Bogus__c FROM Account\n           ^\nERROR at Row:1:Column:12\n"
                             "No such column 'Bogus__c' on entity 'Account'. " + FIELD_HINT)


def test_given_misspelt_keyword_when_prepared_then_malformed_unexpected_token(org: Org) -> None:
    error = _error(org, "SELECT Id FORM Account")
    assert error.error_code == "MALFORMED_QUERY"
    assert error.message.endswith("ERROR at Row:1:Column:11\nunexpected token: 'FORM'")


@pytest.mark.parametrize(("soql", "tail"), [
    ("SELECT Id FROM", "unexpected token: <EOF>"),
    ("SELECT FROM Account", "unexpected token: 'Account'"),
    ("SELECT Id FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'", "unexpected token: 'OR'"),
    ("SELECT Id FROM Account WHERE Name = \"x\"", "no viable alternative at character '\"'"),
    ("SELECT Id FROM Account LIMIT x", "unexpected token: 'x'"),
    ("SELECT Id FROM Account WHERE Name = 'unterminated", "no viable alternative at character '''"),
    ("SELECT Id FROM Account WHERE Name = 'bad \\q escape'", "Illegal escape sequence '\\q'"),
    ("SELECT Id FROM Account WHERE CreatedDate = LAST_N_FORTNIGHTS:2", "unexpected token: 'LAST_N_FORTNIGHTS:2'"),
    ("SELECT Id FROM Account WHERE CreatedDate = SOMEDAY", "unexpected token: 'SOMEDAY'"),
    ("SELECT Id, Id FROM Account", "duplicate field selected: Id"),
    ("SELECT COUNT(), Name FROM Account", "COUNT() cannot be combined with other fields"),
    ("", "unexpected token: <EOF>"),
])
def test_given_bad_syntax_when_prepared_then_malformed_query(org: Org, soql: str, tail: str) -> None:
    error = _error(org, soql)
    assert error.error_code == "MALFORMED_QUERY"
    assert error.message.endswith(tail)


def test_given_unknown_object_when_prepared_then_invalid_type(org: Org) -> None:
    error = _error(org, "SELECT Id FROM Foo")
    assert error.error_code == "INVALID_TYPE"
    assert "\nSELECT Id FROM Foo\n               ^\nERROR at Row:1:Column:16\n" in error.message
    assert "sObject type 'Foo' is not supported." in error.message


def test_given_unknown_child_relationship_when_prepared_then_invalid_type(org: Org) -> None:
    error = _error(org, "SELECT Id, (SELECT Id FROM Tasksx) FROM Account")
    assert error.error_code == "INVALID_TYPE"
    assert "ERROR at Row:1:Column:28\n" in error.message
    assert "Didn't understand relationship 'Tasksx' in FROM part of query call." in error.message


@pytest.mark.parametrize(("soql", "column", "text"), [
    ("SELECT Accountx.Name FROM Contact", 8, "Didn't understand relationship 'Accountx' in field path."),
    ("SELECT Account.Bogus FROM Contact", 8, "No such column 'Bogus' on entity 'Account'."),
    ("SELECT What.Bogus FROM Task", 8, "No such column 'Bogus' on entity 'Name'."),
    ("SELECT What.Owner.Name FROM Task", 8, "Didn't understand relationship 'Owner' in field path."),
    ("SELECT Id FROM Account WHERE Bogus = 1", 30, "No such column 'Bogus' on entity 'Account'."),
    ("SELECT Id FROM Account ORDER BY Bogus", 33, "No such column 'Bogus' on entity 'Account'."),
    ("SELECT Id, (SELECT Bogus FROM Contacts) FROM Account", 20, "No such column 'Bogus' on entity 'Contact'."),
    ("SELECT Id FROM Account WHERE CreatedDate > 2026-01-01", 44,
     "value of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed in quotes"),
    ("SELECT Id FROM Account WHERE Last_Review__c = '2026-01-01'", 47,
     "value of filter criterion for field 'Last_Review__c' must be of type date"),
    ("SELECT Id FROM Account WHERE Name = 5", 37,
     "value of filter criterion for field 'Name' must be of type string and should be enclosed in quotes"),
    ("SELECT Id FROM Account WHERE AnnualRevenue = '5'", 46, "must be of type double"),
    ("SELECT Id FROM Account WHERE Name INCLUDES ('a')", 30, "only valid on multipicklist field"),
    ("SELECT Id FROM Account WHERE Name = TODAY", 37, "must be of type string"),
])
def test_given_bad_field_use_when_prepared_then_invalid_field(org: Org, soql: str, column: int, text: str) -> None:
    error = _error(org, soql)
    assert error.error_code == "INVALID_FIELD"
    assert f"ERROR at Row:1:Column:{column}\n" in error.message
    assert text in error.message


def test_given_multiline_query_when_field_unknown_then_row_and_line_reported(org: Org) -> None:
    error = _error(org, "SELECT Id\nFROM Account\nWHERE Nope = 'x'")
    assert error.message.startswith("\nWHERE Nope = 'x'\n      ^\nERROR at Row:3:Column:7\n")


def test_given_offset_over_2000_when_prepared_then_number_outside_valid_range(org: Org) -> None:
    error = _error(org, "SELECT Id FROM Account OFFSET 2001")
    assert error.error_code == "NUMBER_OUTSIDE_VALID_RANGE"
    assert prepare("SELECT Id FROM Account OFFSET 2000", org.schema, now=NOW).total(org.conn) == 0


def test_given_malformed_id_when_filtered_then_invalid_query_filter_operator(org: Org) -> None:
    error = _error(org, "SELECT Id FROM Account WHERE Id = 'abc'")
    assert error.error_code == "INVALID_QUERY_FILTER_OPERATOR"
    assert error.message.endswith("invalid ID field: abc")


def test_given_custom_field_when_object_lacks_it_then_invalid_field_like_org_without_metadata() -> None:
    org = Org()
    org.schema.object("Account").fields.pop("products__c")
    error = _error(org, "SELECT Id, Products__c FROM Account")
    assert error.error_code == "INVALID_FIELD"
