"""The white-space map: every active catalog product x the account's contract (DESIGN.md).

Owned products show utilisation of the latest complete month and upgrade room; missing
products get a priority with its reason (HIGH: a signal points at it; MED: most peers who
own what this account owns also own it; LOW: no signal) and an estimated ACV from
comparable customers, with the method and sample size spelled out.

For owned products ``WhiteSpaceCell.estimated_acv`` holds the upgrade room's value, so the
map's potential is simply the sum of every cell's ``estimated_acv``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from detection.benchmark import (
    AccountSummary,
    BenchmarkBuilder,
    build_benchmark,
    median,
    summarize_account,
)
from detection.findings import (
    ExpansionSignal,
    PortfolioBenchmark,
    WhiteSpaceCell,
    WhiteSpaceMap,
)
from detection.formatting import money, month_label, pct
from detection.ownership import (
    OwnedProduct,
    current_acv,
    industry_key,
    latest_complete_month,
    month_usage,
    owned_products,
    size_band,
)
from detection.snapshot import AccountSnapshot, OrgContext, Product
from detection.whitespace_render import (
    render_white_space,
    white_space_from_json,
    white_space_json,
)

__all__ = [
    "AccountSummary",
    "BenchmarkBuilder",
    "OwnedProduct",
    "build_benchmark",
    "build_white_space_map",
    "signals_pointing_at",
    "current_acv",
    "owned_products",
    "render_white_space",
    "summarize_account",
    "white_space_from_json",
    "white_space_json",
]

_PRIORITY_ORDER = {"HIGH": 0, "MED": 1, "LOW": 2}
# How a signal that names a product points at it, in the map's words.
_PRODUCT_SIGNAL_LABEL = {
    "support_request_unpurchased": "support case",
    "new_use_case": "new usage",
    "usage_spike": "usage growth",
    "capacity_limit": "usage at capacity",
    "direct_request": "direct request",
    "qbr_mention": "mentioned in QBR",
}


@dataclass(slots=True)
class _Catalog:
    """Per-catalog look-ups computed once (the catalog is shared by every account)."""

    by_id: dict[str, Product]
    active: tuple[Product, ...]
    text: dict[str, str]  # product id -> lower-case "name | family | keywords"
    dept_matches: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def products_for_department(self, department: str) -> tuple[str, ...]:
        """Active products whose name, family or keywords contain the department."""
        key = department.strip().lower()
        hit = self.dept_matches.get(key)
        if hit is None:
            pattern = re.compile(r"\b" + re.escape(key) + r"\b") if key else None
            hit = tuple(
                p.id for p in self.active if pattern is not None and pattern.search(self.text[p.id])
            )
            self.dept_matches[key] = hit
        return hit


_CATALOGS: dict[int, tuple[tuple[Product, ...], _Catalog]] = {}


def _catalog(ctx: OrgContext) -> _Catalog:
    # Keyed by the products tuple's identity (kept alive in the entry, so ids are not
    # reused): every account of a scan shares one OrgContext.
    entry = _CATALOGS.get(id(ctx.products))
    if entry is not None and entry[0] is ctx.products:
        return entry[1]
    active = tuple(sorted((p for p in ctx.products if p.is_active), key=lambda p: (p.name, p.id)))
    text = {p.id: " | ".join([p.name, p.family or "", *p.keywords]).lower() for p in ctx.products}
    catalog = _Catalog({p.id: p for p in ctx.products}, active, text)
    if len(_CATALOGS) >= 8:
        _CATALOGS.clear()
    _CATALOGS[id(ctx.products)] = (ctx.products, catalog)
    return catalog


def _estimate(
    pid: str,
    list_price: float | None,
    benchmark: PortfolioBenchmark,
    industry: str,
    band: str,
    typical_units: tuple[float, str],
    min_sample: int,
) -> tuple[float | None, str, int]:
    """Estimated ACV of a missing product, the method in words, and the sample size."""
    segment = benchmark.acv_by_segment.get((industry, band, pid), ())
    if len(segment) >= min_sample:
        return (
            float(round(median(segment))),
            f"median of {len(segment)} comparable customers ({industry}, {band})",
            len(segment),
        )
    same_size = benchmark.acv_by_band.get((band, pid), ())
    if len(same_size) >= min_sample:
        return (
            float(round(median(same_size))),
            f"median of {len(same_size)} customers of the same size ({band}, any industry; "
            f"only {len(segment)} in {industry})",
            len(same_size),
        )
    portfolio = benchmark.acv_by_product.get(pid, ())
    if portfolio:
        return (
            float(round(median(portfolio))),
            f"median of {len(portfolio)} owners across the portfolio "
            f"(fewer than {min_sample} in {industry}, {band} or in {band})",
            len(portfolio),
        )
    if list_price is not None and list_price > 0:
        units, why = typical_units
        return (
            float(round(list_price * units)),
            f"list price {money(list_price)} x {units:,.0f} units ({why}); nobody owns it yet",
            0,
        )
    return None, "no estimate: nobody owns it yet and it has no list price", 0


def _typical_units(owned: dict[str, OwnedProduct], licensed: list[float]) -> tuple[float, str]:
    seats = max([o.units for o in owned.values()] + licensed + [0.0])
    if seats > 0:
        return seats, "the account's largest seat count"
    return 1.0, "no seat count known"


def signals_pointing_at(
    signals: Sequence[ExpansionSignal], missing: set[str], ctx: OrgContext
) -> dict[str, list[tuple[str, ExpansionSignal]]]:
    """Missing product id -> (how it points, signal), in signal order.

    A signal points at a product when it names it (a support case, usage of a product not
    on the contract, a CS note), or when it is a new department whose name appears in the
    product's name, family or keywords ("Marketing" -> "Marketing Automation").
    """
    catalog = _catalog(ctx)
    out: dict[str, list[tuple[str, ExpansionSignal]]] = {}
    for sig in signals:
        if sig.category != "expansion":
            continue
        if sig.product_id is not None and sig.product_id in missing:
            label = _PRODUCT_SIGNAL_LABEL.get(sig.type, sig.type.replace("_", " "))
            out.setdefault(sig.product_id, []).append((label, sig))
        if sig.type == "new_department" and sig.department:
            for pid in catalog.products_for_department(sig.department):
                if pid in missing:
                    out.setdefault(pid, []).append((f"new department {sig.department}", sig))
    return out


def _upgrade(
    owned: OwnedProduct,
    usage_ratio: float | None,
    licensed: float,
    list_price: float | None,
    month: str,
    threshold: float,
    step: float,
) -> tuple[str, float, str]:
    """Upgrade-room text, its value and how the value was priced."""
    if usage_ratio is None:
        return f"no usage data for {month}", 0.0, ""
    head = f"at {pct(usage_ratio)} of {licensed:,.0f} units"
    if usage_ratio < threshold - 1e-9:
        return f"{head}: room to grow adoption, no upgrade needed", 0.0, ""
    add = max(1, math.ceil(licensed * step - 1e-9))
    price, source = owned.unit_price, "contract price"
    if price is None:
        price, source = list_price, "list price"
    if price is None:
        return f"{head}: +{add:,} units (no unit price known)", 0.0, ""
    value = float(round(add * price))
    method = f"+{add:,} units x {money(price)} per unit ({source})"
    return f"{head}: +{add:,} units ≈ {money(value)}", value, method


def _missing_order(c: WhiteSpaceCell) -> tuple:
    """HIGH, MED, LOW; then the largest estimate; then by name (deterministic)."""
    return (
        _PRIORITY_ORDER[c.priority or "LOW"],
        -(c.estimated_acv or 0.0),
        c.product_name,
        c.product_id,
    )


_PLAIN: dict[int, tuple[PortfolioBenchmark, tuple[Product, ...], dict]] = {}


def _plain_missing_cells(
    catalog: _Catalog,
    benchmark: PortfolioBenchmark,
    industry: str,
    band: str,
    owned_ids: tuple[str, ...],
    typical: tuple[float, str],
    min_sample: int,
    threshold: float,
) -> tuple[WhiteSpaceCell, ...]:
    """Missing-product cells as MED/LOW, before any signal raises one to HIGH.

    They depend only on the segment, the owned set and the typical seat count, which
    many accounts share, so they are computed once per benchmark and reused (the cells
    are immutable).
    """
    entry = _PLAIN.get(id(benchmark))
    if entry is None or entry[0] is not benchmark or entry[1] is not catalog.active:
        if len(_PLAIN) >= 4:
            _PLAIN.clear()
        entry = (benchmark, catalog.active, {})
        _PLAIN[id(benchmark)] = entry
    cache = entry[2]
    key = (industry, band, owned_ids, typical, min_sample, threshold)
    hit = cache.get(key)
    if hit is not None:
        return hit
    owned = set(owned_ids)
    bases = [pid for pid in owned_ids if benchmark.owners.get(pid, 0) >= min_sample]
    cells = []
    for product in catalog.active:
        if product.id in owned:
            continue
        estimate, method, sample = _estimate(
            product.id, product.list_price, benchmark, industry, band, typical, min_sample
        )
        priority, reason = "LOW", "no signal yet"
        best: tuple[float, str] | None = None
        for pid in bases:
            share = benchmark.co_ownership.get(pid, {}).get(product.id, 0.0)
            if best is None or share > best[0]:
                best = (share, pid)
        if best is not None and best[0] >= threshold - 1e-9:
            peer = catalog.by_id.get(best[1])
            priority = "MED"
            reason = (
                f"{pct(best[0])} of the {benchmark.owners[best[1]]:,} owners of "
                f"{peer.name if peer else best[1]} also own it"
            )
        cells.append(
            WhiteSpaceCell(
                product_id=product.id,
                product_name=product.name,
                status="None",
                priority=priority,  # type: ignore[arg-type]
                priority_reason=reason,
                estimated_acv=estimate,
                estimate_method=method,
                sample_size=sample,
            )
        )
    if len(cache) >= 50_000:  # bound memory on portfolios with endless combinations
        cache.clear()
    cache[key] = out = tuple(sorted(cells, key=_missing_order))
    return out


def build_white_space_map(
    snapshot: AccountSnapshot,
    ctx: OrgContext,
    benchmark: PortfolioBenchmark,
    signals: Sequence[ExpansionSignal],
    now: datetime,
    *,
    min_sample: int = 5,
    co_ownership_threshold: float = 0.50,
    upgrade_threshold: float = 0.80,
    upgrade_step: float = 0.20,
    use_assets: bool = True,
) -> WhiteSpaceMap:
    """The account's white-space map (see the module docstring for the rules).

    Args:
        snapshot: the account.
        ctx: the org (catalog with list prices).
        benchmark: the portfolio benchmark of this scan.
        signals: the account's detected signals (HIGH priorities come from them).
        now: scan time.
        min_sample: comparable customers needed before a segment median is trusted, and
            owners needed before a co-ownership share is.
        co_ownership_threshold: share of peers at or above which a product is MED.
        upgrade_threshold: utilisation at or above which upgrade room is priced.
        upgrade_step: units proposed on top of the licensed ones (0.20 = +20%).
        use_assets: count Assets as owned (when the org maps Assets).

    Returns:
        The map: owned products first (largest ACV first), then missing ones by priority
        and estimated ACV; potential = the sum of every cell's ``estimated_acv``.
    """
    catalog = _catalog(ctx)
    owned = owned_products(snapshot, now, use_assets=use_assets)
    month = latest_complete_month(now.date())
    usage = month_usage(snapshot, month)
    month_text = month_label(month)
    industry, band = industry_key(snapshot.industry), size_band(snapshot.employees)

    active_cells: list[WhiteSpaceCell] = []
    for pid, item in owned.items():
        product = catalog.by_id.get(pid)
        use = usage.get(pid)
        ratio = use.utilisation if use is not None else None
        text, value, method = _upgrade(
            item,
            ratio,
            use.licensed if use is not None else 0.0,
            product.list_price if product is not None else None,
            month_text,
            upgrade_threshold,
            upgrade_step,
        )
        active_cells.append(
            WhiteSpaceCell(
                product_id=pid,
                product_name=product.name if product is not None else pid,
                status="Active",
                utilisation=ratio,
                upgrade_room=text,
                current_acv=item.acv,
                estimated_acv=value,
                estimate_method=method,
            )
        )
    active_cells.sort(key=lambda c: (-(c.current_acv or 0.0), c.product_name, c.product_id))

    missing_ids = {p.id for p in catalog.active if p.id not in owned}
    pointing = signals_pointing_at(signals, missing_ids, ctx)
    typical = _typical_units(owned, [u.licensed for u in usage.values()])
    plain = _plain_missing_cells(
        catalog,
        benchmark,
        industry,
        band,
        tuple(sorted(owned)),
        typical,
        min_sample,
        co_ownership_threshold,
    )
    missing_cells = list(plain)
    if pointing:
        for i, cell in enumerate(missing_cells):
            reasons = pointing.get(cell.product_id)
            if reasons:
                label, first = reasons[0]
                reason = f"{label}: {first.evidence.summary}"
                if len(reasons) > 1:
                    reason += f" (+{len(reasons) - 1} more)"
                missing_cells[i] = replace(cell, priority="HIGH", priority_reason=reason)
        missing_cells.sort(key=_missing_order)
    cells = tuple(active_cells + missing_cells)
    notes = [f"Utilisation: {month_text}, the latest complete month."]
    if snapshot.arr is None:
        notes.append("Current ACV: no ARR recorded; sum of the current contract's line items.")
    notes.append(f"Comparable customers: {industry}, {band}.")
    return WhiteSpaceMap(
        account_id=snapshot.id,
        cells=cells,
        current_acv=current_acv(snapshot, now),
        potential=float(sum(c.estimated_acv or 0.0 for c in cells)),
        notes=tuple(notes),
    )
