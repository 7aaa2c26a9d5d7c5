"""Aggregate queries: ``SELECT Industry, COUNT(Id), SUM(AnnualRevenue) total FROM Account
GROUP BY Industry``.

Results are ``AggregateResult`` records (no url). Grouped fields appear under their field
name; aggregates under their alias or ``expr0``, ``expr1``, ... numbered over the aggregates
written without an alias, as in
https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_agg_functions_field_types.htm
and the GROUP BY page. HAVING and ORDER BY on aggregates are not supported.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from emulator.soql import ast
from emulator.soql.block import Block, Context, object_named
from emulator.soql.errors import MALFORMED_QUERY, SoqlError, error_at
from emulator.soql.records import DECODERS, as_stored, csv_formatter
from emulator.soql.where import filter_sql, order_terms

_SQL_FUNCTIONS = {"COUNT": "COUNT({})", "COUNT_DISTINCT": "COUNT(DISTINCT {})", "SUM": "SUM({})",
                  "AVG": "AVG({})", "MIN": "MIN({})", "MAX": "MAX({})"}


def _number(value: object) -> object:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _count(value: object) -> object:
    return int(value or 0)  # type: ignore[call-overload]


class AggregateQuery:
    """A GROUP BY / aggregate query with the same paging interface as PreparedQuery."""

    is_count = False

    def __init__(self, query: ast.Query, ctx: Context) -> None:
        self.query = query
        obj = object_named(ctx, query.sobject, query.sobject_pos)
        self.sobject = obj.name
        block = Block(ctx, obj, query.alias)
        grouped = [block.resolve(ref) for ref in query.group_by]
        grouped_keys = {tuple(p.lower() for p in column.path) for column in grouped}
        self.columns: list[tuple[str, str, Callable[[object], object]]] = []  # key, sql, decode
        unnamed = 0
        for item in query.select:
            if isinstance(item, ast.FieldRef):
                column = block.resolve(item)
                if tuple(p.lower() for p in column.path) not in grouped_keys:
                    raise error_at(MALFORMED_QUERY, ctx.text, item.pos,
                                   f"Field must be grouped or aggregated: {column.definition.name}")
                self.columns.append((column.definition.name, column.sql,
                                     DECODERS.get(column.type, as_stored)))
            elif isinstance(item, ast.Aggregate):
                column = block.resolve(item.field)
                key = item.alias or f"expr{unnamed}"
                unnamed += item.alias is None
                decode = (_count if item.function.startswith("COUNT") else
                          _number if item.function in ("SUM", "AVG") else
                          DECODERS.get(column.type, as_stored))
                self.columns.append((key, _SQL_FUNCTIONS[item.function].format(column.compare_sql), decode))
            else:
                raise error_at(MALFORMED_QUERY, ctx.text, query.sobject_pos,
                               "Aggregate queries cannot select COUNT() or subqueries")
        self.params: list[object] = []
        where = filter_sql(block, query.where, self.params)
        group = ", ".join(f"{c.compare_sql}{c.collation}" for c in grouped)
        group_clause = f" GROUP BY {group}" if group else ""
        order = [*order_terms(block, query.order_by),
                 *(f"{c.compare_sql}{c.collation} ASC NULLS FIRST" for c in grouped)]
        order_clause = f" ORDER BY {', '.join(order)}" if order else ""
        select = ", ".join(sql for _, sql, _ in self.columns)
        body = f"FROM {block.from_sql()} WHERE {where}{group_clause}"
        self._page_sql = f"SELECT {select} {body}{order_clause} LIMIT ? OFFSET ?"  # noqa: S608 - identifiers only
        # Without GROUP BY an aggregate query is one row, even over no records.
        self._count_sql = (f"SELECT COUNT(*) FROM (SELECT 1 {body})" if group  # noqa: S608 - identifiers only
                           else "SELECT 1")

    def total(self, conn: sqlite3.Connection) -> int:
        """Number of aggregate rows after OFFSET and LIMIT."""
        params = self.params if self.query.group_by else []
        (count,) = conn.execute(self._count_sql, params).fetchone()
        remaining = max(count - (self.query.offset or 0), 0)
        return remaining if self.query.limit is None else min(remaining, self.query.limit)

    def _rows(self, conn: sqlite3.Connection, start: int, size: int) -> list[tuple]:
        if self.query.limit is not None:
            size = min(size, self.query.limit - start)
        if size <= 0 or start < 0:
            return []
        offset = (self.query.offset or 0) + start
        return conn.execute(self._page_sql, [*self.params, size, offset]).fetchall()

    def fetch(self, conn: sqlite3.Connection, start: int, size: int) -> list[dict]:
        """AggregateResult records [start, start+size)."""
        records = []
        for row in self._rows(conn, start, size):
            record: dict[str, object] = {"attributes": {"type": "AggregateResult"}}
            for (key, _, decode), value in zip(self.columns, row, strict=True):
                record[key] = decode(value)
            records.append(record)
        return records

    def csv_header(self) -> list[str]:
        """Bulk API 2.0 does not run aggregate queries."""
        raise SoqlError(MALFORMED_QUERY, "Bulk API 2.0 queries do not support aggregate functions")

    def fetch_csv_rows(self, conn: sqlite3.Connection, start: int, size: int) -> list[list[str]]:
        """Refused like ``csv_header``; kept for interface parity with PreparedQuery."""
        self.csv_header()
        fmt = [csv_formatter(decode) for _, _, decode in self.columns]
        return [[f(v) for f, v in zip(fmt, row, strict=True)] for row in self._rows(conn, start, size)]
