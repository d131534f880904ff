"""Real headless Chromium against the real service over HTTP.

The service runs with uvicorn on one loopback port; host pages that embed the widget are
served from other ports (other origins): one in the service's CORS allow-list, one not.
Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them).
"""

from __future__ import annotations

import base64
import http.server
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from pydantic import SecretStr
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webelement import WebElement

from service.api.app import create_app
from service.config import Settings
from service.engine import Engine
from tests.ports import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SECRET = "browser-test-walk-state-secret"
# A host page themes the widget through CSS custom properties; tests check this one applies.
HOST_ACCENT = "#7b1fa2"

HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Help desk</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body {{ font-family: Georgia, serif; margin: 0; background: #fafafa; }}
  header {{ background: #333; color: #fff; padding: 8px 16px; }}
  .layout {{ display: flex; gap: 16px; padding: 16px; }}
  .content {{ flex: 1; min-width: 0; }}
  aside {{ width: {panel}; flex: none; }}
  driver-doctor {{ --dd-accent: {accent}; --dd-font: Verdana, sans-serif; }}
</style></head>
<body>
<header><a href="#" style="color:#fff">Help desk home</a></header>
<div class="layout">
  <div class="content"><h1>Internal help desk</h1>
    <p>Spark jobs failing? Ask Driver Doctor.</p></div>
  <aside aria-label="Driver Doctor">
    <script src="{api}/widget.js"{crossorigin}></script>
    <driver-doctor api="{api}"><p class="dd-fallback">Driver Doctor could not load here.
      <a href="{api}/">Open it on its own page</a>.</p></driver-doctor>
  </aside>
</div>
<script>
  window.__copies = [];
  window.__feedback = [];
  document.addEventListener("driver-doctor:copy", (e) => window.__copies.push(e.detail.text));
  document.addEventListener("driver-doctor:feedback", (e) => window.__feedback.push(e.detail));
</script>
</body></html>
"""


@dataclass(frozen=True)
class Sites:
    api: str
    host: str
    foreign: str


class _Pages(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def _serve_pages(port: int, root: Path) -> http.server.ThreadingHTTPServer:
    handler = lambda *a, **kw: _Pages(*a, directory=str(root), **kw)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _write_pages(root: Path, api: str) -> None:
    pages = {
        "host.html": {"panel": "min(720px, 100%)", "crossorigin": ' crossorigin="anonymous"'},
        "panel.html": {"panel": "360px", "crossorigin": ""},
        "plain.html": {"panel": "min(720px, 100%)", "crossorigin": ""},
    }
    for name, fields in pages.items():
        page = HOST_PAGE.format(api=api, accent=HOST_ACCENT, **fields)
        (root / name).write_text(page, encoding="utf-8")


@pytest.fixture(scope="session")
def sites(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    api_port, host_port, foreign_port = free_port(), free_port(), free_port()
    api = f"http://127.0.0.1:{api_port}"
    host, foreign = f"http://127.0.0.1:{host_port}", f"http://127.0.0.1:{foreign_port}"
    settings = Settings(
        environment="test",
        data_dir=tmp_path_factory.mktemp("browser-data"),
        state_secret=SecretStr(SECRET),
        cors_origins=[host],
    )
    config = uvicorn.Config(
        create_app(settings, engine=engine), host="127.0.0.1", port=api_port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    pages = tmp_path_factory.mktemp("host-pages")
    _write_pages(pages, api)
    page_servers = [_serve_pages(host_port, pages), _serve_pages(foreign_port, pages)]
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        assert server.started, "uvicorn did not start"
        yield Sites(api=api, host=host, foreign=foreign)
    finally:
        for page_server in page_servers:
            page_server.shutdown()
            page_server.server_close()
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[webdriver.Chrome]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        reason = "needs Debian chromium + chromium-driver: apt-get install chromium chromium-driver"
        # In CI (.ci/run installs both) a missing browser is a failure, never a silent skip.
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never download
    profile = tempfile.mkdtemp(prefix="dd-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_script_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def chrome(browser: webdriver.Chrome, sites: Sites) -> Iterator[webdriver.Chrome]:
    """The session browser, reset to a 1280x900 window with clipboard access for the host."""
    browser.set_window_size(1280, 900)
    browser.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": sites.host, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.get("about:blank")


def viewport(driver: webdriver.Chrome, width: int, height: int = 900) -> None:
    """Emulate a viewport narrower than a headless window can be made (about 500 px)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def screenshot(
    driver: webdriver.Chrome, name: str, at: WebElement | None = None, height: int = 1100
) -> Path:
    """Save ``height`` CSS pixels of the page from element ``at`` (default: the top) to
    tests/browser/artifacts/<name>.png, past the viewport if needed."""
    ARTIFACTS.mkdir(exist_ok=True)
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics["cssContentSize"]
    top = max(0, at.location["y"] - 16) if at is not None else 0
    clip = {
        "x": 0,
        "y": top,
        "width": size["width"],
        "height": max(1, min(height, size["height"] - top)),
        "scale": 1,
    }
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
    )
    path = ARTIFACTS / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    return path
