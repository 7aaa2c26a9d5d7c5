"""The Flask app factory (flaskr's shape): settings passed in, subsystems registered by
their own ``init_app``, blueprints imported inside the factory so importing this module
does no work.

gunicorn loads it as ``service.app:create_app()``; with no arguments the settings come
from the environment at that moment, never at import time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

import redis
import requests
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from service.settings import SalesforceSettings, Settings

log = logging.getLogger(__name__)

# Outbound Messages batch up to 100 notifications whose size depends on the fields the
# admin selected (a Task Description alone may be 32,000 characters), so the app-wide
# ceiling is generous; the JSON events endpoint narrows it to 1 MiB, the CDC event limit.
DEFAULT_MAX_CONTENT_LENGTH = 4 * 1024 * 1024
DEFAULT_EVENTS_MAX_BYTES = 1024 * 1024
SALESFORCE_PROBE_TIMEOUT_SECONDS = 2


def default_salesforce_probe(salesforce: SalesforceSettings) -> Callable[[], bool]:
    """A probe that GETs ``{instance}/services/data/`` (the versions list, no auth needed)
    with the configured CA bundle and a 2 s timeout; reachable when it answers below 500."""
    base = (salesforce.instance_url or salesforce.login_url).rstrip("/")
    verify: str | bool = salesforce.ca_bundle or True

    def probe() -> bool:
        response = requests.get(
            f"{base}/services/data/", timeout=SALESFORCE_PROBE_TIMEOUT_SECONDS, verify=verify
        )
        return response.status_code < 500

    return probe


def error_envelope(code: int, message: str,
                   errors: Mapping[str, Any] | Sequence[Any] | None = None) -> Response:
    """The JSON body of every 4xx/5xx: ``{code, status, message, errors}`` (flask-smorest's).

    ``errors`` is an object keyed by location (``json``, ``headers``, ...) as webargs gives
    it, or a list when the problems are a list (one ``{path, message}`` per problem in a
    mapping document); anything else becomes ``{}``.
    """
    try:
        status = HTTPStatus(code).phrase
    except ValueError:
        status = "Error"
    if isinstance(errors, Mapping):
        details: dict[str, Any] | list[Any] = dict(errors)
    elif isinstance(errors, list | tuple):
        details = list(errors)
    else:
        details = {}
    response = jsonify(code=code, status=status, message=message, errors=details)
    response.status_code = code
    return response


def _handle_http_exception(exc: HTTPException) -> Response:
    code = exc.code or 500
    errors = getattr(exc, "errors", None)
    message = exc.description or ""
    data = getattr(exc, "data", None)  # flask-smorest's abort() and webargs put details here
    if isinstance(data, dict):
        errors = errors or data.get("errors") or data.get("messages")
        message = data.get("message") or message
    if _wants_admin_page(code):
        from service.admin.views import html_error_page

        return html_error_page(code, message or "That page does not exist.")
    response = error_envelope(code, message, errors)
    extra = data.get("headers") if isinstance(data, dict) else None  # smorest abort(headers=)
    for name, value in [*exc.get_headers(), *dict(extra or {}).items()]:
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value  # e.g. Allow on a 405, Retry-After on a 429
    return response


def _wants_admin_page(code: int) -> bool:
    """A console page's error, or an unknown ``/admin/...`` URL asked for by a browser, gets
    the console's HTML page;
    API clients (``Accept: application/json`` or ``*/*``) keep the JSON envelope."""
    if request.blueprint == "admin":  # the console's own pages are HTML, errors too
        return True
    if code not in (404, 405) or request.blueprint is not None:
        return False
    if not (request.path == "/admin" or request.path.startswith("/admin/")):
        return False
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"


def _handle_unexpected(exc: Exception) -> Response:
    log.exception("unhandled error")
    return error_envelope(500, "internal error; the details are in the service log")


def _radar_api(app: Flask) -> Any:
    """flask-smorest's Api documenting our envelope: ``errors`` is an object keyed by
    location, or a list of ``{path, message}`` problems (smorest's own schema says object)."""
    from flask_smorest import Api
    from marshmallow import Schema, fields

    class ErrorEnvelopeSchema(Schema):
        code = fields.Integer()
        status = fields.String()
        message = fields.String()
        errors = fields.Raw(metadata={"description": "details by location, or a list of "
                                                     "{path, message} problems"})

    class RadarApi(Api):
        ERROR_SCHEMA = ErrorEnvelopeSchema

    return RadarApi(app)


def create_app(
    settings: Settings | None = None,
    *,
    redis_client: redis.Redis | None = None,
    test_config: Mapping[str, Any] | None = None,
    salesforce_probe: Callable[[], object] | None = None,
    mapping_providers: tuple[Callable[..., Any], Callable[..., Any]] | None = None,
) -> Flask:
    """Build the web app.

    Args:
        settings: service settings; ``Settings.from_env()`` when None.
        redis_client: the Redis to use; by default one is made from ``settings.redis_url``
            (connections open lazily, on first use).
        test_config: Flask config overrides (``TESTING``, ``MAX_CONTENT_LENGTH``,
            ``RADAR_EVENTS_MAX_BYTES``, ``RADAR_CLOCK`` (a ``() -> float`` of unix seconds),
            ``RADAR_COALESCE_SECONDS``).
        salesforce_probe: ``() -> bool`` used by ``/readyz``; truthy means Salesforce is
            reachable, falsy or raising means not. Default: ``default_salesforce_probe``.
        mapping_providers: ``(describe_provider, sample_provider)`` for the mapping API and
            editor's org checks; default: read from Salesforce (``service.providers``).

    Returns:
        The configured Flask app.
    """
    settings = settings if settings is not None else Settings.from_env()
    app = Flask(__name__)
    app.config.from_mapping(
        MAX_CONTENT_LENGTH=DEFAULT_MAX_CONTENT_LENGTH,
        RADAR_EVENTS_MAX_BYTES=DEFAULT_EVENTS_MAX_BYTES,
        RADAR_SETTINGS=settings,
        RADAR_COALESCE_SECONDS=5,
        API_TITLE="Expansion Radar",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
    )
    if test_config:
        app.config.update(test_config)

    app.extensions["radar.redis"] = redis_client or redis.Redis.from_url(
        settings.require_redis_url(), socket_connect_timeout=2, socket_timeout=5, health_check_interval=30
    )
    app.extensions["radar.salesforce_probe"] = salesforce_probe or default_salesforce_probe(
        settings.salesforce
    )

    # flask-smorest's Api, so areas with REST APIs (the admin mapping API) register their
    # smorest blueprints on it: ``app.extensions["radar.api"].register_blueprint(bp)``.
    app.extensions["radar.api"] = _radar_api(app)
    # Registered after Api(app) so these replace smorest's handlers: one envelope for all.
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)

    from service import metrics, web_security
    from webhooks import extension as webhooks

    web_security.init_app(app, settings)
    metrics.init_app(app, settings.org_key)
    webhooks.init_app(app)
    _init_admin(app, settings, mapping_providers)
    return app


def _init_admin(app: Flask, settings: Settings,
                providers: tuple[Callable[..., Any], Callable[..., Any]] | None) -> None:
    """The token-protected admin mapping API (and, below it, the admin pages)."""
    from crm_mapping import api as mapping_api
    from crm_mapping.store import MappingStore
    from service.providers import describe_provider, sample_provider

    describe, sample = providers or (describe_provider(settings), sample_provider(settings))
    conn = app.extensions["radar.redis"]
    app.config["RADAR_ADMIN_TOKEN"] = settings.admin_token
    from service.throttle import EXTENSION_KEY, FailureThrottle

    app.extensions[EXTENSION_KEY] = FailureThrottle(conn, settings.org_key)
    mapping_api.init_app(
        app,
        lambda: MappingStore(conn, settings.org_key),
        describe,
        sample,
        admin_token=settings.admin_token,
        api=app.extensions["radar.api"],
    )
    from service.admin import init_admin, redis_sources

    init_admin(app, redis_sources(conn, settings, describe_provider=describe), settings)
