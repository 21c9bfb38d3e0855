"""`python -m cnnapp classify`: top classes per image, JSON lines, unreadable files, no weights."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import pytest
from _imagefactory import image_bytes

from cnnapp.cli import main
from cnnapp.nets.build import build_model
from cnnapp.runs import RunStore

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cnnapp", "classify", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def _photos(tmp_path: Path) -> list[str]:
    red = tmp_path / "red.png"
    red.write_bytes(image_bytes("PNG", (40, 30), (220, 30, 30)))
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a picture")
    blue = tmp_path / "blue.jpg"
    blue.write_bytes(image_bytes("JPEG", (20, 20), (30, 30, 220)))
    return [str(red), str(broken), str(blue)]


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def run_id(models_dir, monkeypatch) -> str:
    """A saved run (made once per module) whose model holds CNN Lab's own backbone layers."""
    monkeypatch.setenv("CNNAPP_MODELS_DIR", str(models_dir))
    existing = RunStore().list()
    if existing:
        return existing[0].run_id
    keras.utils.set_random_seed(0)
    spec = [
        {"type": "backbone", "name": "mobilenet_v2", "weights": None, "input_size": 32},
        {"type": "dense", "units": 8},
    ]
    model = build_model(spec, (24, 24, 3), 3)
    config = {"class_names": ["Black footed Albatross", "Cardinal", "Common Yellowthroat"]}
    return RunStore().save(model=model, spec=spec, config=config, history={}, metrics={})


def test_a_saved_run_classifies_in_a_fresh_process_and_bad_files_get_one_line(tmp_path, run_id):
    done = _cli(*_photos(tmp_path), "--model", run_id, "--top", "2", "--json")
    assert done.returncode == 1, done.stderr  # one file could not be read
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [Path(line["image"]).name for line in lines] == ["red.png", "broken.jpg", "blue.jpg"]
    assert "not an image" in lines[1]["error"] and "\n" not in lines[1]["error"]
    for line in (lines[0], lines[2]):
        assert [set(entry) for entry in line["top"]] == [{"label", "index", "probability"}] * 2
        assert line["top"][0]["label"] in (
            "Black footed Albatross",
            "Cardinal",
            "Common Yellowthroat",
        )


def test_text_output_and_model_errors(tmp_path, capsys, monkeypatch, run_id):
    from cnnapp.nets import weights

    photos = _photos(tmp_path)
    assert main(["classify", photos[0], "--model", run_id, "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(photos[0]) and "  1. " in out and "  3. " in out and "%" in out
    assert main(["classify", photos[1], "--model", run_id]) == 1
    assert capsys.readouterr().err.count("\n") == 1  # one line for the unreadable file

    assert main(["classify", photos[0], "--model", "vgg19"]) == 2
    assert "neither a run id" in capsys.readouterr().err
    assert main(["classify", photos[0], "--model", "r20260101-0000-0123456789abcdef"]) == 2
    assert "there is no saved run" in capsys.readouterr().err

    monkeypatch.delenv("CNNAPP_WEIGHTS_DIR", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))

    def offline(*args):
        raise Exception("URL fetch failure: no network")

    monkeypatch.setattr(weights, "_download", offline)
    assert main(["classify", photos[0], "--model", "resnet50"]) == 2
    err = capsys.readouterr().err
    assert "could not be downloaded" in err and "CNNAPP_WEIGHTS_DIR" in err


@pytest.mark.skipif(
    not (SHARED_DATA / "weights" / "mobilenet_v2_imagenet.weights.h5").is_file(),
    reason=f"real weights not found in {SHARED_DATA / 'weights'} (development machines only)",
)
def test_imagenet_labels_for_real_bird_photos(tmp_path, capsys, monkeypatch):
    birds = SHARED_DATA / "birds"
    monkeypatch.setenv("CNNAPP_WEIGHTS_DIR", str(SHARED_DATA / "weights"))
    images = [str(birds / "eagle.jpg"), str(birds / "chickadee.bmp"), str(tmp_path / "missing.jpg")]
    assert main(["classify", *images, "--model", "mobilenet_v2", "--top", "3", "--json"]) == 1
    eagle, chickadee, missing = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert eagle["top"][0] == {**eagle["top"][0], "label": "bald_eagle", "index": 22}
    assert "chickadee" in [entry["label"] for entry in chickadee["top"]]
    assert missing == {"image": images[2], "error": missing["error"]}
