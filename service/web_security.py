"""What every response of the web service gets, whatever blueprint answered it.

- Client identity behind reverse proxies: werkzeug's ``ProxyFix`` trusts exactly
  ``RADAR_TRUSTED_PROXY_HOPS`` entries of ``X-Forwarded-For`` / ``X-Forwarded-Proto``, so the
  admin login throttle counts the real client (one attacker's lockout is not everyone's)
  and a client cannot spoof its address by sending the header itself when no proxy is
  configured (https://werkzeug.palletsprojects.com/en/stable/middleware/proxy_fix/).
- Hardening headers on every response (``/healthz``, ``/metrics``, webhooks, the API), the
  admin pages keeping their own stricter CSP; HSTS on https responses.
- JSON nested too deeply for the parser is a 400, not a ``RecursionError`` 500.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.middleware.proxy_fix import ProxyFix

from service.settings import Settings

# JSON answers need nothing from a browser: no scripts, no styles, no framing.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, but deep nesting reads as malformed JSON (a ValueError, which
    ``request.get_json`` answers with 400) instead of escaping as ``RecursionError``."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError as exc:
            raise ValueError("JSON is nested too deeply") from exc


def trust_proxies(app: Flask, hops: int) -> None:
    """Wrap the WSGI app in ProxyFix trusting ``hops`` proxies (0: trust no header)."""
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def harden_headers(app: Flask, settings: Settings) -> None:
    """Add the hardening headers to every response; ``setdefault`` keeps a page's own."""
    hsts = f"max-age={settings.hsts_seconds}; includeSubDomains" if settings.hsts_seconds else ""

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Content-Security-Policy", API_CSP)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "no-referrer")
        if hsts and request.is_secure:
            headers.setdefault("Strict-Transport-Security", hsts)
        return response


def init_app(app: Flask, settings: Settings) -> None:
    """Proxy trust, hardening headers and the strict JSON provider for ``app``."""
    app.json = StrictJSONProvider(app)
    trust_proxies(app, settings.trusted_proxy_hops)
    harden_headers(app, settings)
