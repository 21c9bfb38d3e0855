"""The training job (`kind: "train"`): from a job spec to a saved run, reporting progress.

`run_job` runs inside a worker process (see `cnnapp.jobs`): it loads the data, splits off the
FIRST part for validation (as the assignment's `ImageDataGenerator`), builds the whole model from
the shared starting weights (`prepare_model`; `TrainConfig.protocol` decides what the
normalisation is fitted on and whether validation is augmented, see `cnnapp.training.protocol`),
trains it through its `TrainingPlan` and the one fit path (`cnnapp.training.fit`), scores it in
the assignment's columns and saves the run.
Nothing here knows about any UI.
"""

from __future__ import annotations

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
from cnnapp.runs.info import new_run_id
from cnnapp.training import protocol
from cnnapp.training.fit import compile_model, fit, phase
from cnnapp.training.record import live_logs, run_config, run_facts, save_run
from cnnapp.training.scoring import score

STOPPED = {"run_id": None, "status": "stopped", "metrics": {}}


@dataclass
class PreparedModel:
    """A built model ready to train, and what was needed to build it."""

    model: Any  # the whole model (preprocessing included), not compiled
    normalization: tuple | None  # (mean, variance) fitted on x_train (see prepare_model), or None
    fingerprint: str  # of the starting weights
    rebuild: Callable[[], Any]  # builds the same model again (under the current dtype policy)


def initial_weights(
    network: list[dict], input_shape: tuple, num_classes: int, seed: int
) -> dict[str, list[np.ndarray]]:
    """The network's starting weights for a seed, per layer name.

    Runs that share network, input shape, classes and seed start from identical weights, whatever
    their preprocessing or optimizer (the assignment's `get_weights`/`set_weights`).
    """
    model = _seeded_network(network, input_shape, num_classes, seed)
    return {name: model.get_layer(name).get_weights() for name in network_layer_names(network)}


def _seeded_network(network: list[dict], input_shape: tuple, num_classes: int, seed: int):
    """The bare network (no preprocessing) built right after seeding: its starting weights."""
    import keras

    keras.utils.set_random_seed(seed)
    return build_model(network, input_shape, num_classes)


def weights_fingerprint(weights: dict[str, list[np.ndarray]]) -> str:
    """A short hash of starting weights (runs that start alike share it)."""
    digest = hashlib.sha256()
    for name in sorted(weights):
        for array in weights[name]:
            digest.update(np.ascontiguousarray(array, dtype=np.float32).tobytes())
    return digest.hexdigest()[:16]


