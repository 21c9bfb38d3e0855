"""AppTest: the sidebar and the lecturer's Class page show which GPU each job runs on.

The app's executor is replaced by one with a faked device list (two GPUs, two jobs each); its
workers run small fake jobs on the CPU.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import cnnapp.jobs
from cnnapp.devices import Gpu
from cnnapp.jobs import LocalExecutor
from tests.jobkinds import KINDS
from ui import resources

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ISS = "http://127.0.0.1:9400"
AUTH = {
    "auth": {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "a-test-secret",
        "client_id": "cnnlab",
        "client_secret": "secret",
        "server_metadata_url": f"{ISS}/.well-known/openid-configuration",
    },
    "cnnapp": {"lecturers": ["prof@uni.test"]},
}


@pytest.fixture
def executor():
    """Two fake 24 GB GPUs, two jobs each, as the app's executor for this test."""
    gpus = [Gpu("Fake GPU A", 24_000), Gpu("Fake GPU B", 24_000)]
    fake = LocalExecutor(max_jobs=4, gpus=gpus, kinds=KINDS, journal=False, jobs_per_gpu=2)
    resources.shutdown_executor()
    cnnapp.jobs._executor = fake
    resources._executor.clear()
    yield fake
    fake.shutdown()
    cnnapp.jobs._executor = None
    resources._executor.clear()


def _running(executor, owner: str, label: str) -> str:
    job_id = executor.submit({"kind": "until_stopped", "label": label}, owner)
    deadline = time.monotonic() + 60
    while executor.status(job_id, owner).state != "running":
        assert time.monotonic() < deadline, "the fake job did not start"
        time.sleep(0.05)
    return job_id


def test_the_sidebar_names_the_gpu_of_this_sessions_job(executor):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    owner = at.session_state["owner"]
    _running(executor, "someone else", "Their net")  # takes GPU 0
    at.session_state["job_id"] = _running(executor, owner, "My net")  # the least busy: GPU 1
    at.run()
    assert not at.exception
    captions = [c.value for c in at.sidebar.caption]
    assert "Runs on GPU 1: Fake GPU B" in captions, captions
    assert not any("GPU 0" in c for c in captions)


def test_the_lecturer_sees_each_jobs_gpu(executor):
    from cnnapp.classroom.identity import owner_id

    _running(executor, owner_id(ISS, "ana"), "Ana's net")
    _running(executor, owner_id(ISS, "ben"), "Ben's net")
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = AUTH
    at.user = {"is_logged_in": True, "iss": ISS, "sub": "p", "email": "prof@uni.test"}
    at.run()
    at.switch_page("pages/7_Class.py").run()
    assert not at.exception, [e.value for e in at.exception]
    frame = next(f.value for f in at.dataframe if "Device" in f.value.columns)
    devices = dict(zip(frame["Job"], frame["Device"], strict=True))
    assert devices == {"Ana's net": "GPU 0: Fake GPU A", "Ben's net": "GPU 1: Fake GPU B"}
