"""Faults: a worker killed mid-epoch or mid-save, and Stop pressed at every phase."""

import multiprocessing
import os
import signal
import time

import numpy as np
import pytest

from cnnapp.config import TrainConfig
from cnnapp.jobs import LocalExecutor
from cnnapp.nets.presets import get_preset
from cnnapp.runs import RunStore
from cnnapp.training import make_job_spec, run_job

TINY = {"name": "procedural", "limit": 300}
OWNER = "session-a"


def _wait(predicate, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def _earlier_run() -> str:
    spec = make_job_spec(get_preset("basenet"), TINY, None, TrainConfig(epochs=1), owner=OWNER)
    return run_job(spec, lambda e: None, lambda: False)["run_id"]


def _worker_pid(job_id):
    for child in multiprocessing.active_children():
        if child.name == f"cnnapp-job-{job_id}":
            return child.pid
    return None


@pytest.mark.slow  # an end-to-end training run: with the slow tests (CI runs them)
def test_worker_killed_mid_epoch_fails_with_its_partial_history_and_earlier_runs_load():
    earlier = _earlier_run()
    executor = LocalExecutor(max_jobs=1, gpus=[])
    try:
        spec = make_job_spec(
            get_preset("basenet"), TINY, None, TrainConfig(epochs=200), owner=OWNER
        )
        job = executor.submit(spec, OWNER)
        _wait(
            lambda: (
                len(executor.status(job, OWNER).history) >= 1
                and executor.status(job, OWNER).batch >= 2
            )
        )
        os.kill(_worker_pid(job), signal.SIGKILL)
        _wait(lambda: executor.status(job, OWNER).done)
        status = executor.status(job, OWNER)
        assert status.state == "failed"
        assert "killed by signal 9" in status.error
        assert len(status.history) >= 1
    finally:
        executor.shutdown()
    runs = RunStore().list()
    assert [r.run_id for r in runs] == [earlier]
    model = RunStore().load_model(earlier)
    assert model.predict(np.zeros((1, 32, 32, 3), "float32"), verbose=0).shape == (1, 6)


def test_worker_killed_mid_save_leaves_no_half_run_listed_as_good():
    earlier = _earlier_run()
    executor = LocalExecutor(max_jobs=1, gpus=[], kinds={"half": "tests.jobkinds:killed_mid_save"})
    try:
        job = executor.submit({"kind": "half"}, OWNER)
        _wait(lambda: executor.status(job, OWNER).done)
        assert executor.status(job, OWNER).state == "failed"
    finally:
        executor.shutdown()
    runs = RunStore().list()
    assert [(r.run_id, r.status) for r in runs] == [(earlier, "ok")]
    assert RunStore().load_model(earlier) is not None


def _run_with_stop_at(trigger):
    """Runs a tiny job whose Stop is pressed when `trigger(event)` first returns True."""
    pressed = {"yes": False}

    def report(event):
        if trigger(event):
            pressed["yes"] = True

    spec = make_job_spec(get_preset("basenet"), TINY, None, TrainConfig(epochs=3), owner=OWNER)
    return run_job(spec, report, lambda: pressed["yes"])


def test_stop_before_training_saves_nothing():
    result = _run_with_stop_at(lambda e: e["type"] == "phase" and e["phase"] == "loading data")
    assert result == {"run_id": None, "status": "stopped", "metrics": {}}
    assert RunStore().list() == []


def test_stop_at_the_first_batch_keeps_a_partial_run():
    result = _run_with_stop_at(lambda e: e["type"] == "train_begin")
    assert result["status"] == "stopped" and result["metrics"]["epochs_run"] == 0
    assert RunStore().get(result["run_id"]).config["status"] == "stopped"


def test_stop_during_validation_ends_at_the_next_batch_with_the_epoch_kept():
    result = _run_with_stop_at(lambda e: e["type"] == "batch" and e["batch"] == e["batches"])
    assert result["status"] == "stopped"
    assert result["metrics"]["epochs_run"] == 1  # the epoch being validated is complete
    assert result["metrics"]["val_accuracy"] is not None


def test_stop_while_saving_is_too_late_and_the_run_completes():
    result = _run_with_stop_at(lambda e: e["type"] == "phase" and e["phase"] == "saving")
    assert result["status"] == "completed" and result["metrics"]["epochs_run"] == 3
    assert RunStore().get(result["run_id"]).status == "ok"
