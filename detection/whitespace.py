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
from dataclasses import dataclass, field
from datetime import date, datetime

from detection.benchmark import (
    AccountSummary,
    BenchmarkBuilder,
    build_benchmark,
    summarize_account,
)
from detection.config import DEFAULT_CONFIG, DetectionConfig
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
    month_totals,
    month_usage,
    owned_products,
    owned_units_and_acv,
    size_band,
)
from detection.signals.facts import ScanFacts
from detection.signals.usage import usage_series
from detection.signals.wording import month_index
from detection.snapshot import AccountSnapshot, OrgContext, Product
from detection.whitespace_cells import (
    missing_order,
    plain_missing_cells,
    typical_units,
    weighted,
)
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
    unit_price: float | None,
    usage_ratio: float | None,
    licensed: float,
    list_price: float | None,
    month: str,
    threshold: float,
    step: float,
    adoption_risk: float = 0.30,
) -> tuple[str, float, str]:
    """Upgrade-room text, its value and how the value was priced."""
    if usage_ratio is None:
        return f"no usage data for {month}", 0.0, ""
    head = f"at {pct(usage_ratio)} of {licensed:,.0f} units"
    if usage_ratio < adoption_risk - 1e-9:
        # very low use is a renewal risk to fix, not room to sell into (issue 15)
        return (f"{head}: adoption risk (below {pct(adoption_risk)}), not room to grow",
                0.0, "")
    if usage_ratio < threshold - 1e-9:
        return f"{head}: room to grow adoption, no upgrade needed", 0.0, ""
    add = max(1, math.ceil(licensed * step - 1e-9))
    price, source = unit_price, "contract price"
    if price is None:
        price, source = list_price, "list price"
    if price is None:
        return f"{head}: +{add:,} units (no unit price known)", 0.0, ""
    value = float(round(add * price))
    method = f"+{add:,} units x {money(price)} per unit ({source})"
    return f"{head}: +{add:,} units ≈ {money(value)}", value, method


def _month_usage(
    snapshot: AccountSnapshot, month: date, now: datetime, facts: ScanFacts | None
) -> dict[str, tuple[float, float]]:
    """product id -> (usage, licensed) of ``month``, in product id order: month_usage's
    figures, from the rows ScanFacts already grouped when it has them for the same
    snapshot, scan time and month (the same rows, in the same order)."""
    if (
        facts is not None
        and facts.snapshot is snapshot
        and facts.now == now
        and facts.m == month_index(month)
    ):
        usage_series(facts)  # groups the month's rows (cached on the facts)
        totals = {}
        rows_by_product = facts.month_rows or {}
        for pid in sorted(rows_by_product):
            rows = rows_by_product[pid]
            if len(rows) == 1:  # month_totals of one row, inlined (the usual case)
                row = rows[0]
                totals[pid] = (0 + (row.usage_units or 0.0), 0 + (row.licensed_units or 0.0))
            else:
                totals[pid] = month_totals(rows)
        return totals
    return {pid: (u.usage, u.licensed) for pid, u in month_usage(snapshot, month).items()}


def _active_order(cell: WhiteSpaceCell) -> tuple[float, str, str]:
    """Owned products: the largest ACV first, then by name (deterministic)."""
    return (-(cell.current_acv or 0.0), cell.product_name, cell.product_id)


