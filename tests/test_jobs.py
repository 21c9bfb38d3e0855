"""The executor: worker processes, queue, stop, failures, GPUs, owners (fake jobs, no Keras)."""

from __future__ import annotations

import multiprocessing
import sys

import pytest

from cnnapp import devices
from cnnapp.devices import Gpu
from cnnapp.jobs import MAX_BATCH_POINTS, LocalExecutor, get_executor
from tests import executor_backends as backends
from tests.jobkinds import KINDS

OWNER = "session-a"


def wait_done(executor, job_id, owner=OWNER, timeout=20.0):
    return backends.wait_done(executor, job_id, owner, timeout)


wait_for = backends.wait_for


@pytest.fixture
def executor():
    executor = LocalExecutor(max_jobs=2, gpus=[], kinds=KINDS, stop_timeout_s=1.0)
    yield executor
    executor.shutdown()
    assert multiprocessing.active_children() == []


def test_completed_job_folds_events(executor):
    job_id = executor.submit({"kind": "quick", "label": "fake"}, OWNER)
    status = wait_done(executor, job_id)
    assert status.state == "completed", status.error
    assert status.result == {"status": "completed", "owner": OWNER, "job_id": job_id}
    assert [row["epoch"] for row in status.history] == [1, 2, 3]
    assert status.history[1] == {
        "epoch": 2,
        "loss": 0.5,
        "accuracy": 0.2,
        "val_loss": 1.0,
        "val_accuracy": 0.1,
    }
    assert len(status.batch_points) == 12
    assert status.batch_points[5] == {
        "epoch": 2,
        "batch": 2,
        "step": 1.5,
        "loss": 0.25,
        "accuracy": 0.2,
    }
    assert (status.epoch, status.epochs, status.batch, status.batches) == (3, 3, 4, 4)
    assert status.early_stopping == {"stopped_epoch": 3, "best_epoch": 2}
    assert (status.phase, status.message, status.label) == ("training", "fake training", "fake")
    assert status.device == "CPU" and status.position is None and status.progress == 1.0
    assert status.started_at and status.finished_at and status.elapsed_s > 0
    assert status.to_dict()["history"] == status.history


def test_second_job_queues_until_first_finishes():
    executor = LocalExecutor(max_jobs=1, gpus=[], kinds=KINDS)
    try:
        first = executor.submit({"kind": "cuda_devices", "sleep_s": 0.5}, OWNER)
        second = executor.submit({"kind": "quick"}, OWNER)
        assert executor.status(second, OWNER).state == "queued"
        wait_for(lambda: executor.status(first, OWNER).state == "running")
        queued = executor.status(second, OWNER)
        assert (queued.state, queued.position) == ("queued", 1)
        assert wait_done(executor, first).state == "completed"
        assert wait_done(executor, second).state == "completed"
        assert [job.id for job in executor.list(OWNER)] == [second, first]
    finally:
        executor.shutdown()


def test_cancel_queued_and_running():
    executor = LocalExecutor(max_jobs=1, gpus=[], kinds=KINDS)
    try:
        running = executor.submit({"kind": "until_stopped"}, OWNER)
        queued = executor.submit({"kind": "quick"}, OWNER)
        assert executor.cancel(queued, OWNER)
        status = executor.status(queued, OWNER)
        assert status.state == "stopped" and status.started_at is None
        wait_for(lambda: executor.status(running, OWNER).history)
        assert executor.cancel(running, OWNER)
        assert executor.status(running, OWNER).state in ("stopping", "stopped")
        status = wait_done(executor, running)
        assert status.state == "stopped" and status.result == {"status": "stopped"}
        assert len(status.history) == 1
        assert not executor.cancel(running, OWNER)  # nothing left to stop
    finally:
        executor.shutdown()


def test_job_that_raises_fails_with_its_message(executor):
    status = wait_done(executor, executor.submit({"kind": "raises"}, OWNER))
    assert status.state == "failed"
    assert status.error == "layer 3 needs at least 5x5 input"
    assert "ValueError" in status.traceback


def test_killed_worker_fails_and_keeps_partial_history(executor):
    status = wait_done(executor, executor.submit({"kind": "killed"}, OWNER))
    assert status.state == "failed"
    assert "killed by signal 9" in status.error and "SIGKILL" in status.error
    assert [row["epoch"] for row in status.history] == [1]
    assert status.result is None


