"""SELECT lists -> SQL columns, and result rows -> Salesforce record JSON / Bulk CSV values.

A record's shape mirrors the SELECT list: fields in the order written (canonical spelling),
parent relationships as nested records with their own ``attributes`` (null when the lookup is
empty), child subqueries as ``{"totalSize", "done", "records"}`` (null when empty). Every
record's ``attributes.url`` keeps the literal ``{version}`` placeholder for the server.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from emulator.soql import ast
from emulator.soql.block import Block, Column, Node
from emulator.soql.errors import MALFORMED_QUERY, error_at

Decoder = Callable[[object], object]
URL = "/services/data/v{version}/sobjects/"
# A polymorphic lookup (What, Who, a User-or-Queue Owner) resolves to the "Name" pseudo-object
# (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_relationships_and_polymorph_keys.htm);
# orgs report it as attributes.type "Name" while the url names the real object. Recalled from
# real responses, not found in the docs: change here if an org shows otherwise.
POLYMORPHIC_TYPE = "Name"


def _int(value: object) -> object:
    return None if value is None else int(value)  # type: ignore[call-overload]


def _float(value: object) -> object:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _bool(value: object) -> object:
    return bool(value)  # booleans are never null in Salesforce: null reads as false


def as_stored(value: object) -> object:
    return value


DECODERS: dict[str, Decoder] = {"int": _int, "long": _int, "double": _float, "currency": _float,
                                 "percent": _float, "boolean": _bool}

RAW, FIELD, PARENT, CHILD = 0, 1, 2, 3  # RAW: stored value is the JSON value


@dataclass
class Shape:
    """How to build one (root or parent) record from a row."""

    types: list[tuple[str, int]]  # (object name, index of its Id column) per alternative
    label: str | None = None  # attributes.type when it is not the object's name
    entries: list[tuple[str, int, object]] = field(default_factory=list)  # (key, kind, payload)
    parents: dict[str, Shape] = field(default_factory=dict)

    def build(self, row: tuple, children: list[dict[str, dict]]) -> dict | None:
        """The record for ``row``; None when no alternative's Id is set (empty lookup)."""
        if len(self.types) == 1:  # the common case, kept cheap: this runs per row and parent
            type_name, index = self.types[0]
            record_id = row[index]
            if record_id is None:
                return None
        else:
            found = next(((name, row[i]) for name, i in self.types if row[i] is not None), None)
            if found is None:
                return None
            type_name, record_id = found
        record: dict[str, object] = {
            "attributes": {"type": self.label or type_name, "url": f"{URL}{type_name}/{record_id}"}}
        for key, kind, payload in self.entries:
            if kind == RAW:
                record[key] = row[payload]  # type: ignore[index]
            elif kind == FIELD:
                index, decode = payload  # type: ignore[misc]
                record[key] = decode(row[index])
            elif kind == PARENT:
                record[key] = payload.build(row, children)  # type: ignore[union-attr]
            else:
                record[key] = children[payload].get(record_id)  # type: ignore[index]
        return record


class SelectPlan:
    """The SQL columns a block's SELECT list needs and how to turn rows into records."""

    def __init__(self, block: Block) -> None:
        self.block = block
        self.columns: list[str] = []
        self._index: dict[str, int] = {}
        self.root = Shape([(block.obj.name, self.column(block.id_sql()))])
        self._shapes: dict[tuple[str, ...], Shape] = {(): self.root}
        self._seen: set[tuple[str, ...]] = set()
        self.csv: list[tuple[str, int, Callable[[object], str]]] = []
        self.children = 0

    def column(self, sql: str) -> int:
        """Index of ``sql`` in the SELECT list (each expression selected once)."""
        if sql not in self._index:
            self._index[sql] = len(self.columns)
            self.columns.append(sql)
        return self._index[sql]

    def add_field(self, ref: ast.FieldRef) -> Column:
        """Select a (possibly dotted) field, nesting it under its parent records."""
        column = self.block.resolve(ref)
        key = tuple(p.lower() for p in column.path)
        if key in self._seen:
            raise error_at(MALFORMED_QUERY, self.block.ctx.text, ref.pos,
                           f"duplicate field selected: {'.'.join(column.path)}")
        self._seen.add(key)
        shape = self._shape_for(column.node)
        index = self.column(column.sql)
        decode = DECODERS.get(column.type, as_stored)
        if decode is as_stored:
            shape.entries.append((column.definition.name, RAW, index))
        else:
            shape.entries.append((column.definition.name, FIELD, (index, decode)))
        self.csv.append((".".join(column.path), index, csv_formatter(decode)))
        return column

    def add_child(self, key: str) -> int:
        """Reserve a slot for a child subquery's results under ``key``; returns its number."""
        number = self.children
        self.root.entries.append((key, CHILD, number))
        self.children += 1
        return number

    def _shape_for(self, node: Node) -> Shape:
        lowered = tuple(n.lower() for n in node.names)
        shape = self._shapes.get(lowered)
        if shape is not None:
            return shape
        assert node.parent is not None  # the root shape always exists
        parent = self._shape_for(node.parent)
        shape = Shape([(alt.obj.name, self.column(f'{alt.alias}."Id"')) for alt in node.alternatives],
                      label=POLYMORPHIC_TYPE if node.polymorphic else None)
        parent.entries.append((node.names[-1], PARENT, shape))
        self._shapes[lowered] = shape
        return shape

    def csv_header(self) -> list[str]:
        return [name for name, _, _ in self.csv]

    def csv_row(self, row: tuple) -> list[str]:
        return [fmt(row[index]) for _, index, fmt in self.csv]


def csv_formatter(decode: Decoder) -> Callable[[object], str]:
    def fmt(value: object) -> str:
        if value is None and decode is not _bool:
            return ""
        decoded = decode(value)
        if isinstance(decoded, bool):
            return "true" if decoded else "false"
        return str(decoded)

    return fmt
