"""Property: a random WHERE tree selects exactly the rows a plain Python evaluation selects.

The Python side spells out SOQL's semantics independently of the SQL compiler: text compares
case-insensitively, a null field fails every comparison except ``!=`` / ``NOT IN`` /
``EXCLUDES``, booleans read null as false, NOT is the plain complement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from simple_salesforce.format import format_soql

from emulator.soql import prepare
from emulator.tests.soql.org import Org

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
TEXTS = ["a", "A", "ab", "aB", "b", "b'c", "x\\y", "a_b", "a%b", ""]
DATES = [date(2026, 3, d) for d in (1, 10, 14, 15, 16)]
PICKS = ["x", "y", "z"]
OPS = ["=", "!=", "<", "<=", ">", ">="]


@dataclass(frozen=True)
class Row:
    name: str | None
    industry: str | None
    employees: int | None
    partner: bool | None
    products: str | None
    review: date | None


rows_strategy = st.lists(st.builds(
    Row,
    name=st.sampled_from(TEXTS) | st.none(),
    industry=st.sampled_from(TEXTS) | st.none(),
    employees=st.integers(-2, 3) | st.none(),
    partner=st.booleans() | st.none(),
    products=st.lists(st.sampled_from(PICKS), unique=True, max_size=3).map(";".join).map(lambda s: s or None),
    review=st.sampled_from(DATES) | st.none(),
), min_size=1, max_size=12)

TEXT_FIELDS = {"Name": "name", "Industry": "industry"}

text_atom = st.tuples(st.just("text"), st.sampled_from(list(TEXT_FIELDS)), st.sampled_from(OPS),
                      st.sampled_from(TEXTS) | st.none())
int_atom = st.tuples(st.just("int"), st.just("NumberOfEmployees"), st.sampled_from(OPS),
                     st.integers(-2, 3) | st.none())
bool_atom = st.tuples(st.just("bool"), st.just("Is_Partner__c"), st.sampled_from(["=", "!="]),
                      st.booleans() | st.none())
date_atom = st.tuples(st.just("date"), st.just("Last_Review__c"), st.sampled_from(OPS),
                      st.sampled_from(DATES) | st.none())
relative_atom = st.tuples(st.just("relative"), st.just("Last_Review__c"), st.sampled_from(OPS),
                          st.sampled_from(["TODAY", "YESTERDAY", "LAST_N_DAYS:1", "NEXT_N_DAYS:1"]))
in_atom = st.tuples(st.just("in"), st.sampled_from(list(TEXT_FIELDS)), st.booleans(),
                    st.lists(st.sampled_from(TEXTS) | st.none(), min_size=1, max_size=3))
like_atom = st.tuples(st.just("like"), st.sampled_from(list(TEXT_FIELDS)),
                      st.lists(st.sampled_from([("lit", "a"), ("lit", "B"), ("lit", "_"), ("lit", "%"),
                                                ("lit", "'"), ("any",), ("one",)]), max_size=4))
includes_atom = st.tuples(st.just("includes"), st.just("Products__c"), st.booleans(),
                          st.lists(st.lists(st.sampled_from(PICKS), min_size=1, max_size=2).map(";".join),
                                   min_size=1, max_size=2))
atoms = (text_atom | int_atom | bool_atom | date_atom | relative_atom | in_atom | like_atom
         | includes_atom)
trees = st.recursive(atoms, lambda kids: st.tuples(st.sampled_from(["AND", "OR"]), kids, kids)
                     | st.tuples(st.just("NOT"), kids), max_leaves=8)


def _soql(tree: tuple) -> str:
    kind = tree[0]
    if kind in ("AND", "OR"):
        return f"({_soql(tree[1])} {kind} {_soql(tree[2])})"
    if kind == "NOT":
        return f"(NOT {_soql(tree[1])})"
    if kind in ("text", "int", "bool", "date"):
        return format_soql(f"{tree[1]} {tree[2]} {{}}", tree[3])
    if kind == "relative":
        return f"{tree[1]} {tree[2]} {tree[3]}"
    if kind == "in":
        return format_soql(f"{tree[1]} {'NOT IN' if tree[2] else 'IN'} {{}}", tree[3])
    if kind == "like":
        pattern = "".join(format_soql("{:like}", t[1]) if t[0] == "lit" else "%" if t[0] == "any" else "_"
                          for t in tree[2])
        return f"{tree[1]} LIKE '{pattern}'"
    return format_soql(f"{tree[1]} {'EXCLUDES' if tree[2] else 'INCLUDES'} {{}}", tree[3])


def _compare(value: object, op: str, literal: object) -> bool:
    if literal is None:
        return (value is None) == (op == "=") if op in ("=", "!=") else False
    if value is None:
        return op == "!="
    if isinstance(value, str):
        value, literal = value.lower(), str(literal).lower()
    return {"=": value == literal, "!=": value != literal, "<": value < literal,
            "<=": value <= literal, ">": value > literal, ">=": value >= literal}[op]


RELATIVE = {"TODAY": (date(2026, 3, 15), date(2026, 3, 15)),
            "YESTERDAY": (date(2026, 3, 14), date(2026, 3, 14)),
            "LAST_N_DAYS:1": (date(2026, 3, 14), date(2026, 3, 15)),
            "NEXT_N_DAYS:1": (date(2026, 3, 16), date(2026, 3, 16))}


def _evaluate(tree: tuple, row: Row) -> bool:
    kind = tree[0]
    if kind == "AND":
        return _evaluate(tree[1], row) and _evaluate(tree[2], row)
    if kind == "OR":
        return _evaluate(tree[1], row) or _evaluate(tree[2], row)
    if kind == "NOT":
        return not _evaluate(tree[1], row)
    if kind == "text":
        return _compare(getattr(row, TEXT_FIELDS[tree[1]]), tree[2], tree[3])
    if kind == "int":
        return _compare(row.employees, tree[2], tree[3])
    if kind == "bool":
        return _compare(bool(row.partner), tree[2], bool(tree[3]))
    if kind == "date":
        return _compare(row.review, tree[2], tree[3])
    if kind == "relative":
        first, last = RELATIVE[tree[3]]
        if row.review is None:
            return tree[2] == "!="
        inside = first <= row.review <= last
        return {"=": inside, "!=": not inside, "<": row.review < first, "<=": row.review <= last,
                ">": row.review > last, ">=": row.review >= first}[tree[2]]
    if kind == "in":
        value = getattr(row, TEXT_FIELDS[tree[1]])
        found = any((v is None and value is None) or (v is not None and value is not None
                                                      and v.lower() == value.lower()) for v in tree[3])
        return not found if tree[2] else found
    if kind == "like":
        value = getattr(row, TEXT_FIELDS[tree[1]])
        regex = "".join(re.escape(t[1]) if t[0] == "lit" else ".*" if t[0] == "any" else "."
                        for t in tree[2])
        return value is not None and re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL) is not None
    picked = set((row.products or "").split(";")) - {""}
    hit = row.products is not None and any(set(g.split(";")) <= picked for g in tree[3])
    return not hit if tree[2] else hit


@settings(max_examples=300, deadline=None)
@given(rows=rows_strategy, tree=trees)
def test_given_random_where_tree_when_queried_then_same_rows_as_python(rows: list[Row], tree: tuple) -> None:
    org = Org()
    keys = {}
    for row in rows:
        record_id = org.insert("Account", Name=row.name, Industry=row.industry,
                               NumberOfEmployees=row.employees, Is_Partner__c=row.partner,
                               Products__c=row.products,
                               Last_Review__c=row.review.isoformat() if row.review else None)
        keys[record_id] = row
    soql = "SELECT Id FROM Account WHERE " + _soql(tree)  # noqa: S608
    got = {r["Id"] for r in prepare(soql, org.schema, now=NOW).fetch(org.conn, 0, 100)}
    expected = {record_id for record_id, row in keys.items() if _evaluate(tree, row)}
    assert got == expected, soql
