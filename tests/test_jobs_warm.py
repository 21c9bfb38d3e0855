"""Warm workers: jobs run in processes started ahead of need (fake jobs, a cheap preload).

Which process a job ran in is told by its pid (the job returns it) and by the worker's own
`{"type": "worker", "warm": ...}` event; no timing is asserted.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cnnapp.jobs import LocalExecutor
from cnnapp.settings import get_settings
from tests.jobkinds import KINDS
from tests.test_jobs import wait_done, wait_for
from tests.warmup import CALLED_FILE_ENV

OWNER = "session-a"
PRELOAD = ("tests.warmup:touch", "tests.jobkinds")
ROOT = Path(__file__).resolve().parent.parent


def warm_executor(**kwargs) -> LocalExecutor:
    options = {"max_jobs": 1, "gpus": [], "kinds": KINDS, "journal": False, "stop_timeout_s": 2.0}
    return LocalExecutor(warm_workers=True, warm_preload=PRELOAD, **{**options, **kwargs})


def ready_workers(executor: LocalExecutor, count: int = 1) -> list:
    """Waits until `count` warm workers have set up; returns them."""

    def ready():
        with executor._lock:
            workers = [w for w in executor._pool.workers() if w.check_ready()]
        return workers if len(workers) >= count else None

    return wait_for(ready, timeout=30)


@pytest.fixture
def executor(tmp_path, monkeypatch):
    monkeypatch.setenv(CALLED_FILE_ENV, str(tmp_path / "warmed.txt"))
    executor = warm_executor()
    yield executor
    executor.shutdown()
    assert multiprocessing.active_children() == []


def test_a_job_runs_in_the_prestarted_worker_and_a_fresh_one_starts_behind(executor, tmp_path):
    first = ready_workers(executor)[0].process.pid
    warmed = [int(pid) for pid in (tmp_path / "warmed.txt").read_text().split()]
    assert warmed == [first]  # the preload ran there, before any job

    status = wait_done(executor, executor.submit({"kind": "whoami"}, OWNER))
    assert status.state == "completed" and status.warm is True
    assert status.result["pid"] == first and status.result["preloaded"]

    second = ready_workers(executor)[0].process.pid  # started behind the first job
    assert second != first
    again = wait_done(executor, executor.submit({"kind": "whoami"}, OWNER))
    assert again.result["pid"] == second and again.warm is True


def test_a_warm_worker_serves_one_job_then_exits(executor):
    (worker,) = ready_workers(executor)
    process = worker.process
    wait_done(executor, executor.submit({"kind": "quick"}, OWNER))
    assert process._closed or process.exitcode == 0  # closed by the executor once it exited


def test_events_stop_and_failures_work_as_in_a_cold_worker(executor):
    ready_workers(executor)
    status = wait_done(executor, executor.submit({"kind": "quick", "epochs": 2}, OWNER))
    assert status.warm and [h["epoch"] for h in status.history] == [1, 2]
    assert status.early_stopping == {"stopped_epoch": 2, "best_epoch": 1}

    ready_workers(executor)
    job = executor.submit({"kind": "until_stopped"}, OWNER)
    wait_for(lambda: executor.status(job, OWNER).history)
    assert executor.cancel(job, OWNER)
    stopped = wait_done(executor, job)
    assert stopped.state == "stopped" and stopped.warm and stopped.result == {"status": "stopped"}

    ready_workers(executor)
    failed = wait_done(executor, executor.submit({"kind": "raises"}, OWNER))
    assert failed.state == "failed" and failed.warm and "5x5" in failed.error

    ready_workers(executor)
    killed = wait_done(executor, executor.submit({"kind": "killed"}, OWNER))
    assert killed.state == "failed" and "signal 9" in killed.error and killed.history


def test_a_warm_worker_that_ignores_stop_is_ended_after_the_timeout(executor):
    ready_workers(executor)
    job = executor.submit({"kind": "ignores_stop", "acknowledge": True}, OWNER)
    wait_for(lambda: executor.status(job, OWNER).warm)
    executor.cancel(job, OWNER)
    status = wait_done(executor, job, timeout=20)
    assert status.state == "stopped"  # acknowledged, then terminated after stop_timeout_s


def test_each_gpu_slot_gets_a_warm_worker_with_its_own_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(CALLED_FILE_ENV, str(tmp_path / "warmed.txt"))
    executor = warm_executor(max_jobs=2, gpus=["GPU A", "GPU B"])
    try:
        workers = ready_workers(executor, 2)
        assert sorted(w.env["CUDA_VISIBLE_DEVICES"] for w in workers) == ["0", "1"]
        jobs = [executor.submit({"kind": "cuda_devices", "sleep_s": 1.0}, OWNER) for _ in "ab"]
        statuses = [wait_done(executor, job) for job in jobs]
        assert sorted(s.result["cuda"] for s in statuses) == ["0", "1"]
        assert all(s.warm for s in statuses)
        for status in statuses:  # the job's device is the one its warm worker was set up for
            assert status.device.startswith(f"GPU {status.result['cuda']}:")
    finally:
        executor.shutdown()
    assert multiprocessing.active_children() == []


def test_the_worker_behind_a_job_starts_at_its_first_batch(executor, monkeypatch):
    from cnnapp.jobs import local

    ready_workers(executor)
    job = executor.submit({"kind": "ignores_stop"}, OWNER)  # never reports a batch
    wait_for(lambda: executor.status(job, OWNER).warm)
    time.sleep(1.0)
    with executor._lock:
        assert executor._pool.workers() == []  # nothing takes the CPU from the job's start
    monkeypatch.setattr(local, "WARM_DEFER_S", 0.0)  # ... for at most this long
    ready_workers(executor)


def test_a_warm_worker_that_died_is_replaced(executor):
    (worker,) = ready_workers(executor)
    dead = worker.process.pid
    os.kill(dead, signal.SIGKILL)
    wait_for(lambda: worker.process._closed or worker.process.exitcode is not None)
    status = wait_done(executor, executor.submit({"kind": "whoami"}, OWNER))
    assert status.state == "completed" and status.result["pid"] != dead


def test_shutdown_ends_waiting_and_running_warm_workers(tmp_path, monkeypatch):
    monkeypatch.setenv(CALLED_FILE_ENV, str(tmp_path / "warmed.txt"))
    executor = warm_executor()
    ready_workers(executor)
    running = executor.submit({"kind": "until_stopped"}, OWNER)  # a batch, then it waits
    wait_for(lambda: executor.status(running, OWNER).history)
    ready_workers(executor)  # the one behind it, waiting
    executor.shutdown()
    assert multiprocessing.active_children() == []
    assert executor.status(running, OWNER).state == "interrupted"


def test_warm_workers_off_is_the_cold_path(monkeypatch):
    monkeypatch.setenv("CNNAPP_WARM_WORKERS", "0")
    executor = LocalExecutor(max_jobs=1, gpus=[], kinds=KINDS, journal=False)
    try:
        status = wait_done(executor, executor.submit({"kind": "whoami"}, OWNER))
        assert status.warm is False and not status.result["preloaded"]
        assert executor._pool is None
        assert multiprocessing.active_children() == []  # nothing started ahead
    finally:
        executor.shutdown()


@pytest.mark.parametrize(("value", "expected"), [("", True), ("1", True), ("off", False)])
def test_the_setting_is_a_switch(monkeypatch, value, expected):
    monkeypatch.setenv("CNNAPP_WARM_WORKERS", value)
    assert get_settings().warm_workers is expected


def test_a_bad_setting_says_what_to_write(monkeypatch):
    monkeypatch.setenv("CNNAPP_WARM_WORKERS", "maybe")
    with pytest.raises(ValueError, match=r"CNNAPP_WARM_WORKERS='maybe'.*1 \(on\) or 0 \(off\)"):
        get_settings()


# A Streamlit server puts each page back as `__main__` on every script run, from its own
# threads; a worker started at such a moment used to re-run the page in bare mode, which logged
# "missing ScriptRunContext" ~150 times. The thread below does the same, as fast as it can.
STREAMLIT_PARENT = """
import sys, threading, time, types
sys.path.insert(0, {root!r})
import streamlit
from cnnapp.jobs import LocalExecutor
from tests.jobkinds import KINDS

stop = False
def script_runs():
    while not stop:
        page = types.ModuleType("__main__")
        sys.modules["__main__"] = page
        page.__file__ = {page!r}

threading.Thread(target=script_runs, daemon=True).start()
executor = LocalExecutor(max_jobs=1, gpus=[], kinds=KINDS, journal=False, warm_workers={warm},
                         warm_preload=("tests.jobkinds",))
for _ in range(3):
    job = executor.submit({{"kind": "quick"}}, "o")
    while not executor.status(job, "o").done:
        time.sleep(0.02)
    print(executor.status(job, "o").state, flush=True)
stop = True
executor.shutdown()
"""
PAGE = """
import streamlit as st
for number in range(50):
    st.write(number)
"""


@pytest.mark.parametrize("warm", [False, True])
def test_workers_started_under_streamlit_do_not_rerun_the_page(tmp_path, warm):
    page = tmp_path / "page.py"
    page.write_text(PAGE)
    script = tmp_path / "server.py"
    script.write_text(STREAMLIT_PARENT.format(root=str(ROOT), page=str(page), warm=warm))
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert out.stdout.split() == ["completed"] * 3, out.stderr[-2000:]
    assert "missing ScriptRunContext" not in out.stderr
