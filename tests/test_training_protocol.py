"""The assignment's protocol switch (`TrainConfig.protocol`): each difference, run by run.

Normalisation fitted on all training images, validation images augmented (both input paths),
a fine-tuned backbone's batch norm trained, the raw statistics with a backbone; the protocol
recorded and shown (report rows, the CLI), and chosen on the command line.
"""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from cnnapp import report
from cnnapp.cli import main
from cnnapp.cli.main import build_parser
from cnnapp.cli.train import config_from
from cnnapp.config import Preprocessing, TrainConfig
from cnnapp.data import load_dataset, split_validation
from cnnapp.data.preprocessing import fit_normalization
from cnnapp.nets.backbone_catalog import preprocessed_statistics, raw_statistics
from cnnapp.nets.build import build_model
from cnnapp.nets.presets import get_preset
from cnnapp.recipes import get_table
from cnnapp.runs import RunStore
from cnnapp.training import make_job_spec, run_job
from cnnapp.training import plan as pipeline
from cnnapp.training.protocol import normalization_images, validation_batches

DATA = {"name": "procedural", "limit": 200}
AUGMENT = Preprocessing(normalize=True, horizontal_flip=True, zoom_range=0.2)
FLIP = Preprocessing(horizontal_flip=True)
NORM = ([0.5, 0.4, 0.3], [0.05, 0.06, 0.07])
SMALL = [{"type": "conv2d", "filters": 4, "kernel_size": 3}, {"type": "flatten"}]


def _run(protocol: str) -> tuple[dict, object]:
    config = TrainConfig(epochs=1, learning_rate=0.05, seed=3, protocol=protocol)
    spec = make_job_spec(get_preset("basenet"), DATA, AUGMENT, config)
    result = run_job(spec, lambda event: None, lambda: False)
    return result, RunStore().get(result["run_id"])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """One tiny augmented run under each protocol (saved in a store of their own)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CNNAPP_MODELS_DIR", str(tmp_path_factory.mktemp("models")))
        patch.setenv("CNNAPP_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        found = {}
        for protocol in ("ours", "assignment"):
            result, info = _run(protocol)
            found[protocol] = (result, info, RunStore().load_model(result["run_id"]))
        yield found


def test_normalisation_is_fitted_on_every_training_image_only_under_the_assignments(runs):
    dataset = load_dataset(DATA)
    x_train, _, x_val, _ = split_validation(dataset.x_train, dataset.y_train, 0.1)
    assert len(x_val) == 20
    everything, part = fit_normalization(dataset.x_train), fit_normalization(x_train)
    assert not np.allclose(everything[0], part[0], rtol=1e-6, atol=0)  # the test can tell
    saved = {p: info.config["normalization"] for p, (_, info, _) in runs.items()}
    np.testing.assert_allclose(saved["assignment"][0], everything[0], rtol=1e-9)
    np.testing.assert_allclose(saved["assignment"][1], everything[1], rtol=1e-9)
    np.testing.assert_allclose(saved["ours"][0], part[0], rtol=1e-9)
    assert [info.config["train"]["protocol"] for _, info, _ in runs.values()] == [
        "ours",
        "assignment",
    ]
    config = TrainConfig(protocol="assignment")
    assert normalization_images(dataset.x_train, x_train, config) is dataset.x_train
    assert normalization_images(dataset.x_train, x_train, TrainConfig()) is x_train


def test_validation_figures_come_from_augmented_images_only_under_the_assignments(runs):
    dataset = load_dataset(DATA)
    _, _, x_val, y_val = split_validation(dataset.x_train, dataset.y_train, 0.1)
    gaps = {}
    for protocol, (result, _, model) in runs.items():
        model.compile(loss="sparse_categorical_crossentropy")
        plain = model.evaluate(x_val, y_val, verbose=0, return_dict=True)  # inference, no augment
        gaps[protocol] = abs(result["metrics"]["val_loss"] - plain["loss"])
    assert gaps["ours"] < 1e-4  # validated on the images as they are
    assert gaps["assignment"] > 1e-3  # validated on flipped and zoomed images
    for result, _, _ in runs.values():  # train and test accuracy: inference mode both times
        assert 0.0 <= result["metrics"]["train_accuracy"] <= 1.0


def _flip_model():
    keras.utils.set_random_seed(0)
    return build_model(SMALL, (8, 8, 3), 3, FLIP, seed=1)


def _images(n=24):
    rng = np.random.default_rng(4)
    return rng.integers(0, 256, (n, 8, 8, 3)).astype("uint8"), np.arange(n) % 3


@pytest.mark.parametrize("augment_in", ["model", "data"])
def test_the_validation_input_flips_images_afresh_every_pass_only_when_asked(augment_in):
    model = _flip_model()
    x, y = _images()
    plan = pipeline.TrainingPlan(augment_in, False, 1, "float32")
    scale = 1.0 if augment_in == "model" else 255.0  # the model's own input, or rescaled

    def validation(augment: bool):
        return pipeline.fit_data(model, plan, (x, y, x, y), 8, 5, augment)["validation_data"]

    def images_of(val) -> np.ndarray:  # one pass, as one epoch's validation
        if isinstance(val, tuple):  # the arrays themselves
            return np.asarray(val[0], "float32")
        batches = [val[i] for i in range(len(val))] if augment_in == "model" else list(val)
        return np.concatenate([np.asarray(images) for images, _ in batches]) * scale

    unaugmented = validation(False)
    for _ in range(2):
        np.testing.assert_allclose(images_of(unaugmented), x, atol=1e-3)  # in order, as they are
    augmented = validation(True)
    first, second = (_mirrored(images_of(augmented), x) for _ in range(2))
    assert 3 <= first.sum() <= 21 and 3 <= second.sum() <= 21  # flipped at random
    assert (first != second).any()  # drawn afresh on each pass


def _mirrored(images: np.ndarray, x: np.ndarray) -> np.ndarray:
    """For each image of `x`, whether it came back mirrored (each must come back once)."""
    raw = x.astype("float32")
    found = {}
    for image in images:
        same = np.isclose(image, raw, atol=1e-3).all(axis=(1, 2, 3))
        flipped = np.isclose(image, raw[:, :, ::-1], atol=1e-3).all(axis=(1, 2, 3))
        (index,) = np.flatnonzero(same | flipped)  # exactly one original
        assert index not in found
        found[index] = bool(flipped[index])
    assert sorted(found) == list(range(len(x)))
    return np.array([found[i] for i in range(len(x))])


def test_two_evaluations_of_the_same_weights_differ_on_augmented_validation():
    model = _flip_model()
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = _images(48)
    layers = pipeline._pipeline_layers(model)
    val = validation_batches(layers, x, y, 16, seed=2)
    first, second = (model.evaluate(val, verbose=0) for _ in range(2))
    assert first[0] != pytest.approx(second[0], rel=1e-6)
    plain = [model.evaluate(x, y, verbose=0) for _ in range(2)]
    assert plain[0][0] == pytest.approx(plain[1][0], rel=1e-7)
    with pytest.raises(ValueError, match="starting with its Rescaling layer"):
        validation_batches(layers[1:], x, y, 16, seed=2)


BACKBONE = [
    {"type": "backbone", "name": "mobilenet_v2", "weights": None, "trainable": True},
    {"type": "dense", "units": 8, "activation": "relu"},
]


@pytest.fixture(scope="module")
def backbones():
    """MobileNetV2 (random weights, 32 x 32) fine-tuned whole under each protocol, and its top
    block only under the assignment's."""
    found = {}
    for protocol, blocks in [("ours", None), ("assignment", None), ("assignment", 1)]:
        keras.utils.set_random_seed(0)
        network = [{**BACKBONE[0], "input_size": 32, "trainable_blocks": blocks}, *BACKBONE[1:]]
        pre = Preprocessing(normalize=True)
        found[protocol, blocks] = build_model(network, (32, 32, 3), 3, pre, NORM, protocol=protocol)
    return found


