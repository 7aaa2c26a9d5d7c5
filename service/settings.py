"""Settings built once from the environment and passed down (never read at import time).

The names are the configuration contract of DESIGN.md.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from plays.config import PlaysConfig

AUTH_MODES = ("jwt", "client_credentials", "password", "session")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable and the fix."""


REDIS_URL_MISSING = (
    "REDIS_URL is not set — set it to the Redis this service should use (e.g. "
    "REDIS_URL=redis://127.0.0.1:6379/0 for a local one); there is no default, so nothing "
    "writes into a Redis by accident"
)


def _csv(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _choice(env: Mapping[str, str], name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = (env.get(name) or default).strip().lower()
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return value


def _float(env: Mapping[str, str], name: str, default: float, lo: float, hi: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number, got {raw!r} — e.g. {name}={default:g}") \
            from exc
    if not lo <= value <= hi:
        raise SettingsError(f"{name} must be between {lo:g} and {hi:g}, got {value:g} — e.g. "
                            f"{name}={default:g}")
    return value


def _int(env: Mapping[str, str], name: str, default: int, lo: int, hi: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from exc
    if not lo <= value <= hi:
        raise SettingsError(f"{name} must be between {lo} and {hi}, got {value}")
    return value


@dataclass(frozen=True)
class SalesforceSettings:
    """How to reach and authenticate against one Salesforce org."""

    login_url: str = "https://login.salesforce.com"
    instance_url: str | None = None
    auth: str = "jwt"
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    private_key_file: str | None = None
    session_id: str | None = field(default=None, repr=False)
    api_version: str = "59.0"
    ca_bundle: str | None = None
    jwt_audience: str | None = None

    @property
    def audience(self) -> str:
        """The JWT bearer assertion's ``aud``: Salesforce accepts only https://login.salesforce.com,
        https://test.salesforce.com or an Experience Cloud site URL there, even when the token
        is requested from a My Domain (Salesforce Help, "OAuth 2.0 JWT Bearer Flow for
        Server-to-Server Integration"). SALESFORCE_JWT_AUDIENCE overrides the guess."""
        if self.jwt_audience:
            return self.jwt_audience.rstrip("/")
        host = urlsplit(self.login_url).hostname or ""
        if host.endswith(".sandbox.my.salesforce.com"):
            return "https://test.salesforce.com"
        if host.endswith(".my.salesforce.com"):
            return "https://login.salesforce.com"
        return self.login_url.rstrip("/")

    def __post_init__(self) -> None:
        if self.auth not in AUTH_MODES:
            raise SettingsError(
                f"SALESFORCE_AUTH must be one of {', '.join(AUTH_MODES)}, got {self.auth!r} "
                "— set it to the OAuth flow of your connected app (jwt for production)"
            )
        parts = urlsplit(self.login_url)
        if parts.scheme != "https" or not parts.hostname:
            raise SettingsError(
                f"SALESFORCE_LOGIN_URL must be an https:// URL, got {self.login_url!r} — use "
                "https://login.salesforce.com, https://test.salesforce.com or your My Domain"
            )
        if parts.path.strip("/") or parts.query or parts.fragment:
            raise SettingsError(
                f"SALESFORCE_LOGIN_URL must be the bare host, got {self.login_url!r} — drop "
                f"the path: SALESFORCE_LOGIN_URL=https://{parts.netloc}"
            )


@dataclass(frozen=True)
class Settings:
    """Everything the service needs, from the environment."""

    redis_url: str | None = None
    salesforce: SalesforceSettings = field(default_factory=SalesforceSettings)
    api_budget_percent: float = 10.0
    webhook_secrets: tuple[str, ...] = field(default=(), repr=False)
    allowed_org_ids: tuple[str, ...] = ()
    admin_token: str | None = field(default=None, repr=False)
    outbound_path_token: str | None = field(default=None, repr=False)
    org_key: str = "default"
    handoff_mode: str = "review"  # RADAR_HANDOFF_MODE: review | confirm_first
    digest_cadence: str = "daily"  # RADAR_DIGEST_CADENCE: daily | weekly
    escalation_user_id: str | None = None  # RADAR_ESCALATION_USER_ID: when no ManagerId

    def plays(self) -> PlaysConfig:
        """The plays' settings this org runs with (defaults for everything not configured)."""
        return PlaysConfig(handoff_mode=self.handoff_mode, digest_cadence=self.digest_cadence)
    # How many reverse proxies in front of the web service append to X-Forwarded-For /
    # set X-Forwarded-Proto; 0 trusts no header (the socket's peer is the client).
    trusted_proxy_hops: int = 0
    # Strict-Transport-Security max-age sent on https responses; 0 sends none.
    hsts_seconds: int = 31_536_000

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``env`` (default ``os.environ``).

        Raises:
            SettingsError: a variable is present but malformed.
        """
        env = os.environ if env is None else env
        sf = SalesforceSettings(
            login_url=env.get("SALESFORCE_LOGIN_URL") or "https://login.salesforce.com",
            instance_url=env.get("SALESFORCE_INSTANCE_URL") or None,
            auth=env.get("SALESFORCE_AUTH") or "jwt",
            client_id=env.get("SALESFORCE_CLIENT_ID") or None,
            client_secret=env.get("SALESFORCE_CLIENT_SECRET") or None,
            username=env.get("SALESFORCE_USERNAME") or None,
            password=env.get("SALESFORCE_PASSWORD") or None,
            private_key_file=env.get("SALESFORCE_PRIVATE_KEY_FILE") or None,
            session_id=env.get("SALESFORCE_SESSION_ID") or None,
            api_version=env.get("SALESFORCE_API_VERSION") or "59.0",
            ca_bundle=env.get("SALESFORCE_CA_BUNDLE") or None,
            jwt_audience=env.get("SALESFORCE_JWT_AUDIENCE") or None,
        )
        return cls(
            redis_url=env.get("REDIS_URL") or None,
            salesforce=sf,
            api_budget_percent=_float(env, "RADAR_API_BUDGET_PERCENT", 10.0, 0.1, 100.0),
            webhook_secrets=_csv(env.get("RADAR_WEBHOOK_SECRETS")),
            allowed_org_ids=_csv(env.get("RADAR_ALLOWED_ORG_IDS")),
            admin_token=env.get("RADAR_ADMIN_TOKEN") or None,
            outbound_path_token=env.get("RADAR_OUTBOUND_TOKEN") or None,
            org_key=env.get("RADAR_ORG_KEY") or "default",
            handoff_mode=_choice(env, "RADAR_HANDOFF_MODE", "review", ("review", "confirm_first")),
            digest_cadence=_choice(env, "RADAR_DIGEST_CADENCE", "daily", ("daily", "weekly")),
            escalation_user_id=env.get("RADAR_ESCALATION_USER_ID") or None,
            trusted_proxy_hops=_int(env, "RADAR_TRUSTED_PROXY_HOPS", 0, 0, 5),
            hsts_seconds=_int(env, "RADAR_HSTS_SECONDS", 31_536_000, 0, 63_072_000),
        )

    def require_redis_url(self) -> str:
        """``REDIS_URL``; there is no default, so nothing writes into a Redis by accident.

        Raises:
            SettingsError: REDIS_URL is not set.
        """
        if not self.redis_url:
            raise SettingsError(REDIS_URL_MISSING)
        return self.redis_url
