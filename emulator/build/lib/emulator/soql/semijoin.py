"""Semi-join and anti-join subqueries: ``Id IN (SELECT AccountId FROM Contact WHERE ...)``.

Rules from "Semi-Joins with IN and Anti-Joins with NOT IN":
https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_comparisonoperators.htm
The subquery selects exactly one Id or reference field. Its rows exclude deleted records and
null values (so NOT IN is never poisoned by a NULL).
"""

from __future__ import annotations

from emulator.soql import ast
from emulator.soql.block import ID_TYPES, Block, Context, object_named
from emulator.soql.errors import INVALID_FIELD, MALFORMED_QUERY, error_at
from emulator.soql.where import ConditionCompiler


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
