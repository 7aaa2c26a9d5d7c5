"""SOQL text -> ``emulator.soql.ast`` nodes, through the LALR grammar in ``soql.lark``.

Parsing is pure and cached by query text (the server sees the same few queries page after
page). Syntax errors become MALFORMED_QUERY with Salesforce's "unexpected token" wording.
"""

from __future__ import annotations

import re
import threading
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Transformer
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)

from emulator.soql import ast
from emulator.soql.errors import MALFORMED_QUERY, SoqlError, error_at

_GRAMMAR = Path(__file__).with_name("soql.lark")
_lock = threading.Lock()
_parser: Lark | None = None

# Quoted string escapes: https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


class _Malformed(Exception):
    """Raised inside the transformer; turned into a located SoqlError by ``parse``."""

    def __init__(self, pos: ast.Pos, message: str) -> None:
        super().__init__(message)
        self.pos = pos
        self.message = message


def _pos(token: Token) -> ast.Pos:
    return ast.Pos(token.line or 1, token.column or 1)


def decode_string(raw: str, pos: ast.Pos) -> tuple[str, str]:
    """Decode a quoted SOQL string token; returns (value, LIKE pattern with '\\' escape)."""
    body = raw[1:-1]
    value: list[str] = []
    like: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char != "\\":
            value.append(char)
            like.append(char)
            i += 1
            continue
        nxt = body[i + 1] if i + 1 < len(body) else ""
        lowered = nxt.lower()
        if nxt and lowered in _ESCAPES:
            decoded = _ESCAPES[lowered]
            value.append(decoded)
            like.append("\\\\" if decoded == "\\" else decoded)
            i += 2
        elif nxt in ("%", "_"):
            # \% and \_ are literal percent / underscore in a LIKE pattern.
            value.append(nxt)
            like.append("\\" + nxt)
            i += 2
        elif lowered == "u" and len(body) >= i + 6:
            try:
                decoded = chr(int(body[i + 2 : i + 6], 16))
            except ValueError:
                raise _Malformed(pos, f"Invalid string literal '{raw}'. Illegal unicode escape") from None
            value.append(decoded)
            like.append(decoded)
            i += 6
        else:
            raise _Malformed(pos, f"Invalid string literal '{raw}'. Illegal escape sequence '\\{nxt}'")
    return "".join(value), "".join(like)


_FRACTION = re.compile(r"\.(\d+)")


def _datetime(text: str, pos: ast.Pos) -> datetime:
    # Salesforce accepts fractional seconds of any precision and keeps milliseconds
    # (a Salesforce StackExchange answer, "How to use a TIME literal in a SOQL Query", tested
    # in an org: any precision "is fine ... Salesforce will only actually store up to 3 decimal
    # places"); tap-salesforce writes its bookmarks with 6 digits. Digits past 3 are dropped.
    normalised = _FRACTION.sub(lambda m: "." + (m.group(1) + "000")[:3], text.upper(), count=1)
    normalised = normalised.replace("Z", "+00:00")
    if normalised[-5] in "+-" and normalised[-3] != ":":  # +0000 -> +00:00
        normalised = normalised[:-2] + ":" + normalised[-2:]
    try:
        return datetime.fromisoformat(normalised)
    except ValueError:
        raise _Malformed(pos, f"line {pos.row}:{pos.column} no viable alternative at character '{text}'") from None


