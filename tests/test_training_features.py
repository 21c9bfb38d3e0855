"""The feature extractor: features cached on disk, heads trained on them, the job and its run."""

from __future__ import annotations

import json

import numpy as np
import pytest
from _imagefactory import image_bytes, write_classes

from cnnapp.data import split_validation
from cnnapp.nets.spec import NetworkError, normalize_spec
from cnnapp.runs import RunStore
from cnnapp.settings import get_settings
from cnnapp.training import make_job_spec
from cnnapp.training.extract_job import run_extract_job
from cnnapp.training.features import build_head, cache_key

# ResNet50's random-weight features tell colours apart (MobileNetV2's vanish without training).
NETWORK = [
    {"type": "backbone", "name": "resnet50", "weights": None, "input_size": 32},
    {"type": "dense", "units": 32},
    {"type": "dropout", "rate": 0.25},
]
CONFIG = {"epochs": 6, "optimizer": "adam", "learning_rate": 0.01, "batch_size": 8, "seed": 3}
COLOURS = {"red": (220, 30, 30), "green": (30, 200, 30), "blue": (30, 30, 220)}


def _birds(tmp_path, per_class: int = 10) -> dict:
    """A folder dataset: train/ and test/ of three colour classes, slightly different images."""
    rng = np.random.default_rng(0)

    def images(count):
        return {
            name: [
                image_bytes("PNG", (16, 16), tuple(int(c + rng.integers(-25, 25)) for c in colour))
                for _ in range(count)
            ]
            for name, colour in COLOURS.items()
        }

    write_classes(tmp_path / "birds" / "train", images(per_class))
    write_classes(tmp_path / "birds" / "test", images(3))
    return {"name": "folder", "path": str(tmp_path / "birds"), "image_size": 16}


def _phases(events) -> list[str]:
    return [e["phase"] for e in events if e["type"] == "phase"]


@pytest.mark.slow  # builds ResNet50 (23.6 M parameters)
def test_features_are_computed_once_then_reused_and_the_run_takes_raw_images(tmp_path):
    spec = make_job_spec(NETWORK, _birds(tmp_path), None, CONFIG, label="birds V1")
    assert json.loads(json.dumps(spec)) == spec and spec["kind"] == "extract"
    events: list[dict] = []
    first = run_extract_job({**spec, "owner": "session-1"}, events.append, lambda: False)
    assert first["status"] == "completed" and first["metrics"]["feature_cache"] == "miss"
    assert "extracting features" in _phases(events)
    assert len([e for e in events if e["type"] == "epoch"]) == 6
    assert first["metrics"]["train_accuracy"] > 0.6  # the head learns (chance: 1/3)
    begin = next(e for e in events if e["type"] == "train_begin")
    assert (begin["train_size"], begin["val_size"], begin["batches"]) == (27, 3, 4)  # LAST 10 %
    cached = list((get_settings().data_dir / "features").glob("*.npz"))
    assert len(cached) == 2  # the training and the test split

    events.clear()
    second = run_extract_job(spec, events.append, lambda: False)
    assert second["metrics"]["feature_cache"] == "hit"
    assert "extracting features" not in _phases(events)
    assert second["metrics"]["train_accuracy"] == pytest.approx(first["metrics"]["train_accuracy"])

    run = RunStore().get(first["run_id"])
    assert run.owner == "session-1" and run.config["kind"] == "extract"
    assert run.config["split"] == {"train": 27, "val": 3, "test": 9, "validation": "last"}
    assert run.config["class_names"] == ["blue", "green", "red"]
    model = RunStore().load_model(first["run_id"])  # safe_mode=True
    assert [layer.name for layer in model.layers] == [
        "image",
        "backbone_input",
        "l01_backbone",
        "l02_dense",
        "l03_dropout",
        "output",
    ]
    from cnnapp.data import load_dataset

    dataset = load_dataset(spec["dataset"])
    predicted = np.asarray(model(dataset.x_test.astype("float32"))).argmax(axis=1)
    accuracy = float(np.mean(predicted == dataset.y_test))
    assert accuracy == pytest.approx(first["metrics"]["test_accuracy"])