def _has_expansion(signals: Sequence[ExpansionSignal]) -> bool:
    """Whether any signal is an expansion signal."""
    for sig in signals:
        if sig.category == "expansion":
            return True
    return False


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
    facts: ScanFacts | None = None,
    config: DetectionConfig = DEFAULT_CONFIG,
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
        facts: scan_account's ScanFacts of this snapshot: the latest month's usage rows
            it already grouped are summed from there instead of walking every row again.
        config: probabilities by priority, the cap on LOW cells, the adoption-risk line.

    Returns:
        The map: owned products first (largest ACV first), then missing ones by priority
        and estimated ACV; total addressable = the sum of every cell's ``estimated_acv``;
        potential = the expected value (``expected_potential``).
    """
    catalog = _catalog(ctx)
    chances = probabilities(config, benchmark)
    owned = owned_units_and_acv(snapshot, now, use_assets=use_assets)
    month = latest_complete_month(now.date())
    usage = _month_usage(snapshot, month, now, facts)
    active = _active_users(snapshot, month, now, facts)
    month_text = month_label(month)
    industry, band = industry_key(snapshot.industry), size_band(snapshot.employees)

    active_cells: list[WhiteSpaceCell] = []
    for pid, (units, acv) in owned.items():
        product = catalog.by_id.get(pid)
        use = usage.get(pid)  # (usage, licensed); utilisation as MonthUsage.utilisation
        licensed = use[1] if use is not None else 0.0
        ratio = use[0] / licensed if use is not None and licensed > 0 else None
        text, value, method = _upgrade(
            acv / units if acv is not None and units > 0 else None,  # OwnedProduct.unit_price
            ratio,
            licensed,
            product.list_price if product is not None else None,
            month_text,
            upgrade_threshold,
            upgrade_step,
            config.adoption_risk_utilisation,
        )
        priced = value > 0  # at or over the upgrade threshold: the usage is the evidence
        active_cells.append(
            WhiteSpaceCell(  # positional, in field order: product_id .. adoption
                pid,
                product.name if product is not None else pid,
                "Active",
                ratio,
                text,
                acv,
                "HIGH" if priced else None,
                "usage at capacity" if priced else "",
                value,
                method,
                0,
                chances["HIGH"] if priced else None,
                weighted(value, chances["HIGH"]) if priced else None,
                adoption_line(active.get(pid), licensed, ratio),
            )
        )
    if len(active_cells) > 1:
        active_cells.sort(key=_active_order)

    pointing = (
        signals_pointing_at(signals, {p.id for p in catalog.active if p.id not in owned}, ctx)
        if _has_expansion(signals)  # only those can point
        else {}
    )
    plain = plain_missing_cells(
        catalog.active,
        catalog.by_id,
        benchmark,
        industry,
        band,
        tuple(owned),  # sorted: owned_units_and_acv lists products in id order
        lambda: typical_units(
            [units for units, _ in owned.values()], [licensed for _, licensed in usage.values()]
        ),
        min_sample,
        co_ownership_threshold,
        chances,
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
                missing_cells[i] = WhiteSpaceCell(  # dataclasses.replace, spelled out
                    product_id=cell.product_id,
                    product_name=cell.product_name,
                    status=cell.status,
                    utilisation=cell.utilisation,
                    upgrade_room=cell.upgrade_room,
                    current_acv=cell.current_acv,
                    priority="HIGH",
                    priority_reason=reason,
                    estimated_acv=cell.estimated_acv,
                    estimate_method=cell.estimate_method,
                    sample_size=cell.sample_size,
                    probability=chances["HIGH"],
                    weighted_acv=weighted(cell.estimated_acv, chances["HIGH"]),
                )
        missing_cells.sort(key=missing_order)
    cells = tuple(active_cells + missing_cells)
    notes = [f"Utilisation: {month_text}, the latest complete month."]
    if snapshot.arr is None:
        notes.append("Current ACV: no ARR recorded; sum of the current contract's line items.")
    notes.append(f"Comparable customers: {industry}, {band}.")
    acv = current_acv(snapshot, now)
    potential, capped = expected_potential(cells, acv, config.low_potential_cap_share)
    notes.append(_weights_note(chances, benchmark, config, capped))
    if any(c.adoption for c in active_cells):
        notes.append(ADOPTION_NOTE)
    return WhiteSpaceMap(  # positional, in field order
        snapshot.id,
        cells,
        acv,
        potential,
        tuple(notes),
        float(sum([c.estimated_acv or 0.0 for c in cells])),  # total addressable
    )


ADOPTION_NOTE = (
    "Adoption: active users against licensed seats for the latest month. "
    "Monthly totals show how many people were active, not how usage splits among them: "
    "concentration is flagged when at most 30% of the licensed seats are active while 60% "
    "or more of the entitlement is used."
)


def probabilities(config: DetectionConfig, benchmark: PortfolioBenchmark) -> dict[str, float]:
    """Priority -> probability: the portfolio's own conversion rate where it has enough
    history (``benchmark.priority_conversion``), else the configured default."""
    chances = dict(config.potential_probabilities)
    for priority, (rate, n) in benchmark.priority_conversion.items():
        if priority in chances and n >= config.potential_history_min_sample:
            chances[priority] = rate
    return chances


def expected_potential(
    cells: Sequence[WhiteSpaceCell], acv: float, low_cap_share: float
) -> tuple[float, bool]:
    """(weighted potential, whether the LOW cells hit their cap): the sum of every cell's
    weighted estimate, LOW cells ("no signal yet") together at most ``low_cap_share`` x ACV
    — a quiet customer's untouched catalog never outweighs what it pays today."""
    low = other = 0.0
    for cell in cells:
        if cell.weighted_acv is None:
            continue
        if cell.priority == "LOW":
            low += cell.weighted_acv
        else:
            other += cell.weighted_acv
    cap = low_cap_share * acv
    capped = low > cap
    return float(round(other + (cap if capped else low))), capped


