"""SOQL errors with the codes and message layout a real org answers with.

A real org prefixes most query errors with the offending line, a caret under the column and
``ERROR at Row:R:Column:C`` (rows and columns 1-based), e.g.::

    \nSELECT Id, Bogus__c FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column ...
"""

from __future__ import annotations

from emulator.soql.ast import Pos

MALFORMED_QUERY = "MALFORMED_QUERY"
INVALID_FIELD = "INVALID_FIELD"
INVALID_TYPE = "INVALID_TYPE"
# Not in the three main codes, but what a real org answers for these two cases.
NUMBER_OUTSIDE_VALID_RANGE = "NUMBER_OUTSIDE_VALID_RANGE"
INVALID_QUERY_FILTER_OPERATOR = "INVALID_QUERY_FILTER_OPERATOR"

CUSTOM_FIELD_HINT = (
    "If you are attempting to use a custom field, be sure to append the '__c' after the custom "
    "field name. Please reference your WSDL or the describe call for the appropriate names."
)
CUSTOM_OBJECT_HINT = (
    "If you are attempting to use a custom object, be sure to append the '__c' after the entity "
    "name. Please reference your WSDL or the describe call for the appropriate names."
)
CUSTOM_RELATIONSHIP_HINT = (
    "If you are attempting to use a custom relationship, be sure to append the '__r' after the "
    "custom relationship name. Please reference your WSDL or the describe call for the "
    "appropriate names."
)


class SoqlError(Exception):
    """A query the org refuses. ``error_code`` goes in the REST error's ``errorCode``."""

    def __init__(self, error_code: str, message: str) -> None:
        super().__init__(f"{error_code}: {message}")
        self.error_code = error_code
        self.message = message


def located(text: str, pos: Pos | None, message: str) -> str:
    """``message`` prefixed with the query line, a caret and the row/column, as an org does."""
    if pos is None:
        return message
    lines = text.split("\n")
    line = lines[pos.row - 1] if 0 < pos.row <= len(lines) else text
    caret = " " * max(pos.column - 1, 0) + "^"
    return f"\n{line}\n{caret}\nERROR at Row:{pos.row}:Column:{pos.column}\n{message}"


def error_at(code: str, text: str, pos: Pos | None, message: str) -> SoqlError:
    """A SoqlError whose message points at ``pos`` in ``text``."""
    return SoqlError(code, located(text, pos, message))
