"""One training run: from a pure-data job spec to a saved run, reporting progress as it goes.

`make_job_spec` is called by pages and the CLI; `run_job` runs inside a worker process (see
`cnnapp.jobs.local`). Nothing here knows about any UI.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from cnnapp.config import Preprocessing, TrainConfig
from cnnapp.nets.build import build_model, network_layer_names
from cnnapp.nets.spec import normalize_spec, summarize
from cnnapp.training.scoring import RESULT_COLUMNS, accuracy, detail, predict_probabilities

__all__ = ["RESULT_COLUMNS", "make_job_spec", "run_job", "initial_weights", "weights_fingerprint"]


def make_job_spec(
    network: list[dict],
    dataset: dict | None = None,
    preprocessing: Preprocessing | dict | None = None,
    config: TrainConfig | dict | None = None,
    *,
    label: str = "",
    network_name: str | None = None,
    recipe: str | None = None,
    owner: str = "cli",
) -> dict[str, Any]:
    """A training job as plain data, validated, ready for `Executor.submit`.

    Args:
        network: the layer spec (validated here).
        dataset: a dataset reference (`{"name": ..., ...}`); the procedural dataset by default.
        preprocessing: `Preprocessing` or its dict.
        config: `TrainConfig` or its dict.
        label: a short human name for the run.
        network_name: the preset's name, if it came from one.
        recipe: the recipe id, if it reproduces a row of the assignment.
        owner: who may see and stop it (a browser session id, or "cli").

    Raises:
        NetworkError: if the network is impossible.
        ValueError: for settings that cannot work together.
    """
    if not isinstance(preprocessing, Preprocessing):
        preprocessing = Preprocessing.from_dict(preprocessing)
    if not isinstance(config, TrainConfig):
        config = TrainConfig.from_dict(config)
    if config.early_stopping and config.validation_split == 0:
        raise ValueError(
            "Early stopping watches validation accuracy, but validation_split is 0. Set "
            "validation_split to 0.1, or turn early stopping off."
        )
    dataset = dict(dataset or {"name": "procedural"})
    size = int(dataset.get("image_size") or 32)
    summarize(network, (size, size, 3), 2)  # impossible networks never reach a worker
    return {
        "kind": "train",
        "owner": owner,
        "label": label or network_name or "custom network",
        "network": normalize_spec(network),
        "network_name": network_name,
        "dataset": dataset,
        "preprocessing": preprocessing.to_dict(),
        "config": config.to_dict(),
        "recipe": recipe,
    }


def initial_weights(
    network: list[dict], input_shape: tuple, num_classes: int, seed: int
) -> dict[str, list[np.ndarray]]:
    """The network's starting weights for a seed, per layer name.

    Runs that share network, input shape, classes and seed start from identical weights, whatever
    their preprocessing or optimizer (the assignment's `get_weights`/`set_weights`).
    """
    import keras

    keras.utils.set_random_seed(seed)
    model = build_model(network, input_shape, num_classes)
    return {name: model.get_layer(name).get_weights() for name in network_layer_names(network)}


def weights_fingerprint(weights: dict[str, list[np.ndarray]]) -> str:
    digest = hashlib.sha256()
    for name in sorted(weights):
        for array in weights[name]:
            digest.update(np.ascontiguousarray(array, dtype=np.float32).tobytes())
    return digest.hexdigest()[:16]


def make_optimizer(config: TrainConfig):
    """SGD(lr, momentum, nesterov) with Keras 2's `decay=` as an InverseTimeDecay, or Adam."""
    import keras

    rate = config.learning_rate
    if config.decay:
        # Keras 2's SGD(decay=d) used lr / (1 + d * iterations): exactly InverseTimeDecay.
        rate = keras.optimizers.schedules.InverseTimeDecay(
            config.learning_rate, decay_steps=1, decay_rate=config.decay
        )
    if config.optimizer == "adam":
        return keras.optimizers.Adam(learning_rate=rate)
    return keras.optimizers.SGD(
        learning_rate=rate, momentum=config.momentum, nesterov=config.nesterov
    )


def _phase(report: Callable[[dict], None], phase: str, message: str = "", **extra) -> None:
    report({"type": "phase", "phase": phase, "message": message or phase, **extra})


def _prepare_model(spec, dataset, x_train, config, preprocessing, precision="float32"):
    """Builds the whole model (not compiled) from the shared starting weights.

    `precision` is a Keras dtype policy ("float32", or "mixed_bfloat16"/"mixed_float16" from
    `pipeline.precision_for`); the model is built under it. Returns (model, normalization,
    fingerprint of the starting weights).
    """
    import keras

    from cnnapp.data.preprocessing import fit_normalization

    network = spec["network"]
    norm = fit_normalization(x_train) if preprocessing.normalize else None
    init = initial_weights(network, dataset.input_shape, dataset.num_classes, config.seed)
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(precision)
    try:
        model = _build(spec, dataset, preprocessing, norm, config)
    finally:
        keras.config.set_dtype_policy(previous)
    for name, weights in init.items():
        model.get_layer(name).set_weights(weights)
    return model, norm, weights_fingerprint(init)


def _build(spec, dataset, preprocessing, norm, config):
    return build_model(
        spec["network"],
        dataset.input_shape,
        dataset.num_classes,
        preprocessing=preprocessing,
        normalization=norm,
        seed=config.seed,
    )


def _fit(model, data, config, report, should_stop, device, plan=None, callbacks=True):
    """Trains `model` through its `TrainingPlan` (made here unless given).

    Args:
        model: the whole model from `_prepare_model` (not yet compiled).
        data: `(x_train, y_train, x_val, y_val)`, uint8 images.
        config: the training settings.
        report, should_stop: as for `run_job`.
        device: "CPU" or "GPU: <name>".
        plan: a `pipeline.TrainingPlan`; `pipeline.make_plan` chooses one by default.
        callbacks: True for the progress callback (and early stopping when configured); or a
            list of Keras callbacks to use instead (the benchmark's bare `fit`).

    Returns:
        (epoch logs, early-stopping callback or None, stopped, seconds in `fit`).
    """
    import keras

    from cnnapp.training import plan as pipeline
    from cnnapp.training.progress import ProgressCallback, StopRequested

    x_train, _, x_val, _ = data
    batches = -(-len(x_train) // config.batch_size)
    if plan is None:
        plan = pipeline.make_plan(model, config, batches, device)
    trainer = pipeline.training_model(model, plan)
    trainer.compile(
        optimizer=make_optimizer(config),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=plan.steps_per_execution,
    )
    inputs = pipeline.fit_data(model, plan, data, config.batch_size, config.seed)
    progress = ProgressCallback(
        report,
        should_stop,
        config.epochs,
        batches,
        info={"train_size": len(x_train), "val_size": len(x_val), "device": device},
    )
    chosen = [progress] if callbacks is True else list(callbacks)
    early = None
    if config.early_stopping and callbacks is True:
        early = keras.callbacks.EarlyStopping(
            monitor="val_accuracy",
            mode="max",
            patience=config.patience,
            restore_best_weights=config.restore_best_weights,
        )
        chosen.append(early)
    started = time.monotonic()
    stopped = False
    try:
        trainer.fit(**inputs, epochs=config.epochs, callbacks=chosen, verbose=0)
    except StopRequested:
        stopped = True
    return progress.completed_epochs, early, stopped, time.monotonic() - started


def _score(model, dataset, history, early, stopped, config) -> dict[str, Any]:
    """The assignment's columns, defined as it computed them, plus detail for Compare."""
    last = history[-1] if history else {}
    chosen, restored, best_epoch = last, False, last.get("epoch")
    if early is not None and not stopped and history:
        best_epoch = int(early.best_epoch) + 1
        if config.restore_best_weights and early.best_weights is not None:
            chosen, restored = history[best_epoch - 1], best_epoch != len(history)
    train_probs = predict_probabilities(model, dataset.x_train)
    metrics = {
        "train_loss": last.get("loss"),
        "train_accuracy": accuracy(train_probs, dataset.y_train),
        "val_loss": chosen.get("val_loss"),
        "val_accuracy": chosen.get("val_accuracy"),
        "test_accuracy": None,
        "epochs_run": len(history),
        "best_epoch": best_epoch,
        "restored": restored,
        "early_stopped_epoch": int(early.stopped_epoch) + 1
        if early and early.stopped_epoch
        else None,
        "stopped": stopped,
    }
    if dataset.x_test is not None and len(dataset.x_test):
        test_probs = predict_probabilities(model, dataset.x_test)
        metrics["test_accuracy"] = accuracy(test_probs, dataset.y_test)
        metrics.update(detail(test_probs, dataset.y_test, dataset.num_classes))
        metrics["detail_split"] = "test"
    return metrics


@dataclass
class Trained:
    """What `_train` returns: the whole float32 model, ready to score and save, and how it went."""

    model: Any
    normalization: tuple | None
    fingerprint: str
    history: list[dict]
    early: Any
    stopped: bool
    fit_seconds: float
    plan: Any


def _train(spec, dataset, data, config, preprocessing, report, should_stop, device) -> Trained:
    """Builds, trains and compiles the job's model without saving anything (the benchmark's entry).

    Args:
        spec: the job spec (its "network").
        dataset: the `Dataset` (input shape, classes).
        data: `(x_train, y_train, x_val, y_val)`.
        config, preprocessing: the run's settings.
        report, should_stop: as for `run_job`.
        device: "CPU" or "GPU: <name>".
    """
    from cnnapp.training import plan as pipeline

    precision = pipeline.precision_for(config, device)
    model, norm, fingerprint = _prepare_model(
        spec, dataset, data[0], config, preprocessing, precision
    )
    batches = -(-len(data[0]) // config.batch_size)
    plan = pipeline.make_plan(model, config, batches, device)
    _phase(report, "training")
    history, early, stopped, seconds = _fit(
        model, data, config, report, should_stop, device, plan=plan
    )
    if precision != "float32":
        model = pipeline.float32_copy(
            model, lambda: _build(spec, dataset, preprocessing, norm, config)
        )
    # Saved with its loss and metrics, so a downloaded model evaluates as it is.
    model.compile(
        optimizer=make_optimizer(config),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return Trained(model, norm, fingerprint, history, early, stopped, seconds, plan)


def _import_in_background(module: str) -> threading.Thread:
    """Starts importing `module` in a thread: TensorFlow takes seconds, the data loads meanwhile.

    A failed import is simply repeated (and raised) by the `import` after `join()`.
    """
    thread = threading.Thread(
        target=importlib.import_module, args=(module,), name=f"import-{module}", daemon=True
    )
    thread.start()
    return thread


def run_job(
    spec: dict[str, Any], report: Callable[[dict], None], should_stop: Callable[[], bool]
) -> dict[str, Any]:
    """Trains the job's network on its dataset, evaluates it and saves the run.

    Args:
        spec: from `make_job_spec`.
        report: receives progress events (see docs/architecture.md).
        should_stop: polled after every batch; True ends training and keeps the partial run.

    Returns:
        `{"run_id": str | None, "status": "completed" | "stopped", "metrics": dict}`.
    """
    started = time.monotonic()
    keras_import = _import_in_background("keras")
    from cnnapp.data import load_dataset, split_validation
    from cnnapp.devices import accelerator
    from cnnapp.runs import RunStore

    preprocessing = Preprocessing.from_dict(spec["preprocessing"])
    config = TrainConfig.from_dict(spec["config"])
    _phase(report, "loading data")
    dataset = load_dataset(
        spec["dataset"], progress=lambda m, f=None: _phase(report, "loading data", m, fraction=f)
    )
    x_train, y_train, x_val, y_val = split_validation(
        dataset.x_train, dataset.y_train, config.validation_split
    )
    if len(x_train) == 0:
        raise ValueError("No training images are left after the validation split; lower it.")
    if should_stop():
        return {"run_id": None, "status": "stopped", "metrics": {}}
    _phase(report, "building")
    keras_import.join()
    import keras

    device = accelerator()
    data = (x_train, y_train, x_val, y_val)
    trained = _train(spec, dataset, data, config, preprocessing, report, should_stop, device)
    model, history, early, stopped = trained.model, trained.history, trained.early, trained.stopped
    if early is not None and early.stopped_epoch:
        report(
            {
                "type": "early_stopping",
                "stopped_epoch": int(early.stopped_epoch) + 1,
                "best_epoch": int(early.best_epoch) + 1,
            }
        )
    _phase(report, "evaluating")
    metrics = _score(model, dataset, history, early, stopped, config)
    metrics.update(
        wall_time_s=time.monotonic() - started,
        fit_time_s=trained.fit_seconds,
        images_per_s=len(x_train) * len(history) / trained.fit_seconds if history else None,
        device=device,
        backend=keras.backend.backend(),
        num_params=int(model.count_params()),
        init_fingerprint=trained.fingerprint,
        training_plan=trained.plan.to_dict(),
    )
    status = "stopped" if stopped else "completed"
    config_json = {
        "owner": spec.get("owner", "cli"),
        "label": spec.get("label", ""),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "dataset": spec["dataset"],
        "dataset_source": dataset.source,
        "preprocessing": preprocessing.to_dict(),
        "normalization": trained.normalization,
        "train": config.to_dict(),
        "network_name": spec.get("network_name"),
        "recipe": spec.get("recipe"),
        "class_names": list(dataset.class_names),
        "input_shape": list(dataset.input_shape),
        "split": {"train": len(x_train), "val": len(x_val), "test": _len(dataset.x_test)},
        "status": status,
    }
    _phase(report, "saving")
    run_id = RunStore().save(
        model=model,
        spec=spec["network"],
        config=config_json,
        history={"epochs": history},
        metrics=metrics,
    )
    return {"run_id": run_id, "status": status, "metrics": metrics}


def _len(array) -> int:
    return 0 if array is None else len(array)
