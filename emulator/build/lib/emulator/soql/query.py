"""``prepare``: a parsed, resolved and compiled SOQL query ready to page over SQLite.

Every page is one SQL statement ordered by the query's ORDER BY and then by Id, so that
``fetch(start, size)`` pages never overlap or skip rows with equal sort keys; each child
subquery adds one statement per page (``parent IN (...)``).

SQL text is assembled only from schema identifiers (quoted) and fixed keywords; every value
from the query is a bound parameter, hence the S608 waivers below.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from emulator.schema import ObjectDef, Schema
from emulator.soql import ast, dates
from emulator.soql.aggregate import AggregateQuery
from emulator.soql.block import Block, Context, object_named, quote
from emulator.soql.errors import (
    CUSTOM_RELATIONSHIP_HINT,
    INVALID_TYPE,
    MALFORMED_QUERY,
    NUMBER_OUTSIDE_VALID_RANGE,
    SoqlError,
    error_at,
)
from emulator.soql.parser import parse
from emulator.soql.records import SelectPlan
from emulator.soql.where import filter_sql, order_terms

MAX_OFFSET = 2000  # https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_offset.htm
_MAX_BOUND = 30_000  # stay under SQLite's default limit of 32,766 bound parameters


@dataclass
class _ChildQuery:
    """A parent-to-child subquery, run once per page for the page's parent ids."""

    plan: SelectPlan
    sql: str  # with "{ids}" where the parent id placeholders go
    params: list[object]
    limit: int | None
    fk_index: int

    def run(self, conn: sqlite3.Connection, parent_ids: list[str]) -> dict[str, dict]:
        grouped: dict[str, list[dict]] = {}
        step = max(_MAX_BOUND - len(self.params), 1)
        for first in range(0, len(parent_ids), step):
            chunk = parent_ids[first : first + step]
            sql = self.sql.replace("{ids}", ", ".join("?" * len(chunk)))
            tail = [] if self.limit is None else [self.limit]
            for row in conn.execute(sql, [*self.params, *chunk, *tail]):
                grouped.setdefault(row[self.fk_index], []).append(self.plan.root.build(row, []))  # type: ignore[arg-type]
        return {key: {"totalSize": len(recs), "done": True, "records": recs}
                for key, recs in grouped.items()}


def _child_query(ctx: Context, parent: ObjectDef, query: ast.Query) -> tuple[str, _ChildQuery]:
    relationship = parent.child_relationships.get(query.sobject.lower()) or next(
        (r for r in parent.child_relationships.values() if r.name.lower() == query.sobject.lower()),
        None)
    if relationship is None or not ctx.schema.has_object(relationship.child_sobject):
        raise error_at(INVALID_TYPE, ctx.text, query.sobject_pos,
                       f"Didn't understand relationship '{query.sobject}' in FROM part of query "
                       f"call. {CUSTOM_RELATIONSHIP_HINT}")
    block = Block(ctx, ctx.schema.object(relationship.child_sobject), query.alias)
    plan = SelectPlan(block)
    for item in query.select:
        if not isinstance(item, ast.FieldRef):
            raise error_at(MALFORMED_QUERY, ctx.text, query.sobject_pos,
                           "Nesting of subqueries or aggregates in a child subquery is not supported")
        plan.add_field(item)
    params: list[object] = []
    where = filter_sql(block, query.where, params)
    order = [*order_terms(block, query.order_by), f"{block.id_sql()} ASC"]
    fk = f"{block.alias}.{quote(relationship.field)}"
    fk_index = len(plan.columns)
    cols = ", ".join([*plan.columns, fk])
    source = f"FROM {block.from_sql()} WHERE {where} AND {fk} IN ({{ids}})"
    if query.limit is None:
        sql = f"SELECT {cols} {source} ORDER BY {fk}, {', '.join(order)}"
    else:
        # LIMIT applies per parent record: number each parent's children and keep the first n.
        sql = (f"SELECT * FROM (SELECT {cols}, ROW_NUMBER() OVER (PARTITION BY {fk} "  # noqa: S608
               f"ORDER BY {', '.join(order)}) AS soql_rn {source}) WHERE soql_rn <= ? "
               f"ORDER BY {fk_index + 1}, soql_rn")
    return relationship.name, _ChildQuery(plan, sql, params, query.limit, fk_index)