def test_the_executor_knows_extract_jobs():
    import importlib

    from cnnapp.jobs import BUILTIN_KINDS

    module, function = BUILTIN_KINDS["extract"].split(":")
    assert getattr(importlib.import_module(module), function) is run_extract_job


@pytest.mark.slow
def test_an_extract_job_through_the_executor(tmp_path):
    import time

    from cnnapp.jobs import LocalExecutor

    spec = make_job_spec(NETWORK, _birds(tmp_path), None, CONFIG)
    executor = LocalExecutor(max_jobs=1)
    try:
        job_id = executor.submit(spec, "session-1")
        while not (status := executor.status(job_id, "session-1")).done:
            time.sleep(0.2)
    finally:
        executor.shutdown()
    assert status.state == "completed", status.error
    assert len(status.history) == 6 and status.batches == 4
    assert RunStore().get(status.result["run_id"]).owner == "session-1"


def test_stopping_while_extracting_saves_nothing(tmp_path):
    calls = {"n": 0}

    def stop_after_loading():
        calls["n"] += 1
        return calls["n"] > 1

    spec = make_job_spec(NETWORK, _birds(tmp_path, per_class=2), None, CONFIG)
    result = run_extract_job(spec, lambda e: None, stop_after_loading)
    assert result == {"run_id": None, "status": "stopped", "metrics": {}}
    assert RunStore().list() == []


def test_the_cache_key_follows_dataset_backbone_weights_and_size():
    images = np.zeros((4, 8, 8, 3), dtype=np.uint8)
    backbone = normalize_spec(NETWORK)[0]
    ref = {"name": "folder", "path": "/data/birds"}
    key = cache_key(ref, "train", images, backbone, seed=1)
    assert key == cache_key(ref, "train", images.copy(), backbone, seed=1)
    changed = [
        cache_key({**ref, "limit": 2}, "train", images, backbone, 1),
        cache_key(ref, "test", images, backbone, 1),
        cache_key(ref, "train", images + 1, backbone, 1),
        cache_key(ref, "train", images, {**backbone, "input_size": 64}, 1),
        cache_key(ref, "train", images, {**backbone, "name": "mobilenet_v2"}, 1),
        cache_key(ref, "train", images, {**backbone, "pooling": "max"}, 1),
        cache_key(ref, "train", images, backbone, 2),  # random weights depend on the seed
    ]
    assert all(other != key for other in changed)


def test_the_assignments_heads_and_the_last_ten_percent():
    heads = {
        "resnet50_fe_v1": 1_151_688,
        "resnet50_fe_v2": 1_151_688,
        "resnet50_fe_v3": 1_231_816,
    }
    from cnnapp.nets.presets import get_preset

    for preset, params in heads.items():
        head = build_head(normalize_spec(get_preset(preset))[1:], 2048, 200)
        assert head.count_params() == params

    def train_part(count: int, fraction: float) -> int:
        labels = np.arange(count)
        x_train, _, x_val, y_val = split_validation(labels, labels, fraction, take="last")
        assert list(y_val) == list(range(len(x_train), count))  # the last part validates
        return len(x_train)

    assert train_part(3000, 0.1) == 2700  # Keras's fit(validation_split=0.1)
    assert train_part(31, 0.1) == 27 and train_part(10, 0.0) == 10


def test_only_a_frozen_backbone_without_augmentation_or_normalisation_extracts_features():
    assert make_job_spec(NETWORK, None, None, CONFIG)["kind"] == "extract"
    trainable = [{**NETWORK[0], "trainable": True}, *NETWORK[1:]]
    assert make_job_spec(trainable, None, None, CONFIG)["kind"] == "train"
    plain = [{"type": "flatten"}, {"type": "dense", "units": 4}]
    assert make_job_spec(plain, None, None, CONFIG)["kind"] == "train"
    # Augmented or normalised images change the features every epoch: never silently extracted.
    for preprocessing in ({"horizontal_flip": True}, {"normalize": True}):
        spec = make_job_spec(NETWORK, None, preprocessing, CONFIG)
        assert spec["kind"] == "train" and spec["preprocessing"] == {
            **spec["preprocessing"],
            **preprocessing,
        }
    with pytest.raises(NetworkError, match="Conv2D"):
        make_job_spec([NETWORK[0], {"type": "conv2d", "filters": 4}], None, None, CONFIG)
