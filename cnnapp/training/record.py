"""The run record: what a finished job saves in the run store, the same for every job kind.

`config.json` holds who ran what on which data (`run_config`); `metrics.json` the scores plus how
the run went (`run_facts`); `history.json` the epochs. `save_run` writes them with the model.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cnnapp.config import TrainConfig


def _count(array) -> int:
    return 0 if array is None else len(array)


def run_config(
    spec: dict[str, Any],
    dataset,
    config: TrainConfig,
    *,
    normalization: tuple | None,
    split: dict[str, Any],
    status: str,
) -> dict[str, Any]:
    """The run's `config.json`.

    Args:
        spec: the job spec (from `make_job_spec`).
        dataset: the loaded `Dataset` (its source, classes and input shape).
        config: the training settings.
        normalization: the `(mean, variance)` fitted on the training part (all training images
            under the assignment's protocol, `config.protocol`), or None.
        split: `{"train": n, "val": n, "validation": "first" | "last"}`; the test size is added.
        status: "completed" or "stopped".
    """
    return {
        "owner": spec.get("owner", "cli"),
        "label": spec.get("label", ""),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "kind": spec.get("kind", "train"),
        "dataset": spec["dataset"],
        "dataset_source": dataset.source,
        "preprocessing": spec.get("preprocessing"),
        "normalization": normalization,
        "train": config.to_dict(),
        "network_name": spec.get("network_name"),
        "recipe": spec.get("recipe"),
        "class_names": list(dataset.class_names),
        "input_shape": list(dataset.input_shape),
        "split": {**split, "test": _count(dataset.x_test)},
        "status": status,
    }


def run_facts(model, outcome, *, started: float, now: float, images: int, device: str) -> dict:
    """How the run went, beside its scores: times, speed, device, backend and size.

    Args:
        model: the saved model (its parameters are counted).
        outcome: the `FitOutcome`.
        started, now: `time.monotonic()` at the job's start and now.
        images: training images (or feature vectors) per epoch.
        device: "CPU" or "GPU: <name>".
    """
    import keras

    epochs = len(outcome.history)
    return {
        "wall_time_s": now - started,
        "fit_time_s": outcome.seconds,
        "images_per_s": images * epochs / outcome.seconds if epochs else None,
        "device": device,
        "backend": keras.backend.backend(),
        "num_params": int(model.count_params()),
    }


def live_logs(run_id: str):
    """Where the job that will save run `run_id` writes its TensorBoard logs meanwhile."""
    from cnnapp.runs import RunStore

    return RunStore().live_logs(run_id)


def save_run(
    spec: dict, model, outcome, metrics: dict, config_json: dict, run_id: str | None = None
) -> str:
    """Saves the run in the run store, its TensorBoard logs moved in; returns its id (see
    `cnnapp.runs.RunStore.save`)."""
    from cnnapp.runs import RunStore

    store = RunStore()
    return store.save(
        model=model,
        spec=spec["network"],
        config=config_json,
        history={"epochs": outcome.history},
        metrics=metrics,
        run_id=run_id,
        folders={"tensorboard": store.live_logs(run_id)} if run_id else None,
    )
