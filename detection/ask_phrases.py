"""The phrase table the customer's-ask reader works from (detection.asks), one entry per
language. Data only: adding a language is adding a ``Phrasebook``; the reader's logic does
not change. English first; every list is matched case-insensitively on whole words.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Phrasebook:
    """The words of one language the reader looks for.

    Attributes:
        more: words saying the customer wants more of something ("more", "additional").
        units: unit words -> the kind of entitlement they count ("seats" -> "seat").
        upgrade: phrases asking for a higher tier or edition of an owned product.
        department: phrases saying another team / department wants the product.
        department_nouns / own_words: "for the finance team" names another department
            ("for" + a name + a noun), "for my team" does not (an own word).
        approx: words before an amount that make it an estimate ("about", "~").
        at_most: words before an amount that make it a ceiling ("under", "up to").
        at_least: words before an amount that make it a floor ("over", "at least").
        ranges: words joining the two ends of a range ("to", "and" after "between").
        thousands / millions: amount suffixes ("k", "grand"; "m", "million").
        currencies: currency marks and codes -> ISO code.
    """

    more: tuple[str, ...]
    units: dict[str, str]
    upgrade: tuple[str, ...]
    department: tuple[str, ...]
    department_nouns: tuple[str, ...]
    own_words: tuple[str, ...]
    approx: tuple[str, ...]
    at_most: tuple[str, ...]
    at_least: tuple[str, ...]
    ranges: tuple[str, ...]
    thousands: tuple[str, ...]
    millions: tuple[str, ...]
    currencies: dict[str, str]


ENGLISH = Phrasebook(
    more=("more", "additional", "extra", "another", "add", "adding", "increase", "expand",
          "expanding", "grow", "top up", "top-up", "on top"),
    units={
        "seat": "seat", "seats": "seat", "licence": "seat", "licences": "seat",
        "license": "seat", "licenses": "seat", "user": "seat", "users": "seat",
        "named users": "seat", "logins": "seat", "agents": "seat", "technicians": "seat",
        "storage": "storage", "tb": "storage", "terabytes": "storage", "gb": "storage",
        "capacity": "storage", "api calls": "api", "calls": "api", "requests": "api",
        "connectors": "api", "units": "unit",
    },
    upgrade=("upgrade", "upgrading", "higher tier", "next tier", "premium tier",
             "enterprise tier", "enterprise edition", "move up to", "better plan"),
    department=("another team", "other team", "new team", "another department",
                "other department", "new department", "another division", "business unit",
                "roll out to", "rollout to", "extend to", "new business unit"),
    department_nouns=("team", "teams", "department", "dept", "division", "group", "office",
                      "unit", "org", "organisation", "organization"),
    own_words=("my", "our", "their", "your", "his", "her", "its", "same", "whole", "entire",
               "existing", "current", "this", "that", "a", "an", "more", "extra", "additional",
               "new", "support"),
    approx=("about", "around", "approx", "approx.", "approximately", "roughly", "circa",
            "ca.", "~", "ballpark", "in the region of", "something like", "some"),
    at_most=("under", "below", "less than", "up to", "max", "maximum", "no more than",
             "at most", "capped at", "cap of", "cap", "within", "<", "<="),
    at_least=("over", "above", "more than", "at least", "min", "minimum", ">", ">="),
    ranges=("-", "–", "to", "and"),
    thousands=("k", "K", "thousand", "grand"),
    millions=("m", "M", "mm", "million", "mn", "mio"),
    currencies={"$": "USD", "usd": "USD", "us$": "USD", "dollars": "USD",
                "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
                "£": "GBP", "gbp": "GBP", "pounds": "GBP"},
)

PHRASEBOOKS: dict[str, Phrasebook] = {"en": ENGLISH}
