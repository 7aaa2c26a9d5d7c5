"""WHERE conditions -> parameterised SQLite predicates with SOQL's two-valued logic.

SOQL has no UNKNOWN: a comparison with a null field is simply false, except ``!=`` /
``NOT IN`` / ``EXCLUDES`` which are true for null, and ``NOT`` is the plain complement
(SQL's three-valued NOT would drop nulls). Negation is therefore pushed down to the atoms
(De Morgan), each atom emitting its own complement, so positive atoms keep index-friendly
forms. Booleans compare as 0/1 with null meaning false, also on outer-joined parents, and a
filter on a parent field sees null when the lookup is empty
(https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_null.htm,
https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_relationships_lookup.htm).
That ``!=`` matches null fields is long-standing org behaviour; that ``NOT IN`` does too is
assumed by analogy (unconfirmed in the docs).
Values are always bound as parameters, never written into the SQL.
"""

from __future__ import annotations

from emulator.ids import to18
from emulator.soql import ast, dates
from emulator.soql.block import ID_TYPES, NUMERIC, STRINGISH, Block, Column, Context, object_named
from emulator.soql.errors import (
    INVALID_FIELD,
    INVALID_QUERY_FILTER_OPERATOR,
    MALFORMED_QUERY,
    error_at,
)

_LIKE_ESCAPE = " ESCAPE '\\'"