def _weights_note(chances: dict[str, float], benchmark: PortfolioBenchmark,
                  config: DetectionConfig, capped: bool) -> str:
    learned = [p for p, (_, n) in benchmark.priority_conversion.items()
               if n >= config.potential_history_min_sample]
    source = ("the portfolio's conversions for " + ", ".join(sorted(learned))
              if learned else "defaults until the portfolio has conversion history")
    text = ("Weighted potential = each estimate x its chance: "
            + ", ".join(f"{p} {pct(chances[p])}" for p in ("HIGH", "MED", "LOW"))
            + f" ({source}); owned products' upgrade room counts as HIGH.")
    if capped:
        text += (f" LOW cells together are capped at {pct(config.low_potential_cap_share)}"
                 " of current ACV.")
    return text


# concentration: few active users (<= 30% of licensed) carrying most of the entitlement
CONCENTRATED_ACTIVE_SHARE = 0.30
CONCENTRATED_USAGE_SHARE = 0.60


def adoption_line(active_users: float | None, licensed: float, usage_ratio: float | None) -> str:
    """"42 of 100 licensed active (42%)" (+ a concentration flag), or "" without both
    figures. Monthly totals cannot show how usage splits among users; few active users on a
    well-used entitlement is the pattern they can show."""
    if active_users is None or licensed <= 0:
        return ""
    share = active_users / licensed
    text = f"{active_users:,.0f} of {licensed:,.0f} licensed active ({pct(share)})"
    if (share <= CONCENTRATED_ACTIVE_SHARE + 1e-9 and usage_ratio is not None
            and usage_ratio >= CONCENTRATED_USAGE_SHARE - 1e-9):
        text += (f"; usage concentrated: {pct(usage_ratio)} of the entitlement used by"
                 f" {active_users:,.0f} active users, room to widen adoption")
    return text


def _active_users(snapshot: AccountSnapshot, month: date, now: datetime,
                  facts: ScanFacts | None) -> dict[str, float]:
    """product id -> Active_Users__c of ``month`` (products whose rows carry it)."""
    if facts is not None and facts.snapshot is snapshot and facts.now == now \
            and facts.m == month_index(month) and facts.month_rows is not None:
        out = {}
        for pid, rows in facts.month_rows.items():
            whole = [r for r in rows if r.feature is None] or rows
            users = [r.active_users for r in whole if r.active_users is not None]
            if users:
                out[pid] = float(sum(users))
        return out
    return {pid: u.active_users for pid, u in month_usage(snapshot, month).items()
            if u.active_users is not None}
