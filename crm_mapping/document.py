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
from typing import Any

import yaml

from crm_mapping.model import (
    DEFAULT_SETTINGS,
    FORMAT,
    FieldBinding,
    FieldMapping,
    MappingInvalid,
    MappingProblem,
    default_mapping,
)
from crm_mapping.schemas import resolve_document

__all__ = ["DEFAULT_SETTINGS", "FORMAT", "FieldBinding", "FieldMapping", "MappingInvalid",
           "MappingProblem", "default_mapping", "load_mapping", "load_yaml"]


def load_mapping(document: Mapping[str, Any] | None) -> FieldMapping:
    """Validate a document and resolve it over the defaults.

    Raises:
        MappingInvalid: with one ``MappingProblem`` per problem found.
    """
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
