"""Small snapshot builders for the detection core tests (defaults: a quiet Green T2)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from detection.snapshot import (
    AccountSnapshot,
    Activity,
    Case,
    Contact,
    FieldChange,
    LineItem,
    Opportunity,
    OrgContext,
    Product,
    UsageRow,
)

NOW = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
M = date(2026, 9, 1)  # the latest complete month at NOW


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def dt_days_ago(n: int) -> datetime:
    return NOW - timedelta(days=n)


def month(offset: int) -> date:
    """First day of M+offset (offset 0 = M, -1 = M-1)."""
    idx = M.year * 12 + M.month - 1 + offset
    return date(idx // 12, idx % 12 + 1, 1)


PRODUCTS = (
    Product(id="p-core", name="Core Platform", list_price=100.0),
    Product(id="p-analytics", name="Analytics", keywords=("dashboards; reporting",),
            list_price=50.0),
    Product(id="p-sso", name="Single Sign-On", keywords=("SAML", "SSO"), list_price=20.0),
    Product(id="p-old", name="Legacy Sync", is_active=False),
)
CTX = OrgContext(org_id="00D1", products=PRODUCTS)


def contact(cid: str, **kw) -> Contact:
    base = dict(
        id=cid, first_name="Ann", last_name=f"Lee{cid}", title="Analyst",
        department="Sales", email=f"{cid}@acme.com",
        created_date=dt_days_ago(400), last_activity_date=days_ago(10),
    )
    base.update(kw)
    return Contact(**base)


def activity(aid: str, **kw) -> Activity:
    base = dict(id=aid, kind="Task", subject="Call", type="Call", status="Completed",
                activity_date=days_ago(5), created_date=dt_days_ago(5))
    base.update(kw)
    return Activity(**base)


def case(cid: str, **kw) -> Case:
    base = dict(id=cid, subject="Question", description=None, type="Question",
                status="New", priority="Medium", created_date=dt_days_ago(5))
    base.update(kw)
    return Case(**base)


def usage(uid: str, offset: int, units: float, product: str = "p-core",
          licensed: float | None = None, feature: str | None = None) -> UsageRow:
    return UsageRow(id=uid, product_id=product, period_start=month(offset), active_users=None,
                    licensed_units=licensed, usage_units=units, feature=feature)


def won(oid: str = "o1", product: str = "p-core", closed_days_ago: int = 100,
        total: float = 10000.0, **kw) -> Opportunity:
    return Opportunity(
        id=oid, name=f"Deal {oid}", stage="Closed Won", is_closed=True, is_won=True,
        amount=total, close_date=days_ago(closed_days_ago),
        created_date=dt_days_ago(closed_days_ago + 30),
        line_items=(LineItem(id=f"{oid}-li", product_id=product, quantity=10,
                             unit_price=total / 10, total_price=total),), **kw)


def history(record: str, fld: str, old: str | None, new: str | None, n_days_ago: int
            ) -> FieldChange:
    return FieldChange(record_id=record, field=fld, old_value=old, new_value=new,
                       changed_at=dt_days_ago(n_days_ago))


def account(**kw) -> AccountSnapshot:
    """A Green T2 account with three active contacts and nothing else going on."""
    base = dict(
        id="001A", name="Acme", industry="Software", employees=500, tier="T2",
        health_score=80.0, arr=10000.0, contracted_departments=("Sales",),
        contacts=(contact("c1"), contact("c2"), contact("c3")),
        opportunities=(won(),),
    )
    base.update(kw)
    return AccountSnapshot(**base)


def with_(snap: AccountSnapshot, **kw) -> AccountSnapshot:
    return replace(snap, **kw)
