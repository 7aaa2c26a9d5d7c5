"""axe-core on every console page at 1440 px and 390 px: no serious or critical violation.

The pages are the real app's, filled from Redis the way the workers fill it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from tests.admin.axe import audit_console, table
from tests.admin.browsing import chrome, serving, wait_for
from tests.admin.conftest import ADMIN_TOKEN
from tests.admin.seed import seed_insights, seed_runs


@pytest.fixture
def browser(chromium: tuple[Path, Path], tmp_path: Path) -> Iterator[WebDriver]:
    binary, driver_path = chromium
    with chrome(binary, driver_path, tmp_path / "profile") as driver:
        yield driver


def test_given_every_console_page_at_desktop_and_phone_width_then_axe_finds_nothing_serious(
        redis_sources_app: Flask, browser: WebDriver, redis_conn: redis.Redis) -> None:
    seed_insights(redis_conn)
    seed_runs(redis_conn)
    with serving(redis_sources_app) as base:
        audits = audit_console(browser, base, ADMIN_TOKEN)
        # on a phone the whole header stays on screen: every link and Log out reachable
        browser.set_window_size(390, 900)
        browser.get(f"{base}/admin/sync")
        wait_for(browser, "#runs")
        right_edges = browser.execute_script(
            "return [...document.querySelectorAll('header.top a, #logout')]"
            ".map(e => e.getBoundingClientRect().right);")
        viewport = browser.execute_script("return document.documentElement.clientWidth;")
        note = browser.find_element(By.CSS_SELECTOR, "#runs tr.error-row pre.tail")
        note_text = note.text
        # on the phone, the accounts table filters by tier through its form
        browser.get(f"{base}/admin/")
        wait_for(browser, "#accounts-filter")
        Select(browser.find_element(By.ID, "f-tier")).select_by_visible_text("T2")
        browser.find_element(By.ID, "accounts-apply").click()
        wait_for(browser, "#f-tier option[value='T2'][selected]")
        filtered = [e.text for e in
                    browser.find_elements(By.CSS_SELECTOR, "#portfolio tbody td:nth-child(2)")]
        count = browser.find_element(By.ID, "accounts-count").text

    assert len(right_edges) == 5 and max(right_edges) <= viewport, (right_edges, viewport)
    assert "RequestLimitExceeded" in note_text  # the failed run's error stays an error
    assert filtered == ["Globex"] and "(filtered from 2)" in count
    print(table(audits))  # the figures for the record (pytest -rP shows them)
    assert len(audits) == 18  # 9 pages x 2 widths, none skipped
    blocking = {(a.page, a.width): a.blocking() for a in audits if a.blocking()}
    assert not blocking, table(audits)
