"""The admin pages in headless Chromium against the real app, real Redis and real RQ.

A person logs in, breaks a mapping draft and sees the problem named, fixes it, saves,
activates the new version, and reads a dashboard whose numbers are the sources' numbers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from crm_mapping.store import MappingStore
from service.admin.presenters import fmt, funnel_rows, money
from service.admin.sources import RedisInsightsSource, RedisStatusSource
from tests.admin.conftest import ADMIN_TOKEN
from tests.admin.seed import seed_insights, seed_runs

CHROME_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1400,1000")
WAIT_SECONDS = 10


@pytest.fixture
def live_server(redis_sources_app: Flask) -> Iterator[str]:
    """The app served by werkzeug on a free loopback port, in a thread."""
    server = make_server("127.0.0.1", 0, redis_sources_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def browser(chromium: tuple[Path, Path], tmp_path: Path) -> Iterator[WebDriver]:
    binary, driver_path = chromium
    options = Options()
    options.binary_location = str(binary)
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    # An explicit driver path: Selenium Manager is skipped and downloads nothing.
    driver = webdriver.Chrome(service=Service(executable_path=str(driver_path)), options=options)
    driver.set_page_load_timeout(WAIT_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()


def _wait_for(driver: WebDriver, css: str) -> None:
    WebDriverWait(driver, WAIT_SECONDS).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def _text(driver: WebDriver, css: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, css).text.strip()


def _log_in(driver: WebDriver, base: str) -> None:
    driver.get(f"{base}/admin/sync")
    _wait_for(driver, "#token")
    driver.find_element(By.ID, "token").send_keys("not-the-token")
    driver.find_element(By.ID, "login").click()
    _wait_for(driver, "#login-error")
    assert "not the admin token" in _text(driver, "#login-error")
    driver.find_element(By.ID, "token").send_keys(ADMIN_TOKEN)
    driver.find_element(By.ID, "login").click()
    _wait_for(driver, "#queues")  # back where we were going
    assert driver.current_url == f"{base}/admin/sync"


def _submit_draft(driver: WebDriver, text: str, button: str) -> None:
    area = driver.find_element(By.ID, "draft")
    # Typing 13 KB key by key would take most of the time budget; the value is set as a
    # paste would, then the person's click submits the form.
    driver.execute_script("arguments[0].value = arguments[1];", area, text)
    driver.find_element(By.ID, button).click()
    # the old page's outcome would satisfy the next wait: first see the page replaced
    WebDriverWait(driver, WAIT_SECONDS).until(ec.staleness_of(area))
    _wait_for(driver, "#outcome, .flash")


def _edit_mapping(driver: WebDriver, base: str, conn: redis.Redis) -> None:
    driver.get(f"{base}/admin/mapping")
    _wait_for(driver, "#draft")
    assert "version 1" in _text(driver, "#active-version")
    draft = driver.find_element(By.ID, "draft").get_attribute("value") or ""
    good = "  account.nps_comment: NPS_Comment__c\n"
    assert good in draft

    _submit_draft(driver, draft.replace(good, "  account.nps_comment: NPS Comment__c\n"),
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
    _submit_draft(driver, fixed, "validate")
    assert _text(driver, "#outcome") == "Valid: no errors."
    assert not driver.find_elements(By.CSS_SELECTOR, "#problems tr.problem.error")

    driver.find_element(By.ID, "comment").send_keys("stop reading NPS comments")
    _submit_draft(driver, fixed, "save")
    assert "Saved as version 2" in _text(driver, ".flash.ok")
    driver.find_element(By.CSS_SELECTOR, "#version-2 button.activate").click()
    _wait_for(driver, "#version-2.active")
    assert "Version 2 is active." in _text(driver, ".flash.ok")
    store = MappingStore(conn)
    assert store.active_version_number() == 2
    assert store.active().document["fields"]["account.nps_comment"] is None

    driver.find_element(By.ID, "compare").click()  # preselected: 1 -> 2
    _wait_for(driver, "#diff")
    assert "account.nps_comment" in _text(driver, "#diff tr.removed")


def _check_dashboard(driver: WebDriver, base: str, conn: redis.Redis) -> None:
    truth = RedisInsightsSource(conn).insights()
    assert truth.funnel is not None
    driver.get(f"{base}/admin")
    _wait_for(driver, "#funnel")
    assert _text(driver, "#written-tasks") == f"{truth.written.tasks:,}"
    assert _text(driver, "#written-opportunities") == f"{truth.written.opportunities:,}"
    assert _text(driver, "#written-account-updates") == f"{truth.written.account_updates:,}"
    total = sum(sum(by.values()) for by in truth.signals.values())
    assert _text(driver, "#signals-total") == f"{total:,}"
    for row in funnel_rows(truth.funnel):
        assert _text(driver, f"#funnel-{row.key} td.num") == row.text, row.key
    assert _text(driver, "#funnel-days_signal_to_handoff td.num") == \
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
    _wait_for(driver, "#runs")
    for run in runs:
        assert _text(driver, f"#run-{run.run_id} td.calls") == \
            f"{run.calls_total:,} / {run.allowance:,}"


def test_given_seeded_org_when_admin_edits_mapping_and_reads_dashboard_then_all_agree(
        live_server: str, browser: WebDriver, redis_conn: redis.Redis) -> None:
    seed_insights(redis_conn)
    seed_runs(redis_conn)
    _log_in(browser, live_server)
    _edit_mapping(browser, live_server, redis_conn)
    _check_dashboard(browser, live_server, redis_conn)
