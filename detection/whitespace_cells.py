"""The white-space map's missing-product cells before any signal raises one to HIGH.

A missing product's cell (MED/LOW priority with its reason, estimated ACV with its method
and sample size) depends only on the account's segment (industry, size band), the set of
products it owns and, for a product nobody owns yet, the account's typical seat count.
Many accounts share the first two, so the cells are computed once per benchmark and
reused (they are immutable). The seat count is part of the key only when a cell really
uses it (a list-price estimate), so accounts of one segment and contract share one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from detection.benchmark import median
from detection.findings import PortfolioBenchmark, WhiteSpaceCell
from detection.formatting import money, pct
from detection.snapshot import Product

PRIORITY_ORDER = {"HIGH": 0, "MED": 1, "LOW": 2}
# entries kept per benchmark: bounds memory on portfolios with endless combinations
_MAX_ENTRIES = 50_000
# seat counts kept per entry whose cells depend on the seat count
_MAX_SEAT_VARIANTS = 256

Estimate = tuple[float | None, str, int]  # (estimated ACV, method in words, sample size)


def peer_estimate(
    pid: str,
    benchmark: PortfolioBenchmark,
    industry: str,
    band: str,
    min_sample: int,
) -> Estimate | None:
    """Estimated ACV of a missing product from comparable customers; None when nobody
    in the portfolio owns it (the caller then prices it from the list price)."""
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
    return None


def list_price_estimate(list_price: float | None, typical_units: tuple[float, str]) -> Estimate:
    """The fallback when nobody owns the product: list price x the typical seat count."""
    if list_price is not None and list_price > 0:
        units, why = typical_units
        return (
            float(round(list_price * units)),
            f"list price {money(list_price)} x {units:,.0f} units ({why}); nobody owns it yet",
            0,
        )
    return None, "no estimate: nobody owns it yet and it has no list price", 0


def typical_units(contract_units: list[float], licensed: list[float]) -> tuple[float, str]:
    """The account's largest seat count (contract units of the owned products, or
    licensed units of the latest month), with why."""
    seats = max(contract_units + licensed + [0.0])
    if seats > 0:
        return seats, "the account's largest seat count"
    return 1.0, "no seat count known"


def missing_order(c: WhiteSpaceCell) -> tuple:
    """HIGH, MED, LOW; then the largest estimate; then by name (deterministic)."""
    return (
        PRIORITY_ORDER[c.priority or "LOW"],
        -(c.estimated_acv or 0.0),
        c.product_name,
        c.product_id,
    )


@dataclass(slots=True)
class _Entry:
    """One (segment, owned set) of a benchmark: its cells, or the parts to build them
    per seat count when a product is priced from its list price."""

    # (product, peer estimate or None, priority, reason), in catalog order
    parts: list[tuple[Product, Estimate | None, str, str]]
    cells: tuple[WhiteSpaceCell, ...] | None = None
    by_seats: dict[tuple[float, str], tuple[WhiteSpaceCell, ...]] = field(default_factory=dict)


@dataclass(slots=True)
class _State:
    """What one benchmark's accounts share. Cells per (segment, owned set); their parts,
    each shared far more widely: a product's estimate per segment, and the MED/LOW
    priorities per owned set (so a new combination of the two costs only dict look-ups)."""

    cells: dict[tuple, _Entry] = field(default_factory=dict)
    estimates: dict[tuple, Estimate | None] = field(default_factory=dict)
    priorities: dict[tuple, list[tuple[Product, str, str]]] = field(default_factory=dict)
    # one cell per (product, estimate, priority, reason), with its order key: combinations
    # of segment and owned set share them
    made: dict[tuple, tuple[tuple, WhiteSpaceCell]] = field(default_factory=dict)


_PLAIN: dict[int, tuple[PortfolioBenchmark, tuple[Product, ...], _State]] = {}
_UNKNOWN = object()


def _state(benchmark: PortfolioBenchmark, active: tuple[Product, ...]) -> _State:
    # Keyed by the benchmark's identity (kept alive in the entry, so ids are not reused).
    entry = _PLAIN.get(id(benchmark))
    if entry is None or entry[0] is not benchmark or entry[1] is not active:
        if len(_PLAIN) >= 4:
            _PLAIN.clear()
        entry = (benchmark, active, _State())
        _PLAIN[id(benchmark)] = entry
    return entry[2]


def _priorities(
    active: tuple[Product, ...],
    by_id: dict[str, Product],
    benchmark: PortfolioBenchmark,
    owned_ids: tuple[str, ...],
    min_sample: int,
    threshold: float,
) -> list[tuple[Product, str, str]]:
    """(product, MED or LOW, reason) for every active product not owned, catalog order."""
    owned = set(owned_ids)
    bases = [pid for pid in owned_ids if benchmark.owners.get(pid, 0) >= min_sample]
    out = []
    for product in active:
        if product.id in owned:
            continue
        priority, reason = "LOW", "no signal yet"
        best: tuple[float, str] | None = None
        for pid in bases:
            share = benchmark.co_ownership.get(pid, {}).get(product.id, 0.0)
            if best is None or share > best[0]:
                best = (share, pid)
        if best is not None and best[0] >= threshold - 1e-9:
            peer = by_id.get(best[1])
            priority = "MED"
            reason = (
                f"{pct(best[0])} of the {benchmark.owners[best[1]]:,} owners of "
                f"{peer.name if peer else best[1]} also own it"
            )
        out.append((product, priority, reason))
    return out


def _parts(
    state: _State,
    active: tuple[Product, ...],
    by_id: dict[str, Product],
    benchmark: PortfolioBenchmark,
    industry: str,
    band: str,
    owned_ids: tuple[str, ...],
    min_sample: int,
    threshold: float,
) -> list[tuple[Product, Estimate | None, str, str]]:
    key = (owned_ids, min_sample, threshold)
    priorities = state.priorities.get(key)
    if priorities is None:
        priorities = _priorities(active, by_id, benchmark, owned_ids, min_sample, threshold)
        if len(state.priorities) >= _MAX_ENTRIES:
            state.priorities.clear()
        state.priorities[key] = priorities
    estimates = state.estimates
    parts = []
    for product, priority, reason in priorities:
        key = (industry, band, product.id, min_sample)
        estimate = estimates.get(key, _UNKNOWN)
        if estimate is _UNKNOWN:
            estimate = peer_estimate(product.id, benchmark, industry, band, min_sample)
            if len(estimates) >= _MAX_ENTRIES:
                estimates.clear()
            estimates[key] = estimate
        parts.append((product, estimate, priority, reason))
    return parts


def weighted(estimate: float | None, probability: float) -> float | None:
    """A cell's expected value: its estimate x the probability of its priority."""
    return None if estimate is None else float(round(estimate * probability))


