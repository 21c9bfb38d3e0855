"""End to end in real headless Chromium: the main path a student takes, through the real server.

Starts `streamlit run app.py` on a free port, then, in Debian's Chromium driven by Playwright:
choose the procedural dataset, pick BaseNet, train 2 epochs while the chart updates, see the
results row, upload a photo on Classify and see the top 5. A screenshot of each page is saved in
`tests/artifacts/`. Skips when Chromium is absent, unless CNNAPP_REQUIRE_BROWSER=1 (set by CI).
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _missing() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -r requirements-dev.txt)"
    if not Path(CHROMIUM).exists():
        return "Debian's chromium is not installed (apt-get install chromium chromium-driver)"
    return None


REASON = _missing()
if REASON and os.environ.get("CNNAPP_REQUIRE_BROWSER") == "1":
    raise RuntimeError(f"the browser test is required here, but {REASON}")
pytestmark = [pytest.mark.browser, pytest.mark.skipif(REASON is not None, reason=REASON or "")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(tmp_path: Path) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` on a free port of 127.0.0.1, its runs and caches in `tmp_path`;
    returns the process and its URL once it answers."""
    port = _free_port()
    env = {
        **os.environ,
        "CNNAPP_MODELS_DIR": str(tmp_path / "models"),
        "CNNAPP_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
    }
    log = open(tmp_path / "server.log", "w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()  # the process has its own copy
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    pytest.fail("streamlit did not start: " + (tmp_path / "server.log").read_text()[-2000:])


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def server(tmp_path):
    process, url = start_server(tmp_path)
    yield url
    stop_server(process)


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    time.sleep(1)  # let charts finish drawing
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.slow  # an end-to-end training run: with the slow tests (CI runs them)
def test_student_trains_basenet_and_classifies_a_photo(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)

    photo = tmp_path / "photo.jpg"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (90, 120, 3), dtype=np.uint8)).save(
        photo
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.set_default_timeout(60_000)
        page.goto(server)
        expect(page.get_by_text("CNN Lab").first).to_be_visible()
        _shot(page, "0_home")

        # Data: the procedural dataset (1,800 training images: a few seconds an epoch).
        page.get_by_role("link", name="Data").first.click()
        page.get_by_text("Shapes and patterns (procedural)").first.click()
        expect(page.get_by_text("Shapes and patterns (procedural)").first).to_be_visible()
        _shot(page, "1_data")

        # Build: BaseNet, its layer table.
        page.get_by_role("link", name="Build").first.click()
        page.get_by_role("combobox", name="Start from a network of the assignment").click()
        page.get_by_role("option", name="BaseNet", exact=True).click()
        expect(page.get_by_text("Conv2D").first).to_be_visible()
        _shot(page, "2_build")

        # Train: 2 epochs; the chart appears while it trains, then the results row.
        page.get_by_role("link", name="Train").first.click()
        epochs = page.get_by_label("Epochs", exact=True)
        epochs.fill("2")
        epochs.press("Enter")
        time.sleep(1)
        # `.first`: while a rerun redraws the page, Streamlit keeps the stale button beside the new one.
        page.get_by_role("button", name="Start training").first.click()
        progress = page.get_by_text(re.compile(r"Epoch [12] of 2 · batch \d+ of \d+"))
        expect(progress).to_be_visible(timeout=120_000)
        charts = page.locator("[data-testid='stVegaLiteChart']")
        expect(charts.first).to_be_visible()  # drawn while training, from batch points
        first = progress.inner_text()
        _shot(page, "3_train_live")
        expect(page.get_by_text("Finished in")).to_be_visible(timeout=240_000)
        assert first != "Epoch 2 of 2 · batch 57 of 57"  # it was caught mid-way
        expect(page.get_by_text("Results (the assignment's columns)")).to_be_visible()
        expect(page.get_by_text("Saved as run")).to_be_visible()
        _shot(page, "3_train_done")

        # Compare: the run is listed.
        page.get_by_role("link", name="Compare").first.click()
        expect(page.get_by_text("BaseNet").first).to_be_visible()
        _shot(page, "4_compare")

        page.get_by_role("link", name="Reproduce").first.click()
        expect(page.get_by_text("Reproduce").first).to_be_visible()
        _shot(page, "5_reproduce")

        # Classify: upload a photo, see the top 5.
        page.get_by_role("link", name="Classify").first.click()
        page.locator("input[type=file]").first.set_input_files(str(photo))
        expect(page.get_by_text("The model says", exact=False).first).to_be_visible(timeout=120_000)
        top5 = page.locator("[data-testid='stVegaLiteChart']").first
        top5.scroll_into_view_if_needed()
        expect(top5).to_be_visible()
        _shot(page, "6_classify")
        browser.close()
