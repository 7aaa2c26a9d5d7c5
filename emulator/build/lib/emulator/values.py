"""Field values between the API (JSON/CSV) and storage (the encodings of emulator/schema.py).

Salesforce never truncates silently: a string over the field length fails STRING_TOO_LONG.
Dates given with a time part keep the date, which is what real orgs accept from data
loaders (the apex-recipes sample has datetimes in CloseDate).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from typing import Any

from emulator.errors import RecordError
from emulator.ids import to18
from emulator.schema import FieldDef

_ID_RE = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$")
# Deliberately loose, like Salesforce's own check: something@something.tld
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_STRING_TYPES = {"string", "textarea", "picklist", "combobox", "encryptedstring", "phone", "url",
                 "email", "base64", "time", "address"}


def format_datetime(moment: datetime) -> str:
    """Storage/API form of a datetime: ``YYYY-MM-DDTHH:MM:SS.mmm+0000`` in UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def parse_datetime(raw: str) -> datetime:
    """Parse the ISO 8601 forms Salesforce accepts (Z, +0000, +00:00, with or without millis)."""
    text = raw.strip()
    if len(text) == 10:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    match = re.search(r"([+-])(\d{2})(\d{2})$", text)
    if match:
        text = text[: match.start()] + f"{match.group(1)}{match.group(2)}:{match.group(3)}"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def normalize_id(raw: Any, field_name: str = "Id") -> str:
    """The 18-character form of a 15/18-character id, or MALFORMED_ID."""
    if not isinstance(raw, str) or not _ID_RE.match(raw):
        raise RecordError("MALFORMED_ID", f"{field_name}: id value of incorrect type: {raw}", [field_name])
    return to18(raw)


def looks_like_id(raw: Any) -> bool:
    """True for a 15- or 18-character alphanumeric string."""
    return isinstance(raw, str) and bool(_ID_RE.match(raw))


def _bad(definition: FieldDef, value: Any, expected: str) -> RecordError:
    return RecordError("JSON_PARSER_ERROR",
                       f"Cannot deserialize instance of {expected} from value {value!r} for field {definition.name}",
                       [definition.name])


def to_storage(definition: FieldDef, value: Any) -> Any:
    """Validate and convert an API value to its storage encoding (RecordError when invalid)."""
    if value is None or (value == "" and definition.type not in _STRING_TYPES):
        return None
    ftype = definition.type
    if ftype in ("id", "reference"):
        return normalize_id(value, definition.name)
    if ftype == "boolean":
        return _boolean(definition, value)
    if ftype == "int":
        return _integer(definition, value)
    if ftype in ("double", "currency", "percent", "long"):
        return _number(definition, value)
    if ftype == "date":
        return _date(definition, value)
    if ftype == "datetime":
        return _datetime(definition, value)
    if ftype == "multipicklist":
        return _multipicklist(definition, value)
    if isinstance(value, bool):
        value = "true" if value else "false"
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        raise _bad(definition, value, "string")
    if value == "":
        return None  # Salesforce stores an empty string as null
    return _string(definition, value)


def _string(definition: FieldDef, value: str) -> str:
    if definition.length and len(value) > definition.length:
        raise RecordError("STRING_TOO_LONG",
                          f"{definition.label or definition.name}: data value too large: {value[:40]} "
                          f"(max length={definition.length})", [definition.name])
    if definition.type == "email" and not _EMAIL_RE.match(value):
        raise RecordError("INVALID_EMAIL_ADDRESS", f"{definition.label}: invalid email address: {value}",
                          [definition.name])
    if definition.type == "picklist":
        return _picklist_value(definition, value)
    return value


def _picklist_value(definition: FieldDef, value: str) -> str:
    for option in definition.picklist_values:
        if option.value.lower() == value.lower():
            return option.value
    if definition.restricted_picklist:
        raise RecordError("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                          f"{definition.label}: bad value for restricted picklist field: {value}",
                          [definition.name])
    return value


def _multipicklist(definition: FieldDef, value: Any) -> str | None:
    parts = value if isinstance(value, list | tuple) else str(value).split(";")
    cleaned = [_picklist_value(definition, str(p).strip()) for p in parts if str(p).strip()]
    joined = ";".join(dict.fromkeys(cleaned))
    if len(joined) > (definition.length or 4099):
        raise RecordError("STRING_TOO_LONG", f"{definition.label}: data value too large", [definition.name])
    return joined or None


def _boolean(definition: FieldDef, value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) and value in (0, 1):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return int(value.strip().lower() in ("true", "1"))
    raise _bad(definition, value, "boolean")


def _integer(definition: FieldDef, value: Any) -> int:
    if isinstance(value, bool):
        raise _bad(definition, value, "int")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _bad(definition, value, "int") from None
    if not number.is_integer():
        raise _bad(definition, value, "int")
    return int(number)


def _number(definition: FieldDef, value: Any) -> float | int:
    if isinstance(value, bool):
        raise _bad(definition, value, "double")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _bad(definition, value, "double") from None
    if math.isnan(number) or math.isinf(number):
        raise _bad(definition, value, "double")
    if definition.precision:
        integer_digits = definition.precision - definition.scale
        if abs(number) >= 10 ** integer_digits:
            raise RecordError("NUMBER_OUTSIDE_VALID_RANGE",
                              f"{definition.label}: value outside of valid range on numeric field: {value}",
                              [definition.name])
        number = round(number, definition.scale)
    return int(number) if definition.scale == 0 and definition.precision and number.is_integer() else number


def _date(definition: FieldDef, value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        text = str(value).strip()
        return date.fromisoformat(text[:10]).isoformat() if len(text) >= 10 else date.fromisoformat(text).isoformat()
    except ValueError:
        raise _bad(definition, value, "date") from None


def _datetime(definition: FieldDef, value: Any) -> str:
    if isinstance(value, datetime):
        return format_datetime(value)
    try:
        return format_datetime(parse_datetime(str(value)))
    except ValueError:
        raise _bad(definition, value, "datetime") from None


def from_storage(definition: FieldDef, value: Any) -> Any:
    """The JSON value of a stored value."""
    if value is None:
        return None
    if definition.type == "boolean":
        return bool(value)
    if definition.type == "int":
        return int(value)
    if definition.type in ("double", "currency", "percent"):
        return float(value)
    return value


def csv_value(definition: FieldDef, value: Any) -> str:
    """A stored value as a Bulk API CSV cell ("" for null, booleans true/false)."""
    if value is None:
        return ""
    if definition.type == "boolean":
        return "true" if value else "false"
    return str(value)
