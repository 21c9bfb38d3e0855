"""A class at once: 8 browser sessions each build, train a tiny job and classify, with 2 jobs at a time.

Marked slow (run by `.ci/run` separately). It checks that the others queue and all finish with
their own results, that no session sees or stops another's job, that ids are unguessable, and that
no worker process or thread is left once the sessions end. Run it with `-s` to see its figures:
sessions, jobs, wall time, peak memory.
"""

import io
import multiprocessing
import re
import resource
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from tests.executor_backends import wait_for
from ui import resources

APP = str(Path(__file__).resolve().parent.parent / "app.py")
SESSIONS = 8


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(2).integers(0, 256, (40, 40, 3), dtype=np.uint8)).save(
        buffer, "PNG"
    )
    return buffer.getvalue()


def _page(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.slow
def test_eight_sessions_share_two_job_slots_and_stay_apart(monkeypatch):
    monkeypatch.setenv("CNNAPP_MAX_JOBS", "2")
    resources.shutdown_executor()
    threads_before = threading.active_count()
    started = time.monotonic()

    sessions, submitted_positions = [], []
    for i in range(SESSIONS):  # each builds a network, then starts a tiny job
        at = AppTest.from_file(APP, default_timeout=120)
        _page(at, "pages/2_Build.py")
        # The first two students start long runs that hold both slots until they stop them, so
        # the others queue however fast the machine is.
        holder = i < 2
        limit = 600 if holder else 120 + 12 * i
        at.session_state["dataset_ref"] = {"name": "procedural", "limit": limit}
        _page(at, "pages/3_Train.py")
        at.number_input(key="w_train_epochs").set_value(1000 if holder else 1)
        at.text_input(key="w_train_label").input(f"student {i}")
        at.run()
        earlier = [
            resources.executor().status(s.session_state["job_id"], s.session_state["owner"])
            for s in sessions
        ]
        at.button(key="w_train_start").click().run()
        assert not at.exception and not at.error
        sessions.append(at)
        status = resources.executor().status(at.session_state["job_id"], at.session_state["owner"])
        submitted_positions.append(status.position or 0)
        if not holder:  # both slots are taken by the long runs
            assert status.state == "queued" and status.position >= 1, status
        # A queued job waits behind those queued before it, no further (those that have started
        # since only move it up).
        assert status.position is None or status.position <= 1 + sum(
            e.state == "queued" for e in earlier
        )

    executor = resources.executor()
    owners = [at.session_state["owner"] for at in sessions]
    jobs = [at.session_state["job_id"] for at in sessions]
    assert len(set(owners)) == SESSIONS and len(set(jobs)) == SESSIONS
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{16,}", job) for job in jobs)
    # Nobody sees or stops another's job, even knowing its id.
    for i in range(SESSIONS):
        other = owners[(i + 1) % SESSIONS]
        assert executor.status(jobs[i], other) is None
        assert executor.cancel(jobs[i], other) is False
    for job, owner in zip(jobs[:2], owners[:2], strict=True):  # a finished epoch to keep
        wait_for(lambda j=job, o=owner: executor.status(j, o).history, timeout=600)
    for at in sessions[:2]:  # the long runs are stopped from their own Train page
        at.button(key="w_train_stop").click().run()
        assert not at.exception
    positions_seen, most_running = set(), 0
    deadline = time.monotonic() + 900
    while True:
        states = [executor.status(job, owner) for job, owner in zip(jobs, owners, strict=True)]
        most_running = max(most_running, sum(s.state == "running" for s in states))
        positions_seen |= {s.position for s in states if s.position}
        if all(s.done for s in states):
            break
        assert time.monotonic() < deadline, [s.state for s in states]
        for at in sessions:  # the pages poll, as the browser's fragment would
            at.run()
            assert not at.exception
        time.sleep(0.5)
    assert most_running <= 2
    # The six short jobs waited in the queue, each with its place shown.
    assert min(submitted_positions[2:]) >= 1
    assert [s.state for s in states] == ["stopped"] * 2 + ["completed"] * (SESSIONS - 2)

    for i, at in enumerate(sessions):  # each sees its own run only, and classifies with it
        _page(at, "pages/4_Compare.py")
        runs = [d.value for d in at.dataframe if "Run" in d.value.columns][0]
        assert list(runs["Run"]) == [f"student {i}"]
        _page(at, "pages/6_Classify.py")
        at.file_uploader(key="w_classify_upload").set_value(("p.png", _png(), "image/png")).run()
        assert not at.exception and not at.error
        assert any(c.value.startswith("The model says") for c in at.caption)

    wall = time.monotonic() - started
    resources.shutdown_executor()
    time.sleep(1)
    assert multiprocessing.active_children() == []
    assert threading.active_count() <= threads_before + 1  # no thread per session left behind
    peak_server = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"\nload test: {SESSIONS} sessions, {len(jobs)} jobs (2 at a time), wall {wall:.0f} s, "
        f"peak memory: app process {peak_server:.0f} MB, largest worker {peak_worker:.0f} MB"
    )
