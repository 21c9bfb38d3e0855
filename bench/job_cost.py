"""The cost of live progress: a training job through `LocalExecutor` against a bare `fit`.

`job` submits a real training job (worker process, progress callback, events through the pipe,
evaluation and saving) and times it from outside: submit to the first event, submit to the first
batch, then each epoch's end as the executor sees it. The worker's peak memory comes from the
operating system's accounting of the finished child process. `warm_worker` times what a worker
that had already imported TensorFlow would take (the recommended pre-spawned pool).
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from typing import Any

from bench.common import PREPROCESSING


def _spec(network: str, ref: dict, epochs: int, seed: int) -> dict:
    from cnnapp.config import Preprocessing, TrainConfig
    from cnnapp.nets.presets import get_preset
    from cnnapp.training import make_job_spec

    config = TrainConfig(epochs=epochs, seed=seed)
    return make_job_spec(get_preset(network), ref, Preprocessing(**PREPROCESSING), config)


def job(network: str, ref: dict, epochs: int, seed: int = 42) -> dict[str, Any]:
    """Runs one training job through `LocalExecutor`; figures as seen by the submitting process."""
    from cnnapp.jobs import LocalExecutor

    executor = LocalExecutor(max_jobs=1)
    spec = _spec(network, ref, epochs, seed)
    marks: dict[str, float] = {}
    epoch_ends: list[float] = []
    started = time.perf_counter()
    job_id = executor.submit(spec, owner="bench")
    status = executor.status(job_id, "bench")
    while not status.done:
        now = time.perf_counter() - started
        if status.phase not in (None, "starting") and "first_event_s" not in marks:
            marks["first_event_s"] = now
        if (status.batch or status.epoch) and "first_batch_s" not in marks:
            marks["first_batch_s"] = now
        if len(status.history) > len(epoch_ends):
            epoch_ends.append(now)
        time.sleep(0.01 if "first_batch_s" not in marks else 0.05)
        status = executor.status(job_id, "bench")
    total = time.perf_counter() - started
    executor.shutdown(wait=True)
    if status.state != "completed":
        return {"error": f"job {status.state}: {status.error}"}
    metrics = status.result["metrics"]
    images = metrics["images_per_s"] * metrics["fit_time_s"] / len(status.history)
    steady = None
    if len(epoch_ends) > 1:
        steady = images * (len(epoch_ends) - 1) / (epoch_ends[-1] - epoch_ends[0])
    return {
        **marks,
        "total_s": total,
        "images_per_s": metrics["images_per_s"],
        "steady_images_per_s": steady,
        "val_accuracy": metrics["val_accuracy"],
        "worker_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "plan": metrics.get("training_plan"),
    }


def _warm_main(conn: Any) -> None:
    """A worker that imports TensorFlow first, then waits for its job (the pool's idea)."""
    import keras  # noqa: F401

    import cnnapp.training  # noqa: F401
    from cnnapp.jobs import BUILTIN_KINDS
    from cnnapp.jobs.worker import StopFlag, worker_main

    conn.send("ready")
    spec = conn.recv()
    worker_main("warm", BUILTIN_KINDS["train"], spec, conn, StopFlag(multiprocessing), {})


def warm_worker(network: str, ref: dict, epochs: int, seed: int = 42) -> dict[str, Any]:
    """Submit-to-first-event with a worker spawned (and TensorFlow imported) in advance."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_warm_main, args=(child,), daemon=True)
    spawned = time.perf_counter()
    process.start()
    parent.recv()  # "ready": TensorFlow is imported
    ready_s = time.perf_counter() - spawned
    started = time.perf_counter()
    parent.send(_spec(network, ref, epochs, seed))
    marks: dict[str, float] = {}
    while True:
        event = parent.recv()
        now = time.perf_counter() - started
        marks.setdefault("first_event_s", now)
        if event.get("type") in ("batch", "epoch"):
            marks.setdefault("first_batch_s", now)
        if event.get("type") in ("result", "error"):
            break
    process.join(60)
    return {"spawn_and_import_s": ready_s, **marks, "total_s": time.perf_counter() - started}
