"""App start: `streamlit run app.py` until the first page is rendered and interactive.

With Playwright and Debian's Chromium (launched before the clock starts): the server is started,
the page opened as soon as the server answers its health check, and the clock stops when the
landing page's title is visible and Streamlit reports its script as not running. Without a browser
it falls back to the health check plus one fetch of the page (it says so). Then every page is
visited once and the server's peak memory read from /proc. `build_page_imports` renders the Build
page with `AppTest` and reports whether TensorFlow was imported.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES = ["Data", "Build", "Train", "Compare", "Reproduce", "Classify"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(port: int, folder: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "CNNAPP_MODELS_DIR": os.environ.get("CNNAPP_MODELS_DIR", f"{folder}/models"),
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    command += ["--browser.gatherUsageStats", "false"]
    log = open(Path(folder) / f"server-{port}.log", "w")  # noqa: SIM115 - closed with the server
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait_healthy(url: str, started: float, timeout_s: float = 60) -> float:
    while time.perf_counter() - started < timeout_s:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            return time.perf_counter() - started
        except OSError:
            time.sleep(0.02)
    raise TimeoutError(f"streamlit did not answer {url} within {timeout_s:.0f} s")


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _browser_available() -> str | None:
    """None when Playwright and Chromium are there, else why not."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright is not installed"
    if not Path(CHROMIUM).exists():
        return f"Chromium is not at {CHROMIUM}"
    return None


def _one_start_in_browser(browser, folder: str, visit_pages: bool) -> dict[str, Any]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = _start_server(port, folder)
    try:
        result = {"health_s": _wait_healthy(url, started)}
        page.goto(url)
        page.get_by_text("CNN Lab").first.wait_for(state="visible", timeout=60_000)
        page.wait_for_selector(IDLE, timeout=60_000)
        result["interactive_s"] = time.perf_counter() - started
        if visit_pages:
            for name in PAGES:
                clicked = time.perf_counter()
                page.get_by_role("link", name=name).first.click()
                page.wait_for_timeout(300)  # let the rerun start before waiting for its end
                page.wait_for_selector(IDLE, timeout=120_000)
                result[f"page_{name.lower()}_s"] = time.perf_counter() - clicked
            result["server_peak_rss_mb"] = _peak_rss_mb(server.pid)
        return result
    finally:
        page.close()
        _stop(server)


def _one_start_without_browser(folder: str) -> dict[str, Any]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = _start_server(port, folder)
    try:
        result = {"health_s": _wait_healthy(url, started)}
        urllib.request.urlopen(url, timeout=30).read()
        result["page_fetched_s"] = time.perf_counter() - started
        result["server_peak_rss_mb"] = _peak_rss_mb(server.pid)
        return result
    finally:
        _stop(server)


def app_start(repeats: int = 3) -> dict[str, Any]:
    """Times `repeats` cold starts; the last one also visits every page (and reads peak memory)."""
    folder = tempfile.mkdtemp(prefix="cnnapp-bench-app-")
    missing = _browser_available()
    if missing:
        runs = [_one_start_without_browser(folder) for _ in range(repeats)]
        return {"method": f"health check + page fetch ({missing})", "runs": runs}
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            runs = [
                _one_start_in_browser(browser, folder, visit_pages=i == repeats - 1)
                for i in range(repeats)
            ]
        finally:
            browser.close()
    return {"method": "Playwright + Chromium: landing page visible and script idle", "runs": runs}


def build_page_imports() -> dict[str, Any]:
    """Renders the Build page (with BaseNet's layer table) and reports the heavy imports."""
    from streamlit.testing.v1 import AppTest

    started = time.perf_counter()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/2_Build.py").run()
    return {
        "seconds": time.perf_counter() - started,
        "exception": [str(e.value) for e in at.exception] if at.exception else None,
        "tables": len(at.dataframe),
        "tensorflow_imported": "tensorflow" in sys.modules,
        "keras_imported": "keras" in sys.modules,
    }
