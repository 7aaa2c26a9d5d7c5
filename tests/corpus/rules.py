"""Phrase-level rules every text Radar writes into the CRM must pass (issue 16).

A finding is (rule, excerpt). The rules look for what a reader would call a leak or a slip:
record ids, "None"/"n/a"/"null", placeholders, API names, doubled words, empty values,
number/noun disagreement, hard-wrapped sentences, greetings without a first name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# 15/18-character Salesforce ids: alphanumeric runs of that length with a run of digits
# (names and words never carry four digits in a row at that length).
_ID = re.compile(r"\b(?=[0-9A-Za-z]*\d{4})(?=[0-9A-Za-z]*[A-Za-z])[0-9A-Za-z]{15}(?:[0-9A-Za-z]{3})?\b")
_WORD_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("none", re.compile(r"\bNone\b")),
    ("n/a", re.compile(r"\bn/a\b", re.I)),
    ("null", re.compile(r"\b(?:null|undefined|nan)\b", re.I)),
    ("only 0", re.compile(r"\bonly 0\b", re.I)),
    ("api name", re.compile(r"\w__c\b")),
    ("plural hedge", re.compile(r"\w\(s\)")),
    ("doubled word", re.compile(r"\b([A-Za-z]+)[ \t]+\1\b", re.I)),
    ("space before punctuation", re.compile(r"\w [.,;:!?](?:\s|$)")),
    ("double punctuation", re.compile(r"[.,;:][ \t]*[.,;:](?!\.)|(?<!\.)\.\.(?!\.)")),
    ("empty parentheses", re.compile(r"\(\s*\)")),
    ("empty value", re.compile(r":\s*[|,;)]|\(\s*[,;]")),
    ("one with plural", re.compile(
        r"(?<![\d.,])\b1 (?:contacts|days|people|cases|touches|records|accounts|months|seats|"
        r"units|licences|employees|signals|users|points|touches|weeks)\b")),
    ("many with singular", re.compile(
        r"(?<!Play )\b(?:[02-9]|\d{2,}) (?:contact|day|case|touch|record|account|month|seat|licence|"
        r"signal|user)\b(?![-'])")),
    ("python repr", re.compile(r"\(\(|'\w+',|\[\]|\{\}")),
)
_PLACEHOLDER = re.compile(r"\[(?!\d+ min\])[^\]]*\]")  # "[10 min]" is the seed's agenda format


def findings(text: str, *, allow_ae_todo: bool = False) -> Iterator[tuple[str, str]]:
    """Every rule ``text`` breaks, as (rule, excerpt)."""
    if not text or not text.strip():
        yield ("empty text", repr(text))
        return
    for m in _ID.finditer(text):
        yield ("record id", _around(text, m))
    for name, rule in _WORD_RULES:
        for m in rule.finditer(text):
            yield (name, _around(text, m))
    for m in _PLACEHOLDER.finditer(text):
        if not (allow_ae_todo and m.group().startswith("[AE: ")):
            yield ("placeholder", _around(text, m))
    lines = text.split("\n")
    for i, line in enumerate(lines):
        body = line.strip()
        if body.startswith("Hi") and not re.fullmatch(r"Hi [A-Z][A-Za-z'-]+,", body):
            yield ("greeting without a first name", body)
        if body[:1].islower():
            yield ("hard-wrapped line", body[:80])
        if "  " in line.strip():
            yield ("double space", body[:80])
        if body.endswith(":") and (i + 1 >= len(lines) or not lines[i + 1].strip()):
            yield ("label without a value", body[:80])


def _around(text: str, m: re.Match[str], width: int = 40) -> str:
    return text[max(0, m.start() - width): m.end() + width].replace("\n", " | ")
