"""The dashboard's ranked accounts: filtered (tier, strength, owner, play), searched by
name and paged, from query parameters, on the server (the console runs no script)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from service.admin.sources import PortfolioRow

PER_PAGE = 25
FILTERS = ("tier", "strength", "owner", "play")
PLAY_NAMES = {"play02": "Play 02 (strategic T1)", "play04": "Play 04 (CS upsell)",
              "renewal_rescue": "Renewal rescue", "none": "No play"}


@dataclass(frozen=True)
class AccountsView:
    """One page of the ranked accounts and what the filter form needs to redraw itself."""

    rows: Sequence[tuple[int, PortfolioRow]]  # (rank in the whole portfolio, row)
    matched: int
    total: int
    page: int
    pages: int
    chosen: Mapping[str, str]
    options: Mapping[str, Sequence[str]]

    def link(self, page: int) -> str:
        """The query string of another page with the same filters."""
        return "?" + urlencode({**{k: v for k, v in self.chosen.items() if v}, "page": page})

    def first_shown(self) -> int:
        return (self.page - 1) * PER_PAGE + 1 if self.rows else 0


def _value(row: PortfolioRow, name: str) -> str:
    return str(getattr(row, name) or "")


def accounts_view(ranked: Sequence[PortfolioRow], args: Mapping[str, str]) -> AccountsView:
    """Filter ``ranked`` by the query ``args`` (exact tier/strength/owner/play, ``q`` a
    case-insensitive part of the name) and cut page ``page``; ranks stay portfolio-wide."""
    chosen = {name: (args.get(name) or "").strip()[:120] for name in (*FILTERS, "q")}
    options = {name: sorted({_value(r, name) for r in ranked} - {""}) for name in FILTERS}
    needle = chosen["q"].casefold()
    matched = [(rank, row) for rank, row in enumerate(ranked, start=1)
               if all(not chosen[f] or _value(row, f) == chosen[f] for f in FILTERS)
               and (not needle or needle in row.name.casefold())]
    pages = max(1, -(-len(matched) // PER_PAGE))
    try:
        page = min(max(int(args.get("page") or 1), 1), pages)
    except ValueError:
        page = 1
    start = (page - 1) * PER_PAGE
    return AccountsView(matched[start:start + PER_PAGE], len(matched), len(ranked), page, pages,
                        chosen, options)
