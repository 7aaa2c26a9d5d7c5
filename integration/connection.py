"""Authentication against ``SALESFORCE_LOGIN_URL`` and the simple-salesforce client.

simple-salesforce's own login flows always call ``https://{domain}.salesforce.com``, so we
run the OAuth flows ourselves (JWT bearer, client credentials, password) against the
configured login URL and build the client in session mode over our ``requests.Session``
(CA bundle, default timeouts, response hooks for the API budget).

References: "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration" (assertion with
iss = consumer key, sub = username, aud = login URL, exp within 3 minutes, RS256),
"OAuth 2.0 Client Credentials Flow" (HTTP Basic client authentication), "OAuth 2.0
Username-Password Flow" — Salesforce Help, Connected Apps.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jwt
import requests
from simple_salesforce import Salesforce

from integration.errors import ADMIN_HINTS, Action, AuthenticationFailed, classify_response
from integration.token_cache import SharedTokenCache, Token
from service.settings import SalesforceSettings

TOKEN_PATH = "/services/oauth2/token"  # noqa: S105 - a URL path, not a secret
DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 120.0)  # (connect, read) seconds
JWT_LIFETIME_SECONDS = 180  # Salesforce accepts exp at most 3 minutes ahead


class TimeoutSession(requests.Session):
    """A ``requests.Session`` that puts a timeout on every request that has none.

    simple-salesforce passes no timeout of its own; a request without one can hang a
    worker forever on a half-open connection.
    """

    def __init__(self, timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
                 ca_bundle: str | None = None) -> None:
        super().__init__()
        self.default_timeout = timeout
        # Never verify=False: the emulator's certificate is trusted through its CA bundle.
        self.verify = ca_bundle if ca_bundle else True
        self.request_count = 0  # every HTTP request sent through this session

    def request(self, method: str | bytes, url: str | bytes, *args: Any,  # type: ignore[override]
                **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.default_timeout)
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override Session.verify
        # (psf/requests#3829); passing verify per request keeps our CA bundle in force.
        if kwargs.get("verify") is None:
            kwargs["verify"] = self.verify
        self.request_count += 1
        return super().request(method, url, *args, **kwargs)


def _post_token(session: requests.Session, login_url: str, data: dict[str, str],
                auth: tuple[str, str] | None = None) -> Token:
    response = session.post(login_url.rstrip("/") + TOKEN_PATH, data=data, auth=auth,
                            headers={"Accept": "application/json"})
    if response.status_code != 200:
        verdict = classify_response(response)
        if verdict.action is Action.RETRY:  # 503 / 429 at the token endpoint: transient
            raise requests.HTTPError(f"token endpoint answered {response.status_code}",
                                     response=response)
        if response.status_code == 404:
            # The token endpoint is at the login host's root: a path in the login URL (or a
            # host that is not a Salesforce login server) answers 404 here.
            raise AuthenticationFailed(
                "LOGIN_URL_NOT_FOUND",
                f"{login_url.rstrip('/')}{TOKEN_PATH} does not exist — set SALESFORCE_LOGIN_URL "
                "to the login host alone (https://login.salesforce.com, "
                "https://test.salesforce.com or your My Domain)", 404)
        code = verdict.code
        # classify() already appended the hint of a known code; add the generic one otherwise.
        message = verdict.message if code in ADMIN_HINTS else (
            f"{verdict.message or 'login refused'} — check the SALESFORCE_* credentials")
        raise AuthenticationFailed(code or f"HTTP_{response.status_code}", message,
                                   response.status_code)
    body = response.json()
    try:
        identity = str(body.get("id") or "")
        return Token(access_token=body["access_token"], instance_url=body["instance_url"],
                     user_id=identity.rstrip("/").rpartition("/")[2] or None)
    except KeyError as exc:
        raise AuthenticationFailed("BAD_TOKEN_RESPONSE",
                                   f"token response lacks {exc.args[0]}") from exc


def _require(settings: SalesforceSettings, *names: str) -> None:
    missing = [n for n in names if not getattr(settings, n)]
    if missing:
        env = ", ".join("SALESFORCE_" + n.upper() for n in missing)
        raise AuthenticationFailed("MISSING_SETTING",
                                   f"SALESFORCE_AUTH={settings.auth} needs {env} — set "
                                   f"{'it' if len(missing) == 1 else 'them'} "
                                   "(docs/configuration.md)")


def jwt_assertion(settings: SalesforceSettings, now: float | None = None) -> str:
    """The signed RS256 assertion of the JWT bearer flow."""
    _require(settings, "client_id", "username", "private_key_file")
    issued = time.time() if now is None else now
    try:
        with open(settings.private_key_file, "rb") as handle:  # type: ignore[arg-type]
            key = handle.read()
    except OSError as exc:
        raise AuthenticationFailed(
            "MISSING_SETTING", f"SALESFORCE_PRIVATE_KEY_FILE {settings.private_key_file} cannot "
            f"be read ({exc.strerror}) — point it at the connected app's private key (PEM)"
        ) from exc
    claims = {
        "iss": settings.client_id,
        "sub": settings.username,
        "aud": settings.audience,
        "exp": int(issued) + JWT_LIFETIME_SECONDS,
    }
    return jwt.encode(claims, key, algorithm="RS256")


def authenticate(settings: SalesforceSettings, session: requests.Session) -> Token:
    """Run the configured OAuth flow once and return the token.

    Raises:
        AuthenticationFailed: missing settings or the login URL refused the grant.
    """
    mode = settings.auth
    if mode == "session":
        _require(settings, "session_id", "instance_url")
        return Token(access_token=settings.session_id or "",
                     instance_url=settings.instance_url or "")
    if mode == "jwt":
        data = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                "assertion": jwt_assertion(settings)}
        return _post_token(session, settings.login_url, data)
    if mode == "client_credentials":
        _require(settings, "client_id", "client_secret")
        return _post_token(session, settings.login_url, {"grant_type": "client_credentials"},
                           auth=(settings.client_id or "", settings.client_secret or ""))
    _require(settings, "client_id", "username", "password")
    data = {"grant_type": "password", "client_id": settings.client_id or "",
            "username": settings.username or "", "password": settings.password or ""}
    if settings.client_secret:
        data["client_secret"] = settings.client_secret
    return _post_token(session, settings.login_url, data)


class Connection:
    """The authenticated simple-salesforce client and the way to renew it.

    Args:
        settings: how to reach the org.
        session: the HTTP session (built with ``make_session`` when None).
        on_auth: called once per token request (the gateway counts it as an ``auth`` call).
        token_cache: the org's token shared across processes (None: one login per
            Connection).
    """

    def __init__(self, settings: SalesforceSettings, session: requests.Session | None = None,
                 on_auth: Callable[[], None] | None = None,
                 token_cache: SharedTokenCache | None = None) -> None:
        self.settings = settings
        self.session = session or make_session(settings)
        self._on_auth = on_auth or (lambda: None)
        self.token_cache = token_cache
        self._client: Salesforce | None = None
        self._token: Token | None = None
        self._refused: Token | None = None
        self.instance_url: str | None = None
        self.user_id: str | None = None  # the integration user (from the token's identity URL)

    @property
    def can_reauthenticate(self) -> bool:
        """A given session id cannot be renewed by us."""
        return self.settings.auth != "session"

    @property
    def client(self) -> Salesforce:
        if self._client is None:
            self.authenticate()
        assert self._client is not None
        return self._client

    def _login(self) -> Token:
        if self.settings.auth != "session":
            self._on_auth()
        return authenticate(self.settings, self.session)

    def invalidate(self) -> None:
        """The org refused the current token: never use it again (nor let other processes)."""
        if self._token is not None:
            self._refused = self._token
            if self.token_cache is not None:
                self.token_cache.drop(self._token)
        self._client = None

    def authenticate(self) -> Salesforce:
        """Get a token (the shared one, else a login) and rebuild the client in session mode."""
        if self.token_cache is not None and self.settings.auth != "session":
            token = self.token_cache.fetch(self._login, refused=self._refused)
        else:
            token = self._login()
        self._token, self._refused = token, None
        self.instance_url = token.instance_url.rstrip("/")
        self.user_id = token.user_id or self.user_id
        self._client = Salesforce(
            session_id=token.access_token,
            instance_url=self.instance_url,
            version=self.settings.api_version,
            session=self.session,
        )
        return self._client


def make_session(settings: SalesforceSettings,
                 timeout: float | tuple[float, float] = DEFAULT_TIMEOUT) -> TimeoutSession:
    """A session trusting ``SALESFORCE_CA_BUNDLE`` (or the system store) with timeouts."""
    return TimeoutSession(timeout=timeout, ca_bundle=settings.ca_bundle)
