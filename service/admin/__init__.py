"""Admin and dashboard pages: token login, funnel and portfolio dashboard, sync status,
mapping editor, signal digest. Server-rendered; no JavaScript.

Wire it from the app factory::

    from service.admin import init_admin, redis_sources
    init_admin(app, redis_sources(app.extensions["radar.redis"], settings,
                                  describe_provider=...), settings)
"""

from __future__ import annotations

from collections.abc import Iterable

import redis
from flask import Flask

from crm_mapping.store import MappingStore
from service.admin.auth import configure_sessions
from service.admin.mapping_source import DescribeProvider, StoreMappingSource
from service.admin.sources import RedisInsightsSource, RedisStatusSource
from service.admin.state import EXTENSION_KEY, AdminSources, AdminState
from service.admin.views import create_blueprint
from service.settings import Settings

__all__ = ["AdminSources", "init_admin", "redis_sources"]


def redis_sources(conn: redis.Redis, settings: Settings, *,
                  describe_provider: DescribeProvider | None = None,
                  queue_names: Iterable[str] | None = None) -> AdminSources:
    """The Redis-backed sources of the org ``settings.org_key``.

    Args:
        conn: a Redis client with bytes responses (RQ needs them), e.g. the app's.
        settings: the service settings (``org_key``).
        describe_provider: object names -> describe JSON, for the mapping editor's org
            check (the same callable the mapping API gets); None checks documents only.
        queue_names: RQ queues to show; default ``workers.queues.ALL_QUEUES``.
    """
    org = settings.org_key
    return AdminSources(
        mapping=StoreMappingSource(lambda: MappingStore(conn, org), describe_provider),
        status=RedisStatusSource(conn, org, queue_names),
        insights=RedisInsightsSource(conn, org),
    )


def init_admin(app: Flask, sources: AdminSources, settings: Settings | None = None, *,
               redis_client: redis.Redis | None = None) -> None:
    """Register the admin pages on ``app``.

    Args:
        app: the Flask app.
        sources: where the pages read from (``redis_sources(...)`` in the service).
        settings: for ``admin_token``; default ``app.config["RADAR_SETTINGS"]``. With no
            token configured the login refuses everyone.

        redis_client: where sessions are kept; default the app's ``radar.redis``, else a
            client for ``settings.redis_url``.

    Keeps admin sessions in Redis and makes the session cookie HttpOnly, SameSite=Lax, path
    /admin, Secure over https (behind a TLS proxy, set RADAR_TRUSTED_PROXY_HOPS so
    ``request.is_secure`` is true).

    Calling it again on the same app swaps the sources (tests point a wired app at
    their own); the blueprint is registered once.
    """
    settings = settings if settings is not None else app.config["RADAR_SETTINGS"]
    app.extensions[EXTENSION_KEY] = AdminState(sources=sources, admin_token=settings.admin_token)
    if "admin" in app.blueprints:
        return
    conn = redis_client or app.extensions.get("radar.redis") or \
        redis.Redis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=5)
    configure_sessions(app, settings.admin_token, conn, settings.org_key)
    app.register_blueprint(create_blueprint())
