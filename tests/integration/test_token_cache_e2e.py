"""One OAuth token per org, shared through a real Redis by every gateway (every worker)."""

from __future__ import annotations

from integration.errors import RetryPolicy, no_sleep
from integration.gateway import SalesforceGateway
from integration.token_cache import SharedTokenCache
from service.settings import Settings


def _gateway(emu, conn) -> SalesforceGateway:
    settings = Settings.from_env({**emu.env, "RADAR_API_BUDGET_PERCENT": "100"})
    cache = SharedTokenCache(conn, "radar:acme:oauth:token")
    return SalesforceGateway.from_settings(settings, sleep=no_sleep, token_cache=cache,
                                           policy=RetryPolicy(max_attempts=3, base_delay=0.01))


def test_given_many_gateways_when_calling_then_one_login_shared(emu, redis_conn) -> None:
    gateways = [_gateway(emu, redis_conn) for _ in range(5)]
    for gateway in gateways:
        assert gateway.count("SELECT COUNT() FROM Account") >= 0
    assert sum(g.ledger.counts["auth"] for g in gateways) == 1
    assert len({g.connection.client.session_id for g in gateways}) == 1


def test_given_token_refused_when_called_then_replaced_once_and_replayed_for_all(
        emu, redis_conn) -> None:
    first, second = _gateway(emu, redis_conn), _gateway(emu, redis_conn)
    first.count("SELECT COUNT() FROM Account")
    second.count("SELECT COUNT() FROM Account")
    old = first.connection.client.session_id
    assert emu.expire_sessions() >= 1
    assert first.count("SELECT COUNT() FROM Account") >= 0  # 401, one login, replayed
    # the refused attempt and its replay are both in the ledger
    assert first.ledger.counts["auth"] == 2 and first.ledger.counts["count"] == 3
    new = first.connection.client.session_id
    assert new != old
    # The other worker's token is refused too: it picks the replacement, no login of its own.
    assert second.count("SELECT COUNT() FROM Account") >= 0
    assert second.ledger.counts["auth"] == 0  # never logged in: first's token, then its successor
    assert second.connection.client.session_id == new


def test_given_no_cache_when_two_gateways_then_two_logins(emu) -> None:
    settings = Settings.from_env({**emu.env, "RADAR_API_BUDGET_PERCENT": "100"})
    gateways = [SalesforceGateway.from_settings(settings, sleep=no_sleep) for _ in range(2)]
    for gateway in gateways:
        gateway.count("SELECT COUNT() FROM Account")
    assert sum(g.ledger.counts["auth"] for g in gateways) == 2
