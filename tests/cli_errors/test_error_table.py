"""Acceptance (issue 18): every ordinary mistake an operator makes ends `radar` with the
documented exit code (1 failure, 2 usage/configuration, 3 unreachable dependency), one line
that names what to fix, and no traceback. Each case is a real `radar` subprocess against a
real Redis and the emulator over HTTPS."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import redis

from emulator.testing import running_emulator
from service.admin.sources import RedisStatusSource
from service.redis_server import free_port
from tests.cli_errors.harness import Outcome, base_env, run_radar

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class World:
    redis_url: str
    org_env: dict[str, str]

    def org(self, **changes: str) -> dict[str, str]:
        """The emulator's settings with Redis, changed as a case says ("" removes)."""
        env = base_env(**self.org_env, REDIS_URL=self.redis_url)
        for key, value in changes.items():
            if value:
                env[key] = value
            else:
                env.pop(key, None)
        return env


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    env: Callable[[World], dict[str, str]]
    code: int
    fix: str  # what the one line must name


def _dead_redis(world: World) -> dict[str, str]:
    return world.org(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")


def _closed_org(world: World) -> dict[str, str]:
    url = f"https://127.0.0.1:{free_port()}"
    return world.org(SALESFORCE_LOGIN_URL=url, SALESFORCE_INSTANCE_URL=url)


REDIS_DOWN = "point REDIS_URL at one that runs"
CASES = [
    *[Case(f"redis down: {' '.join(args)}", args, _dead_redis, 3, REDIS_DOWN)
      for args in (("status",), ("sync",), ("mapping", "check"), ("jobs", "failed"),
                   ("jobs", "retry", "--all"), ("worker", "--burst"), ("cron",))],
    Case("no REDIS_URL", ("status",), lambda w: w.org(REDIS_URL=""), 2,
         "REDIS_URL is not set — set it to the Redis this service should use"),
    Case("SALESFORCE_AUTH=oauth", ("sync",), lambda w: w.org(SALESFORCE_AUTH="oauth"), 2,
         "SALESFORCE_AUTH must be one of jwt, client_credentials, password, session, got 'oauth'"),
    Case("http:// login URL", ("status",),
         lambda w: w.org(SALESFORCE_LOGIN_URL="http://login.salesforce.com"), 2,
         "SALESFORCE_LOGIN_URL must be an https:// URL"),
    Case("budget not a number", ("worker", "--burst"),
         lambda w: w.org(RADAR_API_BUDGET_PERCENT="abc"), 2,
         "RADAR_API_BUDGET_PERCENT must be a number, got 'abc' — e.g. RADAR_API_BUDGET_PERCENT=10"),
    Case("budget not a number: serve", ("serve",),
         lambda w: w.org(RADAR_API_BUDGET_PERCENT="abc"), 2,
         "RADAR_API_BUDGET_PERCENT must be a number"),
    Case("login URL with a path", ("mapping", "check"),
         lambda w: w.org(SALESFORCE_LOGIN_URL=w.org_env["SALESFORCE_LOGIN_URL"] + "/services/"),
         2, "drop the path: SALESFORCE_LOGIN_URL=https://127.0.0.1:"),
    Case("no SALESFORCE_CA_BUNDLE: mapping check", ("mapping", "check"),
         lambda w: w.org(SALESFORCE_CA_BUNDLE=""), 2, "set SALESFORCE_CA_BUNDLE to the CA file"),
    Case("no SALESFORCE_CA_BUNDLE: sync --inline", ("sync", "--inline"),
         lambda w: w.org(SALESFORCE_CA_BUNDLE=""), 2, "set SALESFORCE_CA_BUNDLE to the CA file"),
    Case("bad credentials: mapping check", ("mapping", "check"),
         lambda w: w.org(SALESFORCE_PASSWORD="wrong"), 2, "Salesforce refused the login"),
    Case("bad credentials: sync --inline", ("sync", "--inline"),
         lambda w: w.org(SALESFORCE_PASSWORD="wrong"), 2, "Salesforce refused the login"),
    Case("unreachable org", ("mapping", "check"), _closed_org, 3,
         "Salesforce at https://127.0.0.1:"),
    Case("missing settings: mapping check", ("mapping", "check"),
         lambda w: w.org(SALESFORCE_AUTH="jwt", SALESFORCE_CLIENT_ID=""), 2,
         "SALESFORCE_AUTH=jwt needs SALESFORCE_CLIENT_ID — set it"),
    Case("missing settings: sync --inline", ("sync", "--inline"),
         lambda w: w.org(SALESFORCE_AUTH="jwt", SALESFORCE_CLIENT_ID=""), 2,
         "SALESFORCE_AUTH=jwt needs SALESFORCE_CLIENT_ID — set it"),
    Case("nothing to retry", ("jobs", "retry", "--all"), lambda w: w.org(), 1,
         "nothing to retry"),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[World]:
    with running_emulator(tmp_path_factory.mktemp("org")) as emu:
        yield World(redis_url=redis_url, org_env=dict(emu.env))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_given_mistake_when_running_radar_then_exit_code_and_one_line_naming_the_fix(
        case: Case, world: World, redis_conn: redis.Redis) -> None:
    outcome = run_radar(case.env(world), *case.args)
    _assert_one_clear_line(outcome, case)


def test_given_debug_when_failing_then_traceback_shown(world: World) -> None:
    outcome = run_radar(world.org(SALESFORCE_AUTH="oauth"), "--debug", "status")
    assert outcome.code != 0
    assert "Traceback (most recent call last)" in outcome.stderr
    assert "SettingsError" in outcome.stderr


def test_given_failed_config_job_then_not_retried_and_status_shows_it_at_once(
        world: World, redis_conn: redis.Redis) -> None:
    outcome = run_radar(world.org(SALESFORCE_PASSWORD="wrong"), "sync", "--inline")
    assert outcome.code == 2
    assert "not retried: fix the cause" in outcome.error_lines[0]
    status = run_radar(world.org(), "status")
    assert status.code == 0, status.stderr
    run_line, reason = status.stdout.splitlines()[1:3]
    assert " incremental " in run_line and " failed " in run_line
    assert "Salesforce refused the login" in reason
    assert "0 awaiting retry / 0 failed" in status.stdout  # the events queue
    assert "scan 0 queued / 0 awaiting retry / 1 failed" in status.stdout
    (failed,) = RedisStatusSource(redis_conn).failed_jobs()
    assert failed.error_tail.startswith("Salesforce refused the login (invalid_grant)")


def test_given_unreachable_org_when_syncing_then_retry_scheduled_and_shown(
        world: World, redis_conn: redis.Redis) -> None:
    # The gateway retries a refused connection a few times inside the job (about 15 s at
    # most with the default back-off), then RQ schedules the job again: the operator sees
    # the failure and the retry now, not after ~6 minutes.
    outcome = run_radar(_closed_org(world), "sync", "--inline", timeout=120)
    assert outcome.code == 3, outcome.stderr[-2000:]
    (line,) = outcome.error_lines
    assert "could not be reached" in line and "retry scheduled at" in line
    status = run_radar(world.org(), "status")
    assert " retrying " in status.stdout
    assert "scan 0 queued / 1 awaiting retry / 0 failed" in status.stdout
    # /admin/sync reads the same records
    source = RedisStatusSource(redis_conn)
    (run,) = source.recent_runs()
    assert run.status == "retrying" and "retry scheduled at" in run.error
    assert {q.name: q.scheduled for q in source.queue_depths()}["scan"] == 1


def _assert_one_clear_line(outcome: Outcome, case: Case) -> None:
    everything = outcome.stdout + outcome.stderr
    assert outcome.code == case.code, everything[-3000:]
    assert "Traceback" not in everything, everything[-3000:]
    (line,) = outcome.error_lines  # one line for the operator, however much was logged
    assert case.fix in line, line
    assert " — " in line or case.code == 1 or "Salesforce refused" in line, line
    if case.args[0] not in ("worker", "sync", "cron"):  # those also log what they do
        assert outcome.stderr.strip() == line, outcome.stderr
