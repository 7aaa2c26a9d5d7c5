"""The dashboard's ranked accounts: filters, name search and paging (test client)."""

from __future__ import annotations

import re

from service.admin.sources import decode_insights, encode_insights
from tests.admin.conftest import FakeInsights

TIERS = ("T1", "T2", "T3")
STRENGTHS = ("Strong", "Moderate", "Weak")
OWNERS = ("Dana Park", "Lee Chen")


def _portfolio(n: int) -> list[dict]:
    """``n`` ranked accounts, pipeline value falling with the rank, facts cycling."""
    return [{"account_id": f"001{i:05d}", "name": f"Account {i:03d}" + (" Bank" if i % 10 == 0
                                                                       else ""),
             "tier": TIERS[i % 3], "strength": STRENGTHS[i % 3], "owner": OWNERS[i % 2],
             "play": "play02" if i % 3 == 0 else "play04", "readiness": "High",
             "action": "Cross-sell: Analytics", "pipeline_value": 1000.0 * (n - i),
             "at_risk": False} for i in range(n)]


def _seed(fake_insights: FakeInsights, n: int) -> None:
    fake_insights.value = decode_insights(encode_insights(
        portfolio=_portfolio(n), funnel=None, digest=[], signals={}, written={},
        generated_at="2026-12-01T06:00:00+00:00"))


def _shown(html: str) -> list[tuple[int, str]]:
    body = re.search(r'<table id="portfolio">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [(int(rank), name) for rank, name in
            re.findall(r'<td class="num">(\d+)</td><td>([^<]+)</td>', body)]


def test_given_501_accounts_then_the_dashboard_shows_25_a_page_with_portfolio_ranks(
        client, fake_insights: FakeInsights) -> None:
    _seed(fake_insights, 501)
    first = client.get("/admin/").text
    assert _shown(first)[:2] == [(1, "Account 000 Bank"), (2, "Account 001")]
    assert len(_shown(first)) == 25
    assert "Accounts 1-25 of 501" in first and "Page 1 of 21" in first
    last = client.get("/admin/?page=21").text
    assert _shown(last) == [(501, "Account 500 Bank")]
    assert len(first) < 120_000  # the whole portfolio is not rendered


def test_given_filters_and_search_then_only_matching_accounts_and_pages_keep_them(
        client, fake_insights: FakeInsights) -> None:
    _seed(fake_insights, 300)
    html = client.get("/admin/?tier=T1&owner=Lee+Chen").text
    shown = _shown(html)
    # T1: i % 3 == 0; Lee Chen: i % 2 == 1  ->  i % 6 == 3
    assert [rank for rank, _ in shown] == [i + 1 for i in range(300) if i % 6 == 3][:25]
    assert "of 50 (filtered from 300)" in html
    assert 'href="?tier=T1&amp;owner=Lee+Chen&amp;page=2"' in html
    assert '<option value="T1" selected>' in html

    searched = _shown(client.get("/admin/?q=bank&strength=Strong").text)
    assert searched == [(i + 1, f"Account {i:03d} Bank") for i in range(0, 300, 30)]
    assert "No account matches" in client.get("/admin/?q=zzz").text
    play = client.get("/admin/?play=play02").text
    assert "Play 02 (strategic T1)" in play and len(_shown(play)) == 25
