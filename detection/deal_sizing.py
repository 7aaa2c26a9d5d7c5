"""The handoff Opportunity's product, type and amount (issue 15): the customer's ask when CS
wrote one down, otherwise the best hypothesis; the amount bounded and its arithmetic shown.

Bounds (``DealSizingConfig``): the amount is never above the budget CS wrote by more than
``budget_margin`` (over it, the budget itself is used), and never above
``max_comparable_multiple`` x the product's comparable ACV (a missing product: its
white-space estimate from comparable customers; an owned one: what the account pays for it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from detection.asks import CustomerAsk, read_ask
from detection.findings import AccountFindings, WhiteSpaceCell
from detection.formatting import money
from detection.ownership import owned_units_and_acv
from detection.snapshot import AccountSnapshot, Activity, Product

# Opportunity.Type in the seeds' words (seed 000 step 6, seed 001 handoff "EXPANSION TYPE")
UPSELL, CROSS_SELL, NEW_DEPARTMENT, UPGRADE = "Upsell", "Cross-sell", "New department", "Upgrade"
_APPROACH_TYPE = {"upsell": UPSELL, "cross-sell": CROSS_SELL, "land & expand": NEW_DEPARTMENT,
                  "platform": CROSS_SELL}
# unit kinds -> words in an owned product's name / family / keywords that sell that unit
_KIND_HINTS = {"seat": ("seat", "user", "licen"), "storage": ("storage", "gb", "tb", "backup"),
               "api": ("api", "call", "connector")}


@dataclass(frozen=True)
class DealSizingConfig:
    """Bounds of the handoff amount.

    Attributes:
        budget_margin: how far above CS's budget the arithmetic may go before the budget
            itself is used (0.10: 10%).
        max_comparable_multiple: the amount never exceeds this multiple of the product's
            comparable ACV.
        fallback_share_of_acv: with nothing else to go on, this share of the current ACV.
        default_step: more of an owned product with no quantity given: this share of the
            units owned (the white-space map's upgrade step).
    """

    budget_margin: float = 0.10
    max_comparable_multiple: float = 2.0
    fallback_share_of_acv: float = 0.20
    default_step: float = 0.20

    def __post_init__(self) -> None:
        if self.budget_margin < 0 or self.max_comparable_multiple <= 0:
            raise ValueError("budget_margin must be >= 0 and max_comparable_multiple > 0")
        if not 0 <= self.fallback_share_of_acv <= 1:
            raise ValueError("fallback_share_of_acv must be within 0-1")


@dataclass(frozen=True, slots=True)
class DealSize:
    """What the Opportunity carries: product, type, amount, and how the amount was reached."""

    product_id: str | None
    product_name: str
    deal_type: str
    amount: float
    basis: str
    from_ask: bool


def _owned_pick(ask: CustomerAsk, owned: dict[str, tuple[float, float | None]],
                by_id: dict[str, Product]) -> str | None:
    """The owned product "more seats / storage" refers to: one selling that unit, else
    the one the account pays most for."""
    if not owned:
        return None
    ranked = sorted(owned, key=lambda pid: (-(owned[pid][1] or 0.0), pid))
    hints = _KIND_HINTS.get(ask.unit_kind or "", ())
    for pid in ranked:
        product = by_id.get(pid)
        text = " ".join([product.name, product.family or "", *product.keywords]).lower() \
            if product else ""
        if hints and any(h in text for h in hints):
            return pid
    return ranked[0]


def size_deal(snapshot: AccountSnapshot, findings: AccountFindings, ask: CustomerAsk,
              catalog: Sequence[Product], now: datetime,
              config: DealSizingConfig | None = None) -> DealSize:
    """Product, type and bounded amount of the handoff Opportunity, with its arithmetic."""
    config = config or DealSizingConfig()
    by_id = {p.id: p for p in catalog}
    owned = owned_units_and_acv(snapshot, now)
    cells = {c.product_id: c for c in (findings.white_space.cells if findings.white_space else ())}
    top = findings.hypotheses[0] if findings.hypotheses else None
    from_ask = not ask.empty
    pid: str | None = ask.product.id if ask.product is not None else None
    if pid is None and (ask.more_of_owned or ask.upgrade or ask.new_department):
        pid = _owned_pick(ask, owned, by_id)
    if pid is None and top is not None and top.product_ids:
        pid = top.product_ids[0]
    if pid is not None and pid in owned:
        deal_type = (NEW_DEPARTMENT if ask.new_department else
                     UPGRADE if ask.upgrade and ask.units is None and ask.percent is None else
                     UPSELL)
    elif pid is not None and (ask.product is not None or ask.more_of_owned):
        deal_type = NEW_DEPARTMENT if ask.new_department and pid in owned else CROSS_SELL
    elif top is not None:
        deal_type = _APPROACH_TYPE.get(top.approach, UPSELL)
    else:
        deal_type = UPSELL
    product = by_id.get(pid) if pid else None
    name = product.name if product else (top.title if top else "Expansion")
    amount, parts = _raw_amount(snapshot, findings, ask, pid, product, owned, cells, config)
    amount, parts = _bounded(amount, parts, ask, pid, owned, cells, config)
    return DealSize(pid, name, deal_type, float(round(amount)), "; ".join(parts), from_ask)


def _unit_price(pid: str, product: Product | None,
                owned: dict[str, tuple[float, float | None]]) -> tuple[float | None, str]:
    units, acv = owned.get(pid, (0.0, None))
    if acv is not None and units > 0:
        return acv / units, "contract price"
    if product is not None and product.list_price:
        return product.list_price, "list"
    return None, ""


def _raw_amount(snapshot: AccountSnapshot, findings: AccountFindings, ask: CustomerAsk,
                pid: str | None, product: Product | None,
                owned: dict[str, tuple[float, float | None]], cells: dict[str, WhiteSpaceCell],
                config: DealSizingConfig) -> tuple[float, list[str]]:
    word = ask.unit_word or "units"
    price, source = _unit_price(pid, product, owned) if pid else (None, "")
    if ask.units is not None and price is not None:
        value = ask.units * price
        return value, [f"{ask.units:,.0f} {word} x {money(price)} {source} = {money(value)}"]
    if ask.percent is not None and price is not None and pid in owned and owned[pid][0] > 0:
        units = math.ceil(owned[pid][0] * ask.percent - 1e-9)
        value = units * price
        return value, [f"{ask.percent:.0%} of {owned[pid][0]:,.0f} {word} = {units:,} {word}"
                       f" x {money(price)} {source} = {money(value)}"]
    if ask.budget is not None:
        return ask.budget.point, [f"CS budget '{ask.budget.text}'"]
    cell = cells.get(pid) if pid else None
    if cell is not None and cell.estimated_acv:
        how = cell.estimate_method or "white-space estimate"
        return cell.estimated_acv, [f"white-space estimate {money(cell.estimated_acv)} ({how})"]
    if pid in owned and price is not None and owned[pid][0] > 0:
        units = max(1, math.ceil(owned[pid][0] * config.default_step - 1e-9))
        value = units * price
        return value, [f"no quantity named yet, so {config.default_step:.0%} more than the"
                       f" {owned[pid][0]:,.0f} {word} licensed today = {units:,} x {money(price)}"
                       f" {source} = {money(value)}"]
    top = findings.hypotheses[0] if findings.hypotheses else None
    if top is not None and top.estimated_value > 0 and (pid is None or pid in top.product_ids):
        return top.estimated_value, [f"top hypothesis '{top.title}' {money(top.estimated_value)}"]
    acv = findings.white_space.current_acv if findings.white_space else (snapshot.arr or 0.0)
    value = acv * config.fallback_share_of_acv
    return value, [f"{config.fallback_share_of_acv:.0%} of current ACV {money(acv)}"
                   " (nothing more specific known)"]


def _bounded(amount: float, parts: list[str], ask: CustomerAsk, pid: str | None,
             owned: dict[str, tuple[float, float | None]], cells: dict[str, WhiteSpaceCell],
             config: DealSizingConfig) -> tuple[float, list[str]]:
    comparable, what = None, ""
    if pid in owned and owned[pid][1]:
        comparable, what = owned[pid][1], "what the account pays for it today"
    elif pid in cells and cells[pid].estimated_acv:
        comparable, what = cells[pid].estimated_acv, "comparable ACV"
    if comparable:
        cap = config.max_comparable_multiple * comparable
        if amount > cap:
            parts.append(f"capped at {config.max_comparable_multiple:g} x {what}"
                         f" {money(comparable)} = {money(cap)}")
            amount = cap
    budget = ask.budget
    if budget is not None and budget.ceiling is not None:
        limit = budget.ceiling * (1 + config.budget_margin)
        if amount > limit:
            parts.append(f"capped at CS budget '{budget.text}' = {money(budget.ceiling)}")
            amount = budget.ceiling
        elif not parts[0].startswith("CS budget"):
            parts.append(f"CS budget '{budget.text}'")
    return amount, parts


def follow_up_ask(snapshot: AccountSnapshot, findings: AccountFindings, follow_up: Activity,
                  catalog: Sequence[Product], now: datetime) -> CustomerAsk:
    """The ask in CS's words: the signal Tasks CS recorded (a direct request first, their
    subject and description), then the follow-up's pain, metrics, timeline and decision
    maker; the budget field for the budget."""
    recorded = {sid: s for s in findings.signals if s.recorded_by_cs for sid in s.evidence.source_ids}
    tasks = sorted((a for a in snapshot.activities if a.id in recorded),
                   key=lambda a: (recorded[a.id].type != "direct_request", a.id))
    texts: list[str | None] = []
    for task in tasks:
        texts += [task.subject, task.description]
    texts += [follow_up.qual_pain, follow_up.qual_metrics, follow_up.qual_timeline,
              follow_up.qual_decision_maker]
    owned = frozenset(owned_units_and_acv(snapshot, now))
    return read_ask(texts, follow_up.qual_budget, catalog, owned)
