"""The portfolio benchmark: what comparable customers pay for and use, built once per scan.

One streaming pass over the portfolio. A worker can feed 100,000 accounts one at a time
through ``BenchmarkBuilder.add`` (snapshots or the much smaller ``AccountSummary``) without
keeping them; only per-segment ACV lists and co-ownership counts are held.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from detection.findings import PortfolioBenchmark
from detection.ownership import (
    industry_key,
    latest_complete_month,
    month_usage,
    owned_products,
    size_band,
)
from detection.snapshot import AccountSnapshot, OrgContext


@dataclass(frozen=True, slots=True)
class AccountSummary:
    """The little the benchmark needs from one account (what a worker may ship around).

    Attributes:
        products: (product id, ACV of that product or None when unknown), one per owned
            product.
        utilisation: (product id, usage / licensed of the latest complete month).
    """

    account_id: str
    industry: str | None
    employees: int | None
    tier: str | None
    products: tuple[tuple[str, float | None], ...]
    utilisation: tuple[tuple[str, float], ...] = ()


def summarize_account(
    snapshot: AccountSnapshot,
    ctx: OrgContext,
    now: datetime,
    *,
    use_assets: bool = True,
    list_prices: dict[str, float | None] | None = None,
) -> AccountSummary:
    """Reduce a snapshot to what the benchmark needs.

    A product proven only by an Asset is priced at list price x the Asset's quantity when
    the catalog has a list price; otherwise its ACV is unknown (it still counts as owned
    for co-ownership).
    """
    prices = list_prices if list_prices is not None else {p.id: p.list_price for p in ctx.products}
    owned = owned_products(snapshot, now, use_assets=use_assets)
    products: list[tuple[str, float | None]] = []
    for pid, item in owned.items():
        acv = item.acv
        if acv is None and prices.get(pid) is not None and item.units > 0:
            acv = float(prices[pid]) * item.units  # type: ignore[arg-type]
        products.append((pid, acv))
    usage = month_usage(snapshot, latest_complete_month(now.date()))
    util = tuple(
        (pid, u.utilisation)
        for pid, u in usage.items()
        if pid in owned and u.utilisation is not None
    )
    return AccountSummary(
        account_id=snapshot.id,
        industry=snapshot.industry,
        employees=snapshot.employees,
        tier=snapshot.tier,
        products=tuple(products),
        utilisation=util,
    )


class BenchmarkBuilder:
    """Accumulates the benchmark account by account; ``build()`` freezes it.

    Example:
        builder = BenchmarkBuilder(ctx, now)
        for snapshot in stream:
            builder.add(snapshot)
        benchmark = builder.build()
    """

    def __init__(self, ctx: OrgContext, now: datetime, *, use_assets: bool = True) -> None:
        self._ctx = ctx
        self._now = now
        self._use_assets = use_assets
        self._segment: dict[tuple[str, str, str], list[float]] = {}
        self._band: dict[tuple[str, str], list[float]] = {}
        self._product: dict[str, list[float]] = {}
        self._owners: dict[str, int] = {}
        self._pairs: dict[str, dict[str, int]] = {}
        self._util: dict[tuple[str, str, str], list[float]] = {}
        self._accounts = 0
        self._prices = {p.id: p.list_price for p in ctx.products}

    def add(self, account: AccountSnapshot | AccountSummary) -> None:
        """Add one account (a snapshot is summarised first and not kept)."""
        summary = (
            account
            if isinstance(account, AccountSummary)
            else summarize_account(
                account, self._ctx, self._now, use_assets=self._use_assets, list_prices=self._prices
            )
        )
        self._accounts += 1
        industry = industry_key(summary.industry)
        band = size_band(summary.employees)
        owned = sorted({pid for pid, _ in summary.products})
        for pid, acv in summary.products:
            if acv is not None and acv > 0:
                self._segment.setdefault((industry, band, pid), []).append(acv)
                self._band.setdefault((band, pid), []).append(acv)
                self._product.setdefault(pid, []).append(acv)
        for pid in owned:
            self._owners[pid] = self._owners.get(pid, 0) + 1
            pairs = self._pairs.setdefault(pid, {})
            for other in owned:
                if other != pid:
                    pairs[other] = pairs.get(other, 0) + 1
        tier = summary.tier or "no tier"
        for pid, ratio in summary.utilisation:
            acc = self._util.setdefault((industry, tier, pid), [0.0, 0])
            acc[0] += ratio
            acc[1] += 1

    def build(self) -> PortfolioBenchmark:
        """The benchmark: sorted ACV tuples (medians are then O(1)), shares, averages."""
        co = {
            pid: {other: count / self._owners[pid] for other, count in sorted(pairs.items())}
            for pid, pairs in sorted(self._pairs.items())
        }
        return PortfolioBenchmark(
            acv_by_segment={k: tuple(sorted(v)) for k, v in sorted(self._segment.items())},
            acv_by_product={k: tuple(sorted(v)) for k, v in sorted(self._product.items())},
            acv_by_band={k: tuple(sorted(v)) for k, v in sorted(self._band.items())},
            co_ownership=co,
            accounts=self._accounts,
            owners=dict(sorted(self._owners.items())),
            utilisation={k: (total / n, int(n)) for k, (total, n) in sorted(self._util.items())},
        )


def build_benchmark(
    snapshots: Iterable[AccountSnapshot | AccountSummary],
    ctx: OrgContext,
    now: datetime,
    *,
    use_assets: bool = True,
) -> PortfolioBenchmark:
    """Benchmark of the whole portfolio in one streaming pass (snapshots or summaries)."""
    builder = BenchmarkBuilder(ctx, now, use_assets=use_assets)
    for account in snapshots:
        builder.add(account)
    return builder.build()


def median(sorted_values: tuple[float, ...]) -> float:
    """Median of an already sorted, non-empty tuple."""
    n = len(sorted_values)
    mid = n // 2
    if n % 2:
        return sorted_values[mid]
    return (sorted_values[mid - 1] + sorted_values[mid]) / 2.0