def _cells(
    state: _State,
    parts: list[tuple[Product, Estimate | None, str, str]],
    seats: tuple[float, str] | None,
    probabilities: dict[str, float],
) -> tuple[WhiteSpaceCell, ...]:
    made = state.made
    keyed = []
    for product, estimate, priority, reason in parts:
        if estimate is None:
            estimate = list_price_estimate(product.list_price, seats)  # type: ignore[arg-type]
        chance = probabilities[priority]
        key = (product.id, product.name, estimate, priority, reason, chance)
        hit = made.get(key)
        if hit is None:
            cell = WhiteSpaceCell(
                product_id=product.id,
                product_name=product.name,
                status="None",
                priority=priority,  # type: ignore[arg-type]
                priority_reason=reason,
                estimated_acv=estimate[0],
                estimate_method=estimate[1],
                sample_size=estimate[2],
                probability=chance,
                weighted_acv=weighted(estimate[0], chance),
            )
            if len(made) >= _MAX_ENTRIES:
                made.clear()
            made[key] = hit = (missing_order(cell), cell)
        keyed.append(hit)
    # the order keys end with the product id, unique in a catalog: cells never compared
    keyed.sort(key=_first)
    return tuple([cell for _, cell in keyed])


def _first(item: tuple) -> tuple:
    return item[0]


def plain_missing_cells(
    active: tuple[Product, ...],
    by_id: dict[str, Product],
    benchmark: PortfolioBenchmark,
    industry: str,
    band: str,
    owned_ids: tuple[str, ...],
    seats: Callable[[], tuple[float, str]],
    min_sample: int,
    threshold: float,
    probabilities: dict[str, float],
) -> tuple[WhiteSpaceCell, ...]:
    """Missing-product cells as MED/LOW, sorted (HIGH priorities are the caller's).

    Args:
        active: the catalog's active products (name order).
        by_id: every catalog product by id (names co-ownership peers).
        benchmark: the scan's portfolio benchmark.
        industry, band: the account's segment.
        owned_ids: the products it owns, sorted.
        seats: the account's typical seat count, asked for only when a product nobody
            owns is priced from its list price.
        min_sample: peers needed before a median or a co-ownership share is trusted.
        threshold: co-ownership share at or above which a product is MED.
        probabilities: priority -> the chance a cell of it turns into revenue.
    """
    state = _state(benchmark, active)
    cache = state.cells
    key = (industry, band, owned_ids, min_sample, threshold, tuple(sorted(probabilities.items())))
    entry = cache.get(key)
    if entry is None:
        parts = _parts(
            state, active, by_id, benchmark, industry, band, owned_ids, min_sample, threshold
        )
        entry = _Entry(parts)
        if not any(
            estimate is None and product.list_price is not None and product.list_price > 0
            for product, estimate, _, _ in parts
        ):
            entry.cells = _cells(state, parts, None, probabilities)  # no cell depends on the seat count
        if len(cache) >= _MAX_ENTRIES:
            cache.clear()
        cache[key] = entry
    if entry.cells is not None:
        return entry.cells
    typical = seats()
    cells = entry.by_seats.get(typical)
    if cells is None:
        cells = _cells(state, entry.parts, typical, probabilities)
        if len(entry.by_seats) >= _MAX_SEAT_VARIANTS:
            entry.by_seats.clear()
        entry.by_seats[typical] = cells
    return cells
