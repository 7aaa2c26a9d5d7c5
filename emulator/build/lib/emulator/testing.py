"""Test helper for every area: a running emulator in a background thread.

    with running_emulator(tmp_path) as emu:
        sf = emu.salesforce()                  # simple-salesforce in session mode, CA trusted
        emu.store.insert("Account", {"Name": "Acme"})   # seed directly
        emu.set_faults(rate=0.2, seed=7); emu.advance_clock(days=30); emu.stats()
        settings = Settings.from_env(emu.env)   # SALESFORCE_* of the emulator (auth: password)

Options are the fields of emulator.org.EmulatorOptions (``metadata=None`` for an org
without the product's metadata, ``api_limit``, ``session_ttl``, ``fault_rate``...).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from simple_salesforce import Salesforce

from emulator.envfile import build_env
from emulator.org import EmulatorOptions, Org
from emulator.server import EmulatorServer
from emulator.store import Store

TIMEOUT = 30


@dataclass
class EmulatorHandle:
    """A running emulator and the ways to use and steer it."""

    server: EmulatorServer
    env: dict[str, str]

    @property
    def org(self) -> Org:
        """The emulated org's runtime (schema, store, clock, sessions...)."""
        return self.server.org

    @property
    def store(self) -> Store:
        """Direct access to the records, for seeding and inspection."""
        return self.server.org.store

    @property
    def instance_url(self) -> str:
        """https://127.0.0.1:PORT."""
        return self.server.instance_url

    @property
    def login_url(self) -> str:
        """Where the OAuth token endpoint and SOAP login live (same server)."""
        return self.server.instance_url

    @property
    def ca_path(self) -> str:
        """The CA bundle that verifies the emulator's certificate."""
        return self.env["SALESFORCE_CA_BUNDLE"]

    @property
    def api_version(self) -> str:
        """The default API version (59.0)."""
        return self.env["SALESFORCE_API_VERSION"]

    def http(self) -> requests.Session:
        """A requests session that trusts the emulator's CA."""
        session = requests.Session()
        session.verify = self.ca_path
        # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override Session.verify
        # (psf/requests#3829); ignoring the environment keeps the emulator's CA in force.
        session.trust_env = False
        return session

    def login(self) -> str:
        """An access token from the password grant (the default auth of ``env``)."""
        response = self.http().post(f"{self.login_url}/services/oauth2/token", timeout=TIMEOUT, data={
            "grant_type": "password", "client_id": self.env["SALESFORCE_CLIENT_ID"],
            "client_secret": self.env["SALESFORCE_CLIENT_SECRET"], "username": self.env["SALESFORCE_USERNAME"],
            "password": self.env["SALESFORCE_PASSWORD"]})
        response.raise_for_status()
        return response.json()["access_token"]

    def salesforce(self, session_id: str | None = None) -> Salesforce:
        """A simple-salesforce client in session mode against this emulator."""
        return Salesforce(session_id=session_id or self.login(), instance_url=self.instance_url,
                          session=self.http(), version=self.api_version)

    # -- control ------------------------------------------------------------------------------
    def control(self, path: str, method: str = "POST", **body: Any) -> Any:
        """Call a control endpoint (``faults``, ``clock``, ``stats``, ``limits``...)."""
        response = self.http().request(method, f"{self.instance_url}/__emulator/{path}", json=body or None,
                                       timeout=TIMEOUT, headers={
                                           "Authorization": f"Bearer {self.org.credentials.control_token}"})
        response.raise_for_status()
        return response.json()

    def set_faults(self, rate: float | None = None, latency_ms: int | None = None,
                   expire_every: int | None = None, seed: int | None = None) -> dict[str, Any]:
        """Change fault injection (a new seed restarts the decision sequence)."""
        body = {k: v for k, v in {"rate": rate, "latency_ms": latency_ms, "expire_every": expire_every,
                                  "seed": seed}.items() if v is not None}
        return self.control("faults", **body)

    def advance_clock(self, days: float = 0, seconds: float = 0) -> str:
        """Move the emulator's clock forward; returns the new now."""
        return self.control("clock", advance_days=days, advance_seconds=seconds)["now"]

    def stats(self) -> dict[str, Any]:
        """API usage, call counts by kind, faults injected, trigger deliveries."""
        return self.control("stats", method="GET")

    def set_api_usage(self, used: int | None = None, maximum: int | None = None) -> dict[str, Any]:
        """Set the daily API counter (e.g. near the limit)."""
        return self.control("limits", **{k: v for k, v in {"used": used, "max": maximum}.items() if v is not None})

    def expire_sessions(self) -> int:
        """End every session now."""
        return self.control("sessions/expire")["expired"]

    def add_trigger(self, rule: dict[str, Any]) -> dict[str, Any]:
        """Add a trigger rule (see emulator.triggers)."""
        return self.control("triggers", **rule)


@contextmanager
def running_emulator(tmp_path: Path, **options: Any) -> Iterator[EmulatorHandle]:
    """Start an emulator on a free port with its state under ``tmp_path``; stop it after."""
    state_dir = Path(options.pop("state_dir", tmp_path / "emulator"))
    auth = options.pop("auth", "password")
    server = EmulatorServer(EmulatorOptions(state_dir=state_dir, **options)).start()
    try:
        yield EmulatorHandle(server, build_env(server.org, auth))
    finally:
        server.stop()
