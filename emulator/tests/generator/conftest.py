"""Shared fixtures: one generated org (every boundary case plus a random sample) kept in
memory for the whole session, and a builder of hand-made records for truth.py's tests."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from emulator.generator import catalog, generate
from emulator.generator.boundaries import SCENARIOS
from emulator.generator.draft import FIELDS

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
ORG_ACCOUNTS = len(SCENARIOS) + 400
SEATS = catalog.PRODUCT_BY_KEY[1].id  # owned by Records() accounts
STORAGE = catalog.PRODUCT_BY_KEY[4].id


@dataclass
class GeneratedOrg:
    records: dict[str, list[dict[str, Any]]]
    batches: list[tuple[str, int]]
    truth_text: str

    @property
    def meta(self) -> dict[str, Any]:
        return json.loads(self.truth_text.splitlines()[0])["meta"]

    @property
    def truth(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.truth_text.splitlines()[1:]]


def generate_org(accounts: int, seed: int, now: datetime = NOW, **kwargs: Any) -> GeneratedOrg:
    truth = io.StringIO()
    records: dict[str, list[dict[str, Any]]] = defaultdict(list)
    batches = []
    for sobject, batch in generate(accounts, seed, now, truth, **kwargs):
        records[sobject].extend(batch)
        batches.append((sobject, len(batch)))
    return GeneratedOrg(dict(records), batches, truth.getvalue())


@pytest.fixture(scope="session")
def org() -> GeneratedOrg:
    return generate_org(ORG_ACCOUNTS, seed=20260315, chunk_size=97)


def day(days_ago: int) -> str:
    return (TODAY - timedelta(days=days_ago)).isoformat()


def stamp(days_ago: int) -> str:
    return f"{day(days_ago)}T09:00:00.000+0000"


def month(back: int) -> str:
    """First day of the month ``back`` months before today's (1 = M)."""
    index = TODAY.year * 12 + TODAY.month - 1 - back
    return date(index // 12, index % 12 + 1, 1).isoformat()


class Records:
    """A minimal account's records in storage encodings, for truth.py's rule tests: a Green
    T2 account with four active contacts, a champion, a contract 100 days old, nothing else."""

    def __init__(self, **account: Any) -> None:
        self.n = 0
        self.data: dict[str, list[dict[str, Any]]] = {obj: [] for obj in FIELDS}
        self.account = self.add("Account", **{
            "Tier__c": "T2", "Health_Score__c": 80, "NumberOfEmployees": 1000, "ARR__c": None,
            "Contracted_Departments__c": "Sales;IT", "Renewal_Date__c": day(-265), **account})
        self.contract = self.add("Opportunity", StageName="Closed Won", IsWon=True, IsClosed=True,
                                 CloseDate=day(100), CreatedDate=stamp(150))
        self.line(SEATS, 100, 360.0)
        self.champion = self.contact(role="Champion", title="Director of Sales")
        for _ in range(3):
            self.contact()

    def add(self, sobject: str, **values: Any) -> dict[str, Any]:
        self.n += 1
        record = dict.fromkeys(("Id", "IsDeleted", "CreatedDate", *FIELDS[sobject]))
        record.update({"Id": f"{sobject[:3]}{self.n:012d}", "IsDeleted": False, "CreatedDate": stamp(400)})
        if sobject == "Contact":
            record["Left_Company__c"] = False
        record.update(values)
        self.data[sobject].append(record)
        return record

    def line(self, product_id: str, quantity: float, price: float, opp: dict | None = None) -> None:
        self.add("OpportunityLineItem", OpportunityId=(opp or self.contract)["Id"], Product2Id=product_id,
                 Quantity=quantity, UnitPrice=price, TotalPrice=quantity * price)

    def contact(self, role: str | None = None, title: str = "Analyst", dept: str = "Sales",
                created: int = 400, activity: int | None = 10, **values: Any) -> dict[str, Any]:
        return self.add("Contact", MEDDICC_Role__c=role, Title=title, Department=dept,
                        CreatedDate=stamp(created), LastActivityDate=None if activity is None else day(activity),
                        **values)

    def usage(self, product_id: str, values: dict[int, float], licensed: float | None = None,
              feature: str | None = None) -> None:
        for back, used in values.items():
            self.add("Product_Usage__c", Product__c=product_id, Feature__c=feature, Period_Start__c=month(back),
                     Usage_Units__c=used, Licensed_Units__c=licensed)

    def task(self, days_ago: int | None, **values: Any) -> dict[str, Any]:
        return self.add("Task", ActivityDate=None if days_ago is None else day(days_ago),
                        CreatedDate=stamp(max(days_ago or 0, 0)), Status="Completed", **values)
