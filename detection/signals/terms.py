"""Which of many configured terms a text names: whole words, case-insensitive.

A regex alternation of a few dozen terms with word-boundary look-arounds costs tens of
microseconds per text in CPython's engine. Every whole-word match of a term implies that
each of the term's ``\\w+`` tokens is a token of the text, so a set look-up on the text's
tokens finds the few candidate owners first and only they are confirmed with their exact
regex (the regex stays the rule; the tokens are only a fast, exact pre-filter).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from functools import lru_cache

from detection.config import compile_terms

_TOKEN = re.compile(r"\w+")


class WordIndex:
    """Terms grouped by owner (a product id, a competitor name), in a fixed owner order."""

    __slots__ = ("owners", "regexes", "_by_token", "_always", "_seen")

    def __init__(self, entries: Iterable[tuple[str, Hashable]]) -> None:
        terms: dict[Hashable, list[str]] = {}
        for term, owner in entries:
            if term and term.strip():
                terms.setdefault(owner, []).append(term.strip())
        self.owners = tuple(terms)
        self.regexes = {owner: compile_terms(tuple(ts)) for owner, ts in terms.items()}
        self._by_token: dict[str, list[tuple[frozenset[str], Hashable]]] = {}
        self._always: set[Hashable] = set()  # terms without a word character
        # answers per text: Task subjects and case subjects repeat a lot across accounts
        self._seen: dict[str, tuple[Hashable, ...]] = {}
        for owner, ts in terms.items():
            for term in ts:
                tokens = _TOKEN.findall(term.lower())
                if not tokens:
                    self._always.add(owner)
                    continue
                self._by_token.setdefault(tokens[0], []).append((frozenset(tokens), owner))

    def owners_in(self, text: str) -> tuple[Hashable, ...]:
        """Owners with a term named in ``text`` (whole words, any case), in owner order."""
        if not text:
            return ()
        found = self._seen.get(text)
        if found is None:
            found = self._owners_in(text)
            if len(self._seen) >= 50_000:  # bounded: a long-lived worker sees many texts
                self._seen.clear()
            self._seen[text] = found
        return found

    def _owners_in(self, text: str) -> tuple[Hashable, ...]:
        tokens = set(_TOKEN.findall(text.lower()))
        candidates = set(self._always)
        by_token = self._by_token
        for token in tokens:
            entries = by_token.get(token)
            if entries:
                for needed, owner in entries:
                    if needed <= tokens:
                        candidates.add(owner)
        if not candidates:
            return ()
        return tuple(o for o in self.owners if o in candidates and self.regexes[o].search(text))

    def first_match(self, owner: Hashable, text: str) -> str | None:
        """The text of the owner's first match in ``text`` (as written there)."""
        hit = self.regexes[owner].search(text)
        return hit.group(0) if hit else None


@lru_cache(maxsize=64)
def competitor_index(names: tuple[str, ...]) -> WordIndex:
    """A WordIndex of competitor names; owner = the lower-case, single-spaced name."""
    return WordIndex((n, " ".join(n.lower().split())) for n in names if n and n.strip())
