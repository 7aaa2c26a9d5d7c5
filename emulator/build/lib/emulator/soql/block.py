"""Name resolution for one FROM object: field paths become SQL columns over LEFT JOINs.

A ``Block`` owns the join tree of one query level (main query, child subquery or semi-join).
Each relationship hop (``Account`` in ``Account.Owner.Name``) is a node; a polymorphic hop
(``What`` on Task -> Account or Opportunity) joins every referenced object that exists, and a
field on it reads ``COALESCE`` over the joined tables that have that field. Joins are added
only when a path needs them, and remembered as "used by the filter" when WHERE needs them so
the COUNT query can leave the others out.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date

from emulator.schema import FieldDef, ObjectDef, Schema
from emulator.soql import ast
from emulator.soql.errors import (
    CUSTOM_FIELD_HINT,
    CUSTOM_OBJECT_HINT,
    CUSTOM_RELATIONSHIP_HINT,
    INVALID_FIELD,
    INVALID_TYPE,
    error_at,
)

STRINGISH = frozenset({"string", "textarea", "picklist", "email", "url", "phone", "combobox",
                       "encryptedstring", "multipicklist", "base64", "address", "time"})
ID_TYPES = frozenset({"id", "reference"})
NUMERIC = frozenset({"int", "long", "double", "currency", "percent"})


def quote(name: str) -> str:
    """An SQL identifier; schema names are [A-Za-z0-9_] but quoting keeps keywords safe."""
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Context:
    """What every block of one prepared query shares."""

    schema: Schema
    text: str
    today: date
    tz: str
    include_deleted: bool
    counter: itertools.count = field(default_factory=itertools.count)

    def alias(self) -> str:
        return f"t{next(self.counter)}"


@dataclass
class Alternative:
    obj: ObjectDef
    alias: str


@dataclass
class Node:
    """An object reached by a path of relationship names from the block's root."""

    names: tuple[str, ...]  # canonical relationship names from the root
    alternatives: list[Alternative]
    joins: list[str]
    parent: Node | None = None
    polymorphic: bool = False  # the lookup can point at several objects (WhatId, WhoId)
    for_filter: bool = False
    children: dict[str, Node] = field(default_factory=dict)

    @property
    def entity(self) -> str:
        """Entity name for messages: polymorphic relationships report the 'Name' entity."""
        return self.alternatives[0].obj.name if len(self.alternatives) == 1 else "Name"


@dataclass
class Column:
    """A resolved field: its SQL expression, definition and canonical path."""

    node: Node
    definition: FieldDef
    sql: str
    path: tuple[str, ...]

    @property
    def type(self) -> str:
        return self.definition.type

    @property
    def compare_sql(self) -> str:
        """Expression for filters and ordering: booleans are never null (null means false)."""
        return f"IFNULL({self.sql}, 0)" if self.type == "boolean" else self.sql

    @property
    def collation(self) -> str:
        """Text comparisons are case-insensitive in SOQL, except for ids."""
        return " COLLATE NOCASE" if self.type in STRINGISH else ""


def object_named(ctx: Context, name: str, pos: ast.Pos) -> ObjectDef:
    """The queryable object called ``name``; raises INVALID_TYPE like an org."""
    if not ctx.schema.has_object(name):
        raise error_at(INVALID_TYPE, ctx.text, pos,
                       f"sObject type '{name}' is not supported. {CUSTOM_OBJECT_HINT}")
    obj = ctx.schema.object(name)
    if not obj.queryable:
        raise error_at(INVALID_TYPE, ctx.text, pos,
                       f"entity type {obj.name} does not support query")
    return obj


