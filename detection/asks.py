"""What the customer asked for, read from what CS wrote (issue 15).

CS writes the ask in free text: the five qualification fields of the follow-up Task and the
subject / description of the signal Tasks CS records (a direct request, a QBR mention). This
module reads, as a person would: the product named (catalog name, code or keyword; case and
small typos tolerated), seats / units / percentages ("50 more seats", "20% more users",
"from 50 to 80 licences"), "more seats / licences / users / storage" without a product
(an upsell of what they own), an upgrade or another department, and the budget ("about
$150K", "150k", "$1.2M", "€40,000", "40-50k", "under 100k").

Pure text in, plain data out; the words live in ``detection.ask_phrases`` so another
language is a new phrase book, not new code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from detection.ask_phrases import ENGLISH, Phrasebook
from detection.snapshot import Product

# fuzzy product-name matching: difflib's ratio a typo must reach ("Analytcs Pro" 0.96)
FUZZY_RATIO = 0.86
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "a dozen": 12, "a hundred": 100,
}
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


@dataclass(frozen=True, slots=True)
class Money:
    """An amount as CS wrote it: a point, a range, or a ceiling / floor.

    Attributes:
        low, high: the ends (equal for a point; ``low`` None for "under X", ``high`` None
            for "over X").
        currency: ISO code when written ("USD", "EUR"), else None.
        text: the words CS used, to quote back ("about $15K").
    """

    low: float | None
    high: float | None
    currency: str | None
    text: str

    @property
    def point(self) -> float:
        """The one figure an AE would put down: a range's midpoint, a ceiling or a floor."""
        if self.low is not None and self.high is not None:
            return (self.low + self.high) / 2
        return self.high if self.high is not None else self.low  # type: ignore[return-value]

    @property
    def ceiling(self) -> float | None:
        """The most CS said the customer would spend (None for "over X")."""
        return self.high


@dataclass(frozen=True, slots=True)
class CustomerAsk:
    """The ask, as far as the text says it (every part optional).

    Attributes:
        product: the catalog product named, if any.
        product_words: the words that named it ("analytcs pro").
        units: how many more units ("50 more seats" -> 50).
        unit_kind: "seat", "storage", "api" or "unit" (from the unit word).
        unit_word: the unit word as written ("licences").
        percent: a relative increase ("20% more users" -> 0.20).
        more_of_owned: asks for more of an entitlement ("more seats", "extra storage").
        upgrade: asks for a higher tier or edition.
        new_department: another team or department wants it.
        budget: the budget, from the budget field first, else from any text.
    """

    product: Product | None = None
    product_words: str = ""
    units: float | None = None
    unit_kind: str | None = None
    unit_word: str | None = None
    percent: float | None = None
    more_of_owned: bool = False
    upgrade: bool = False
    new_department: bool = False
    budget: Money | None = None

    @property
    def empty(self) -> bool:
        """Nothing in the text says what to sell or for how much."""
        return (self.product is None and self.units is None and self.percent is None
                and not (self.more_of_owned or self.upgrade or self.new_department)
                and self.budget is None)


def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_COMPILED: dict[int, tuple[Phrasebook, dict[str, re.Pattern[str]]]] = {}


def _patterns(book: Phrasebook) -> dict[str, re.Pattern[str]]:
    """The phrase book's regexes, compiled once per book (kept alive beside its id)."""
    hit = _COMPILED.get(id(book))
    if hit is None or hit[0] is not book:
        hit = _COMPILED[id(book)] = (book, _compile(book))
    return hit[1]


