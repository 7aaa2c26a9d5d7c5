"""Fixtures for the admin pages: sources (fakes and Redis-backed), a logged-in client, and
Debian's Chromium + chromedriver for the browser test (installed here when missing)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from crm_mapping.store import MappingStore
from field_specs.sfdx import export_metadata
from service.admin import AdminSources, init_admin
from service.admin.mapping_source import StoreMappingSource
from service.admin.sources import FailedJob, Insights, QueueDepth, RunRecord
from service.settings import Settings
from tests.crm_mapping.describe_fixture import describes_from_export

ADMIN_TOKEN = "test-admin-token-5f1c9e"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
APT_PACKAGES = ("chromium", "chromium-driver")


@dataclass
class FakeStatus:
    """A StatusSource holding given values; records retries."""

    runs: Sequence[RunRecord] = ()
    queues: Sequence[QueueDepth] = ()
    failed: Sequence[FailedJob] = ()
    retried: list[str] = field(default_factory=list)

    def recent_runs(self, limit: int = 20) -> Sequence[RunRecord]:
        return self.runs[:limit]

    def queue_depths(self) -> Sequence[QueueDepth]:
        return self.queues

    def failed_jobs(self, limit: int = 50) -> Sequence[FailedJob]:
        return self.failed[:limit]

    def retry(self, job_id: str) -> bool:
        known = any(j.job_id == job_id for j in self.failed)
        if known:
            self.retried.append(job_id)
        return known


@dataclass
class FakeInsights:
    value: Insights = field(default_factory=Insights)

    def insights(self) -> Insights:
        return self.value


@pytest.fixture(scope="session")
def describes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Describe JSON of an org holding exactly our exported fields (for the org check)."""
    return describes_from_export(export_metadata(tmp_path_factory.mktemp("metadata")))


@pytest.fixture
def describe_provider(describes: dict[str, dict[str, Any]]) -> Callable[..., Any]:
    return lambda names: {n: describes.get(n) for n in names}


@pytest.fixture
def settings(redis_url: str) -> Settings:
    return Settings(redis_url=redis_url, admin_token=ADMIN_TOKEN)


@pytest.fixture
def mapping_source(redis_conn: redis.Redis,
                   describe_provider: Callable[..., Any]) -> StoreMappingSource:
    return StoreMappingSource(lambda: MappingStore(redis_conn, "default"), describe_provider)


@pytest.fixture
def fake_status() -> FakeStatus:
    return FakeStatus()


@pytest.fixture
def fake_insights() -> FakeInsights:
    return FakeInsights()


@pytest.fixture
def admin_app(settings: Settings, mapping_source: StoreMappingSource, fake_status: FakeStatus,
              fake_insights: FakeInsights) -> Flask:
    """A bare Flask app with only the admin pages (the unit tests' subject)."""
    app = Flask("admin_test")
    app.config["TESTING"] = True
    init_admin(app, AdminSources(mapping_source, fake_status, fake_insights), settings)
    return app


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "page has no CSRF field"
    return found.group(1)


def log_in(client: FlaskClient, token: str = ADMIN_TOKEN) -> Any:
    page = client.get("/admin/login")
    return client.post("/admin/login", data={"csrf_token": csrf_of(page.text), "token": token})


@pytest.fixture
def client(admin_app: Flask) -> FlaskClient:
    """A test client that has logged in."""
    c = admin_app.test_client()
    assert log_in(c).status_code == 302
    return c


def _install_chromium() -> str:
    """apt-get install Debian's chromium + chromium-driver; returns what went wrong, if any."""
    if os.geteuid() != 0:
        return "not running as root, so the test cannot apt-get install it"
    if shutil.which("apt-get") is None:
        return "apt-get is not available on this machine"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update"], env=env, capture_output=True, timeout=600, check=False)
    done = subprocess.run(["apt-get", "install", "-y", *APT_PACKAGES], env=env,
                          capture_output=True, text=True, timeout=1200, check=False)
    return "" if done.returncode == 0 else f"apt-get install failed: {done.stderr[-800:]}"


@pytest.fixture(scope="session")
def chromium() -> tuple[Path, Path]:
    """(chromium, chromedriver); installs them when missing, fails (never skips) otherwise."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        problem = _install_chromium()
        if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
            pytest.fail(f"the browser test needs {CHROMIUM} and {CHROMEDRIVER} "
                        f"(apt-get install -y {' '.join(APT_PACKAGES)}): {problem or 'still missing'}")
    return CHROMIUM, CHROMEDRIVER


@pytest.fixture
def redis_sources_app(redis_conn: redis.Redis, settings: Settings,
                      describe_provider: Callable[..., Any]) -> Iterator[Flask]:
    """The service's real app (create_app) with Redis-backed admin sources."""
    from service.admin import redis_sources
    from service.app import create_app

    app = create_app(settings, redis_client=redis_conn, salesforce_probe=lambda: True)
    init_admin(app, redis_sources(redis_conn, settings, describe_provider=describe_provider),
               settings)
    yield app