class Block:
    """One FROM object with its join tree."""

    def __init__(self, ctx: Context, obj: ObjectDef, alias: str | None = None) -> None:
        self.ctx = ctx
        self.obj = obj
        self.query_alias = alias.lower() if alias else None
        self.root = Node((), [Alternative(obj, ctx.alias())], [])
        self._order: list[Node] = []

    @property
    def alias(self) -> str:
        return self.root.alternatives[0].alias

    def id_sql(self) -> str:
        return f'{self.alias}."Id"'

    def deleted_filter(self) -> str | None:
        """SQL excluding deleted rows of the root object, or None when they are wanted."""
        if self.ctx.include_deleted or not self.obj.has_field("IsDeleted"):
            return None
        return f'{self.alias}."IsDeleted" IS NOT 1'

    def resolve(self, ref: ast.FieldRef, *, for_filter: bool = False) -> Column:
        """The column for a field path; raises INVALID_FIELD like an org."""
        parts = list(ref.parts)
        if self.query_alias and len(parts) > 1 and parts[0].lower() == self.query_alias:
            parts = parts[1:]
        node = self.root
        for part in parts[:-1]:
            node = self._hop(node, part, ref)
        if for_filter:
            walk: Node | None = node
            while walk is not None:
                walk.for_filter = True
                walk = walk.parent
        name = parts[-1]
        if node.polymorphic and name.lower() == "type":
            return self._type_column(node)
        having = [alt for alt in node.alternatives if alt.obj.has_field(name)]
        if not having:
            raise error_at(INVALID_FIELD, self.ctx.text, ref.pos,
                           f"No such column '{name}' on entity '{node.entity}'. {CUSTOM_FIELD_HINT}")
        definition = having[0].obj.field(name)
        columns = [f"{alt.alias}.{quote(alt.obj.field(name).name)}" for alt in having]
        sql = columns[0] if len(columns) == 1 else f"COALESCE({', '.join(columns)})"
        return Column(node, definition, sql, (*node.names, definition.name))

    def _type_column(self, node: Node) -> Column:
        """``What.Type``: the object type a polymorphic lookup points at."""
        cases = " ".join(f"WHEN {alt.alias}.\"Id\" IS NOT NULL THEN '{alt.obj.name}'"
                         for alt in node.alternatives)
        definition = FieldDef(name="Type", type="picklist")
        return Column(node, definition, f"(CASE {cases} END)", (*node.names, "Type"))

    def _hop(self, node: Node, name: str, ref: ast.FieldRef) -> Node:
        existing = node.children.get(name.lower())
        if existing is not None:
            return existing
        relationship = None
        if len(node.alternatives) == 1:
            relationship = node.alternatives[0].obj.relationship(name)
        targets = []
        if relationship is not None:
            targets = [self.ctx.schema.object(t) for t in relationship.reference_to
                       if self.ctx.schema.has_object(t)]
        if relationship is None or not targets:
            raise error_at(INVALID_FIELD, self.ctx.text, ref.pos,
                           f"Didn't understand relationship '{name}' in field path. "
                           f"{CUSTOM_RELATIONSHIP_HINT}")
        source = f"{node.alternatives[0].alias}.{quote(relationship.name)}"
        alternatives = [Alternative(obj, self.ctx.alias()) for obj in targets]
        # Ids are unique across objects (key prefixes), so each polymorphic join matches
        # at most one of the alternatives.
        joins = [f'LEFT JOIN {quote(alt.obj.name)} AS {alt.alias} ON {alt.alias}."Id" = {source}'
                 for alt in alternatives]
        child = Node((*node.names, relationship.relationship_name or name), alternatives,
                     joins, parent=node, polymorphic=len(relationship.reference_to) > 1)
        node.children[name.lower()] = child
        self._order.append(child)
        return child

    def from_sql(self, *, filter_only: bool = False) -> str:
        """FROM clause: the root table and the joins (only those WHERE needs if filter_only)."""
        parts = [f"{quote(self.obj.name)} AS {self.alias}"]
        for node in self._order:
            if node.for_filter or not filter_only:
                parts.extend(node.joins)
        return " ".join(parts)