def _compile(book: Phrasebook) -> dict[str, re.Pattern[str]]:
    cur = _alternation(book.currencies)
    suffix = _alternation(book.thousands + book.millions)
    amount = (rf"(?:(?P<@1>{cur})\s?)?(?P<@n>{_NUM})\s?(?P<@s>{suffix})?(?![\w])"
              rf"(?:\s?(?P<@2>{cur})(?![\w]))?")
    one, two = amount.replace("@", "a"), amount.replace("@", "b")
    units = _alternation(book.units)
    more = _alternation(book.more)
    flags = re.IGNORECASE
    return {
        "range": re.compile(rf"(?<![\w.]){one}\s*(?:{_alternation(book.ranges)})\s*{two}", flags),
        "amount": re.compile(rf"(?<![\w.]){one}", flags),
        "from_to": re.compile(rf"\bfrom\s+(?P<x>{_NUM})\s+(?:(?:{units})\s+)?to\s+(?P<y>{_NUM})\s*"
                              rf"(?:(?:{more})\s+)?(?P<u>{units})\b", flags),
        "units": re.compile(rf"(?<![\w.$€£])(?P<n>{_NUM})\s*(?:(?:{more})\s+)?(?P<u>{units})\b",
                            flags),
        "percent": re.compile(rf"(?P<p>\d+(?:\.\d+)?)\s?%\s*(?:(?:{more})\s+)?(?:(?P<u>{units})\b)?",
                              flags),
        "double": re.compile(r"\b(?:double|twice)\b", flags),
        "more_units": re.compile(rf"\b(?:{more})\s+(?:\w+\s+)?(?P<u>{units})\b", flags),
        "upgrade": re.compile(rf"(?<!\w)(?:{_alternation(book.upgrade)})(?!\w)", flags),
        "department": re.compile(
            rf"(?<!\w)(?:{_alternation(book.department)})(?!\w)|\b(?:for|in|to|from|by)\s+"
            rf"(?:the\s+)?(?!(?:{_alternation(book.own_words)})\b)[A-Za-z&]+\s+"
            rf"(?:{_alternation(book.department_nouns)})\b", flags),
        "number_words": re.compile(rf"\b(?:{_alternation(tuple(_NUMBER_WORDS))})\b", flags),
    }


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _scale(value: float, suffix: str | None, book: Phrasebook) -> float:
    if not suffix:
        return value
    if suffix.lower() in {s.lower() for s in book.millions}:
        return value * 1_000_000
    return value * 1_000


def _qualifier(text: str, start: int, book: Phrasebook) -> tuple[str, int]:
    """("approx" | "at_most" | "at_least" | "exact", where the qualifier starts) from the
    words just before an amount at ``start``."""
    offset = max(0, start - 28)
    tail = text[offset:start].lower()
    best, where, begin = "exact", -1, start
    for kind, words in (("approx", book.approx), ("at_most", book.at_most),
                        ("at_least", book.at_least)):
        for word in words:
            pos = tail.rfind(word.lower())
            if pos < 0 or (word[0].isalpha() and pos > 0 and tail[pos - 1].isalnum()):
                continue
            if pos + len(word) > where:
                best, where, begin = kind, pos + len(word), offset + pos
    return best, begin


def read_money(text: str | None, *, plain_numbers: bool = False,
               book: Phrasebook = ENGLISH) -> Money | None:
    """The first amount of money in ``text``.

    Args:
        text: free text.
        plain_numbers: count a bare number of 1,000 or more as money (the budget field,
            where "150000" can only be an amount); elsewhere an amount needs a currency or
            a k / M suffix, so "50 seats" is never read as $50.
        book: the phrase book.
    """
    if not text:
        return None
    pats = _patterns(book)
    found = pats["range"].search(text)
    if found and (found["a1"] or found["b1"] or found["as"] or found["bs"] or plain_numbers):
        suffix_b = found["bs"]
        low = _scale(_number(found["an"]), found["as"] or suffix_b, book)
        high = _scale(_number(found["bn"]), suffix_b or found["as"], book)
        if 0 < low <= high:
            currency = found["a1"] or found["b1"] or found["a2"] or found["b2"]
            lead, begin = _qualifier(text, found.start(), book)
            return Money(None if lead == "at_most" else low, high,
                         book.currencies.get((currency or "").lower()),
                         _quote(text, begin, found.end()))
    for found in pats["amount"].finditer(text):
        currency = found["a1"] or found["a2"]
        suffix = found["as"]
        value = _number(found["an"])
        if not (currency or suffix) and not (plain_numbers and value >= 1000):
            continue
        value = _scale(value, suffix, book)
        if value <= 0:
            continue
        kind, begin = _qualifier(text, found.start(), book)
        low = None if kind == "at_most" else value
        high = None if kind == "at_least" else value
        return Money(low, high, book.currencies.get((currency or "").lower()),
                     _quote(text, begin, found.end()))
    return None


def _quote(text: str, start: int, end: int) -> str:
    """The amount with its qualifier, as CS wrote it ("about $150K"), on one line."""
    return " ".join(text[start:end].split()).strip(" ,;")


def _normalise(text: str, book: Phrasebook) -> str:
    """Number words to digits ("ten more seats" -> "10 more seats")."""
    pats = _patterns(book)
    return pats["number_words"].sub(lambda m: str(_NUMBER_WORDS[m.group(0).lower()]), text)


def _word_re(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(term).replace(r"\ ", r"\s+") + r"(?!\w)",
                      re.IGNORECASE)