def test_exit_without_result_is_not_completion(executor):
    status = wait_done(executor, executor.submit({"kind": "no_result"}, OWNER))
    assert status.state == "failed" and "without sending a result" in status.error
    assert len(status.history) == 1  # the last progress message says nothing about completion


def test_unknown_and_malformed_events_are_ignored(executor):
    status = wait_done(executor, executor.submit({"kind": "noisy"}, OWNER))
    assert status.state == "completed"
    assert [row["epoch"] for row in status.history] == [1]


def test_batch_points_are_thinned_evenly(executor):
    status = wait_done(executor, executor.submit({"kind": "many_batches", "batches": 5000}, OWNER))
    points = status.batch_points
    assert len(points) <= MAX_BATCH_POINTS + 1
    assert points[-1]["batch"] == 5000  # the latest point is always there
    gaps = {b["batch"] - a["batch"] for a, b in zip(points[:-2], points[1:-1], strict=True)}
    assert gaps == {4}


def test_stop_timeout_terminates_the_worker(executor):
    silent = executor.submit({"kind": "ignores_stop"}, OWNER)
    polite = executor.submit({"kind": "ignores_stop", "acknowledge": True}, OWNER)
    # Both workers are in the job's own code (a loaded machine can take seconds to get there).
    wait_for(lambda: executor.status(polite, OWNER).phase == "training")
    wait_for(lambda: executor.status(silent, OWNER).phase == "training")
    assert executor.cancel(silent, OWNER) and executor.cancel(polite, OWNER)
    silent_status = wait_done(executor, silent)
    assert silent_status.state == "failed" and "did not stop" in silent_status.error
    assert wait_done(executor, polite).state == "stopped"


def test_other_owner_sees_and_cancels_nothing(executor):
    job_id = executor.submit({"kind": "until_stopped"}, OWNER)
    assert executor.status(job_id, "session-b") is None
    assert executor.list("session-b") == []
    assert not executor.cancel(job_id, "session-b")
    assert executor.status("no-such-job", OWNER) is None
    assert executor.cancel(job_id, OWNER)
    assert wait_done(executor, job_id).state == "stopped"


def test_submit_refuses_bad_specs(executor):
    with pytest.raises(ValueError, match="unknown job kind 'nope'"):
        executor.submit({"kind": "nope"}, OWNER)
    with pytest.raises(ValueError, match="plain data"):
        executor.submit({"kind": "quick", "x": object()}, OWNER)
    with pytest.raises(ValueError, match="owner"):
        executor.submit({"kind": "quick"}, "")
    with pytest.raises(ValueError, match="max_jobs"):
        LocalExecutor(max_jobs=0, gpus=[])


def test_each_job_gets_its_own_gpu():
    gpus = ["Fake GPU A", "Fake GPU B"]
    executor = LocalExecutor(max_jobs=4, gpus=gpus, kinds=KINDS)
    try:
        assert executor.capacity == 2  # one job per GPU
        ids = [executor.submit({"kind": "cuda_devices", "sleep_s": 1.0}, OWNER) for _ in range(3)]
        third = executor.status(ids[2], OWNER)
        assert third.state == "queued"
        wait_for(lambda: all(executor.status(i, OWNER).state == "running" for i in ids[:2]))
        assert executor.status(ids[2], OWNER).state == "queued"
        first, second, third = (wait_done(executor, job_id) for job_id in ids)
        assert {first.result["cuda"], second.result["cuda"]} == {"0", "1"}
        assert {first.device, second.device} == {"GPU 0: Fake GPU A", "GPU 1: Fake GPU B"}
        assert third.result["cuda"] in ("0", "1")
    finally:
        executor.shutdown()


def test_one_gpu_is_shared():
    executor = LocalExecutor(max_jobs=2, gpus=[Gpu("Fake GPU", 16_000)], kinds=KINDS)
    try:
        assert executor.capacity == 2  # min(max_jobs, 1 GPU × 4 jobs for 16 GB)
        status = wait_done(executor, executor.submit({"kind": "quick"}, OWNER))
        assert status.device == "GPU 0: Fake GPU"
    finally:
        executor.shutdown()


def test_a_gpu_of_unknown_memory_takes_one_uncapped_job():
    executor = LocalExecutor(max_jobs=2, gpus=["Fake GPU"], kinds=KINDS, jobs_per_gpu=None)
    try:
        assert executor.capacity == 1 and executor.slots[0].memory_mb is None
    finally:
        executor.shutdown()


