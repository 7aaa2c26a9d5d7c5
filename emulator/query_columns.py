"""``GET query?q=...&columns=true``: the columns of a query instead of its rows.

Salesforce answers ``{"columnMetadata": [...], "entityName", "groupBy", "idSelected",
"keyPrefix"}``, one column per select item: parent paths nest as ``joinColumns`` under the
relationship, subqueries are ``aggregate`` columns whose ``joinColumns`` are the child's
columns, and aggregate functions are ``aggregate`` columns named by their alias or
``exprN``. The Salesforce CLI's ``sf data query`` asks for it to lay out its table
(plugin-data lib/commands/data/query.js retrieveColumns).
"""

from __future__ import annotations

from typing import Any

from emulator.schema import FieldDef, ObjectDef, Schema, UnknownField, UnknownObject
from emulator.soql import ast
from emulator.soql.parser import parse

_APEX_TYPES = {"id": "Id", "reference": "Id", "boolean": "Boolean", "int": "Integer", "double": "Double",
               "currency": "Double", "percent": "Double", "date": "Date", "datetime": "Datetime",
               "time": "Time", "long": "Long", "base64": "Blob"}
_NUMBER_TYPES = {"int", "double", "currency", "percent", "long"}


def _column(name: str, display: str, definition: FieldDef | None, join: list[dict[str, Any]] | None = None,
            aggregate: bool = False) -> dict[str, Any]:
    ftype = definition.type if definition else ""
    leaf = definition is not None and not join
    return {"aggregate": aggregate, "apexType": _APEX_TYPES.get(ftype, "String") if leaf else None,
            "booleanType": ftype == "boolean" and leaf, "columnName": name,
            "custom": bool(definition and definition.custom), "displayName": display,
            "foreignKeyName": None, "insertable": bool(definition and definition.createable and leaf),
            "joinColumns": join or [], "numberType": ftype in _NUMBER_TYPES and leaf,
            "textType": leaf and ftype not in _NUMBER_TYPES | {"boolean", "date", "datetime", "id", "reference"},
            "updatable": bool(definition and definition.updateable and leaf)}


def _path_column(schema: Schema, obj: ObjectDef, parts: tuple[str, ...], prefix: str) -> dict[str, Any]:
    head, rest = parts[0], parts[1:]
    if not rest:
        definition = obj.field(head)
        return _column(definition.name, prefix + definition.name, definition)
    relationship = obj.relationship(head)
    if relationship is None:
        raise UnknownField(head)
    parent = schema.object(relationship.reference_to[0]) if relationship.reference_to else obj
    name = relationship.relationship_name or head
    child = _path_column(schema, parent, rest, prefix + name + ".")
    return _column(name, prefix + name, None, join=[child])


def _columns(schema: Schema, query: ast.Query) -> tuple[ObjectDef, list[dict[str, Any]]]:
    obj = schema.object(query.sobject)
    columns: list[dict[str, Any]] = []
    expr = 0
    for item in query.select:
        if isinstance(item, ast.FieldRef):
            parts = item.parts[1:] if query.alias and item.parts[0].lower() == query.alias.lower() else item.parts
            columns.append(_path_column(schema, obj, parts, ""))
        elif isinstance(item, ast.SubQuery):
            relation = obj.child_relationships.get(item.query.sobject.lower())
            child = schema.object(relation.child_sobject) if relation else schema.object(item.query.sobject)
            _, child_columns = _columns(schema, ast.Query(item.query.select, child.name, item.query.sobject_pos))
            name = relation.name if relation else item.query.sobject
            columns.append(_column(name, name, None, join=child_columns, aggregate=True))
        elif isinstance(item, ast.Aggregate):
            name = item.alias or f"expr{expr}"
            expr += 0 if item.alias else 1
            columns.append(_column(name, f"{item.function}({item.field.text})", None, aggregate=True))
        else:  # COUNT()
            columns.append(_column("expr0", "COUNT()", None, aggregate=True))
    return obj, columns


def column_metadata(schema: Schema, soql: str) -> dict[str, Any]:
    """The columns answer for ``soql`` (which the caller has already validated by preparing it)."""
    query = parse(soql)
    try:
        obj, columns = _columns(schema, query)
    except (UnknownObject, UnknownField):  # prepare() reported these already; stay lenient
        obj, columns = schema.object(query.sobject), []
    id_selected = any(isinstance(i, ast.FieldRef) and i.parts[-1].lower() == "id" and len(i.parts) == 1
                      for i in query.select)
    return {"columnMetadata": columns, "entityName": obj.name, "groupBy": bool(query.group_by),
            "idSelected": id_selected, "keyPrefix": obj.key_prefix}
