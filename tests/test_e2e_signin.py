"""Class mode end to end: real sign-in through a local OpenID Connect provider, in Chromium.

The test starts `oidc-provider-mock` (PyPI) and `streamlit run app.py` on loopback ports, with
Streamlit's `[auth]` section in a temporary secrets.toml pointing at the provider. Two students and
a lecturer sign in (the provider's form: a `sub` field and an Authorize button). The students never
see, stop or delete each other's work, even with each other's URLs; the lecturer sees both on the
Class page and publishes a run, which the students then see read-only. Marked slow (`.ci/run`
runs it); skips when Chromium is absent, unless CNNAPP_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from test_e2e_browser import ARGS, CHROMIUM, REASON, _free_port

from cnnapp.classroom.identity import owner_id
from cnnapp.runs import RunStore

ROOT = Path(__file__).resolve().parent.parent
MOCK = shutil.which("oidc-provider-mock") or str(Path(sys.executable).parent / "oidc-provider-mock")
PICK_RUN = "Run"  # the label of Compare's run picker
LECTURER = {"sub": "prof", "email": "prof@uni.test", "email_verified": True, "name": "Prof. Ruiz"}
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(REASON is not None, reason=REASON or ""),
]


def _wait_for(url: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url} exited: {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    process.kill()
    pytest.fail(f"{url} did not answer: {log.read_text()[-2000:]}")


def _start(command: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
    out = open(log, "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()


def _seed_run(owner: str, label: str) -> str:
    """A saved run of `owner` (its model file is a stand-in: Compare only lists runs)."""
    return RunStore().save(
        model=lambda path: path.write_bytes(b"not a model"),
        spec=[{"type": "flatten"}, {"type": "dense", "units": 4}],
        config={
            "owner": owner,
            "label": label,
            "dataset": {"name": "procedural"},
            "preprocessing": {},
            "train": {"epochs": 1},
            "class_names": ["a", "b"],
            "input_shape": [32, 32, 3],
            "status": "completed",
        },
        history={"epochs": [{"epoch": 1, "loss": 1.0, "accuracy": 0.5, "val_accuracy": 0.5}]},
        metrics={"train_loss": 1.0, "train_accuracy": 0.5, "val_accuracy": 0.5, "epochs_run": 1},
    )


@pytest.fixture
def class_server(tmp_path, monkeypatch):
    mock_port, app_port = _free_port(), _free_port()
    mock = _start(
        [
            MOCK,
            "--port",
            str(mock_port),
            "--host",
            "127.0.0.1",
            "--user-claims",
            json.dumps(LECTURER),
        ],
        tmp_path / "oidc.log",
    )
    metadata = f"http://127.0.0.1:{mock_port}/.well-known/openid-configuration"
    _wait_for(metadata, mock, tmp_path / "oidc.log")
    issuer = json.load(urllib.request.urlopen(metadata))["issuer"]
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        'cookie_secret = "a-cookie-secret-for-the-test-only"\n'
        'client_id = "cnnlab"\nclient_secret = "cnnlab-secret"\n'
        f'server_metadata_url = "{metadata}"\n'
        '[cnnapp]\nlecturers = ["prof@uni.test"]\n'
    )
    env = {
        **os.environ,
        "CNNAPP_MODELS_DIR": str(tmp_path / "models"),
        "CNNAPP_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
    }
    monkeypatch.setenv("CNNAPP_MODELS_DIR", env["CNNAPP_MODELS_DIR"])
    runs = {
        "ana": _seed_run(owner_id(issuer, "ana@uni.test"), "Ana's MiRed"),
        "ben": _seed_run(owner_id(issuer, "ben@uni.test"), "Ben's BaseNet"),
    }
    app = _start(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(app_port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--secrets.files", str(secrets)],
        tmp_path / "server.log",
        env,
    )  # fmt: skip
    _wait_for(f"http://127.0.0.1:{app_port}/_stcore/health", app, tmp_path / "server.log")
    yield f"http://127.0.0.1:{app_port}", runs
    _stop(app)
    _stop(mock)


def _sign_in(browser, url: str, sub: str | None):
    """A fresh browser context (its own cookies) signed in as `sub` (None: the lecturer)."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_role("link", name="Compare")).to_have_count(0)  # nothing but sign-in
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/oauth2/authorize.*"))
    if sub is None:
        page.get_by_role("button", name=LECTURER["sub"], exact=True).click()
    else:
        page.locator("input[name=sub]").fill(sub)
        page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_text(re.compile(r"Signed in as .+"))).to_be_visible()
    return page


