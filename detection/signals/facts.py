"""ScanFacts: what every rule needs about one account, worked out once per scan.

Signal families, health and stakeholders all read the same derived facts (today, month M,
the activities a person wrote, who was touched when, owned products, the compiled
catalog), so each record of the snapshot is walked once and the rules agree on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from detection.config import DetectionConfig
from detection.findings import PriorSignal
from detection.signals.terms import WordIndex
from detection.signals.wording import is_blank, month_index, utc_date
from detection.snapshot import (
    AccountSnapshot,
    Activity,
    Contact,
    OrgContext,
    PriorScan,
    Product,
)

SIGNAL_LOG = "signal_log"
_KEYWORD_SPLIT = re.compile(r"[,;]")


@dataclass(frozen=True, slots=True)
class Catalog:
    """The product catalog with its whole-word matchers, compiled once per OrgContext."""

    by_id: dict[str, Product]
    active_ids: frozenset[str]
    # active products' names and keywords, owner = product id, in catalog order
    words: WordIndex

    def name(self, product_id: str | None) -> str:
        product = self.by_id.get(product_id) if product_id else None
        return product.name if product else (product_id or "unknown product")


_CATALOGS: dict[int, tuple[tuple[Product, ...], Catalog]] = {}


def catalog_for(ctx: OrgContext) -> Catalog:
    """The compiled catalog of ``ctx`` (cached by identity: one build per scan run)."""
    products = ctx.products
    hit = _CATALOGS.get(id(products))
    if hit is not None and hit[0] is products:
        return hit[1]
    entries = []
    for product in products:
        if not product.is_active:
            continue
        entries.append((product.name, product.id))
        for keyword in product.keywords:
            entries.extend((k, product.id) for k in _KEYWORD_SPLIT.split(keyword))
    catalog = Catalog(
        by_id={p.id: p for p in products},
        active_ids=frozenset(p.id for p in products if p.is_active),
        words=WordIndex(entries),
    )
    if len(_CATALOGS) > 16:  # a long-lived worker sees a handful of orgs at most
        _CATALOGS.clear()
    _CATALOGS[id(products)] = (products, catalog)
    return catalog


_BOUNDS: dict[tuple[int, int], tuple[datetime, datetime, datetime, datetime]] = {}


def _day_bounds(today_ord: int, days: int) -> tuple[datetime, datetime, datetime, datetime]:
    """UTC start of ``today - days`` and of tomorrow, aware and naive (shared by a scan run:
    every account of one run has the same ``now``)."""
    key = (today_ord, days)
    bounds = _BOUNDS.get(key)
    if bounds is None:
        low = datetime.combine(date.fromordinal(today_ord - days), time(), UTC)
        high = datetime.combine(date.fromordinal(today_ord + 1), time(), UTC)
        bounds = (low, high, low.replace(tzinfo=None), high.replace(tzinfo=None))
        if len(_BOUNDS) > 1024:
            _BOUNDS.clear()
        _BOUNDS[key] = bounds
    return bounds


def is_champion(role: str | None) -> bool:
    """MEDDICC_Role__c is Champion (a human judgment, never inferred)."""
    return role is not None and (role == "Champion" or role.strip().lower() == "champion")


class ScanFacts:
    """Derived, read-only facts about one account at scan time (see module docstring)."""

    __slots__ = (
        "snapshot", "ctx", "prior", "config", "now", "today", "today_ord", "m",
        "human_activities", "signal_logs", "who_min_age", "who_touches", "owned",
        "owned_line_acv", "catalog", "unavailable", "series", "licensed", "month_rows", "logged", "_bounds",
        "active_ids", "champions", "previous_health",
    )

    def __init__(
        self,
        snapshot: AccountSnapshot,
        ctx: OrgContext,
        prior: PriorScan | None,
        config: DetectionConfig,
        now: datetime,
    ) -> None:
        self.snapshot = snapshot
        self.ctx = ctx
        self.prior = prior
        self.config = config
        self.now = now
        today = utc_date(now)
        self.today = today
        today_ord = today.toordinal()
        self.today_ord = today_ord
        self.m = month_index(today) - 1  # the latest complete calendar month
        self.unavailable = snapshot.unavailable
        self.catalog = catalog_for(ctx)
        self.series = None  # usage series, built on first use (signals.usage)
        self.month_rows = None
        self.licensed = None  # licensed units per usage series and month (signals.usage)
        self.logged = None  # signal type -> latest signal_log date, built on first use
        self._bounds: dict[int, tuple[datetime, datetime, datetime, datetime]] = {}
        self.active_ids = None  # ids of active contacts, built on first use
        self.previous_health = None  # health_history.previous_health_score, on first use
        # contacts whose MEDDICC_Role__c is Champion (departed or not)
        self.champions = tuple([  # is_champion, inlined: it runs for every contact
            c for c in snapshot.contacts
            if (role := c.meddicc_role) is not None
            and (role == "Champion" or role.strip().lower() == "champion")
        ])

        human: list[Activity] = []
        logs: list[Activity] = []
        who_min_age: dict[str, int] = {}
        who_touches: dict[str, int] = {}
        touch_days = config.relationship_medium_days
        for activity in snapshot.activities:
            action = activity.radar_action
            if action is not None and (action := action.strip()):
                # written by the service: ignored by every rule except the strength rule
                if action == SIGNAL_LOG:
                    logs.append(activity)
                continue
            human.append(activity)
            who = activity.who_id
            if who and activity.activity_date is not None:
                age = today_ord - activity.activity_date.toordinal()
                if age >= 0:
                    best = who_min_age.get(who)
                    if best is None or age < best:
                        who_min_age[who] = age
                    if age <= touch_days:
                        who_touches[who] = who_touches.get(who, 0) + 1
        self.human_activities = tuple(human)
        self.signal_logs = tuple(logs)
        self.who_min_age = who_min_age
        self.who_touches = who_touches

        owned: set[str] = set()
        line_acv = 0.0
        lookback = config.owned_product_lookback_days
        for opp in snapshot.opportunities:
            if opp.is_won and opp.close_date is not None:
                if 0 <= today_ord - opp.close_date.toordinal() <= lookback:
                    for item in opp.line_items:
                        owned.add(item.product_id)
                        line_acv += item.total_price or 0.0
        for asset in snapshot.assets:
            if asset.product_id and (asset.status or "").strip().lower() != "obsolete":
                owned.add(asset.product_id)
        self.owned = frozenset(owned)
        self.owned_line_acv = line_acv

    def age(self, day: date) -> int:
        """Days from ``day`` to today (negative for future dates)."""
        return self.today_ord - day.toordinal()

    def age_dt(self, moment: datetime) -> int:
        """Days from a datetime's UTC date to today."""
        return self.today_ord - utc_date(moment).toordinal()

    def within(self, day: date | None, days: int) -> bool:
        """signal-rules.md "within N days": 0 <= age <= N."""
        return day is not None and 0 <= self.today_ord - day.toordinal() <= days

    def within_dt(self, moment: datetime | None, days: int) -> bool:
        """"within N days" for a datetime, judged on its UTC date.

        Compared with the UTC day boundaries instead of converting every datetime: the
        same answer as ``0 <= age_dt(moment) <= days``, several times faster.
        """
        if moment is None:
            return False
        bounds = self._bounds.get(days)
        if bounds is None:
            bounds = self.day_bounds(days)
        if moment.tzinfo is None:
            return bounds[2] <= moment < bounds[3]
        return bounds[0] <= moment < bounds[1]

    def day_bounds(self, days: int) -> tuple[datetime, datetime, datetime, datetime]:
        """(start of today - ``days``, start of tomorrow) in UTC, aware then naive: a
        datetime is within ``days`` when it falls in [start, tomorrow). For loops that
        inline within_dt."""
        bounds = self._bounds.get(days)
        if bounds is None:
            bounds = _day_bounds(self.today_ord, days)
            self._bounds[days] = bounds
        return bounds

    def missing(self, *logical_names: str) -> bool:
        """True when the org does not provide any of these logical fields."""
        unavailable = self.unavailable
        return bool(unavailable) and any(n in unavailable for n in logical_names)

    @property
    def current_acv(self) -> float:
        arr = self.snapshot.arr
        return arr if arr is not None else self.owned_line_acv

    def last_logged(self, signal_type: str) -> date | None:
        """When the service last logged this signal type (from its signal_log Tasks)."""
        if self.logged is None:
            logged: dict[str, date] = {}
            for signal in self.prior_signals():
                seen = logged.get(signal.type)
                if seen is None or signal.observed_on > seen:
                    logged[signal.type] = signal.observed_on
            self.logged = logged
        return self.logged.get(signal_type)

    def prior_signals(self) -> tuple[PriorSignal, ...]:
        """Earlier signals, read back from the service's own signal_log Tasks."""
        found = []
        for task in self.signal_logs:
            if task.kind != "Task" or is_blank(task.signal_type):
                continue
            if task.activity_date is not None:
                observed = task.activity_date
            elif task.created_date is not None:
                observed = utc_date(task.created_date)
            else:
                continue
            found.append(
                PriorSignal(
                    type=task.signal_type.strip(),
                    observed_on=observed,
                    clear_pattern=(task.signal_strength or "") in ("Strong", "Moderate"),
                )
            )
        return tuple(found)


def contact_is_departed(contact: Contact) -> bool:
    """Left the company (Left_Company__c) or email bounced (EmailBouncedDate)."""
    return contact.left_company or contact.email_bounced_date is not None


def contact_is_active(contact: Contact, facts: ScanFacts) -> bool:
    """signal-rules.md active contact: not departed, touched within the active window."""
    return contact.id in active_contact_ids(facts)


def active_contact_ids(facts: ScanFacts) -> frozenset[str]:
    """Ids of the active contacts: not left, no bounced email, and LastActivityDate or a
    person's Task/Event (WhoId) within the active window (cached on the facts)."""
    if facts.active_ids is None:
        days = facts.config.active_contact_days
        today = facts.today_ord
        who = facts.who_min_age
        active = set()
        for contact in facts.snapshot.contacts:
            if contact.left_company or contact.email_bounced_date is not None:
                continue
            last = contact.last_activity_date
            if last is not None and 0 <= today - last.toordinal() <= days:
                active.add(contact.id)
                continue
            age = who.get(contact.id)
            if age is not None and age <= days:
                active.add(contact.id)
        facts.active_ids = frozenset(active)
    return facts.active_ids
