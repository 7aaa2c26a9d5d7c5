"""One org's binding of the catalog's logical fields to its objects, fields and picklist values.

The document (YAML or JSON) lists only what differs from the catalog's defaults; the
resolved ``FieldMapping`` always holds every logical field (``api`` None when unmapped):

    format: 1
    enabled_plays: [signal_log, play04, play02, renewal_rescue, handoff]
    objects:
      product_usage: Product_Usage__c      # null: the org has no such object
    fields:
      account.tier:
        field: Customer_Tier__c
        values: {T1: Strategic, T2: Growth, T3: Scale}   # logical value: org value
        aliases: {Enterprise: T1}                         # more org spellings read as T1
      account.health_score: CS_Health__c                  # shorthand for {field: ...}
      account.website: null                               # unmapped
      opportunity.stage_name: {values: {S2: Qualification}}

``values`` are merged over the catalog defaults, so a document names only what it changes.
Reading translates org -> logical through the inverse of ``values`` plus ``aliases``;
writing translates logical -> org through ``values``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

import yaml

from field_specs.catalog import CATALOG, DEFAULT_OBJECTS
from field_specs.model import PLAYS

if TYPE_CHECKING:
    from crm_mapping.translate import Translator

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

    @cached_property
    def translator(self) -> Translator:
        """Precomputed record accessors for this mapping (built once, reused per record)."""
        from crm_mapping.translate import Translator

        return Translator(self)

    def document(self) -> dict[str, Any]:
        """The full document (every object and field), as ``export`` writes it."""
        from crm_mapping.schemas import dump_document

        return dump_document(self)

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


def load_mapping(document: Mapping[str, Any] | None) -> FieldMapping:
    """Validate a document and resolve it over the defaults.

    Raises:
        MappingInvalid: with one ``MappingProblem`` per problem found.
    """
    from crm_mapping.schemas import resolve_document

    return resolve_document(document or {})


def load_yaml(text: str) -> FieldMapping:
    """Parse YAML (or JSON) text and ``load_mapping`` it."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MappingInvalid([MappingProblem("(document)", f"not valid YAML: {exc}")]) from None
    if document is not None and not isinstance(document, dict):
        raise MappingInvalid([MappingProblem("(document)", "must be a mapping of keys")])
    return load_mapping(document)
