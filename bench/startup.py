"""Start-up: from "Start training" to the first point on the Train page's chart, and a cold process.

`first_point` goes through the real `LocalExecutor` (warm workers on or off) and polls the job's
status as the Train page does, until the first batch point is there to draw: that is when a
student sees the chart move. `cold_process` is what any fresh process pays: import Keras, build
the same model, train one batch (`bench/run.py` times it from outside, interpreter start included).
"""

from __future__ import annotations

import time
from typing import Any

from bench.common import PREPROCESSING

STARTUP_NETWORK = "basenet"
STARTUP_REF = {"name": "procedural"}  # the procedural data, as a lecturer's first demo


def _spec(network: str, ref: dict, epochs: int) -> dict:
    from cnnapp.config import Preprocessing, TrainConfig
    from cnnapp.nets.presets import get_preset
    from cnnapp.training import make_job_spec

    config = TrainConfig(epochs=epochs, seed=42)
    return make_job_spec(get_preset(network), ref, Preprocessing(**PREPROCESSING), config)


def first_point(
    network: str = STARTUP_NETWORK,
    ref: dict | None = None,
    warm: bool = True,
    poll_s: float | None = None,
    ready_timeout_s: float = 180.0,
) -> dict[str, Any]:
    """Seconds from submit to the first batch point a page polling every `poll_s` would see.

    Args:
        warm: warm workers on (the executor is given time to start one first, as a server that
            has been up a while has) or off (every job starts its own worker).
        poll_s: the page's poll interval before the first point; default the Train page's
            (`ui.progress.poll_seconds` of a starting job).
    """
    from cnnapp.jobs import LocalExecutor, readout
    from ui.progress import poll_seconds

    executor = LocalExecutor(max_jobs=1, journal=False, warm_workers=warm)
    try:
        waited = time.perf_counter()
        while warm and not executor.warm_workers_ready():
            if time.perf_counter() - waited > ready_timeout_s:
                return {"error": f"no warm worker was ready after {ready_timeout_s:.0f} s"}
            time.sleep(0.1)
        ready_s = time.perf_counter() - waited if warm else None
        started = time.perf_counter()
        job_id = executor.submit(_spec(network, ref or STARTUP_REF, epochs=1), owner="bench")
        phases: list[list] = []
        while True:
            status = executor.status(job_id, "bench")
            now = time.perf_counter() - started
            if status.phase and (not phases or phases[-1][1] != status.phase):
                phases.append([round(now, 2), status.phase])
            if status.batch_points or status.done:
                break
            time.sleep(poll_s if poll_s is not None else poll_seconds(readout(status)))
        executor.cancel(job_id, "bench")  # the rest of the job is not what is measured
    finally:
        executor.shutdown()
    if not status.batch_points:
        return {"error": f"job {status.state} before its first batch: {status.error}"}
    return {"first_point_s": now, "warm": status.warm, "ready_s": ready_s, "phases": phases}


def decoded_cache(ref: dict) -> dict[str, Any]:
    """Loads `ref` once, so its decoded images are cached on disk as a job would find them."""
    from cnnapp.data import load_dataset

    started = time.perf_counter()
    dataset = load_dataset(ref)
    return {"images": int(len(dataset.x_train)), "seconds": time.perf_counter() - started}


def cold_process(network: str = STARTUP_NETWORK, ref: dict | None = None) -> dict[str, Any]:
    """In a fresh process: import Keras, build the model, train one batch (inner figures)."""
    started = time.perf_counter()
    import keras

    imported = time.perf_counter()
    from cnnapp.config import Preprocessing, TrainConfig
    from cnnapp.data import load_dataset
    from cnnapp.data.preprocessing import fit_normalization
    from cnnapp.nets.build import build_model
    from cnnapp.nets.presets import get_preset
    from cnnapp.training.fit import compile_model

    config = TrainConfig(seed=42)
    dataset = load_dataset(ref or STARTUP_REF)
    x, y = dataset.x_train[: config.batch_size], dataset.y_train[: config.batch_size]
    keras.utils.set_random_seed(config.seed)
    preprocessing = Preprocessing(**PREPROCESSING)
    model = build_model(
        get_preset(network), dataset.input_shape, dataset.num_classes, preprocessing=preprocessing,
        normalization=fit_normalization(dataset.x_train), seed=config.seed,
    )  # fmt: skip
    compile_model(model, config)
    built = time.perf_counter()
    model.train_on_batch(x, y)
    done = time.perf_counter()
    return {
        "import_keras_s": imported - started,
        "build_s": built - imported,
        "one_batch_s": done - built,
        "inner_s": done - started,
    }
