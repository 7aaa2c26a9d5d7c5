"""The customer's ask read from CS's texts, and the deal it sizes (issue 15).

The table holds phrasings the way CS users type them (typos, shouting, no amount at all)
and what a person reading them would put on the Opportunity.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detection.asks import read_ask, read_money
from detection.deal_sizing import DealSizingConfig, size_deal
from detection.findings import (
    AccountFindings,
    HealthAssessment,
    Hypothesis,
    Routing,
    StakeholderMap,
    WhiteSpaceCell,
    WhiteSpaceMap,
)
from detection.snapshot import AccountSnapshot, LineItem, Opportunity, Product
from tests.detection_core.builders import days_ago, dt_days_ago

NOW = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)
CATALOG = (
    Product("p-collab", "Collaboration Suite", "COLLAB-SEAT", "Seats", True,
            ("collaboration", "team chat"), 360.0),
    Product("p-anl", "Analytics Pro", "ANLT-SEAT", "Seats", True,
            ("analytics", "dashboards", "BI reporting"), 600.0),
    Product("p-stor", "Cloud Storage", "STOR-100GB", "Storage", True,
            ("storage", "terabytes"), 240.0),
    Product("p-sec", "Security Shield", "SEC-ADDON", "Add-on Modules", True,
            ("SSO", "SAML", "audit log"), 120.0),
    Product("p-ai", "AI Assistant", "AI-ADDON", "Add-on Modules", True, ("copilot",), 240.0),
)
ESTIMATES = {"p-anl": 24000.0, "p-sec": 6000.0, "p-ai": 12000.0}


def _account() -> AccountSnapshot:
    """Owns 100 Collaboration Suite seats at $300 and 50 Cloud Storage units at $200."""
    lines = (LineItem("li1", "p-collab", 100, 300.0, 30000.0),
             LineItem("li2", "p-stor", 50, 200.0, 10000.0))
    opp = Opportunity(id="o1", name="Renewal", stage="Closed Won", is_closed=True, is_won=True,
                      amount=40000.0, close_date=days_ago(100), created_date=dt_days_ago(130),
                      line_items=lines)
    return AccountSnapshot(id="001A", name="Acme", industry="Software", employees=800,
                           tier="T2", health_score=80.0, arr=40000.0, opportunities=(opp,))


def _findings(top: Hypothesis | None = None) -> AccountFindings:
    cells = (
        WhiteSpaceCell("p-collab", "Collaboration Suite", "Active", 0.6, "", 30000.0),
        WhiteSpaceCell("p-stor", "Cloud Storage", "Active", 0.5, "", 10000.0),
        *(WhiteSpaceCell(pid, pid, "None", priority="LOW", estimated_acv=value,
                         estimate_method="median of 8 comparable customers")
          for pid, value in ESTIMATES.items()),
    )
    return AccountFindings(
        account_id="001A", scanned_at=NOW,
        health=HealthAssessment(80.0, "Green", "org"), signals=(), strength="Strong",
        routing=Routing("play04", "test"), stakeholders=StakeholderMap((), 3, False, ()),
        white_space=WhiteSpaceMap("001A", cells, 40000.0, 0.0),
        hypotheses=(top,) if top else (),
    )


ANALYTICS_HYPOTHESIS = Hypothesis(
    rank=1, title="Analytics Pro", approach="cross-sell", product_ids=("p-anl",),
    estimated_value=24000.0, evidence_score=0.6, revenue_score=0.5, timing_score=0.6,
    score=0.18, outreach_angle="", contacts=(), red_flags=(), evidence=())

# (what CS wrote, budget field, expected product, type, amount)
PHRASINGS = [
    ("Customer asked for 50 more seats", "about $15K", "p-collab", "Upsell", 15000),
    ("need 50 more seats", None, "p-collab", "Upsell", 15000),
    ("They want 20 extra licences for the new hires", None, "p-collab", "Upsell", 6000),
    ("ten more users please", None, "p-collab", "Upsell", 3000),
    ("20% more users next quarter", None, "p-collab", "Upsell", 6000),
    ("Go from 100 to 150 seats on Collaboration Suite", "$20k", "p-collab", "Upsell", 15000),
    ("Interested in Analytics Pro for the finance team", None, "p-anl", "Cross-sell", 24000),
    ("Interested in Analytcs Pro", "40-50k", "p-anl", "Cross-sell", 45000),
    ("analytics pro for 25 users", None, "p-anl", "Cross-sell", 15000),
    ("Want dashboards for 30 users", "under 100k", "p-anl", "Cross-sell", 18000),
    ("Asked about SSO and SAML for the whole company", "€40,000", "p-sec", "Cross-sell", 12000),
    ("need more storage, running out", "20k", "p-stor", "Upsell", 20000),
    ("more storage please", None, "p-stor", "Upsell", 2000),
    ("Roll out Collaboration Suite to another department, 40 seats", None, "p-collab",
     "New department", 12000),
    ("Upgrade to the enterprise tier of Collaboration Suite", "about 25k", "p-collab",
     "Upgrade", 25000),
    ("wants to upgrade their plan", None, "p-collab", "Upgrade", 6000),
    ("AI copilot for support agents, 15 seats", "$5k", "p-ai", "Cross-sell", 3600),
    ("Customer mentioned AI Assistant", "$1.2M", "p-ai", "Cross-sell", 24000),
    ("Wants Analytics Pro", "150000", "p-anl", "Cross-sell", 48000),
    ("need more licenses asap", "Budget approved: 12,000 USD", "p-collab", "Upsell", 12000),
    ("Please add 5 seats", "tbd", "p-collab", "Upsell", 1500),
    ("They asked for another 30 licenses of collab suite", None, "p-collab", "Upsell", 9000),
    ("COLLABORATION SUITE: 60 MORE SEATS", None, "p-collab", "Upsell", 18000),
    ("colaboration suite, 10 more seats", None, "p-collab", "Upsell", 3000),
    ("The customer is asking for Security Shield", "no budget yet", "p-sec", "Cross-sell", 6000),
    ("Needs SEC-ADDON for the audit", "~$8k", "p-sec", "Cross-sell", 8000),
    ("Double the seats next year", None, "p-collab", "Upsell", 30000),
    ("Looking at 40-50k for more seats", None, "p-collab", "Upsell", 45000),
    ("Wants 200 more seats", "about $15K", "p-collab", "Upsell", 15000),
    ("Customer wants 500 more seats", None, "p-collab", "Upsell", 60000),
    ("They love Collaboration Suite and want Analytics Pro for 25 users", "40-50k", "p-anl",
     "Cross-sell", 15000),
    ("Security review passed; ready to buy audit log add-on", "USD 5,000", "p-sec",
     "Cross-sell", 5000),
]


@pytest.mark.parametrize(("text", "budget", "product", "deal_type", "amount"), PHRASINGS)
def test_given_cs_phrasing_when_read_then_product_type_and_amount_as_a_person_reads_them(
    text, budget, product, deal_type, amount
):
    ask = read_ask([text], budget, CATALOG, {"p-collab", "p-stor"})
    deal = size_deal(_account(), _findings(), ask, CATALOG, NOW)
    assert (deal.product_id, deal.deal_type, deal.amount) == (product, deal_type, amount), deal.basis


def test_given_no_ask_at_all_when_sized_then_the_best_hypothesis_decides():
    ask = read_ask(["Good call, customer happy overall"], "not discussed", CATALOG, {"p-collab"})
    deal = size_deal(_account(), _findings(ANALYTICS_HYPOTHESIS), ask, CATALOG, NOW)
    assert ask.empty and not deal.from_ask
    assert (deal.product_id, deal.deal_type, deal.amount) == ("p-anl", "Cross-sell", 24000)


def test_given_seats_and_a_budget_when_sized_then_the_arithmetic_is_spelled_out():
    ask = read_ask(["Customer asked for 50 more seats"], "about $15K", CATALOG, {"p-collab"})
    deal = size_deal(_account(), _findings(), ask, CATALOG, NOW)
    assert deal.basis == "50 seats x $300 contract price = $15,000; CS budget 'about $15K'"


def test_given_arithmetic_over_the_budget_when_sized_then_capped_at_the_budget_and_said_so():
    ask = read_ask(["Wants 200 more seats"], "about $15K", CATALOG, {"p-collab"})
    deal = size_deal(_account(), _findings(), ask, CATALOG, NOW)
    assert deal.basis == ("200 seats x $300 contract price = $60,000; "
                          "capped at CS budget 'about $15K' = $15,000")


@pytest.mark.parametrize(("text", "low", "high", "currency"), [
    ("about $150K", 150000, 150000, "USD"), ("150k", 150000, 150000, None),
    ("$1.2M", 1_200_000, 1_200_000, "USD"), ("€40,000", 40000, 40000, "EUR"),
    ("40-50k", 40000, 50000, None), ("under 100k", None, 100000, None),
    ("at least $20k", 20000, None, "USD"), ("between 40 and 60k", 40000, 60000, None),
    ("£75,500.50", 75500.5, 75500.5, "GBP"),
])
def test_given_a_written_amount_when_read_then_ends_and_currency_are_exact(text, low, high, currency):
    money = read_money(text)
    assert (money.low, money.high, money.currency) == (low, high, currency)


@pytest.mark.parametrize("text", ["50 seats", "Q3 2026", "no budget yet", "top 3 priority"])
def test_given_numbers_that_are_not_money_when_read_then_no_amount(text):
    assert read_money(text) is None


@settings(max_examples=150, deadline=None)
@given(
    units=st.integers(min_value=1, max_value=100_000),
    budget=st.integers(min_value=1, max_value=5_000_000),
    product=st.sampled_from(["Collaboration Suite", "Analytics Pro", "Security Shield", "seats"]),
    margin=st.sampled_from([0.0, 0.1, 0.25]),
    multiple=st.sampled_from([1.0, 2.0, 3.0]),
)
def test_given_any_ask_when_sized_then_amount_never_exceeds_budget_margin_or_comparable_multiple(
    units, budget, product, margin, multiple
):
    config = DealSizingConfig(budget_margin=margin, max_comparable_multiple=multiple)
    ask = read_ask([f"{product}: {units} more seats"], f"about ${budget:,}", CATALOG, {"p-collab"})
    deal = size_deal(_account(), _findings(), ask, CATALOG, NOW, config)
    comparable = {"p-collab": 30000.0, **ESTIMATES}[deal.product_id]
    assert deal.amount <= budget * (1 + margin) + 0.5
    assert deal.amount <= multiple * comparable + 0.5
    assert deal.amount > 0
