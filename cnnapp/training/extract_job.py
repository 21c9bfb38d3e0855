"""The feature-extractor job (`kind: "extract"`): features, a head trained on them, a saved run.

It runs in a worker process like a training job, reports the same events (`phase`,
`train_begin`, `batch`, `epoch`, `early_stopping`) and returns the same result
(`{"run_id", "status", "metrics"}`, metrics in the assignment's columns), so the Train page,
Compare and Reproduce treat it like any run. Its saved model is backbone + head composed: it
takes raw images. Specs come from `cnnapp.training.features.make_extract_job_spec`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from cnnapp.config import TrainConfig
from cnnapp.nets.spec import normalize_spec
from cnnapp.training.features import (
    build_head,
    cache_key,
    cached_features,
    compose,
    validation_split,
)
from cnnapp.training.features import feature_extractor as make_extractor
from cnnapp.training.scoring import accuracy, detail, predict_probabilities

STOPPED = {"run_id": None, "status": "stopped", "metrics": {}}


def _phase(report, phase: str, message: str = "") -> None:
    report({"type": "phase", "phase": phase, "message": message or phase})


def _progress(report, split: str, started: float, every_s: float = 0.5):
    """A `progress(done, total)` that reports extraction at most every `every_s` seconds."""
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= every_s or done == total:
            last[0] = now
            rate = done / max(now - started, 1e-9)
            message = f"{split} images: {done:,} of {total:,} ({rate:.1f} images/s)"
            _phase(report, "extracting features", message)

    return progress


def _features(spec, dataset, backbone, config, report, should_stop):
    """Train and test features (cached), the extractor if one was built, and cache facts.

    Returns `(None, None, None)` when stopped.
    """
    from cnnapp.data import normalize_ref

    holder: dict[str, Any] = {}

    def extractor():
        if "model" not in holder:
            holder["model"] = make_extractor(backbone, dataset.input_shape, config.seed)
        return holder["model"]

    out, hits, started = {"test": None}, [], time.monotonic()
    for split, images in [("train", dataset.x_train), ("test", dataset.x_test)]:
        if images is None or len(images) == 0:
            continue
        key = cache_key(normalize_ref(spec["dataset"]), split, images, backbone, config.seed)
        progress = _progress(report, split, time.monotonic())
        features, hit = cached_features(key, images, extractor, progress, should_stop)
        if features is None:
            return None, None, None
        out[split] = features
        hits.append(hit)
    info = {"cache": "hit" if all(hits) else "miss", "seconds": time.monotonic() - started}
    return out, holder.get("model"), info


def _fit(head, features, labels, config, report, should_stop, device):
    """Trains the head; the LAST `validation_split` of the images validates (as the assignment)."""
    import keras

    from cnnapp.training.progress import ProgressCallback, StopRequested

    split_at = validation_split(len(features), config.validation_split)
    x_train, y_train = features[:split_at], labels[:split_at]
    x_val, y_val = features[split_at:], labels[split_at:]
    batches = -(-len(x_train) // config.batch_size)
    info = {"train_size": len(x_train), "val_size": len(x_val), "device": device}
    progress = ProgressCallback(report, should_stop, config.epochs, batches, info=info)
    callbacks, early = [progress], None
    if config.early_stopping:
        early = keras.callbacks.EarlyStopping(
            monitor="val_accuracy",
            mode="max",
            patience=config.patience,
            restore_best_weights=config.restore_best_weights,
        )
        callbacks.append(early)
    started, stopped = time.monotonic(), False
    try:
        head.fit(
            x_train,
            y_train,
            batch_size=config.batch_size,
            epochs=config.epochs,
            validation_data=(x_val, y_val) if len(x_val) else None,
            shuffle=True,
            callbacks=callbacks,
            verbose=0,
        )
    except StopRequested:
        stopped = True
    return progress.completed_epochs, early, stopped, time.monotonic() - started, split_at


def _score(head, features, dataset, history, early, stopped, config) -> dict[str, Any]:
    """The assignment's columns, computed as `cnnapp.training.train_job` does, on the features."""
    last = history[-1] if history else {}
    chosen, restored, best_epoch = last, False, last.get("epoch")
    if early is not None and not stopped and history:
        best_epoch = int(early.best_epoch) + 1
        if config.restore_best_weights and early.best_weights is not None:
            chosen, restored = history[best_epoch - 1], best_epoch != len(history)
    metrics = {
        "train_loss": last.get("loss"),
        "train_accuracy": accuracy(predict_probabilities(head, features["train"]), dataset.y_train),
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
    if features["test"] is not None:
        probabilities = predict_probabilities(head, features["test"])
        metrics["test_accuracy"] = accuracy(probabilities, dataset.y_test)
        metrics.update(detail(probabilities, dataset.y_test, dataset.num_classes))
        metrics["detail_split"] = "test"
    return metrics


def run_extract_job(
    spec: dict[str, Any], report: Callable[[dict], None], should_stop: Callable[[], bool]
) -> dict[str, Any]:
    """Extracts (or reuses) features, trains the head, evaluates it and saves the run.

    Args:
        spec: from `cnnapp.training.features.make_extract_job_spec`.
        report: receives progress events (see docs/architecture.md).
        should_stop: polled between batches; True ends the job (a partial head is kept).

    Returns:
        `{"run_id": str | None, "status": "completed" | "stopped", "metrics": dict}`.

    Raises:
        WeightsUnavailableError: ImageNet weights offline with no local file.
    """
    import keras

    from cnnapp.data import load_dataset
    from cnnapp.devices import accelerator
    from cnnapp.training.train_job import make_optimizer, weights_fingerprint

    started = time.monotonic()
    config = TrainConfig.from_dict(spec["config"])
    network = normalize_spec(spec["network"])
    backbone, head_spec = network[0], network[1:]
    _phase(report, "loading data")
    dataset = load_dataset(
        spec["dataset"], progress=lambda m, f=None: _phase(report, "loading data", m)
    )
    if should_stop():
        return STOPPED
    device = accelerator()
    features, extractor, feature_info = _features(
        spec, dataset, backbone, config, report, should_stop
    )
    if features is None:
        return STOPPED
    _phase(report, "building")
    keras.utils.set_random_seed(config.seed)
    head = build_head(head_spec, features["train"].shape[1], dataset.num_classes)
    init = {layer.name: layer.get_weights() for layer in head.layers if layer.weights}
    head.compile(
        optimizer=make_optimizer(config),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    _phase(report, "training")
    history, early, stopped, fit_seconds, split_at = _fit(
        head, features["train"], dataset.y_train, config, report, should_stop, device
    )
    if early is not None and early.stopped_epoch:
        report(
            {
                "type": "early_stopping",
                "stopped_epoch": int(early.stopped_epoch) + 1,
                "best_epoch": int(early.best_epoch) + 1,
            }
        )
    _phase(report, "evaluating")
    metrics = _score(head, features, dataset, history, early, stopped, config)
    model = compose(extractor or make_extractor(backbone, dataset.input_shape, config.seed), head)
    n_images = len(dataset.x_train) + (0 if features["test"] is None else len(features["test"]))
    metrics.update(
        wall_time_s=time.monotonic() - started,
        fit_time_s=fit_seconds,
        images_per_s=split_at * len(history) / fit_seconds if history else None,
        device=device,
        backend=keras.backend.backend(),
        num_params=int(model.count_params()),
        head_params=int(head.count_params()),
        init_fingerprint=weights_fingerprint(init),
        feature_cache=feature_info["cache"],
        feature_time_s=feature_info["seconds"],
        features_per_s=None
        if feature_info["cache"] == "hit"
        else n_images / max(feature_info["seconds"], 1e-9),
    )
    status = "stopped" if stopped else "completed"
    _phase(report, "saving")
    run_id = _save(spec, dataset, model, history, metrics, config, status, split_at)
    return {"run_id": run_id, "status": status, "metrics": metrics}


def _save(spec, dataset, model, history, metrics, config, status, split_at) -> str:
    from cnnapp.runs import RunStore

    n_test = 0 if dataset.x_test is None else len(dataset.x_test)
    config_json = {
        "owner": spec.get("owner", "cli"),
        "label": spec.get("label", ""),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "kind": "extract",
        "dataset": spec["dataset"],
        "dataset_source": dataset.source,
        "preprocessing": spec.get("preprocessing"),
        "normalization": None,
        "train": config.to_dict(),
        "network_name": spec.get("network_name"),
        "recipe": spec.get("recipe"),
        "class_names": list(dataset.class_names),
        "input_shape": list(dataset.input_shape),
        "split": {
            "train": split_at,
            "val": len(dataset.x_train) - split_at,
            "test": n_test,
            "validation": "last",
        },
        "status": status,
    }
    return RunStore().save(
        model=model,
        spec=spec["network"],
        config=config_json,
        history={"epochs": history},
        metrics=metrics,
    )
