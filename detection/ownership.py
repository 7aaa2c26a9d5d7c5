"""What an account owns today, what it pays, and how much of it it uses.

The rules are signal-rules.md's "Owned products and the catalog": products on line items of
Closed Won opportunities closed within the last 365 days, plus products of Assets whose
Status is not Obsolete; current ACV is ``ARR__c`` when set, else the sum of those line
items' TotalPrice. Utilisation is usage / licensed units of the latest complete month.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from detection.fastinit import fast_init
from detection.snapshot import AccountSnapshot, UsageRow

OWNERSHIP_DAYS = 365


@fast_init
@dataclass(frozen=True, slots=True)
class OwnedProduct:
    """One product on the account's current contract.

    Attributes:
        product_id: the Product2 id.
        units: quantity on the contract (line items summed, else the Assets' quantity).
        acv: what the account pays for it per year (the line items' TotalPrice summed);
            ``None`` when only an Asset proves ownership.
        source_ids: ids of the line items and Assets the ownership rests on.
    """

    product_id: str
    units: float
    acv: float | None
    source_ids: tuple[str, ...]

    @property
    def unit_price(self) -> float | None:
        """Contract price per unit per year, when both ACV and units are known."""
        if self.acv is None or self.units <= 0:
            return None
        return self.acv / self.units


@fast_init
@dataclass(frozen=True, slots=True)
class MonthUsage:
    """A product's usage in one month (rows of that month summed)."""

    product_id: str
    usage: float
    licensed: float
    active_users: float | None
    source_ids: tuple[str, ...]

    @property
    def utilisation(self) -> float | None:
        return self.usage / self.licensed if self.licensed > 0 else None


def latest_complete_month(today: date) -> date:
    """First day of the month before ``today``'s month (signal-rules.md "M")."""
    if today.month == 1:
        return date(today.year - 1, 12, 1)
    return date(today.year, today.month - 1, 1)


def _line_total(quantity: float, unit_price: float | None, total_price: float | None) -> float:
    if total_price is not None:
        return total_price
    # A line item without TotalPrice is rare (the org computes it); price it from its parts.
    return quantity * unit_price if unit_price is not None else 0.0


def _won_in_term(snapshot: AccountSnapshot, today: date) -> list:
    return [
        opp
        for opp in snapshot.opportunities
        if opp.is_won
        and opp.close_date is not None
        and 0 <= (today - opp.close_date).days <= OWNERSHIP_DAYS
    ]


def owned_products(
    snapshot: AccountSnapshot, now: datetime, use_assets: bool = True
) -> dict[str, OwnedProduct]:
    """Products on the account's current contract, by product id.

    Args:
        snapshot: the account.
        now: scan time (UTC).
        use_assets: count Assets that are not Obsolete (when the org maps Assets).

    Returns:
        product id -> OwnedProduct, for line items of Closed Won opportunities closed
        within 365 days and (optionally) Assets whose Status is not Obsolete.
    """
    units, acv, sources = _contract(snapshot, now, use_assets)
    return {
        pid: OwnedProduct(pid, units.get(pid, 0.0), acv.get(pid), tuple(sorted(ids)))
        for pid, ids in sorted(sources.items())
    }


def owned_units_and_acv(
    snapshot: AccountSnapshot, now: datetime, use_assets: bool = True
) -> dict[str, tuple[float, float | None]]:
    """owned_products without the objects: product id -> (units, acv), in id order.

    The white-space map reads only these two figures of every owned product, once per
    account of a scan, so it skips building the OwnedProducts and sorting their sources.
    """
    units, acv, sources = _contract(snapshot, now, use_assets)
    return {pid: (units.get(pid, 0.0), acv.get(pid)) for pid in sorted(sources)}


def _contract(
    snapshot: AccountSnapshot, now: datetime, use_assets: bool
) -> tuple[dict[str, float], dict[str, float], dict[str, list[str]]]:
    """(units, ACV, source ids) per owned product, as owned_products describes them."""
    today_ord = now.date().toordinal()
    units: dict[str, float] = {}
    acv: dict[str, float] = {}
    sources: dict[str, list[str]] = {}
    for opp in snapshot.opportunities:  # _won_in_term, inlined (once per account)
        closed = opp.close_date
        if not opp.is_won or closed is None:
            continue
        if not 0 <= today_ord - closed.toordinal() <= OWNERSHIP_DAYS:
            continue
        for item in opp.line_items:
            pid = item.product_id
            total = item.total_price
            if total is None:
                total = _line_total(item.quantity, item.unit_price, total)
            if pid in units:
                units[pid] += item.quantity
                acv[pid] += total
                sources[pid].append(item.id)
            else:
                units[pid] = 0.0 + item.quantity
                acv[pid] = 0.0 + total
                sources[pid] = [item.id]
    if use_assets:
        asset_units: dict[str, float] = {}
        for asset in snapshot.assets:
            if asset.product_id is None or (asset.status or "").strip().lower() == "obsolete":
                continue
            pid = asset.product_id
            asset_units[pid] = asset_units.get(pid, 0.0) + (asset.quantity or 0.0)
            sources.setdefault(pid, []).append(asset.id)
        for pid, qty in asset_units.items():
            # Line items say what was sold; Assets only fill in products sold elsewhere.
            if pid not in units:
                units[pid] = qty
    return units, acv, sources


def current_acv(snapshot: AccountSnapshot, now: datetime) -> float:
    """``ARR__c`` when set, else the TotalPrice of the current contract's line items."""
    if snapshot.arr is not None:
        return float(snapshot.arr)
    total = 0.0
    for opp in _won_in_term(snapshot, now.date()):
        for item in opp.line_items:
            total += item.total_price or 0.0  # exactly signal-rules.md (routing relies on it)
    return total


def month_usage(snapshot: AccountSnapshot, month: date) -> dict[str, MonthUsage]:
    """Per product, the rows of ``month`` summed.

    Rows without a feature describe the product's whole entitlement; feature rows are
    used only for a product that has no such row (then they are summed), so a product's
    seats are not counted once per feature.
    """
    by_product: dict[str, list[UsageRow]] = {}
    year, mon = month.year, month.month
    for row in snapshot.usage:
        if row.product_id is None:
            continue
        start = row.period_start
        if start.year != year or start.month != mon:
            continue
        by_product.setdefault(row.product_id, []).append(row)
    return usage_by_product(by_product)


def usage_by_product(rows_by_product: Mapping[str, Sequence[UsageRow]]) -> dict[str, MonthUsage]:
    """month_usage of one month's rows already grouped by product (in snapshot order).

    ScanFacts groups the latest complete month's rows while building the usage series,
    so a scan sums them from there instead of walking every usage row again.
    """
    out: dict[str, MonthUsage] = {}
    for pid in sorted(rows_by_product):
        rows = rows_by_product[pid]
        if len(rows) == 1:
            # the usual case, one row per product and month (whole or feature, it is the
            # one summed): sum([x]) is exactly 0 + x
            row = rows[0]
            active = row.active_users
            out[pid] = MonthUsage(
                pid,
                0 + (row.usage_units or 0.0),
                0 + (row.licensed_units or 0.0),
                None if active is None else 0 + active,
                (row.id,),
            )
            continue
        rows = _counted_rows(rows)
        users = [r.active_users for r in rows if r.active_users is not None]
        usage, licensed = month_totals(rows)
        out[pid] = MonthUsage(
            product_id=pid,
            usage=usage,
            licensed=licensed,
            active_users=sum(users) if users else None,
            source_ids=tuple(sorted(r.id for r in rows)),
        )
    return out


def _counted_rows(rows: Sequence[UsageRow]) -> Sequence[UsageRow]:
    """The rows a product's month is summed from: its whole-product rows when it has any,
    else its feature rows (see month_usage)."""
    whole = [r for r in rows if r.feature is None]
    return whole if whole else rows


def month_totals(rows: Sequence[UsageRow]) -> tuple[float, float]:
    """(usage, licensed) of one product's rows of one month: MonthUsage's ``usage`` and
    ``licensed``, without building the object (the white-space map needs only these)."""
    if len(rows) == 1:
        row = rows[0]
        return 0 + (row.usage_units or 0.0), 0 + (row.licensed_units or 0.0)
    rows = _counted_rows(rows)
    return (
        sum(r.usage_units or 0.0 for r in rows),
        sum(r.licensed_units or 0.0 for r in rows),
    )


def adoption_totals(snapshot: AccountSnapshot, now: datetime,
                    risk_below: float = 0.30) -> tuple[float, float, int]:
    """(active users, licensed seats, owned products used below ``risk_below``) of the
    latest complete month: the funnel's seat activation and adoption-risk count. Only
    products whose rows carry both Active_Users__c and licensed units count toward the
    first two."""
    month = latest_complete_month(now.date())
    owned = set(owned_units_and_acv(snapshot, now))
    active = licensed = 0.0
    at_risk = 0
    for pid, use in month_usage(snapshot, month).items():
        if pid not in owned:
            continue
        if use.active_users is not None and use.licensed > 0:
            active += use.active_users
            licensed += use.licensed
        ratio = use.utilisation
        if ratio is not None and ratio < risk_below - 1e-9:
            at_risk += 1
    return active, licensed, at_risk


def size_band(employees: int | None) -> str:
    """The size band comparable customers share (by NumberOfEmployees)."""
    if employees is None:
        return "size unknown"
    if employees < 200:
        return "1-199 employees"
    if employees < 1000:
        return "200-999 employees"
    if employees < 5000:
        return "1,000-4,999 employees"
    return "5,000+ employees"


def industry_key(industry: str | None) -> str:
    """Industry as benchmark segments key it (blank -> "Unknown industry")."""
    text = (industry or "").strip()
    return text if text else "Unknown industry"
