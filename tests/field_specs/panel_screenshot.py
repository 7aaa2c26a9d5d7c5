"""A screenshot of the Radar panel as Jest rendered it, styled with the real SLDS.

    python -m tests.field_specs.panel_screenshot docs/images/radar-account-panel.png [width]

The Jest suite writes the full-map rendering (shadow roots inlined) when RADAR_PANEL_HTML
is set; this wraps it in a page with the Lightning Design System stylesheet and the
component's own CSS and captures it with headless Chromium (Debian's package, installed
with apt-get when missing, as the admin browser test does).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from field_specs.pages import STATIC_SOURCE
from tests.admin.browsing import chrome
from tests.admin.conftest import CHROMEDRIVER, CHROMIUM, _install_chromium
from tests.field_specs.lwc_runner import run_jest, slds_css

_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<style>{slds}</style><style>{component}</style>
<style>body {{ background: #f3f3f3; margin: 0; }} .frame {{ width: {width}px; padding: 12px; }}</style>
</head><body><div class="slds-scope"><div class="frame">{panel}</div></div></body></html>"""


def render_page(workdir: Path, width: int) -> Path:
    """The panel's full-map rendering as a standalone HTML page."""
    html = workdir / "panel.html"
    report = run_jest(workdir, {"RADAR_PANEL_HTML": str(html)})
    if report["numFailedTests"] or not html.exists():
        raise RuntimeError(f"Jest did not render the panel:\n{report['_output'][-3000:]}")
    css = (STATIC_SOURCE / "lwc" / "radarAccountPanel" / "radarAccountPanel.css").read_text()
    page = workdir / "page.html"
    page.write_text(_PAGE.format(slds=slds_css(), component=css, width=width,
                                 panel=html.read_text(encoding="utf-8")), encoding="utf-8")
    return page


def screenshot(out: Path, width: int = 480) -> tuple[int, int]:
    """Write the PNG; returns the captured (width, height) of the page in CSS pixels."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        problem = _install_chromium()
        if not CHROMIUM.exists():
            raise RuntimeError(f"headless Chromium is missing: {problem}")
    with tempfile.TemporaryDirectory(prefix="radar-panel-") as tmp:
        page = render_page(Path(tmp), width)
        with chrome(CHROMIUM, CHROMEDRIVER, Path(tmp) / "profile") as driver:
            driver.set_window_size(width + 24, 800)
            driver.get(page.as_uri())
            height = driver.execute_script("return document.body.scrollHeight")
            size = driver.execute_cdp_cmd("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width + 24, "height": height, "scale": 1}})
            import base64  # noqa: PLC0415 - only when capturing

            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(base64.b64decode(size["data"]))
            return width + 24, int(height)


if __name__ == "__main__":
    target = Path(sys.argv[1])
    print(screenshot(target, int(sys.argv[2]) if len(sys.argv) > 2 else 480))