def _moving_means(model) -> dict[str, np.ndarray]:
    network = model.get_layer("l01_backbone").network
    return {
        layer.name: np.array(layer.moving_mean)
        for layer in network.layers
        if isinstance(layer, keras.layers.BatchNormalization)
    }


def test_a_fine_tuned_backbones_batch_norm_trains_only_under_the_assignments(backbones):
    x = np.repeat(np.repeat(_images(4)[0], 4, axis=1), 4, axis=2)  # 32 x 32
    plan = pipeline.TrainingPlan("model", True, 1, "float32")  # what fit trains, on TensorFlow
    changed = {}
    for (protocol, blocks), model in backbones.items():
        before = _moving_means(model)
        pipeline.training_model(model, plan)(x, training=True)  # one training step's forward pass
        after = _moving_means(model)
        changed[protocol, blocks] = {n for n in before if not np.array_equal(before[n], after[n])}
        layer = model.get_layer("l01_backbone")
        assert type(layer).from_config(layer.get_config()).train_batch_norm == (
            protocol == "assignment"
        )  # a saved run loads with it
    assert changed["ours", None] == set()  # ImageNet's statistics would be kept
    assert len(changed["assignment", None]) == 52  # every batch norm of MobileNetV2
    top = changed["assignment", 1]  # only the trainable top block's (frozen ones: inference)
    assert top == {"Conv_1_bn"}


