"""What a job needs to run, built once per worker process from the environment."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import redis

from crm_mapping.document import FieldMapping
from crm_mapping.preflight import PreflightReport, preflight
from crm_mapping.reading import read_spec
from crm_mapping.store import MappingStore
from integration.composite import composite_describes
from integration.contracts import ReadSpec
from integration.diagnosis import Kind, OperatorError
from integration.gateway import SalesforceGateway
from integration.state import RunStore
from integration.token_cache import SharedTokenCache
from service.settings import Settings
from workers.portfolio import PortfolioStore
from workers.queues import connect

log = logging.getLogger(__name__)

# What Salesforce answers for a describe of an object the org does not have (REST API
# Developer Guide, "Status Codes and Error Responses": 404 NOT_FOUND; INVALID_TYPE for an
# object the user cannot see).
MISSING_OBJECT_CODES = frozenset({"NOT_FOUND", "INVALID_TYPE"})

_RUNTIMES: dict[str, Runtime] = {}
_GATEWAYS: list[tuple[str, SalesforceGateway]] = []  # made by the current job (metrics)
DESCRIBE_TTL = 6 * 3600


class PreflightFailed(OperatorError):
    """The org does not match the active mapping; the scan refuses to start (a configuration
    problem: never retried, the admin fixes the mapping or deploys the metadata)."""

    def __init__(self, report: PreflightReport) -> None:
        self.report = report
        super().__init__("the org does not match the active mapping: "
                         + "; ".join(str(p) for p in report.errors)
                         + " — fix it, check with radar mapping check, then sync again",
                         Kind.CONFIGURATION)


@dataclass
class Runtime:
    """Settings, Redis and the stores of one org."""

    settings: Settings
    redis: redis.Redis
    org_key: str
    _describes: dict[str, Any] = field(default_factory=dict)

    @property
    def mappings(self) -> MappingStore:
        return MappingStore(self.redis, self.org_key)

    @property
    def runs(self) -> RunStore:
        return RunStore(self.redis, self.org_key)

    @property
    def portfolio(self) -> PortfolioStore:
        return PortfolioStore(self.redis, self.org_key)

    def gateway(self) -> SalesforceGateway:
        """A fresh gateway (its own call ledger) for one job, sharing the org's token."""
        cache = SharedTokenCache(self.redis, f"radar:{self.org_key}:oauth:token")
        gateway = SalesforceGateway.from_settings(self.settings, token_cache=cache)
        _GATEWAYS.append((self.org_key, gateway))
        return gateway

    def checked_spec(self, gateway: SalesforceGateway,
                     mapping: FieldMapping) -> tuple[ReadSpec, PreflightReport]:
        """The read spec of the active mapping, after preflight against the org's describe.

        Describe results are cached in Redis for a few hours (they change only when an
        admin deploys metadata), so a scan spends describe calls at most a few times a day.

        Raises:
            PreflightFailed: the mapping names fields the org lacks (or similar errors).
        """
        sobjects = sorted({name for name in mapping.objects.values() if name})
        describes = self.describes(gateway, sobjects)
        gateway.prime_describes(describes)
        report = preflight(mapping, describes)
        if not report.ok:
            # The cache may predate the admin's fix (a field deployed since): look again
            # before refusing; this costs describe calls only when the check fails.
            describes = self.describes(gateway, sobjects, fresh=True)
            report = preflight(mapping, describes)
        for warning in report.warnings:
            log.warning("preflight: %s", warning)
        if not report.ok:
            raise PreflightFailed(report)
        return read_spec(mapping, describes), report

    def describes(self, gateway: SalesforceGateway, sobjects: Sequence[str],
                  fresh: bool = False) -> Mapping[str, Any]:
        """Describe JSON per object (None: the org has no such object), cached in Redis;
        the ones not cached are fetched together, 25 to a composite call (one call for the
        product's 19 objects).

        Raises:
            SalesforceFailure: the org could not be reached, refused the login or the
                permission — anything but "no such object".
        """
        result: dict[str, Any] = {}
        missing = []
        for sobject in sobjects:
            cached = None if fresh else self.redis.get(f"radar:{self.org_key}:describe:{sobject}")
            if cached is None:
                missing.append(sobject)
            else:
                result[sobject] = json.loads(cached)
        if missing:
            # Only the org's own "no such object" is preflight's finding (None); an
            # unreachable org, a refused login or a missing permission raises.
            fetched = composite_describes(gateway, missing, MISSING_OBJECT_CODES)
            for sobject in missing:
                described = fetched.get(sobject)
                if described is None:
                    log.info("describe %s: the org has no such object", sobject)
                result[sobject] = described
                self.redis.set(f"radar:{self.org_key}:describe:{sobject}",
                               json.dumps(described), ex=DESCRIBE_TTL)
        return result


def runtime(org_key: str | None = None, settings: Settings | None = None) -> Runtime:
    """The process-wide runtime of ``org_key`` (settings from the environment)."""
    settings = settings or Settings.from_env()
    key = org_key or settings.org_key
    cached = _RUNTIMES.get(key)
    if cached is None:
        cached = Runtime(settings=settings, redis=connect(settings.require_redis_url()), org_key=key)
        _RUNTIMES[key] = cached
    return cached


def drain_call_counts() -> dict[tuple[str, str], int]:
    """API calls spent by the gateways made since the last drain, by (org, kind)."""
    counts: dict[tuple[str, str], int] = {}
    for org_key, gateway in _GATEWAYS:
        for kind, n in gateway.ledger.as_dict().items():
            counts[(org_key, kind)] = counts.get((org_key, kind), 0) + n
    _GATEWAYS.clear()
    return counts


def reset_runtimes() -> None:
    """Forget cached runtimes (tests that change the environment)."""
    _RUNTIMES.clear()
