"""The value types of a field mapping: a resolved ``FieldMapping`` with one ``FieldBinding``
per logical field, and the problems a document can have. Everything else in crm_mapping
builds on these (validation in ``schemas``, loading in ``document``, records in ``translate``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

import yaml

from field_specs.catalog import CATALOG, DEFAULT_OBJECTS
from field_specs.model import PLAYS

FORMAT = 1
DEFAULT_SETTINGS: Mapping[str, Any] = {"owned_products_from": "opportunities"}


@dataclass(frozen=True)
class MappingProblem:
    """One problem in a mapping document: where (a dotted path) and what to do about it."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class MappingInvalid(ValueError):
    """A mapping document failed validation; ``problems`` has one entry per problem."""

    def __init__(self, problems: list[MappingProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class FieldBinding:
    """Where one logical field lives in this org."""

    logical: str
    api: str | None
    values: Mapping[str, str] = field(default_factory=dict)  # logical -> org
    aliases: Mapping[str, str] = field(default_factory=dict)  # extra org -> logical

    @cached_property
    def to_logical(self) -> dict[str, str]:
        """org value -> logical value (inverse of ``values``; first wins, aliases override)."""
        inverse: dict[str, str] = {}
        for logical, org in self.values.items():
            inverse.setdefault(org, logical)
        inverse.update(self.aliases)
        return inverse


@dataclass(frozen=True)
class FieldMapping:
    """A resolved mapping: every logical object and field of the catalog, bound or not."""

    objects: Mapping[str, str | None]
    fields: Mapping[str, FieldBinding]
    enabled_plays: tuple[str, ...] = PLAYS
    settings: Mapping[str, Any] = field(default_factory=lambda: dict(DEFAULT_SETTINGS))

    def sobject(self, logical_object: str) -> str | None:
        """The org's object for a logical object (None when the org has none)."""
        return self.objects.get(logical_object)

    def api(self, logical_field: str) -> str | None:
        """The org's field for a logical field, None when unmapped (or its object is)."""
        binding = self.fields.get(logical_field)
        if binding is None or binding.api is None:
            return None
        if self.objects.get(logical_field.split(".", 1)[0]) is None:
            return None
        return binding.api

    def binding(self, logical_field: str) -> FieldBinding:
        return self.fields[logical_field]

    def document(self) -> dict[str, Any]:
        """The full document (every object and field), as ``export`` writes it; it loads
        back to an equal mapping."""
        fields_out: dict[str, Any] = {}
        for name in CATALOG:
            binding = self.fields[name]
            if binding.values or binding.aliases:
                entry: dict[str, Any] = {"field": binding.api, "values": dict(binding.values)}
                if binding.aliases:
                    entry["aliases"] = dict(binding.aliases)
                fields_out[name] = entry
            else:
                fields_out[name] = binding.api
        return {
            "format": FORMAT,
            "enabled_plays": list(self.enabled_plays),
            "settings": dict(self.settings),
            "objects": dict(self.objects),
            "fields": fields_out,
        }

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.document(), sort_keys=False, allow_unicode=True)


@cache
def default_mapping() -> FieldMapping:
    """The catalog's defaults: DESIGN.md's org schema, every play enabled (shared; read-only)."""
    fields = {
        name: FieldBinding(name, entry.api_name, {v.value: v.org_value for v in entry.values})
        for name, entry in CATALOG.items()
    }
    return FieldMapping(objects=dict(DEFAULT_OBJECTS), fields=fields)
