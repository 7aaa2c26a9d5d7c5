"""The admin pages in headless Chromium against the real app, real Redis and real RQ.

A person logs in, breaks a mapping draft and sees the problem named, fixes it, saves,
activates the new version, and reads a dashboard whose numbers are the sources' numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from crm_mapping.store import MappingStore
from service.admin.presenters import fmt, funnel_rows, money
from service.admin.sources import RedisInsightsSource, RedisStatusSource
from tests.admin.browsing import chrome, serving, submit_draft, text, wait_for
from tests.admin.conftest import ADMIN_TOKEN
from tests.admin.seed import seed_insights, seed_runs


@pytest.fixture
def live_server(redis_sources_app: Flask) -> Iterator[str]:
    """The app served by werkzeug on a free loopback port, in a thread."""
    with serving(redis_sources_app) as url:
        yield url


@pytest.fixture
def browser(chromium: tuple[Path, Path], tmp_path: Path) -> Iterator[WebDriver]:
    binary, driver_path = chromium
    with chrome(binary, driver_path, tmp_path / "profile") as driver:
        yield driver





def _log_in(driver: WebDriver, base: str) -> None:
    driver.get(f"{base}/admin/sync")
    wait_for(driver, "#token")
    driver.find_element(By.ID, "token").send_keys("not-the-token")
    driver.find_element(By.ID, "login").click()
    wait_for(driver, "#login-error")
    assert "not the admin token" in text(driver, "#login-error")
    driver.find_element(By.ID, "token").send_keys(ADMIN_TOKEN)
    driver.find_element(By.ID, "login").click()
    wait_for(driver, "#queues")  # back where we were going
    assert driver.current_url == f"{base}/admin/sync"





def _edit_mapping(driver: WebDriver, base: str, conn: redis.Redis) -> None:
    driver.get(f"{base}/admin/mapping")
    wait_for(driver, "#draft")
    assert "version 1" in text(driver, "#active-version")
    draft = driver.find_element(By.ID, "draft").get_attribute("value") or ""
    good = "  account.nps_comment: NPS_Comment__c\n"
    assert good in draft

    submit_draft(driver, draft.replace(good, "  account.nps_comment: NPS Comment__c\n"),
                  "validate")
    rows = driver.find_elements(By.CSS_SELECTOR, "#problems tr.problem")
    assert len(rows) == 1
    assert rows[0].find_element(By.CSS_SELECTOR, ".p-object").text == "Account"
    assert rows[0].find_element(By.CSS_SELECTOR, ".p-field").text == \
        "NPS Comment__c (account.nps_comment)"
    assert "not a Salesforce API name" in rows[0].text

    fixed = driver.find_element(By.ID, "draft").get_attribute("value") or ""
    assert "NPS Comment__c" in fixed  # the broken draft is still in the editor
    fixed = fixed.replace("  account.nps_comment: NPS Comment__c\n",
                          "  account.nps_comment: null\n")
    submit_draft(driver, fixed, "validate")
    assert text(driver, "#outcome") == "Valid: no errors."
    assert not driver.find_elements(By.CSS_SELECTOR, "#problems tr.problem.error")

    driver.find_element(By.ID, "comment").send_keys("stop reading NPS comments")
    submit_draft(driver, fixed, "save")
    assert "Saved as version 2" in text(driver, ".flash.ok")
    driver.find_element(By.CSS_SELECTOR, "#version-2 button.activate").click()
    wait_for(driver, "#version-2.active")
    assert "Version 2 is active." in text(driver, ".flash.ok")
    store = MappingStore(conn)
    assert store.active_version_number() == 2
    assert store.active().document["fields"]["account.nps_comment"] is None

    driver.find_element(By.ID, "compare").click()  # preselected: 1 -> 2
    wait_for(driver, "#diff")
    assert "account.nps_comment" in text(driver, "#diff tr.removed")


def _check_dashboard(driver: WebDriver, base: str, conn: redis.Redis) -> None:
    truth = RedisInsightsSource(conn).insights()
    assert truth.funnel is not None
    driver.get(f"{base}/admin")
    wait_for(driver, "#funnel")
    assert text(driver, "#written-tasks") == f"{truth.written.tasks:,}"
    assert text(driver, "#written-opportunities") == f"{truth.written.opportunities:,}"
    assert text(driver, "#written-account-updates") == f"{truth.written.account_updates:,}"
    total = sum(sum(by.values()) for by in truth.signals.values())
    assert text(driver, "#signals-total") == f"{total:,}"
    for row in funnel_rows(truth.funnel):
        assert text(driver, f"#funnel-{row.key} td.num") == row.text, row.key
    assert text(driver, "#funnel-days_signal_to_handoff td.num") == \
        fmt(truth.funnel.overall.days_signal_to_handoff, "days")
    names = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#portfolio tbody td:nth-child(2)")]
    assert names == [r.name for r in truth.ranked]
    values = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#portfolio td.pipeline")]
    assert values == [money(r.pipeline_value) for r in truth.ranked]
    at_risk = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#at-risk tbody td:first-child")]
    assert at_risk == [r.name for r in truth.at_risk]
    assert len(driver.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar")) > 0

    runs = RedisStatusSource(conn).recent_runs()
    driver.get(f"{base}/admin/sync")
    wait_for(driver, "#runs")
    for run in runs:
        assert text(driver, f"#run-{run.run_id} td.calls") == \
            f"{run.calls_total:,} / {run.allowance:,}"


def test_given_seeded_org_when_admin_edits_mapping_and_reads_dashboard_then_all_agree(
        live_server: str, browser: WebDriver, redis_conn: redis.Redis) -> None:
    seed_insights(redis_conn)
    seed_runs(redis_conn)
    _log_in(browser, live_server)
    _edit_mapping(browser, live_server, redis_conn)
    _check_dashboard(browser, live_server, redis_conn)