class _ToAst(Transformer):
    """Builds ast nodes while the LALR parser reduces (no intermediate tree)."""

    def start(self, children: list) -> ast.Query:
        return children[0]

    def query(self, children: list) -> ast.Query:
        select = children[1]
        name = children[3]
        fields: dict[str, object] = {"alias": None, "where": None, "group_by": (), "order_by": (),
                                     "limit": None, "offset": None}
        for child in children[4:]:
            key, val = child
            fields[key] = val
        return ast.Query(select=tuple(select), sobject=str(name), sobject_pos=_pos(name), **fields)  # type: ignore[arg-type]

    def alias(self, children: list) -> tuple[str, str]:
        return ("alias", str(children[0]))

    def select_list(self, children: list) -> list:
        return children

    def field_path(self, children: list) -> ast.FieldRef:
        return ast.FieldRef(tuple(str(c) for c in children), _pos(children[0]))

    def count_all(self, children: list) -> ast.CountAll:
        return ast.CountAll(_pos(children[0]))

    def aggregate(self, children: list) -> ast.Aggregate:
        fn, field = children[0], children[1]
        alias = str(children[2]) if len(children) > 2 else None
        return ast.Aggregate(str(fn).upper(), field, alias, _pos(fn))

    def count_field(self, children: list) -> ast.Aggregate:
        return self.aggregate(children)

    def subquery(self, children: list) -> ast.SubQuery:
        return ast.SubQuery(children[0])

    def where_clause(self, children: list) -> tuple[str, ast.Condition]:
        return ("where", children[1])

    def and_chain(self, children: list) -> ast.And:
        return ast.And(tuple(c for c in children if not isinstance(c, Token)))

    def or_chain(self, children: list) -> ast.Or:
        return ast.Or(tuple(c for c in children if not isinstance(c, Token)))

    def negation(self, children: list) -> ast.Not:
        return ast.Not(children[1])

    def comparison(self, children: list) -> ast.Compare:
        op = "!=" if str(children[1]) == "<>" else str(children[1])
        return ast.Compare(children[0], op, children[2])

    def like(self, children: list) -> ast.Like:
        return ast.Like(children[0], children[2])

    def in_list(self, children: list) -> ast.InValues:
        return ast.InValues(children[0], tuple(children[2]), negated=False)

    def not_in_list(self, children: list) -> ast.InValues:
        return ast.InValues(children[0], tuple(children[3]), negated=True)

    def semi_join(self, children: list) -> ast.InQuery:
        return ast.InQuery(children[0], children[2], negated=False)

    def anti_join(self, children: list) -> ast.InQuery:
        return ast.InQuery(children[0], children[3], negated=True)

    def includes(self, children: list) -> ast.Includes:
        return ast.Includes(children[0], tuple(children[2]), exclude=False)

    def excludes(self, children: list) -> ast.Includes:
        return ast.Includes(children[0], tuple(children[2]), exclude=True)

    def value_list(self, children: list) -> list:
        return children

    def string(self, children: list) -> ast.Literal:
        token = children[0]
        value, like = decode_string(str(token), _pos(token))
        return ast.Literal("string", value, _pos(token), str(token), like=like)

    def number(self, children: list) -> ast.Literal:
        token = children[0]
        text = str(token)
        is_float = any(c in text for c in ".eE")
        value: int | float = float(text) if is_float else int(text)
        return ast.Literal("number", value, _pos(token), text)

    def datetime(self, children: list) -> ast.Literal:
        token = children[0]
        return ast.Literal("datetime", _datetime(str(token), _pos(token)), _pos(token), str(token))

    def date(self, children: list) -> ast.Literal:
        token = children[0]
        try:
            value = date.fromisoformat(str(token))
        except ValueError:
            raise _Malformed(_pos(token), f"invalid date: {token}") from None
        return ast.Literal("date", value, _pos(token), str(token))

    def true(self, children: list) -> ast.Literal:
        return ast.Literal("boolean", True, _pos(children[0]), str(children[0]))

    def false(self, children: list) -> ast.Literal:
        return ast.Literal("boolean", False, _pos(children[0]), str(children[0]))

    def null(self, children: list) -> ast.Literal:
        return ast.Literal("null", None, _pos(children[0]), str(children[0]))

    def relative(self, children: list) -> ast.Literal:
        token = children[0]
        return ast.Literal("relative", (str(token).upper(), None), _pos(token), str(token))

    def relative_n(self, children: list) -> ast.Literal:
        token = children[0]
        name, _, number = str(token).partition(":")
        return ast.Literal("relative", (name.upper(), int(number.strip())), _pos(token), str(token))

    def group_clause(self, children: list) -> tuple[str, tuple[ast.FieldRef, ...]]:
        return ("group_by", tuple(c for c in children if isinstance(c, ast.FieldRef)))

    def order_clause(self, children: list) -> tuple[str, tuple[ast.OrderItem, ...]]:
        return ("order_by", tuple(c for c in children if isinstance(c, ast.OrderItem)))

    def order_item(self, children: list) -> ast.OrderItem:
        descending = False
        nulls_first: bool | None = None
        for child in children[1:]:
            kind, flag = child
            if kind == "direction":
                descending = flag
            else:
                nulls_first = flag
        return ast.OrderItem(children[0], descending, nulls_first)

    def direction(self, children: list) -> tuple[str, bool]:
        return ("direction", children[0].type == "DESC")

    def nulls(self, children: list) -> tuple[str, bool]:
        return ("nulls", children[1].type == "FIRST")

    def limit_clause(self, children: list) -> tuple[str, int]:
        return ("limit", int(children[1]))

    def offset_clause(self, children: list) -> tuple[str, int]:
        return ("offset", int(children[1]))


def _get_parser() -> Lark:
    global _parser
    with _lock:
        if _parser is None:
            _parser = Lark(_GRAMMAR.read_text(), parser="lalr", lexer="contextual",
                           transformer=_ToAst(), maybe_placeholders=False)
        return _parser


def _syntax_error(text: str, error: UnexpectedInput) -> SoqlError:
    pos = ast.Pos(getattr(error, "line", 1) or 1, getattr(error, "column", 1) or 1)
    if isinstance(error, UnexpectedEOF) or (
        isinstance(error, UnexpectedToken) and error.token.type == "$END"
    ):
        lines = text.split("\n")
        pos = ast.Pos(len(lines), len(lines[-1]) + 1)
        return error_at(MALFORMED_QUERY, text, pos, "unexpected token: <EOF>")
    if isinstance(error, UnexpectedToken):
        return error_at(MALFORMED_QUERY, text, pos, f"unexpected token: '{error.token}'")
    if isinstance(error, UnexpectedCharacters):
        char = text[error.pos_in_stream] if error.pos_in_stream < len(text) else ""
        return error_at(MALFORMED_QUERY, text, pos,
                        f"line {pos.row}:{pos.column - 1} no viable alternative at character '{char}'")
    return error_at(MALFORMED_QUERY, text, pos, str(error))


@lru_cache(maxsize=1024)
def parse(text: str) -> ast.Query:
    """Parse SOQL text into an ``ast.Query``; raises SoqlError(MALFORMED_QUERY)."""
    if not text or not text.strip():
        raise SoqlError(MALFORMED_QUERY, "unexpected token: <EOF>")
    try:
        return _get_parser().parse(text)  # type: ignore[return-value]
    except VisitError as error:
        inner = error.orig_exc
        if isinstance(inner, _Malformed):
            raise error_at(MALFORMED_QUERY, text, inner.pos, inner.message) from None
        raise
    except _Malformed as error:
        raise error_at(MALFORMED_QUERY, text, error.pos, error.message) from None
    except UnexpectedInput as error:
        raise _syntax_error(text, error) from None
