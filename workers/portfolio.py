"""Portfolio-wide state kept between scans in Redis: the comparable-customer benchmark, the
departed-champion index, each account's PriorScan, the org data cache and the read cache
of a full scan's first phase.

Everything is stored pickled and zlib-compressed under ``radar:{org_key}:...``; nothing
here is authoritative — losing it costs one extra full scan, never a wrong write (the
writes' guards and keys live in Salesforce itself).
"""

from __future__ import annotations

import pickle  # noqa: S403 - our own data, written and read by this service only
import zlib
from collections.abc import Iterable, Sequence
from typing import Any

import redis

from detection.findings import ChampionIndex, PortfolioBenchmark
from detection.snapshot import AccountSnapshot, PriorScan
from integration.contracts import AccountBundle, OrgData

ORG_DATA_TTL = 15 * 60
READ_CACHE_TTL = 3 * 24 * 3600


def _dump(value: Any) -> bytes:
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 3)


def _load(raw: bytes | None) -> Any:
    if raw is None:
        return None
    return pickle.loads(zlib.decompress(raw))  # noqa: S301 - written by this service


class PortfolioStore:
    """Redis-backed portfolio state of one org."""

    def __init__(self, conn: redis.Redis, org_key: str) -> None:
        self.conn = conn
        self.prefix = f"radar:{org_key}"

    # -- benchmark and champion index -----------------------------------------------------

    def save_portfolio(self, benchmark: PortfolioBenchmark, champions: ChampionIndex) -> None:
        pipe = self.conn.pipeline()
        pipe.set(f"{self.prefix}:benchmark", _dump(benchmark))
        pipe.set(f"{self.prefix}:champions", _dump(champions))
        pipe.execute()

    def benchmark(self) -> PortfolioBenchmark | None:
        return _load(self.conn.get(f"{self.prefix}:benchmark"))

    def champions(self) -> ChampionIndex | None:
        return _load(self.conn.get(f"{self.prefix}:champions"))

    # -- prior scans ----------------------------------------------------------------------

    def priors(self, account_ids: Sequence[str]) -> dict[str, PriorScan]:
        if not account_ids:
            return {}
        raw = self.conn.hmget(f"{self.prefix}:prior", list(account_ids))
        return {aid: _load(value) for aid, value in zip(account_ids, raw, strict=True)
                if value is not None}

    def save_priors(self, priors: Iterable[tuple[str, PriorScan]]) -> None:
        mapping = {aid: _dump(prior) for aid, prior in priors}
        if mapping:
            self.conn.hset(f"{self.prefix}:prior", mapping=mapping)

    # -- org data (products, users, organization) -----------------------------------------

    def org_data(self) -> OrgData | None:
        return _load(self.conn.get(f"{self.prefix}:orgdata"))

    def save_org_data(self, org_data: OrgData) -> None:
        self.conn.set(f"{self.prefix}:orgdata", _dump(org_data), ex=ORG_DATA_TTL)

    # -- the full scan's read cache (phase 1 -> phase 2) ----------------------------------

    def cache_bundles(self, run_id: str, bundles: Sequence[AccountBundle]) -> None:
        key = f"{self.prefix}:readcache:{run_id}"
        pipe = self.conn.pipeline()
        pipe.hset(key, mapping={b.account_id: _dump(b) for b in bundles})
        pipe.expire(key, READ_CACHE_TTL)
        pipe.execute()

    def cached_bundles(self, run_id: str, account_ids: Sequence[str]) -> list[AccountBundle]:
        raw = self.conn.hmget(f"{self.prefix}:readcache:{run_id}", list(account_ids))
        return [_load(value) for value in raw if value is not None]

    def cached_count(self, run_id: str) -> int:
        """Accounts of a scan still waiting to be written back."""
        return int(self.conn.hlen(f"{self.prefix}:readcache:{run_id}"))

    def drop_cached(self, run_id: str, account_ids: Sequence[str]) -> None:
        if account_ids:
            self.conn.hdel(f"{self.prefix}:readcache:{run_id}", *account_ids)


def prior_of(snapshot: AccountSnapshot, health_score: float | None, now) -> PriorScan:
    """What the next scan should remember of this one."""
    return PriorScan(
        scanned_at=now,
        health_score=health_score,
        employees=snapshot.employees,
        contact_titles=tuple((c.id, c.title) for c in snapshot.contacts if c.title),
        champion_ids=tuple(c.id for c in snapshot.contacts if c.meddicc_role == "Champion"),
    )