def test_shutdown_leaves_no_workers():
    executor = LocalExecutor(max_jobs=1, gpus=[], kinds=KINDS)
    running = executor.submit({"kind": "ignores_stop"}, OWNER)
    queued = executor.submit({"kind": "quick"}, OWNER)
    wait_for(lambda: executor.status(running, OWNER).state == "running")
    executor.shutdown()
    assert multiprocessing.active_children() == []
    assert executor.status(running, OWNER).state == "interrupted"
    assert (
        executor.status(queued, OWNER).state == "interrupted"
    )  # never started: the server went away
    with pytest.raises(RuntimeError, match="shut down"):
        executor.submit({"kind": "quick"}, OWNER)


def test_get_executor_is_a_lazy_singleton(monkeypatch):
    monkeypatch.setattr(devices, "probe_gpus", lambda refresh=False: [])
    executor = get_executor()
    try:
        assert get_executor() is executor
    finally:
        executor.shutdown()
    assert get_executor() is not executor
    get_executor().shutdown()


ORPHAN_SCRIPT = """
import os, signal, sys, time
sys.path.insert(0, {root!r})
from cnnapp.jobs import LocalExecutor
from tests.jobkinds import KINDS
executor = LocalExecutor(max_jobs=1, gpus=[], kinds=KINDS)  # no __main__ guard on purpose
job_id = executor.submit({{"kind": "ignores_stop"}}, "o")
while executor.status(job_id, "o").state != "running":
    time.sleep(0.02)
time.sleep(0.5)
print(executor.status(job_id, "o").state, [p.pid for p in __import__("multiprocessing").active_children()], flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # the server dies without any clean-up
"""


def _process_ended(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")  # zombie: it exited
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_unguarded_script_and_worker_ends_with_its_parent(tmp_path):
    import ast
    import subprocess
    from pathlib import Path

    script = tmp_path / "server.py"
    script.write_text(ORPHAN_SCRIPT.format(root=str(Path(__file__).resolve().parent.parent)))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=30)
    state, pids = out.stdout.split(" ", 1)
    (pid,) = ast.literal_eval(pids)  # one worker: the script was not re-run in it
    assert state == "running", out.stderr
    wait_for(lambda: _process_ended(pid), timeout=10)


def test_importing_jobs_and_runs_does_not_import_tensorflow():
    import subprocess

    code = (
        "import sys, cnnapp.jobs, cnnapp.runs, cnnapp.devices, cnnapp.jobs.worker; "
        "print(any(m.split('.')[0] in ('tensorflow', 'keras') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# devices.py


def test_parse_nvidia_smi_and_cuda_visible_devices():
    text = (
        "GPU 0: NVIDIA H200 (UUID: GPU-aaaa-1111)\n"
        "  MIG 1g.18gb     Device  0: (UUID: MIG-xyz)\n"
        "GPU 1: NVIDIA A100-SXM4-80GB (UUID: GPU-bbbb-2222)\n"
    )
    gpus = devices.parse_nvidia_smi(text)
    assert gpus == [
        (0, "NVIDIA H200", "GPU-aaaa-1111"),
        (1, "NVIDIA A100-SXM4-80GB", "GPU-bbbb-2222"),
    ]
    assert devices.filter_visible(gpus, None) == ["NVIDIA H200", "NVIDIA A100-SXM4-80GB"]
    assert devices.filter_visible(gpus, ["1"]) == ["NVIDIA A100-SXM4-80GB"]
    assert devices.filter_visible(gpus, ["GPU-bbbb", "0"]) == [
        "NVIDIA A100-SXM4-80GB",
        "NVIDIA H200",
    ]
    assert devices.filter_visible(gpus, ["-1", "0"]) == []
    assert devices.filter_visible(gpus, []) == []


def test_describe_device_and_visible_ids(monkeypatch):
    assert devices.describe_device([]) == "CPU"
    assert devices.describe_device(["NVIDIA H200"]) == "GPU: NVIDIA H200"
    assert devices.describe_device(["NVIDIA H200"] * 2) == "2 GPUs: NVIDIA H200"
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    assert devices.visible_device_ids(2) == ["0", "1"]
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "2,3")
    assert devices.visible_device_ids(2) == ["2", "3"]


def test_probe_gpus_without_nvidia_smi(monkeypatch):
    monkeypatch.setattr(devices.shutil, "which", lambda name: None)
    monkeypatch.setattr(devices, "_cached", None)  # the real probe's answer comes back afterwards
    assert devices.probe_gpus(refresh=True) == []
    assert isinstance(devices.probe_gpus(), list)
