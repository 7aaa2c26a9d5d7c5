"""axe-core in headless Chromium: every console page at a desktop and a phone width.

axe-core comes from npm into the node-tools cache (tests/node_tools.py) and is injected
into each page through WebDriver, which runs outside the page's Content-Security-Policy
(the console allows no script of its own). ``python -m tests.admin.axe URL`` audits a
running console (it logs in with RADAR_ADMIN_TOKEN) and prints violations by impact.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.admin.browsing import wait_for
from tests.node_tools import npm_tool

AXE_PACKAGE = "axe-core@4.10.3"
WIDTHS = (1440, 390)
# Every page a person meets, by a short name: path (relative to the console's base URL).
PAGES = {
    "login": "/admin/login",
    "dashboard": "/admin/",
    "sync": "/admin/sync",
    "digest": "/admin/digest",
    "mapping": "/admin/mapping",
    "mapping-version": "/admin/mapping/show/1",
    "mapping-compare": "/admin/mapping/compare?a=1&b=1",
    "mapping-form": "/admin/mapping/form?object=account",
    "not-found": "/admin/no-such-page",
}
IMPACTS = ("critical", "serious", "moderate", "minor")


def axe_source() -> str:
    """axe.min.js, installed from npm on first use."""
    prefix = npm_tool("axe-core", [AXE_PACKAGE])
    return (prefix / "node_modules" / "axe-core" / "axe.min.js").read_text()


@dataclass
class PageAudit:
    """axe's violations on one page at one width: rule id -> (impact, nodes)."""

    page: str
    width: int
    rules: dict[str, tuple[str, int]] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)  # rule -> a few selectors

    def by_impact(self) -> Counter[str]:
        return Counter(impact for impact, _ in self.rules.values())

    def blocking(self) -> dict[str, tuple[str, int]]:
        """The serious and critical ones (what must be zero)."""
        return {k: v for k, v in self.rules.items() if v[0] in ("serious", "critical")}


_RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]}).then(
  r => done(r.violations.map(v => [v.id, v.impact || "minor", v.nodes.length,
                                   v.nodes.slice(0, 3).map(n => n.target.join(" "))])),
  e => done("axe failed: " + e));
"""


def audit_page(driver: WebDriver, source: str, url: str, page: str, width: int) -> PageAudit:
    """Load ``url`` at ``width`` px and run axe on it."""
    driver.set_window_size(width, 900)
    driver.get(url)
    wait_for(driver, "main")
    driver.execute_script(source)
    driver.set_script_timeout(60)
    found = driver.execute_async_script(_RUN_AXE)
    if isinstance(found, str):
        raise AssertionError(f"{page} at {width}px: {found}")
    return PageAudit(page, width, {rule: (impact, nodes) for rule, impact, nodes, _ in found},
                     {rule: targets for rule, _, _, targets in found})


def log_in(driver: WebDriver, base: str, token: str) -> None:
    driver.get(f"{base}/admin/login")
    wait_for(driver, "#token")
    driver.find_element(By.ID, "token").send_keys(token)
    driver.find_element(By.ID, "login").click()
    wait_for(driver, "nav")


def audit_console(driver: WebDriver, base: str, token: str) -> list[PageAudit]:
    """Every page of PAGES at every width of WIDTHS; the login page before logging in."""
    source = axe_source()
    audits = [audit_page(driver, source, f"{base}{PAGES['login']}", "login", w) for w in WIDTHS]
    log_in(driver, base, token)
    for page, path in PAGES.items():
        if page != "login":
            audits += [audit_page(driver, source, f"{base}{path}", page, w) for w in WIDTHS]
    return audits


def table(audits: list[PageAudit]) -> str:
    """One line per page and width: counts by impact and the rules."""
    lines = [f"{'page':<16} {'width':>5}  " + " ".join(f"{i:>8}" for i in IMPACTS) + "  rules"]
    for a in audits:
        counts = a.by_impact()
        rules = ", ".join(f"{rule}({impact[0]})" for rule, (impact, _) in sorted(a.rules.items()))
        lines.append(f"{a.page:<16} {a.width:>5}  " +
                     " ".join(f"{counts.get(i, 0):>8}" for i in IMPACTS) + f"  {rules}")
        lines += [f"    {rule}: {', '.join(targets)}" for rule, targets in a.examples.items()
                  if a.rules[rule][0] in ("serious", "critical")]
    return "\n".join(lines)


def main() -> None:  # pragma: no cover - a tool for measuring by hand
    from tests.admin.browsing import chrome
    from tests.admin.conftest import CHROMEDRIVER, CHROMIUM

    base = sys.argv[1].rstrip("/")
    with chrome(CHROMIUM, CHROMEDRIVER, Path(os.environ.get("TMPDIR", "/tmp")) / "axe-profile") \
            as driver:
        audits = audit_console(driver, base, os.environ["RADAR_ADMIN_TOKEN"])
    print(table(audits))
    print(json.dumps([[a.page, a.width, a.rules] for a in audits]))


if __name__ == "__main__":  # pragma: no cover
    main()
