"""Small job functions for the executor's tests, imported by spawned workers (no Keras here).

Each has the signature of `cnnapp.training.run_job`: `f(spec, report, should_stop) -> result`.
"""

from __future__ import annotations

import os
import signal
import time

KINDS = {
    name: f"tests.jobkinds:{name}"
    for name in [
        "quick",
        "until_stopped",
        "raises",
        "killed",
        "cuda_devices",
        "ignores_stop",
        "many_batches",
        "noisy",
        "no_result",
        "saves_run",
        "slow_epochs",
        "slot_env",
        "out_of_gpu_memory",
        "whoami",
    ]
}


def _epoch(report, epoch: int, batches: int = 4) -> None:
    for batch in range(1, batches + 1):
        logs = {"loss": 1.0 / (epoch + batch), "accuracy": 0.1 * epoch}
        report({"type": "batch", "epoch": epoch, "batch": batch, "batches": batches, "logs": logs})
    logs = {"loss": 1.0 / epoch, "accuracy": 0.1 * epoch, "val_loss": 2.0 / epoch}
    report({"type": "epoch", "epoch": epoch, "logs": logs | {"val_accuracy": 0.05 * epoch}})


def quick(spec, report, should_stop):
    """Three fake epochs of four batches, then a result that echoes the spec's owner."""
    report({"type": "phase", "phase": "training", "message": "fake training"})
    epochs = int(spec.get("epochs", 3))
    report({"type": "train_begin", "epochs": epochs, "batches": 4, "train_size": 40})
    for epoch in range(1, epochs + 1):
        _epoch(report, epoch)
    report({"type": "early_stopping", "stopped_epoch": epochs, "best_epoch": epochs - 1})
    return {"status": "completed", "owner": spec.get("owner"), "job_id": spec.get("job_id")}


def until_stopped(spec, report, should_stop):
    """Reports one epoch, then waits for a stop request (at most 30 s)."""
    report({"type": "train_begin", "epochs": 10, "batches": 4})
    _epoch(report, 1)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if should_stop():
            return {"status": "stopped"}
        time.sleep(0.02)
    return {"status": "completed"}


def raises(spec, report, should_stop):
    report({"type": "phase", "phase": "building", "message": "building"})
    raise ValueError("layer 3 needs at least 5x5 input")


def killed(spec, report, should_stop):
    """Reports an epoch, then dies as the out-of-memory killer would kill it."""
    report({"type": "train_begin", "epochs": 5, "batches": 4})
    _epoch(report, 1)
    time.sleep(0.2)
    os.kill(os.getpid(), signal.SIGKILL)


def cuda_devices(spec, report, should_stop):
    """Stays alive a moment (so jobs overlap) and returns the GPU the executor gave it."""
    time.sleep(float(spec.get("sleep_s", 1.0)))
    return {"status": "completed", "cuda": os.environ.get("CUDA_VISIBLE_DEVICES")}


def whoami(spec, report, should_stop):
    """Returns the process it ran in and whether Keras was already imported there."""
    import sys

    return {"status": "completed", "pid": os.getpid(), "preloaded": "tests.warmup" in sys.modules}


def ignores_stop(spec, report, should_stop):
    """Never stops by itself; `acknowledge` decides whether it even looks at should_stop()."""
    report({"type": "phase", "phase": "training"})  # the job's own code is running
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if spec.get("acknowledge"):
            should_stop()
        time.sleep(0.02)
    return {"status": "completed"}


def many_batches(spec, report, should_stop):
    """Sends far more batch events than the executor keeps."""
    batches = int(spec["batches"])
    report({"type": "train_begin", "epochs": 1, "batches": batches})
    for batch in range(1, batches + 1):
        report({"type": "batch", "epoch": 1, "batch": batch, "batches": batches, "logs": {}})
    return {"status": "completed"}


def noisy(spec, report, should_stop):
    """Unknown and malformed events, which the executor must ignore."""
    report({"type": "weather", "sunny": True})
    report({"type": "epoch"})  # no epoch number
    report({"type": "batch", "epoch": "x", "batch": 1})
    report({"no type": 1})
    _epoch(report, 1)
    return {"status": "completed"}


def no_result(spec, report, should_stop):
    """Exits with code 0 without returning: not a completion."""
    _epoch(report, 1)
    os._exit(0)


def saves_run(spec, report, should_stop):
    """Waits `sleep_s`, saves a tiny run for the spec's owner; returns its id and when it began.

    `clock` is `time.time()` at the start of the job function, comparable across processes.
    """
    from cnnapp.runs import RunStore

    clock = time.time()
    report({"type": "phase", "phase": "training", "message": "fake training"})
    time.sleep(float(spec.get("sleep_s", 0.1)))

    def write_model(path):
        path.write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip: a stand-in model file

    run_id = RunStore().save(
        model=write_model,
        spec=[],
        config={"owner": spec.get("owner"), "label": spec.get("label", ""), "job": spec["job_id"]},
        history={"epochs": []},
        metrics={},
    )
    return {"status": "completed", "run_id": run_id, "owner": spec.get("owner"), "clock": clock}


def slow_epochs(spec, report, should_stop):
    """Epoch 1, then `sleep_s` seconds (stopping early if asked), then epoch 2 and a result."""
    report({"type": "train_begin", "epochs": 2, "batches": 4})
    _epoch(report, 1)
    deadline = time.monotonic() + float(spec.get("sleep_s", 5.0))
    while time.monotonic() < deadline:
        if should_stop():
            return {"status": "stopped"}
        time.sleep(0.05)
    _epoch(report, 2)
    return {"status": "completed"}


def killed_mid_save(spec, report, should_stop):
    """Starts saving a run, writes half of its model file, then is killed (SIGKILL)."""
    from cnnapp.runs import RunStore

    report({"type": "phase", "phase": "saving", "message": "saving"})

    def write_half_then_die(path):
        with open(path, "wb") as handle:
            handle.write(b"PK\x03\x04" + b"\0" * 4096)
            handle.flush()
            os.fsync(handle.fileno())
        os.kill(os.getpid(), signal.SIGKILL)

    RunStore().save(
        model=write_half_then_die,
        spec=[],
        config={"owner": spec.get("owner"), "label": "half"},
        history={"epochs": []},
        metrics={},
    )


def slot_env(spec, report, should_stop):
    """Stays alive `sleep_s` (so jobs overlap) and returns its slot's environment."""
    report({"type": "train_begin", "epochs": 1, "batches": 1, "device": "CPU"})
    time.sleep(float(spec.get("sleep_s", 0.5)))
    names = ["CUDA_VISIBLE_DEVICES", "CNNAPP_GPU_MEMORY_MB", "XLA_PYTHON_CLIENT_MEM_FRACTION",
             "XLA_PYTHON_CLIENT_PREALLOCATE", "TF_FORCE_GPU_ALLOW_GROWTH"]  # fmt: skip
    return {"status": "completed", "env": {name: os.environ.get(name) for name in names}}


class XlaRuntimeError(RuntimeError):
    """Stands in for jaxlib's error type (same name, same kind of text)."""


def out_of_gpu_memory(spec, report, should_stop):
    """Fails as JAX does when a step needs more than the process's memory fraction."""
    report({"type": "phase", "phase": "training", "message": "fake training"})
    raise XlaRuntimeError(
        "RESOURCE_EXHAUSTED: Out of memory while trying to allocate 5368709120 bytes.\n"
        "BufferAssignment OOM Debugging.\nBufferAssignment stats:\n"
        "             parameter allocation:    1.20GiB"
    )