def prepare_model(
    network: list[dict],
    dataset,
    x_train: np.ndarray,
    preprocessing: Preprocessing,
    config: TrainConfig,
    precision: str = "float32",
):
    """The whole model (not compiled) from the shared starting weights, preprocessing included.

    Args:
        network: the layer spec.
        dataset: the `Dataset` (input shape and classes).
        x_train: the images to fit the normalisation on (when `preprocessing.normalize`) and
            whitening layers' kernels (`cnnapp.nets.whitening.fit_whitening`): the training
            part, or under the assignment's protocol every training image
            (`cnnapp.training.protocol.normalization_images`).
        preprocessing: the run's preprocessing.
        config: its settings (the seed, the protocol).
        precision: a Keras dtype policy ("float32", or "mixed_bfloat16"/"mixed_float16" from
            `cnnapp.training.plan.precision_for`); the model is built under it.

    Returns:
        A `PreparedModel`.
    """
    import keras

    from cnnapp.data.preprocessing import fit_normalization
    from cnnapp.nets.whitening import fit_whitening

    norm = fit_normalization(x_train) if preprocessing.normalize else None
    seeded = _seeded_network(network, dataset.input_shape, dataset.num_classes, config.seed)
    names = network_layer_names(network)
    init = {name: seeded.get_layer(name).get_weights() for name in names}

    def build(layers=None):
        return build_model(
            network,
            dataset.input_shape,
            dataset.num_classes,
            preprocessing=preprocessing,
            normalization=norm,
            seed=config.seed,
            protocol=config.protocol,
            layers=layers,
        )

    if precision == "float32":  # the seeded network's own layers: the network is built once
        model = build({name: seeded.get_layer(name) for name in names})
        fit_whitening(model, x_train)  # see below
        return PreparedModel(model, norm, weights_fingerprint(init), build)
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(precision)
    try:
        model = build()
    finally:
        keras.config.set_dtype_policy(previous)
    for name, weights in init.items():
        model.get_layer(name).set_weights(weights)
    # A whitening layer's frozen kernel comes from these training images' patches (airbench's).
    fit_whitening(model, x_train)
    return PreparedModel(model, norm, weights_fingerprint(init), build)


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
        spec: from `cnnapp.training.make_job_spec` (kind "train").
        report: receives progress events (see docs/architecture.md).
        should_stop: polled after every batch; True ends training and keeps the partial run.

    Returns:
        `{"run_id": str | None, "status": "completed" | "stopped", "metrics": dict}`.
    """
    started = time.monotonic()
    keras_import = _import_in_background("keras")
    from cnnapp.data import load_dataset, split_validation
    from cnnapp.devices import accelerator

    preprocessing = Preprocessing.from_dict(spec["preprocessing"])
    config = TrainConfig.from_dict(spec["config"])
    phase(report, "loading data")
    dataset = load_dataset(
        spec["dataset"], progress=lambda m, f=None: phase(report, "loading data", m, fraction=f)
    )
    data = split_validation(dataset.x_train, dataset.y_train, config.validation_split)
    if len(data[0]) == 0:
        raise ValueError("No training images are left after the validation split; lower it.")
    if should_stop():
        return STOPPED
    phase(report, "building", "importing Keras" if keras_import.is_alive() else "")
    keras_import.join()
    from cnnapp.training import plan as pipeline

    device = accelerator()
    precision = pipeline.precision_for(config, device)
    fitted_on = protocol.normalization_images(dataset.x_train, data[0], config)
    prepared = prepare_model(spec["network"], dataset, fitted_on, preprocessing, config, precision)
    model = prepared.model
    batches = -(-len(data[0]) // config.batch_size)
    plan = pipeline.make_plan(model, config, batches, device)
    trainer = pipeline.training_model(model, plan)
    compile_model(trainer, config, plan.steps_per_execution, steps_per_epoch=batches)
    phase(report, "compiling")  # the first batch traces and compiles the step: seconds
    info = {"train_size": len(data[0]), "val_size": len(data[2]), "device": device}
    inputs = pipeline.fit_data(
        model, plan, data, config.batch_size, config.seed, protocol.is_assignment(config)
    )
    run_id = new_run_id()  # chosen now: TensorBoard logs go under it while it trains
    outcome = fit(
        trainer, inputs, config, report, should_stop, batches=batches, info=info,
        log_dir=live_logs(run_id),
    )  # fmt: skip
    if precision != "float32":
        model = pipeline.float32_copy(model, prepared.rebuild)
    # saved with its (plain) loss and metrics: a download evaluates as is
    compile_model(model, config, steps_per_epoch=batches, smoothing=False)
    phase(report, "evaluating")
    metrics = score(
        model, outcome, (dataset.x_train, dataset.y_train), (dataset.x_test, dataset.y_test),
        dataset.num_classes, tta_flip=config.tta_flip,
    )  # fmt: skip
    metrics.update(
        run_facts(model, outcome, started=started, now=time.monotonic(), images=len(data[0]),
                  device=device),
        init_fingerprint=prepared.fingerprint,
        training_plan=plan.to_dict(),
    )  # fmt: skip
    status = "stopped" if outcome.stopped else "completed"
    split = {"train": len(data[0]), "val": len(data[2]), "validation": "first"}
    config_json = run_config(
        spec, dataset, config, normalization=prepared.normalization, split=split, status=status
    )
    phase(report, "saving")
    run_id = save_run(spec, model, outcome, metrics, config_json, run_id)
    return {"run_id": run_id, "status": status, "metrics": metrics}