def test_normalisation_with_a_backbone_uses_the_raw_statistics_under_the_assignments(backbones):
    for protocol, expected in [
        ("ours", preprocessed_statistics("mobilenet_v2", *NORM)),
        ("assignment", raw_statistics(*NORM)),
    ]:
        layer = backbones[protocol, None].get_layer("pre_normalize")
        np.testing.assert_allclose(np.ravel(layer.mean), expected[0], rtol=1e-6)
        np.testing.assert_allclose(np.ravel(layer.variance), expected[1], rtol=1e-6)
    assert raw_statistics(*NORM)[0] == pytest.approx([127.5, 102.0, 76.5])  # 255 x, RGB order
    with pytest.raises(ValueError, match="protocol must be one of"):
        build_model(get_preset("basenet"), (32, 32, 3), 3, protocol="keras2")


def test_the_cli_takes_the_protocol_for_train_and_reproduce(capsys):
    parser = build_parser()
    args = parser.parse_args(["train", "--protocol", "assignment"])
    assert config_from(args).protocol == "assignment"
    assert config_from(parser.parse_args(["train"])).protocol == "ours"
    assert parser.parse_args(["reproduce", "9", "--protocol", "assignment"]).protocol == (
        "assignment"
    )
    for command in (["train"], ["reproduce", "2"]):
        with pytest.raises(SystemExit) as stopped:
            parser.parse_args([*command, "--protocol", "keras2"])
        assert stopped.value.code == 2
        error = capsys.readouterr().err
        assert "--protocol: got 'keras2'; expected 'ours'" in error and "'assignment'" in error


def test_recipes_take_the_protocol_and_refuse_an_unknown_one():
    recipe = get_table("9").recipes[1]
    spec = recipe.job_spec(epochs=2, protocol="assignment")
    assert spec["config"]["protocol"] == "assignment" and spec["config"]["early_stopping"]
    assert recipe.job_spec()["config"]["protocol"] == "ours"
    with pytest.raises(ValueError, match="protocol must be one of"):
        recipe.job_spec(protocol="keras2")


def _saved(protocol: str | None) -> str:
    train = {"epochs": 1} if protocol is None else {"epochs": 1, "protocol": protocol}
    return RunStore().save(
        model=lambda path: path.write_bytes(b"not really a model"),
        spec=get_preset("basenet"),
        config={"label": f"run {protocol}", "train": train, "network_name": "BaseNet"},
        history={"epochs": []},
        metrics={"val_accuracy": 0.5},
    )


def test_the_protocol_shows_in_report_rows_and_the_cli_runs_list(capsys):
    assert report.headers("en")[4] == "Protocol" and report.headers("es")[4] == "Protocolo"
    rows = {p: report.run_row("r", {"train": {"protocol": p}}, {}) for p in ("ours", "assignment")}
    assert rows["assignment"]["protocol"] == "assignment" and rows["ours"]["protocol"] == "ours"
    assert report.run_row("r", {"train": {}}, {})["protocol"] == "ours"  # saved before the switch
    assert "| assignment |" in report.to_markdown([rows["assignment"]])
    _saved("assignment"), _saved(None)
    assert main(["runs"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "protocol" in lines[0]
    assert any("run assignment" in line and "assignment" in line.split()[-6:] for line in lines)
    assert any("run None" in line and " ours " in line for line in lines)


JAX_SCRIPT = """
import json
from cnnapp.config import Preprocessing, TrainConfig
from cnnapp.data import load_dataset, split_validation
from cnnapp.nets.presets import get_preset
from cnnapp.runs import RunStore
from cnnapp.training import make_job_spec, run_job
data = {"name": "procedural", "limit": 300}
out = {}
for protocol in ("ours", "assignment"):
    config = TrainConfig(epochs=2, seed=1, protocol=protocol)
    spec = make_job_spec(get_preset("basenet"), data, Preprocessing(horizontal_flip=True), config)
    result = run_job(spec, lambda event: None, lambda: False)
    model = RunStore().load_model(result["run_id"])
    model.compile(loss="sparse_categorical_crossentropy")
    dataset = load_dataset(data)
    _, _, x_val, y_val = split_validation(dataset.x_train, dataset.y_train, 0.1)
    out[protocol] = {"gap": abs(result["metrics"]["val_loss"] - model.evaluate(x_val, y_val)),
                     "plan": result["metrics"]["training_plan"]["augment_in"]}
print(json.dumps(out))
"""


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed")
def test_validation_is_augmented_under_the_jax_backend_too(tmp_path):
    env = {**os.environ, "KERAS_BACKEND": "jax", "CNNAPP_MODELS_DIR": str(tmp_path)}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    done = subprocess.run(
        [sys.executable, "-c", JAX_SCRIPT], env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["ours"]["plan"] == out["assignment"]["plan"] == "model"  # the PyDataset path
    assert out["ours"]["gap"] < 1e-4 and out["assignment"]["gap"] > 1e-3
