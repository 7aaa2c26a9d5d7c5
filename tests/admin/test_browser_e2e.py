"""Acceptance (issue 7): in headless Chromium, against the real app, real `radar` workers and
a generated emulator org, an admin logs in, breaks a mapping draft and sees the error name
the missing field, fixes it, saves and activates the version, and reads a dashboard whose
numbers equal what the org holds, counted by SOQL in the test.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import redis
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from crm_mapping.store import MappingStore
from emulator.testing import running_emulator
from service.admin.presenters import money
from service.app import create_app
from service.settings import Settings
from tests.admin.browsing import chrome, serving, submit_draft, text, wait_for
from tests.admin.conftest import ADMIN_TOKEN
from tests.admin.e2e_org import OrgFigures, org_figures, scan_with_handoff

GOOD = "  account.white_space: White_Space__c\n"
MISSING_FIELD = "White_Space_Map__c"  # an Account field this org does not have
FIXED = "  account.white_space: Description\n"  # a long text field the org has


def _number(driver: WebDriver, css: str) -> float:
    """A number the page shows; its ``data-value`` must agree with the printed text."""
    element = driver.find_element(By.CSS_SELECTOR, css)
    value = float(element.get_attribute("data-value") or "nan")
    assert float(re.sub(r"[^\d.\-]", "", element.text)) == pytest.approx(value, abs=0.5), css
    return value


def _log_in(driver: WebDriver, base: str) -> None:
    driver.get(f"{base}/admin/mapping")
    wait_for(driver, "#token")
    driver.find_element(By.ID, "token").send_keys(ADMIN_TOKEN)
    driver.find_element(By.ID, "login").click()
    wait_for(driver, "#draft")  # back where we were going
    assert driver.current_url == f"{base}/admin/mapping"





def _edit_mapping(driver: WebDriver, conn: redis.Redis) -> None:
    """Point the white-space write at a field the org lacks, see it named, fix, activate."""
    draft = driver.find_element(By.ID, "draft").get_attribute("value") or ""
    assert GOOD in draft
    submit_draft(driver, draft.replace(GOOD, f"  account.white_space: {MISSING_FIELD}\n"),
                  "validate")
    assert "error(s)" in text(driver, "#outcome")
    errors = driver.find_elements(By.CSS_SELECTOR, "#problems tr.problem.error")
    assert errors, "the org check found nothing wrong with a field the org lacks"
    named = [row for row in errors if MISSING_FIELD in row.text]
    assert len(named) == 1, [row.text for row in errors]
    assert named[0].find_element(By.CSS_SELECTOR, ".p-object").text == "Account"

    fixed = (driver.find_element(By.ID, "draft").get_attribute("value") or "").replace(
        f"  account.white_space: {MISSING_FIELD}\n", FIXED)
    assert FIXED in fixed  # the broken draft was still in the editor
    submit_draft(driver, fixed, "validate")
    assert text(driver, "#outcome") == "Valid: no errors."
    driver.find_element(By.ID, "comment").send_keys("white space into Description")
    submit_draft(driver, fixed, "save")
    assert "Saved as version 2" in text(driver, ".flash.ok")
    driver.find_element(By.CSS_SELECTOR, "#version-2 button.activate").click()
    wait_for(driver, "#version-2.active")
    assert "Version 2 is active." in text(driver, ".flash.ok")
    store = MappingStore(conn, "default")
    assert store.active_version_number() == 2
    assert store.active().document["fields"]["account.white_space"] == "Description"


def _read_dashboard(driver: WebDriver, base: str) -> dict:
    """Every number the comparison needs, as the page shows it."""
    driver.get(f"{base}/admin")
    wait_for(driver, "#funnel")
    labels = driver.find_element(By.CSS_SELECTOR, "section.counts").text
    assert "Tasks created by the service (all runs)" in labels
    assert "Opportunities created by the service (all runs)" in labels
    logs: dict[str, dict[str, int]] = {}
    for row in driver.find_elements(By.CSS_SELECTOR, "#signal-logs tbody tr"):
        cells = {c.get_attribute("data-strength"): int(c.text)
                 for c in row.find_elements(By.CSS_SELECTOR, "td[data-strength]")}
        kind = row.find_element(By.TAG_NAME, "th").text
        assert int(row.find_element(By.CSS_SELECTOR, "td.total").text) == sum(cells.values())
        logs[kind] = {s: n for s, n in cells.items() if n}
    readiness = {}
    for element in driver.find_elements(By.CSS_SELECTOR, "#readiness span.n"):
        css_id = element.get_attribute("id") or ""
        readiness[css_id.removeprefix("readiness-")] = int(_number(driver, f"#{css_id}"))
    return {
        "tasks": int(_number(driver, "#written-tasks")),
        "opportunities": int(_number(driver, "#written-opportunities")),
        "signal_logs": logs,
        "readiness": {k: n for k, n in readiness.items() if n},
        "start": date.fromisoformat(text(driver, "#funnel-start")),
        "end": date.fromisoformat(text(driver, "#funnel-end")),
        "accounts": int(text(driver, "#funnel-accounts")),
        "signals": int(_number(driver, "#funnel-signals td.num")),
        "handoffs": int(text(driver, "#funnel-handoffs")),
        "cs_pipeline": _number(driver, "#funnel-cs_pipeline td.num"),
        "cs_pipeline_text": text(driver, "#funnel-cs_pipeline td.num"),
    }


def test_given_scanned_org_with_handoff_when_admin_edits_mapping_then_dashboard_equals_org(
        tmp_path: Path, redis_url: str, redis_conn: redis.Redis,
        chromium: tuple[Path, Path]) -> None:
    with running_emulator(tmp_path) as org:
        follow_up = scan_with_handoff(org, redis_url, tmp_path)
        settings = Settings.from_env({**org.env, "REDIS_URL": redis_url,
                                      "RADAR_ADMIN_TOKEN": ADMIN_TOKEN,
                                      "RADAR_ORG_KEY": "default"})
        app = create_app(settings, redis_client=redis_conn, salesforce_probe=lambda: True)
        with serving(app) as base, chrome(*chromium, tmp_path / "profile") as driver:
            _log_in(driver, base)
            _edit_mapping(driver, redis_conn)
            shown = _read_dashboard(driver, base)
        truth: OrgFigures = org_figures(org.salesforce(), org.store.integration_user_id,
                                        shown["start"], shown["end"])

        assert shown["tasks"] == truth.tasks_created > 0
        assert shown["opportunities"] == truth.opportunities_created == \
            truth.cs_opportunities_created == 1  # the one handoff
        assert shown["signal_logs"] == truth.signal_logs
        assert sum(sum(by.values()) for by in truth.signal_logs.values()) > 0
        assert shown["readiness"] == truth.readiness
        assert shown["accounts"] == truth.accounts == 150
        assert shown["signals"] == truth.signals_in_period > 0
        assert shown["handoffs"] == truth.handoffs_in_period == 1
        assert shown["cs_pipeline"] == pytest.approx(truth.cs_pipeline_in_period) and \
            truth.cs_pipeline_in_period > 0
        assert shown["cs_pipeline_text"] == money(truth.cs_pipeline_in_period)
        [opportunity] = org.store.query(
            "SELECT AccountId FROM Opportunity WHERE LeadSource = 'CS-driven Expansion'")
        assert opportunity["AccountId"] == follow_up["WhatId"]
