"""schemathesis (every check) against the served /api/openapi.json of the real app: no 5xx,
responses as documented, invalid input refused, auth enforced.

The app runs with real Redis; the org checks read the describe of an org holding exactly
the exported metadata (the admin tests' fixture), and sample accounts come from
tests/crm_mapping/records.py, so validation and activation run their full paths.
The failure throttle's limit is raised: schemathesis sends wrong tokens on purpose
(``ignored_auth``), and locking itself out would turn every later answer into 429.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from crm_mapping.document import FieldMapping
from field_specs.sfdx import export_metadata
from integration.contracts import AccountBundle, OrgData
from service.app import create_app
from service.settings import Settings
from service.throttle import EXTENSION_KEY, FailureThrottle
from tests.admin.browsing import serving
from tests.crm_mapping import records as R
from tests.crm_mapping.describe_fixture import describes_from_export

TOKEN = "fuzz-admin-token-61a0c3"
MAX_EXAMPLES = 12  # per operation and phase: ~1,000 requests, about half a minute
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CONFIG = Path(__file__).with_name("schemathesis.toml")


def _samples(mapping: FieldMapping, limit: int) -> tuple[list[AccountBundle], OrgData]:
    return [R.bundle(R.account_record()) for _ in range(limit)], R.org_data()


@pytest.fixture
def org_describe(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Any]:
    """Describe JSON of an org holding exactly the exported metadata."""
    describes = describes_from_export(export_metadata(tmp_path_factory.mktemp("metadata")))
    return lambda names: {name: describes.get(name) for name in names}


@pytest.fixture
def served(redis_conn: redis.Redis, redis_url: str,
           org_describe: Callable[..., Any]) -> Iterator[str]:
    settings = Settings.from_env({"REDIS_URL": redis_url, "RADAR_ADMIN_TOKEN": TOKEN,
                                  "RADAR_WEBHOOK_SECRETS": "s1"})
    app = create_app(settings, redis_client=redis_conn, salesforce_probe=lambda: True,
                     mapping_providers=(org_describe, _samples))
    app.extensions[EXTENSION_KEY] = FailureThrottle(redis_conn, settings.org_key,
                                                    limit=1_000_000)
    with serving(app) as url:
        yield url


def test_given_the_served_openapi_when_schemathesis_runs_every_check_then_no_failures(
        served: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [str(SCHEMATHESIS), "--config-file", str(CONFIG), "run", f"{served}/api/openapi.json", "--checks", "all",
         "--max-examples", str(MAX_EXAMPLES), "--seed", "19", "--workers", "1",
         "--header", f"Authorization: Bearer {TOKEN}", "--no-color",
         "--generation-database", "none", "--request-timeout", "20",
         "--phases", "examples,coverage,fuzzing,stateful", "--suppress-health-check", "all",
         "--max-failures", "20"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    counts = re.search(r"(\d+) generated, (\d+) passed", done.stdout)
    assert counts, done.stdout[-3000:]
    assert int(counts[1]) == int(counts[2]) >= 100, counts[0]
