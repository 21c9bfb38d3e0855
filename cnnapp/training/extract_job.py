"""The feature-extractor job (`kind: "extract"`): features, a head trained on them, a saved run.

Each image goes through the frozen backbone once (features cached on disk, see
`cnnapp.training.features`); the head then trains through the same fit path as every job, with
the LAST `validation_split` of the images validating (the assignment's `model.fit(features,
labels, validation_split=0.1)`), and is scored in the same columns. It reports the same events
(plus phase "extracting features") and returns the same result, so the Train page, Compare and
Reproduce treat it like any run. Its saved model is backbone + head composed: it takes raw images.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from cnnapp.config import TrainConfig
from cnnapp.nets.spec import normalize_spec
from cnnapp.runs.info import new_run_id
from cnnapp.training.features import build_head, cache_key, cached_features, compose
from cnnapp.training.features import feature_extractor as make_extractor
from cnnapp.training.fit import compile_model, fit, phase
from cnnapp.training.record import live_logs, run_config, run_facts, save_run
from cnnapp.training.scoring import score
from cnnapp.training.train_job import STOPPED, weights_fingerprint


def _progress(report, split: str, started: float, every_s: float = 0.5):
    """A `progress(done, total)` that reports extraction at most every `every_s` seconds."""
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= every_s or done == total:
            last[0] = now
            rate = done / max(now - started, 1e-9)
            message = f"{split} images: {done:,} of {total:,} ({rate:.1f} images/s)"
            phase(report, "extracting features", message)

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


def run_extract_job(
    spec: dict[str, Any], report: Callable[[dict], None], should_stop: Callable[[], bool]
) -> dict[str, Any]:
    """Extracts (or reuses) features, trains the head, evaluates it and saves the run.

    Args:
        spec: from `cnnapp.training.make_job_spec` (kind "extract").
        report: receives progress events (see docs/architecture.md).
        should_stop: polled between batches; True ends the job (a partial head is kept).

    Returns:
        `{"run_id": str | None, "status": "completed" | "stopped", "metrics": dict}`.

    Raises:
        WeightsUnavailableError: ImageNet weights offline with no local file.
    """
    import keras

    from cnnapp.data import load_dataset, split_validation
    from cnnapp.devices import accelerator

    started = time.monotonic()
    config = TrainConfig.from_dict(spec["config"])
    network = normalize_spec(spec["network"])
    backbone, head_spec = network[0], network[1:]
    phase(report, "loading data")
    dataset = load_dataset(
        spec["dataset"], progress=lambda m, f=None: phase(report, "loading data", m)
    )
    if should_stop():
        return STOPPED
    device = accelerator()
    features, extractor, feature_info = _features(
        spec, dataset, backbone, config, report, should_stop
    )
    if features is None:
        return STOPPED
    phase(report, "building")
    keras.utils.set_random_seed(config.seed)
    head = build_head(head_spec, features["train"].shape[1], dataset.num_classes)
    init = {layer.name: layer.get_weights() for layer in head.layers if layer.weights}
    phase(report, "training")
    x_train, y_train, x_val, y_val = split_validation(
        features["train"], dataset.y_train, config.validation_split, take="last"
    )
    inputs = {
        "x": x_train,
        "y": y_train,
        "batch_size": config.batch_size,
        "validation_data": (x_val, y_val) if len(x_val) else None,
        "shuffle": True,
    }
    batches = -(-len(x_train) // config.batch_size)
    compile_model(head, config, steps_per_epoch=batches)
    info = {"train_size": len(x_train), "val_size": len(x_val), "device": device}
    run_id = new_run_id()  # chosen now: TensorBoard logs go under it while it trains
    outcome = fit(
        head, inputs, config, report, should_stop, batches=batches, info=info,
        log_dir=live_logs(run_id),
    )  # fmt: skip
    phase(report, "evaluating")
    metrics = score(
        head, outcome, (features["train"], dataset.y_train), (features["test"], dataset.y_test),
        dataset.num_classes,
    )  # fmt: skip
    model = compose(extractor or make_extractor(backbone, dataset.input_shape, config.seed), head)
    n_images = len(dataset.x_train) + (0 if features["test"] is None else len(features["test"]))
    metrics.update(
        run_facts(model, outcome, started=started, now=time.monotonic(), images=len(x_train),
                  device=device),
        head_params=int(head.count_params()),
        init_fingerprint=weights_fingerprint(init),
        feature_cache=feature_info["cache"],
        feature_time_s=feature_info["seconds"],
        features_per_s=None
        if feature_info["cache"] == "hit"
        else n_images / max(feature_info["seconds"], 1e-9),
    )  # fmt: skip
    status = "stopped" if outcome.stopped else "completed"
    split = {"train": len(x_train), "val": len(x_val), "validation": "last"}
    config_json = run_config(spec, dataset, config, normalization=None, split=split, status=status)
    phase(report, "saving")
    run_id = save_run(spec, model, outcome, metrics, config_json, run_id)
    return {"run_id": run_id, "status": status, "metrics": metrics}
