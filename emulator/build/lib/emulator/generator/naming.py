"""Renaming generated records for an org whose fields and picklist values have other names,
so tests can prove the product works on such an org after only a mapping change.

Accepted forms (they can be mixed)::

    {"Account.Tier__c": "Customer_Tier__c",                 # field rename (Object.Field)
     "Tier__c": {"T1": "Strategic", "T2": "Growth"},        # value map (any object's field)
     "Opportunity.StageName": {"Closed Won": "Won"}}        # value map (one object's field)
    {"fields": {...}, "values": {...}, "objects": {"Product_Usage__c": "Usage__c"}}

Value maps are keyed by the canonical field name (before any rename). History rows
(AccountHistory/ContactHistory) get their ``Field`` renamed and their Old/NewValue mapped
like the parent object's field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_HISTORY_PARENT = {"AccountHistory": "Account", "ContactHistory": "Contact"}


@dataclass
class Naming:
    """Field, value and object renames for generated records."""

    fields: dict[str, dict[str, str]] = field(default_factory=dict)  # object -> {field: new}
    values: dict[tuple[str | None, str], dict[str, str]] = field(default_factory=dict)
    objects: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> Naming:
        """Parse one of the accepted forms (see the module docstring)."""
        naming = cls()
        entries: list[tuple[str, Any]] = []
        for key, value in mapping.items():
            if key in ("fields", "values"):
                entries.extend(value.items())
            elif key == "objects":
                naming.objects.update(value)
            else:
                entries.append((key, value))
        for key, value in entries:
            sobject, _, name = key.rpartition(".")
            if isinstance(value, Mapping):
                naming.values[(sobject or None, name)] = {str(k): str(v) for k, v in value.items()}
            elif isinstance(value, str) and sobject:
                naming.fields.setdefault(sobject, {})[name] = value
            else:
                raise ValueError(f"naming entry {key!r}: expected 'Object.Field': 'New_Name' or a value map")
        return naming

    def object_name(self, sobject: str) -> str:
        return self.objects.get(sobject, sobject)

    def _value_map(self, sobject: str, name: str) -> dict[str, str] | None:
        return self.values.get((sobject, name)) or self.values.get((None, name))

    def _value(self, sobject: str, name: str, value: Any) -> Any:
        mapping = self._value_map(sobject, name)
        if not mapping or not isinstance(value, str):
            return value
        if ";" in value:
            return ";".join(mapping.get(part, part) for part in value.split(";"))
        return mapping.get(value, value)

    def apply(self, sobject: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Renamed copies of ``records`` of ``sobject``."""
        renames = self.fields.get(sobject, {})
        parent = _HISTORY_PARENT.get(sobject)
        out = []
        for record in records:
            row = {renames.get(k, k): self._value(sobject, k, v) for k, v in record.items()}
            if parent and record.get("Field"):
                tracked = record["Field"]
                row["Field"] = self.fields.get(parent, {}).get(tracked, tracked)
                row["OldValue"] = self._value(parent, tracked, record["OldValue"])
                row["NewValue"] = self._value(parent, tracked, record["NewValue"])
            out.append(row)
        return out
