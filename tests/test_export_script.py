"""The exported Keras 3 script: it runs on its own, and it repeats the engine's run.

One test runs a generated script in a subprocess on a small zip of class folders it makes; the
others load the script's text as a module and compare its parts with the engine's (parameter
counts, the validation split, the normalisation, the zip guard, the protocol's switches).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import keras
import numpy as np
import pytest
from PIL import Image

from cnnapp.config import Preprocessing
from cnnapp.data import load_dataset, split_validation
from cnnapp.data.preprocessing import fit_normalization
from cnnapp.export import from_choices, keras3_script
from cnnapp.nets.build import build_model
from cnnapp.nets.presets import PRESETS, get_preset
from cnnapp.nets.spec import summarize
from cnnapp.training.scoring import RESULT_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
RUFF = Path(sys.executable).with_name("ruff")
CLASSES = ("stripes", "columns", "checks")
AUGMENTED = Preprocessing(normalize=True, horizontal_flip=True, zoom_range=0.2)


def pattern(kind: str, rng: np.random.Generator, size: int = 32) -> np.ndarray:
    """A noisy 32x32 image of one of three patterns (each class its own colour and layout)."""
    rows, cols = np.mgrid[0:size, 0:size]
    mask = {
        "stripes": rows // 4 % 2,
        "columns": cols // 4 % 2,
        "checks": (rows // 8 + cols // 8) % 2,
    }
    colour = {"stripes": (220, 40, 40), "columns": (40, 200, 40), "checks": (40, 40, 220)}[kind]
    image = mask[kind][..., None] * np.array(colour)[None, None, :] + rng.normal(0, 20, (32, 32, 3))
    return np.clip(image, 0, 255).astype(np.uint8)


def write_folder(root: Path, per_class: int, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    for kind in CLASSES:
        (root / kind).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            Image.fromarray(pattern(kind, rng)).save(root / kind / f"{i:03d}.png")
    return root


def write_zip(path: Path, train: int = 40, test: int = 8) -> Path:
    """`path`: photos/train/<class>/*.png and photos/test/<class>/*.png, in a zip."""
    folder = path.parent / "unzipped"
    write_folder(folder / "photos" / "train", train, seed=0)
    write_folder(folder / "photos" / "test", test, seed=1)
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(folder.rglob("*.png")):
            archive.write(file, file.relative_to(folder).as_posix())
    return path


def load_script(text: str) -> dict:
    """The script's functions and constants, without running its main()."""
    namespace = {"__name__": "exported_script"}
    exec(compile(text, "exported_script.py", "exec"), namespace)
    return namespace


def settings_for(network, dataset=None, preprocessing=None, **config):
    return from_choices(network, dataset, preprocessing, config, network_name="test network")


def test_the_script_runs_alone_and_learns(tmp_path):
    """`python script.py --data photos.zip --epochs 2`: one JSON line, the engine's parameters."""
    data = write_zip(tmp_path / "photos.zip")
    network = get_preset("basenet")
    settings = settings_for(
        network, {"name": "folder", "path": "/srv/uploads/photos.zip"}, AUGMENTED
    )
    script = tmp_path / f"{settings.file_stem}.py"
    script.write_text(keras3_script(settings))
    done = subprocess.run(
        [sys.executable, str(script), "--data", str(data), "--epochs", "2", "--batch-size", "16"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,  # nothing of CNN Lab importable from here
        env={"TF_CPP_MIN_LOG_LEVEL": "2", "KERAS_BACKEND": "tensorflow", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(RESULT_COLUMNS) <= set(result)
    assert result["params"] == summarize(network, (32, 32, 3), len(CLASSES)).total_params
    assert result["epochs_run"] == 2 and len(result["history"]) == 2
    assert result["history"][1]["loss"] < result["history"][0]["loss"]  # it learns
    assert result["test_accuracy"] is not None and result["val_accuracy"] is not None
    assert result["train_accuracy"] > 1 / len(CLASSES)  # better than chance after 2 epochs


def test_without_data_it_says_what_data_must_be(tmp_path):
    settings = settings_for(get_preset("basenet"), {"name": "procedural"})
    script = load_script(keras3_script(settings))
    with pytest.raises(SystemExit, match="only CNN Lab draws: give --data, a folder"):
        script["load_data"](None)
    birds = load_script(
        keras3_script(settings_for(PRESETS["resnet50_fe_v1"].spec, {"name": "cub200"}))
    )
    with pytest.raises(SystemExit, match="images/ folder of the birds' archive"):
        birds["load_data"](None)
    assert "--data PATH: a folder (or .zip) with one subfolder of images per class" in (
        keras3_script(settings)
    )


def test_a_zip_member_outside_the_folder_is_refused(tmp_path):
    script = load_script(keras3_script(settings_for(get_preset("basenet"))))
    for name in ("../evil.png", "/etc/evil.png", "photos/../../evil.png"):
        hostile = tmp_path / "hostile.zip"
        with zipfile.ZipFile(hostile, "w") as archive:
            archive.writestr("photos/a/001.png", b"x")
            archive.writestr(name, b"x")
        with pytest.raises(SystemExit, match="would be written outside"):
            script["extract_zip"](hostile, tmp_path / "out")
        assert not (tmp_path / "evil.png").exists() and not (tmp_path / "out").exists()


def test_the_same_images_and_the_same_first_ten_percent_validate(tmp_path):
    """The script's folder order and split equal the engine's (32x32 images: no resizing)."""
    data = write_zip(tmp_path / "photos.zip", train=30, test=5)
    script = load_script(keras3_script(settings_for(get_preset("basenet"))))
    x, y, x_test, y_test, names = script["load_data"](str(data))
    engine = load_dataset({"name": "folder", "path": str(data)})
    assert names == engine.class_names == sorted(CLASSES)
    np.testing.assert_array_equal(x, engine.x_train)
    np.testing.assert_array_equal(y, engine.y_train)
    assert sorted(y_test.tolist()) == sorted(engine.y_test.tolist())
    ours = script["split_validation"](x, y, 0.1)
    theirs = split_validation(engine.x_train, engine.y_train, 0.1)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a, b)
    assert len(ours[2]) == 9 and len(set(ours[3].tolist())) > 1  # the first 10 %, mixed


def test_a_limit_keeps_the_engines_class_balanced_subset(tmp_path):
    data = write_folder(tmp_path / "photos", 20)
    ref = {"name": "folder", "path": str(data), "limit": 25}
    script = load_script(keras3_script(settings_for(get_preset("basenet"), ref)))
    x, y, *_ = script["load_data"](str(data))
    engine = load_dataset(ref)
    np.testing.assert_array_equal(x, engine.x_train)
    np.testing.assert_array_equal(y, engine.y_train)


def test_cifar_keeps_the_first_25_classes_in_order(monkeypatch):
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 100, (500, 1))
    images = rng.integers(0, 255, (500, 32, 32, 3), dtype=np.uint8)
    fake = ((images, labels), (images[:100], labels[:100]))
    monkeypatch.setattr(keras.datasets.cifar100, "load_data", lambda label_mode: fake)
    script = load_script(
        keras3_script(settings_for(get_preset("basenet"), {"name": "cifar100_25"}))
    )
    x, y, x_test, y_test, names = script["load_data"](None)
    keep = labels[:, 0] < 25
    np.testing.assert_array_equal(x, images[keep])
    np.testing.assert_array_equal(y, labels[keep, 0])
    assert len(names) == 25 and names[0] == "apple" and names[-1] == "cockroach"
    assert len(x_test) == int((labels[:100, 0] < 25).sum())


@pytest.mark.parametrize("preset", ["basenet", "mired_v5", "mired_bn_v3"])
def test_the_scripts_model_has_the_engines_layers_and_parameters(preset):
    network = get_preset(preset)
    script = load_script(keras3_script(settings_for(network, None, AUGMENTED)))
    images = np.random.default_rng(0).integers(0, 255, (20, 32, 32, 3), dtype=np.uint8)
    mean, variance = script["channel_statistics"](images)
    np.testing.assert_allclose(np.column_stack([mean, variance]).T, fit_normalization(images))
    normalization = keras.layers.Normalization(mean=mean, variance=variance)
    model = script["make_model"]((32, 32, 3), 6, normalization)
    engine = build_model(network, (32, 32, 3), 6, AUGMENTED, fit_normalization(images))
    assert (
        model.count_params()
        == engine.count_params()
        == summarize(network, (32, 32, 3), 6).total_params
    )
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == [type(layer).__name__ for layer in engine.layers]
    x = images[:4].astype("float32")
    model.set_weights(engine.get_weights())  # same layers, same order: same predictions
    np.testing.assert_allclose(model.predict(x, verbose=0), engine.predict(x, verbose=0), atol=1e-5)


def small_backbone(**changes) -> list[dict]:
    layer = {"type": "backbone", "name": "mobilenet_v2", "weights": None, "trainable": True,
             "trainable_blocks": 3, "pooling": "avg", "input_size": 32}  # fmt: skip
    return [{**layer, **changes}, {"type": "dense", "units": 16}, {"type": "dropout", "rate": 0.5}]


def test_a_fine_tuned_backbone_has_the_engines_trainable_parameters():
    network = small_backbone()
    script = load_script(
        keras3_script(settings_for(network, None, Preprocessing(horizontal_flip=True)))
    )
    model = script["make_model"]((32, 32, 3), 5)
    summary = summarize(network, (32, 32, 3), 5)
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert model.count_params() == summary.total_params
    assert trainable == summary.trainable_params
    assert any(type(layer).__name__ == "InferenceMode" for layer in model.layers)


def test_a_feature_extractor_script_has_the_engines_parameters():
    network = small_backbone(trainable=False, trainable_blocks=None)
    settings = settings_for(network)
    assert settings.kind == "extract"
    text = keras3_script(settings)
    script = load_script(text)
    extractor = script["make_extractor"]((32, 32, 3))
    head = script["make_head"](extractor.output_shape[-1], 5)
    assert (
        extractor.count_params() + head.count_params()
        == summarize(network, (32, 32, 3), 5).total_params
    )
    assert "the LAST `fraction` validates" in text
    assert script["split_validation"](np.arange(20), np.arange(20), 0.1)[2].tolist() == [18, 19]


def test_the_protocol_changes_what_it_says():
    network = small_backbone()
    ours = keras3_script(settings_for(network, None, AUGMENTED))
    theirs = keras3_script(settings_for(network, None, AUGMENTED, protocol="assignment"))
    assert "channel_statistics(x_train)" in ours and "channel_statistics(x)" not in ours
    assert "channel_statistics(x)" in theirs and "channel_statistics(x_train)" not in theirs
    assert "InferenceMode(make_backbone())" in ours and "InferenceMode" not in theirs
    assert "AugmentedImages(" not in ours and "validation = AugmentedImages(" in theirs


def test_under_the_assignment_protocol_validation_images_are_augmented():
    settings = settings_for(get_preset("basenet"), None, Preprocessing(horizontal_flip=True),
                            protocol="assignment")  # fmt: skip
    script = load_script(keras3_script(settings))
    rng = np.random.default_rng(0)
    images = np.stack([pattern("columns", rng) for _ in range(64)])
    batches = script["AugmentedImages"](images, np.zeros(64), 64, seed=3)
    first, _ = batches[0]
    flipped = np.all(np.isclose(first, images[:, :, ::-1]), axis=(1, 2, 3))
    same = np.all(np.isclose(first, images), axis=(1, 2, 3))
    assert flipped.any() and same.any() and (flipped | same).all()  # each image flipped or not


@pytest.mark.parametrize("protocol", ["ours", "assignment"])
@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_preset_makes_a_clean_standalone_script(preset, protocol):
    """Valid Python, nothing of CNN Lab imported, lint-clean at the project's line length."""
    network = PRESETS[preset].spec
    dataset = {"name": "cub200"} if network[0]["type"] == "backbone" else {"name": "cifar100_25"}
    text = keras3_script(settings_for(network, dataset, AUGMENTED, protocol=protocol,
                                      early_stopping=True))  # fmt: skip
    tree = ast.parse(text)
    imported = {n.names[0].name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert imported <= {"argparse", "json", "math", "pathlib", "re", "tempfile", "zipfile",
                        "keras", "numpy"}  # fmt: skip
    assert "EarlyStopping(" in text and "restore_best_weights=True" in text
    assert "InverseTimeDecay(" in text and "nesterov=True" in text
    assert text.rstrip().endswith("main()")
    if RUFF.exists():
        lint = subprocess.run(
            [str(RUFF), "check", "--isolated", "--select", "E,F,W", "--line-length", "100", "-"],
            input=text, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert lint.returncode == 0, lint.stdout


@pytest.mark.slow  # compiling MobileNetV2's training step takes a minute on a busy 2-core machine
@pytest.mark.parametrize("protocol", ["ours", "assignment"])
def test_a_fine_tuned_backbones_batch_norm_follows_the_protocol(protocol):
    """ "ours": its moving statistics stay as loaded while it trains; "assignment": they move."""
    network = small_backbone(trainable_blocks=None)
    settings = settings_for(network, None, Preprocessing(), protocol=protocol, epochs=1)
    script = load_script(keras3_script(settings))
    keras.utils.set_random_seed(0)
    model = script["make_model"]((32, 32, 3), 3)
    norms = [w for w in model.non_trainable_weights if "moving_mean" in w.path]
    before = [np.array(w.numpy()) for w in norms]
    images = np.random.default_rng(0).integers(0, 255, (16, 32, 32, 3)).astype("uint8")
    script["train"](model, images, np.arange(16) % 3, None, 1, 8)
    moved = [not np.allclose(b, w.numpy()) for b, w in zip(before, norms, strict=True)]
    assert len(norms) == 52  # MobileNetV2's batch norm layers
    assert not any(moved) if protocol == "ours" else sum(moved) > len(norms) // 2
