"""Differences between two mapping documents, per logical field (and object / setting)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from crm_mapping.document import load_mapping


@dataclass(frozen=True)
class MappingDiff:
    """added: unmapped -> mapped; removed: mapped -> unmapped; changed: another binding.

    Each entry is keyed by logical name; changed entries hold {"from": .., "to": ..}.
    ``other`` covers objects, enabled plays and settings (keyed "objects.task", ...).
    """

    added: dict[str, Any] = field(default_factory=dict)
    removed: dict[str, Any] = field(default_factory=dict)
    changed: dict[str, dict[str, Any]] = field(default_factory=dict)
    other: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.other)

    def to_dict(self) -> dict[str, Any]:
        return {"added": self.added, "removed": self.removed, "changed": self.changed,
                "other": self.other}


def _binding(mapping: Any, name: str) -> dict[str, Any] | None:
    binding = mapping.fields[name]
    api = mapping.api(name)
    if api is None:
        return None
    out: dict[str, Any] = {"object": mapping.sobject(name.split(".", 1)[0]), "field": api}
    if binding.values:
        out["values"] = dict(binding.values)
    if binding.aliases:
        out["aliases"] = dict(binding.aliases)
    return out


def diff_documents(a: Mapping[str, Any], b: Mapping[str, Any]) -> MappingDiff:
    """Compare two documents after resolving both over the defaults."""
    old, new = load_mapping(a), load_mapping(b)
    result = MappingDiff()
    for name in old.fields:
        before, after = _binding(old, name), _binding(new, name)
        if before == after:
            continue
        if before is None:
            result.added[name] = after
        elif after is None:
            result.removed[name] = before
        else:
            result.changed[name] = {"from": before, "to": after}
    for logical in sorted(set(old.objects) | set(new.objects)):
        if old.objects.get(logical) != new.objects.get(logical):
            result.other[f"objects.{logical}"] = {"from": old.objects.get(logical),
                                                  "to": new.objects.get(logical)}
    if old.enabled_plays != new.enabled_plays:
        result.other["enabled_plays"] = {"from": list(old.enabled_plays),
                                         "to": list(new.enabled_plays)}
    for key in sorted(set(old.settings) | set(new.settings)):
        if old.settings.get(key) != new.settings.get(key):
            result.other[f"settings.{key}"] = {"from": old.settings.get(key),
                                               "to": new.settings.get(key)}
    return result