class ConditionCompiler:
    """Compiles one block's conditions; ``params`` collects values in placeholder order."""

    def __init__(self, block: Block, params: list[object]) -> None:
        self.block = block
        self.params = params
        self.ctx = block.ctx

    def compile(self, cond: ast.Condition, negated: bool = False) -> str:
        """SQL for ``cond`` (or its complement when ``negated``)."""
        if isinstance(cond, ast.Not):
            return self.compile(cond.item, not negated)
        if isinstance(cond, ast.And | ast.Or):
            conjunction = isinstance(cond, ast.And) != negated
            joiner = " AND " if conjunction else " OR "
            return "(" + joiner.join(self.compile(item, negated) for item in cond.items) + ")"
        column = self.block.resolve(cond.field, for_filter=True)
        if isinstance(cond, ast.Compare):
            return self._compare(column, cond.op, cond.value, negated)
        if isinstance(cond, ast.InValues):
            return self._in_values(column, cond, negated)
        if isinstance(cond, ast.Like):
            return self._like(column, cond.value, negated)
        if isinstance(cond, ast.Includes):
            return self._includes(column, cond, negated != cond.exclude)
        if isinstance(cond, ast.InQuery):
            return self._semi_join(column, cond, negated != cond.negated)
        raise TypeError(cond)  # pragma: no cover - the parser builds no other node

    # -- atoms -------------------------------------------------------------------------

    def _bind(self, value: object) -> str:
        self.params.append(value)
        return "?"

    def _atom(self, expr: str, positive: str, negated: bool) -> str:
        """``positive`` is false for a null ``expr``; its complement is true for null."""
        if not negated:
            return positive
        return f"({expr} IS NULL OR NOT {positive})"

    def _compare(self, column: Column, op: str, literal: ast.Literal, negated: bool) -> str:
        expr = column.compare_sql
        if literal.kind == "null" and column.type != "boolean":
            if op in ("=", "!="):
                is_null = (op == "=") != negated
                return f"({expr} IS NULL)" if is_null else f"({expr} IS NOT NULL)"
            return "1" if negated else "0"
        if literal.kind == "relative":
            return self._relative(column, op, literal, negated)
        value = self.coerce(column, literal)
        if op == "!=":
            op, negated = "=", not negated
        positive = f"({expr}{column.collation} {op} {self._bind(value)})"
        return self._atom(expr, positive, negated)

    def _relative(self, column: Column, op: str, literal: ast.Literal, negated: bool) -> str:
        start, end = self._range(column, literal)
        expr = column.compare_sql
        if op in ("=", "!="):
            positive = f"({expr} >= {self._bind(start)} AND {expr} < {self._bind(end)})"
            return self._atom(expr, positive, negated != (op == "!="))
        bound = {"<": ("<", start), "<=": ("<", end), ">": (">=", end), ">=": (">=", start)}[op]
        return self._atom(expr, f"({expr} {bound[0]} {self._bind(bound[1])})", negated)

    def _range(self, column: Column, literal: ast.Literal) -> tuple[str, str]:
        name, n = literal.value  # type: ignore[misc]
        if not dates.is_known(name, n):
            raise error_at(MALFORMED_QUERY, self.ctx.text, literal.pos,
                           f"unexpected token: '{literal.text}'")
        if column.type not in ("date", "datetime"):
            raise self._type_error(column, literal)
        first, after = dates.day_range(name, n, self.ctx.today)
        if column.type == "date":
            return first.isoformat(), after.isoformat()
        return dates.midnight_utc(first, self.ctx.tz), dates.midnight_utc(after, self.ctx.tz)

    def _in_values(self, column: Column, cond: ast.InValues, negated: bool) -> str:
        if any(v.kind == "relative" for v in cond.values):
            # Rare; expand to a disjunction of range tests.
            items = tuple(ast.Compare(cond.field, "=", v) for v in cond.values)
            return self.compile(ast.Or(items), negated != cond.negated)
        has_null = any(v.kind == "null" for v in cond.values) and column.type != "boolean"
        values = [self.coerce(column, v) for v in cond.values if v.kind != "null" or not has_null]
        expr = column.compare_sql
        tests = []
        if values:
            marks = ", ".join(self._bind(v) for v in values)
            tests.append(f"{expr}{column.collation} IN ({marks})")
        if has_null:
            tests.append(f"{expr} IS NULL")
        # The test list is false for a null expr unless it tests IS NULL itself.
        positive = "(" + " OR ".join(tests) + ")"
        if negated == cond.negated:
            return positive
        return f"(NOT {positive})" if has_null else f"({expr} IS NULL OR NOT {positive})"

    def _like(self, column: Column, literal: ast.Literal, negated: bool) -> str:
        if literal.kind != "string" or column.type not in STRINGISH | ID_TYPES:
            raise error_at(INVALID_FIELD, self.ctx.text, literal.pos,
                           f"invalid operator on field '{column.definition.name}' for LIKE")
        # SQLite LIKE is case-insensitive (ASCII), as SOQL LIKE is.
        positive = f"({column.sql} LIKE {self._bind(literal.like)}{_LIKE_ESCAPE})"
        return self._atom(column.sql, positive, negated)

    def _includes(self, column: Column, cond: ast.Includes, negated: bool) -> str:
        if column.type != "multipicklist":
            raise error_at(INVALID_FIELD, self.ctx.text, cond.field.pos,
                           "includes or excludes operator only valid on multipicklist field")
        # INCLUDES ('a;b', 'c') means (a AND b) OR c; EXCLUDES is its complement.
        haystack = f"(';' || lower({column.sql}) || ';')"
        groups = []
        for literal in cond.values:
            if literal.kind != "string":
                raise self._type_error(column, literal)
            terms = [t.strip().lower() for t in str(literal.value).split(";") if t.strip()]
            tests = [f"instr({haystack}, {self._bind(';' + t + ';')}) > 0" for t in terms]
            groups.append("(" + " AND ".join(tests or ["0"]) + ")")
        positive = "(" + " OR ".join(groups) + ")"
        return self._atom(column.sql, positive, negated)

    def _semi_join(self, column: Column, cond: ast.InQuery, negated: bool) -> str:
        subquery = compile_semi_join(self.ctx, cond.query, self.params)
        positive = f"({column.sql} IN {subquery})"
        return self._atom(column.sql, positive, negated)

    # -- values ------------------------------------------------------------------------

    def coerce(self, column: Column, literal: ast.Literal) -> object:
        """The storage form of ``literal`` for comparison with ``column``; checks the type."""
        kind, value, ftype = literal.kind, literal.value, column.type
        if ftype in ID_TYPES:
            if kind != "string":
                raise self._type_error(column, literal)
            text = str(value)
            if len(text) not in (15, 18) or not text.isalnum():
                raise error_at(INVALID_QUERY_FILTER_OPERATOR, self.ctx.text, literal.pos,
                               f"invalid ID field: {text}")
            return to18(text)
        if ftype in STRINGISH:
            if kind != "string":
                raise self._type_error(column, literal)
            return value
        if ftype in NUMERIC:
            if kind != "number":
                raise self._type_error(column, literal)
            return value
        if ftype == "boolean":
            if kind == "null":
                return 0
            if kind != "boolean":
                raise self._type_error(column, literal)
            return 1 if value else 0
        if ftype == "date" and kind == "date":
            return value.isoformat()  # type: ignore[union-attr]
        if ftype == "datetime" and kind == "datetime":
            return dates.format_datetime(value)  # type: ignore[arg-type]
        raise self._type_error(column, literal)

    def _type_error(self, column: Column, literal: ast.Literal) -> Exception:
        ftype = column.type
        wanted = {"datetime": "dateTime", "int": "int", "long": "long", "boolean": "boolean",
                  "date": "date"}.get(ftype, "double" if ftype in NUMERIC else "string")
        if ftype in STRINGISH or ftype in ID_TYPES:
            wanted, quoted = ("id" if ftype in ID_TYPES else "string"), "should be enclosed in quotes"
        else:
            quoted = "should not be enclosed in quotes"
        return error_at(INVALID_FIELD, self.ctx.text, literal.pos,
                        f"value of filter criterion for field '{column.definition.name}' must be "
                        f"of type {wanted} and {quoted}")


