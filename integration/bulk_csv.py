"""Bulk API 2.0 CSV: typed rows out of query results, CSV bodies in for ingest, and per-record
errors out of ``failedResults`` — pure functions.

Formats (Bulk API 2.0 Developer Guide): query results are CSV with a header of the selected
names (parent paths as ``Account.Name``), empty cells for null. Ingest uploads CSV where an
empty cell means "leave unchanged" and ``#N/A`` sets null. ``successfulResults`` rows start
with ``sf__Id,sf__Created``; ``failedResults`` rows with ``sf__Id,sf__Error`` where the
error reads ``CODE:message:field1,field2 --`` (fields optional).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TextIO

from integration.contracts import Record, RecordError

# describe field type -> how a CSV cell becomes the JSON value REST would return.
_INTS = frozenset({"int", "long"})
_FLOATS = frozenset({"double", "currency", "percent"})
_BOOLS = frozenset({"boolean"})
_TEXT = frozenset({
    "id", "string", "textarea", "picklist", "multipicklist", "date", "datetime", "reference",
    "email", "url", "phone", "combobox", "encryptedstring", "time", "base64", "address",
})
NULL_CELL = "#N/A"  # Bulk API 2.0 ingest: set the field to null


class UnknownFieldType(ValueError):
    """A describe type this module has no conversion for (fail early, as airbyte does)."""


def field_types(describe: Mapping[str, Any]) -> dict[str, str]:
    """Lower-cased field name -> describe type, from a ``sobjects/X/describe`` body."""
    return {f["name"].lower(): f["type"] for f in describe.get("fields", [])}


def coerce(cell: str, field_type: str | None) -> Any:
    """The REST-JSON value of one CSV cell of a field of ``field_type`` (None: keep text)."""
    if cell == "":
        return None
    if field_type is None or field_type in _TEXT:
        return cell
    if field_type in _BOOLS:
        return cell.lower() == "true"
    if field_type in _INTS:
        return int(float(cell))
    if field_type in _FLOATS:
        return float(cell)
    raise UnknownFieldType(f"no CSV conversion for field type {field_type!r}")


def csv_records(text: str | TextIO, types: Mapping[str, str]) -> Iterator[Record]:
    """Records of a query result page (its text, or a text file read row by row): typed
    values, parent paths nested like REST."""
    reader = csv.reader(io.StringIO(text) if isinstance(text, str) else text)
    header = next(reader, None)
    if header is None:
        return
    for row in reader:
        record: Record = {}
        for name, cell in zip(header, row, strict=False):
            if "." in name:
                parent, _, leaf = name.rpartition(".")
                target = record
                for part in parent.split("."):
                    nested = target.get(part)
                    if not isinstance(nested, dict):
                        nested = {}
                        target[part] = nested
                    target = nested
                target[leaf] = cell or None
            else:
                record[name] = coerce(cell, types.get(name.lower()))
        yield record


def _cell(value: Any) -> str:
    if value is None:
        return NULL_CELL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def ingest_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    """A CSV body for Bulk API 2.0 ingest; columns are the union of the rows' fields.

    A field a row does not carry is left empty (unchanged); an explicit None is ``#N/A``.
    """
    columns: list[str] = []
    for row in rows:
        for name in row:
            if name not in columns:
                columns.append(name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row[c]) if c in row else "" for c in columns])
    return out.getvalue()


def parse_bulk_error(text: str) -> RecordError:
    """``REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --`` -> RecordError."""
    body = text.strip()
    if body.endswith("--"):
        body = body[:-2].rstrip()
    code, _, rest = body.partition(":")
    message, fields = rest, ""
    if ":" in rest:
        head, _, tail = rest.rpartition(":")
        if tail and all(part.strip().replace("_", "").replace(".", "").isalnum()
                        for part in tail.split(",")):
            message, fields = head, tail
    field_names = tuple(f.strip() for f in fields.split(",") if f.strip())
    return RecordError(status_code=code.strip() or "UNKNOWN", message=message.strip(),
                       fields=field_names)


def csv_text(response: Any) -> str:
    """The body of a Bulk API CSV response as text.

    Bulk API 2.0 CSV is UTF-8. Decoding it ourselves skips requests' charset guessing,
    which scans the whole body (tens of MB for a 50,000-row page) when the server sends
    ``text/csv`` without a charset.
    """
    return response.content.decode("utf-8-sig")


def result_rows(text: str) -> Iterator[dict[str, str]]:
    """Rows of a successfulResults / failedResults / unprocessedrecords CSV."""
    yield from csv.DictReader(io.StringIO(text))
