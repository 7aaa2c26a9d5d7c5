"""The parsed form of a SOQL query: immutable nodes that keep where each name was written.

Positions are 1-based (row, column) as Salesforce reports them in its error messages.
Names are kept as written; resolution against the schema happens in ``emulator.soql.names``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pos:
    row: int
    column: int


@dataclass(frozen=True)
class FieldRef:
    """A possibly dotted field path (``Account.Owner.Name``)."""

    parts: tuple[str, ...]
    pos: Pos

    @property
    def text(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class Literal:
    """A value in a WHERE clause.

    kind is one of string, number, boolean, null, date, datetime, relative. For strings,
    ``like`` is the value as an SQLite LIKE pattern (escape character backslash) keeping
    which ``%`` and ``_`` were escaped; for relative dates, value is (NAME, n or None).
    """

    kind: str
    value: object
    pos: Pos
    text: str
    like: str | None = None


@dataclass(frozen=True)
class Compare:
    field: FieldRef
    op: str  # = != < > <= >=  ("<>" is normalised to "!=")
    value: Literal


@dataclass(frozen=True)
class Like:
    field: FieldRef
    value: Literal


@dataclass(frozen=True)
class InValues:
    field: FieldRef
    values: tuple[Literal, ...]
    negated: bool


@dataclass(frozen=True)
class InQuery:
    """A semi-join (``Id IN (SELECT AccountId FROM Contact)``) or anti-join (NOT IN)."""

    field: FieldRef
    query: Query
    negated: bool


@dataclass(frozen=True)
class Includes:
    field: FieldRef
    values: tuple[Literal, ...]
    exclude: bool


@dataclass(frozen=True)
class And:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


Condition = Compare | Like | InValues | InQuery | Includes | And | Or | Not


@dataclass(frozen=True)
class CountAll:
    pos: Pos


@dataclass(frozen=True)
class Aggregate:
    """``SUM(Amount) total`` or ``COUNT(Id)``: only valid in aggregate (GROUP BY) queries."""

    function: str  # upper-case: COUNT, SUM, MAX, MIN, AVG, COUNT_DISTINCT
    field: FieldRef
    alias: str | None
    pos: Pos


@dataclass(frozen=True)
class SubQuery:
    query: Query


SelectItem = FieldRef | CountAll | Aggregate | SubQuery


@dataclass(frozen=True)
class OrderItem:
    field: FieldRef
    descending: bool
    nulls_first: bool | None  # None: Salesforce default (ASC NULLS FIRST, DESC NULLS LAST)


@dataclass(frozen=True)
class Query:
    select: tuple[SelectItem, ...]
    sobject: str
    sobject_pos: Pos
    alias: str | None = None
    where: Condition | None = None
    group_by: tuple[FieldRef, ...] = ()
    order_by: tuple[OrderItem, ...] = ()
    limit: int | None = None
    offset: int | None = None

    @property
    def is_count(self) -> bool:
        return any(isinstance(item, CountAll) for item in self.select)