def _choose(page, label: str, option: str, attempts: int = 4) -> None:
    """Picks an option of a select box, retrying while the page is still being redrawn (after a
    reload the first box found can be the previous run's)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(attempts):
        page.get_by_role("combobox", name=label, exact=True).click()
        try:
            page.get_by_role("option", name=re.compile(option)).click(timeout=10_000)
            return
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
            time.sleep(1)


def test_students_and_a_lecturer_sign_in_and_the_class_stays_apart(class_server):
    from playwright.sync_api import expect, sync_playwright

    url, runs = class_server
    expect.set_options(timeout=30_000)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ana = _sign_in(browser, url, "ana@uni.test")
        expect(ana.get_by_text("ana@uni.test (student)")).to_be_visible()
        expect(ana.get_by_role("link", name="Class", exact=True)).to_have_count(0)

        # Ana starts a job; her address now names it.
        ana.get_by_role("link", name="Train").first.click()
        epochs = ana.get_by_label("Epochs", exact=True)
        epochs.fill("100")  # long enough to be running while Ben tries her addresses
        epochs.press("Enter")
        time.sleep(1)
        ana.get_by_role("button", name="Start training").click()
        expect(ana.get_by_role("button", name="Stop", exact=True)).to_be_enabled(timeout=60_000)
        ana_train_url = ana.url
        assert "job=" in ana_train_url and "session=" not in ana_train_url
        ana.get_by_role("link", name="Compare").first.click()
        expect(ana.get_by_text("Ana's MiRed").first).to_be_visible()
        expect(ana.get_by_text("Ben's BaseNet")).to_have_count(0)
        ana_compare_url = ana.url

        # Ben, given Ana's addresses, sees his own work only and cannot stop her job.
        ben = _sign_in(browser, url, "ben@uni.test")
        ben.goto(ana_train_url)
        expect(ben.get_by_text("ben@uni.test (student)")).to_be_visible()
        expect(ben.get_by_role("button", name="Stop", exact=True)).to_be_disabled()
        ben.goto(ana_compare_url)
        expect(ben.get_by_text("Ben's BaseNet").first).to_be_visible()
        expect(ben.get_by_text("Ana's MiRed")).to_have_count(0)

        # Ana can stop her own job.
        ana.goto(ana_train_url)
        ana.get_by_role("button", name="Stop", exact=True).click()
        expect(ana.get_by_role("button", name="Stop", exact=True)).to_be_disabled(timeout=60_000)

        # The lecturer sees both students' runs and Ana's job, and publishes Ben's run.
        prof = _sign_in(browser, url, None)
        expect(prof.get_by_text("Prof. Ruiz (lecturer)")).to_be_visible()
        prof.get_by_role("link", name="Class", exact=True).first.click()
        expect(prof.get_by_text("Every student's jobs")).to_be_visible()
        tables = prof.locator("[data-testid='stDataFrame']")
        expect(tables.first).to_be_visible()
        _choose(prof, "Run", r"Ben's BaseNet")
        prof.get_by_role("button", name="Publish to the class").click()
        expect(prof.get_by_role("button", name="Unpublish")).to_be_visible()

        # Ana now sees Ben's run, published by the lecturer and read-only for her.
        ana.goto(ana_compare_url)
        _choose(ana, PICK_RUN, r"Ben's BaseNet")
        expect(ana.get_by_text("published by Prof. Ruiz").first).to_be_visible()
        expect(ana.get_by_role("button", name="Delete")).to_have_count(0)  # read-only for her
        browser.close()
    owners = {RunStore().get(run_id).owner for run_id in runs.values()}
    assert len(owners) == 2  # publishing changed no owner
