"""Slow: a real run trained by the engine, then exported, zipped and its script run on the same images."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cnnapp.config import Preprocessing
from cnnapp.data import load_dataset
from cnnapp.export import from_choices, from_run, keras3_script, run_zip
from cnnapp.export.bundle import SCRIPT
from cnnapp.nets.presets import get_preset
from cnnapp.nets.spec import summarize
from cnnapp.runs import RunStore
from cnnapp.training import make_job_spec, run_job

pytestmark = pytest.mark.slow
ENV = {"TF_CPP_MIN_LOG_LEVEL": "2", "KERAS_BACKEND": "tensorflow", "PATH": "/usr/bin:/bin"}


def write_images(dataset, root: Path) -> Path:
    """The dataset's training images as root/<class>/<i>.png (what a student would download)."""
    for i, (image, label) in enumerate(zip(dataset.x_train, dataset.y_train, strict=True)):
        folder = root / dataset.class_names[label]
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(image).save(folder / f"{i:04d}.png")
    return root


def run_script(text: str, folder: Path, tmp_path: Path, *args: str) -> dict:
    script = tmp_path / "train.py"
    script.write_text(text)
    done = subprocess.run(
        [sys.executable, str(script), "--data", str(folder), *args],
        capture_output=True, text=True, timeout=900, cwd=tmp_path, env=ENV,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_trained_run_exports_a_script_that_repeats_it(tmp_path):
    data = {"name": "procedural", "limit": 120}
    preprocessing = Preprocessing(normalize=True, horizontal_flip=True)
    spec = make_job_spec(get_preset("basenet"), data, preprocessing, {"epochs": 2}, label="r")
    result = run_job(spec, lambda event: None, lambda: False)
    store = RunStore()
    run = store.get(result["run_id"])
    folder = write_images(load_dataset(data), tmp_path / "shapes")
    text = keras3_script(from_run(run.run_id, run.spec, run.config, run.metrics))
    assert f"    python train_{run.run_id}.py --data PATH\n" in text  # the shapes need --data
    ours = run_script(text, folder, tmp_path)
    assert ours["params"] == run.metrics["num_params"]
    assert ours["epochs_run"] == 2 and ours["history"][1]["loss"] < ours["history"][0]["loss"]
    files = zipfile.ZipFile(io.BytesIO(run_zip(store, run.run_id)))
    names = files.namelist()
    assert any("/tensorboard/" in name for name in names)  # TensorFlow backend: logs kept
    assert files.read(f"{run.run_id}/{SCRIPT}").decode() == text
    assert files.read(f"{run.run_id}/model.keras") == store.file_bytes(run.run_id, "model.keras")


def test_a_fine_tuned_backbone_script_runs(tmp_path):
    network = [
        {"type": "backbone", "name": "mobilenet_v2", "weights": None, "trainable": True,
         "trainable_blocks": 2, "pooling": "avg", "input_size": 32},
        {"type": "dense", "units": 16},
    ]  # fmt: skip
    rng = np.random.default_rng(0)
    for name, colour in {"red": (220, 30, 30), "blue": (30, 30, 220)}.items():
        (tmp_path / "photos" / name).mkdir(parents=True)
        for i in range(24):
            image = np.clip(np.array(colour) + rng.normal(0, 30, (32, 32, 3)), 0, 255)
            Image.fromarray(image.astype(np.uint8)).save(tmp_path / "photos" / name / f"{i}.png")
    settings = from_choices(network, None, Preprocessing(normalize=True), {"epochs": 1})
    ours = run_script(keras3_script(settings), tmp_path / "photos", tmp_path, "--batch-size", "8")
    assert ours["params"] == summarize(network, (32, 32, 3), 2).total_params
    assert ours["val_accuracy"] is not None and ours["test_accuracy"] is None