def find_products(text: str, catalog: Sequence[Product]) -> list[tuple[int, Product, str]]:
    """(position, product, words) of every active product the text names, in text order:
    its name, code or a keyword as whole words, or its name with a small typo."""
    hits: dict[str, tuple[int, Product, str]] = {}
    low = text.lower()
    tokens = [(m.start(), m.group(0)) for m in re.finditer(r"[\w&+-]+", low)]
    for product in catalog:
        if not product.is_active:
            continue
        terms = [product.name, *(product.code and [product.code] or []), *product.keywords]
        for term in terms:
            term = term.strip()
            if len(term) < 2:
                continue
            found = _word_re(term).search(text)
            if found and (product.id not in hits or found.start() < hits[product.id][0]):
                hits[product.id] = (found.start(), product, found.group(0))
        if product.id in hits:
            continue
        name = product.name.lower().split()
        size = len(name)
        target = " ".join(name)
        if len(target) < 6:  # short names are never matched loosely ("AI" vs "at")
            continue
        for i in range(len(tokens) - size + 1):
            window = " ".join(t for _, t in tokens[i:i + size])
            if abs(len(window) - len(target)) > 3:
                continue
            if SequenceMatcher(None, window, target).ratio() >= FUZZY_RATIO:
                hits[product.id] = (tokens[i][0], product, window)
                break
    return sorted(hits.values(), key=lambda h: (h[0], h[1].name))


def read_ask(texts: Sequence[str | None], budget_text: str | None,
             catalog: Sequence[Product], owned_ids: frozenset[str] | set[str] = frozenset(),
             book: Phrasebook = ENGLISH) -> CustomerAsk:
    """The customer's ask from CS's texts.

    Args:
        texts: the texts to read, most telling first (signal Task subject and description,
            pain, metrics, timeline, decision maker).
        budget_text: the budget field (read first for the budget; plain numbers count).
        catalog: the org's products (names, codes, keywords).
        owned_ids: products the account owns (a product named among several: the one
            the sentence asks more of, else the first not owned, else the first).
        book: the phrase book of the texts' language.
    """
    pats = _patterns(book)
    joined = _normalise(" \n".join(t.strip() for t in (*texts, budget_text) if t and t.strip()),
                        book)
    products = find_products(joined, catalog)
    product, words = _pick_product(joined, products, owned_ids, pats)
    units = unit_word = None
    percent = None
    found = pats["from_to"].search(joined)
    if found and _number(found["y"]) > _number(found["x"]):
        units, unit_word = _number(found["y"]) - _number(found["x"]), found["u"]
    else:
        for found in pats["units"].finditer(joined):
            if _is_money_context(joined, found):
                continue
            units, unit_word = _number(found["n"]), found["u"]
            break
    pct = pats["percent"].search(joined)
    if pct and units is None:
        percent = float(pct["p"]) / 100
        unit_word = unit_word or pct["u"]
    elif units is None and pats["double"].search(joined):
        percent = 1.0
    more = pats["more_units"].search(joined)
    if unit_word is None and more:
        unit_word = more["u"]
    kind = book.units.get(unit_word.lower()) if unit_word else None
    budget = read_money(_normalise(budget_text, book) if budget_text else None,
                        plain_numbers=True, book=book)
    if budget is None:
        budget = read_money(" \n".join(t for t in texts if t), book=book)
    return CustomerAsk(
        product=product, product_words=words, units=units, unit_kind=kind,
        unit_word=unit_word, percent=percent,
        more_of_owned=bool(more) or units is not None or percent is not None,
        upgrade=bool(pats["upgrade"].search(joined)),
        new_department=bool(pats["department"].search(joined)),
        budget=budget,
    )


def _is_money_context(text: str, found: re.Match[str]) -> bool:
    """A number right after a currency mark is money, not units ("$50 users" never)."""
    return found.start() > 0 and text[found.start() - 1] in "$€£"


def _pick_product(text: str, products: list[tuple[int, Product, str]], owned: frozenset[str] | set[str],
                  pats: dict[str, re.Pattern[str]]) -> tuple[Product | None, str]:
    if not products:
        return None, ""
    if len(products) == 1:
        return products[0][1], products[0][2]
    asks = [m.start() for key in ("units", "more_units", "upgrade", "percent")
            for m in pats[key].finditer(text)]
    best = None
    for pos, product, words in products:  # the product named nearest the ask, same sentence
        sentence = _sentence_span(text, pos)
        for a in asks:
            if sentence[0] <= a < sentence[1]:
                distance = (0, a - pos) if pos <= a else (1, pos - a)
                if best is None or distance < best[0]:
                    best = (distance, product, words)
    if best is not None:
        return best[1], best[2]
    for _, product, words in products:
        if product.id not in owned:
            return product, words
    return products[0][1], products[0][2]


def _sentence_span(text: str, pos: int) -> tuple[int, int]:
    starts = [m.end() for m in re.finditer(r"[.;!?\n]", text[:pos])]
    start = starts[-1] if starts else 0
    end = re.search(r"[.;!?\n]", text[pos:])
    return start, pos + end.start() if end else len(text)