def filter_sql(block: Block, cond: ast.Condition | None, params: list[object]) -> str:
    """The WHERE clause body for a block: its deleted-row filter and the query's condition."""
    tests = []
    deleted = block.deleted_filter()
    if deleted:
        tests.append(deleted)
    if cond is not None:
        tests.append(ConditionCompiler(block, params).compile(cond))
    return " AND ".join(tests) or "1"


def order_terms(block: Block, items: tuple[ast.OrderItem, ...]) -> list[str]:
    """ORDER BY terms with Salesforce's defaults (ASC NULLS FIRST, DESC NULLS LAST)."""
    terms = []
    for item in items:
        column = block.resolve(item.field)
        nulls_first = (not item.descending) if item.nulls_first is None else item.nulls_first
        direction = "DESC" if item.descending else "ASC"
        terms.append(f"{column.compare_sql}{column.collation} {direction} "
                     f"NULLS {'FIRST' if nulls_first else 'LAST'}")
    return terms


# A semi-join's inner WHERE is compiled by ConditionCompiler, which compiles semi-joins: one
# module, so the mutual recursion is not an import cycle.
def compile_semi_join(ctx: Context, query: ast.Query, params: list[object]) -> str:
    """The parenthesised SQL subquery yielding the ids the semi-join matches."""
    obj = object_named(ctx, query.sobject, query.sobject_pos)
    fields = [item for item in query.select if isinstance(item, ast.FieldRef)]
    if len(fields) != 1 or len(query.select) != 1:
        raise error_at(MALFORMED_QUERY, ctx.text, query.sobject_pos,
                       "The inner select field must be a single Id or reference field")
    block = Block(ctx, obj, query.alias)
    column = block.resolve(fields[0], for_filter=True)
    if column.type not in ID_TYPES:
        raise error_at(INVALID_FIELD, ctx.text, fields[0].pos,
                       f"The selected field '{column.definition.name}' in the subquery and the "
                       "left operand field in the where expression in the outer query must "
                       "point to the same object type.")
    tests = [f"{column.sql} IS NOT NULL"]
    deleted = block.deleted_filter()
    if deleted:
        tests.append(deleted)
    if query.where is not None:
        tests.append(ConditionCompiler(block, params).compile(query.where))
    return f"(SELECT {column.sql} FROM {block.from_sql(filter_only=True)} WHERE {' AND '.join(tests)})"  # noqa: S608
