"""Shared pieces of the headless-Chromium tests: serving an app, driving Chromium, waiting."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

CHROME_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1400,1000")
WAIT_SECONDS = 15


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """``app`` served by werkzeug on a free loopback port, in a thread."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@contextmanager
def chrome(binary: Path, driver_path: Path, profile: Path) -> Iterator[WebDriver]:
    options = Options()
    options.binary_location = str(binary)
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    # An explicit driver path: Selenium Manager is skipped and downloads nothing.
    driver = webdriver.Chrome(service=Service(executable_path=str(driver_path)), options=options)
    driver.set_page_load_timeout(WAIT_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver: WebDriver, css: str) -> None:
    WebDriverWait(driver, WAIT_SECONDS).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def text(driver: WebDriver, css: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, css).text.strip()


def submit_draft(driver: WebDriver, draft: str, button: str) -> None:
    """Put ``draft`` in the mapping editor and press ``button``; wait for the new page."""
    area = driver.find_element(By.ID, "draft")
    # Typing 13 KB key by key would take most of the time budget; the value is set as a
    # paste would, then the person's click submits the form.
    driver.execute_script("arguments[0].value = arguments[1];", area, draft)
    driver.find_element(By.ID, button).click()
    # the old page's outcome would satisfy the next wait: first see the page replaced
    WebDriverWait(driver, WAIT_SECONDS).until(replaced(area))
    wait_for(driver, "#outcome, .flash")


def replaced(element: WebElement):
    """A wait condition: ``element``'s page has been replaced. Chromium reports an element
    caught mid-navigation as "Node with given id does not belong to the document" (a plain
    WebDriverException) rather than as stale, so both mean gone."""

    def gone(_driver: WebDriver) -> bool:
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            if "does not belong to the document" in str(exc):
                return True
            raise
        return False

    return gone