class PreparedQuery:
    """A query bound to a schema, a clock and a time zone; run it against any connection."""

    def __init__(self, query: ast.Query, ctx: Context) -> None:
        self.query = query
        obj = object_named(ctx, query.sobject, query.sobject_pos)
        self.sobject = obj.name
        self.is_count = query.is_count
        if query.offset is not None and query.offset > MAX_OFFSET:
            raise SoqlError(NUMBER_OUTSIDE_VALID_RANGE,
                            f"Maximum SOQL offset allowed is {MAX_OFFSET}")
        if self.is_count and len(query.select) > 1:
            raise error_at(MALFORMED_QUERY, ctx.text, query.sobject_pos,
                           "COUNT() cannot be combined with other fields")
        block = Block(ctx, obj, query.alias)
        self.plan = SelectPlan(block)
        self.children: list[_ChildQuery] = []
        for item in query.select:
            if isinstance(item, ast.FieldRef):
                self.plan.add_field(item)
            elif isinstance(item, ast.SubQuery):
                key, child = _child_query(ctx, obj, item.query)
                self.plan.add_child(key)
                self.children.append(child)
        self.params: list[object] = []
        where = filter_sql(block, query.where, self.params)
        self._count_sql = f"SELECT COUNT(*) FROM {block.from_sql(filter_only=True)} WHERE {where}"  # noqa: S608
        order = ", ".join([*order_terms(block, query.order_by), f"{block.id_sql()} ASC"])
        self._page_sql = (f"SELECT {', '.join(self.plan.columns)} FROM {block.from_sql()} "  # noqa: S608
                          f"WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?")

    def total(self, conn: sqlite3.Connection) -> int:
        """totalSize: the rows the query matches after OFFSET and LIMIT (the count for COUNT())."""
        (count,) = conn.execute(self._count_sql, self.params).fetchone()
        remaining = max(count - (self.query.offset or 0), 0)
        return remaining if self.query.limit is None else min(remaining, self.query.limit)

    def _rows(self, conn: sqlite3.Connection, start: int, size: int) -> list[tuple]:
        if self.is_count or size <= 0 or start < 0:
            return []
        if self.query.limit is not None:
            size = min(size, self.query.limit - start)
            if size <= 0:
                return []
        offset = (self.query.offset or 0) + start
        return conn.execute(self._page_sql, [*self.params, size, offset]).fetchall()

    def fetch(self, conn: sqlite3.Connection, start: int, size: int) -> list[dict]:
        """Records [start, start+size) of the ordered result, as Salesforce JSON."""
        rows = self._rows(conn, start, size)
        children: list[dict[str, dict]] = []
        if self.children and rows:
            ids = [row[0] for row in rows]
            children = [child.run(conn, ids) for child in self.children]
        return [self.plan.root.build(row, children) for row in rows]  # type: ignore[misc]

    def csv_header(self) -> list[str]:
        """Bulk API 2.0 CSV columns (``Account.Name`` for parent fields)."""
        if self.children:
            raise SoqlError(MALFORMED_QUERY,
                            "Bulk API 2.0 queries do not support parent-to-child subqueries")
        return self.plan.csv_header()

    def fetch_csv_rows(self, conn: sqlite3.Connection, start: int, size: int) -> list[list[str]]:
        """Rows [start, start+size) flattened for CSV: "" for null, "true"/"false"."""
        self.csv_header()
        return [self.plan.csv_row(row) for row in self._rows(conn, start, size)]


def prepare(soql: str, schema: Schema, now: datetime | None = None, include_deleted: bool = False,
            tz: str = "UTC") -> PreparedQuery | AggregateQuery:
    """Parse and resolve ``soql`` against ``schema``; raises SoqlError like an org would.

    ``now`` (default: the current time) and ``tz`` (the org's time zone) fix what relative
    date literals such as TODAY mean; ``include_deleted`` is True for queryAll.
    """
    query = parse(soql)
    moment = now if now is not None else datetime.now(UTC)
    ctx = Context(schema=schema, text=soql, today=dates.local_today(moment, tz), tz=tz,
                  include_deleted=include_deleted)
    if query.group_by or any(isinstance(item, ast.Aggregate) for item in query.select):
        return AggregateQuery(query, ctx)
    return PreparedQuery(query, ctx)
