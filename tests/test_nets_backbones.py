"""Backbone layers: parameter counts without Keras, preprocessing, weights, fine-tuning, saving.

Random weights (`"weights": None`) and small input sizes keep these fast; the real ImageNet
weights are exercised in test_inspect_imagenet_real.py.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from cnnapp.config import Preprocessing
from cnnapp.data.preprocessing import fit_normalization
from cnnapp.export.model import keras_code
from cnnapp.nets.backbone_catalog import BACKBONES, block_of, preprocessed_statistics
from cnnapp.nets.backbone_layers import Backbone, BackboneInput
from cnnapp.nets.build import build_model
from cnnapp.nets.presets import get_preset
from cnnapp.nets.spec import NetworkError, summarize
from cnnapp.nets.weights import WeightsUnavailableError, find_weights


def backbone(name: str = "mobilenet_v2", **fields) -> dict:
    return {"type": "backbone", "name": name, "weights": None, "input_size": 32, **fields}


def _count(weights) -> int:
    return int(sum(np.prod(w.shape) for w in weights))


def test_the_assignments_parameter_counts_without_keras():
    assert BACKBONES["resnet50"].total_params == 23_587_712
    assert BACKBONES["mobilenet_v2"].total_params == 2_257_984
    birds = (224, 224, 3)
    assert summarize(get_preset("resnet50_ft_v1"), birds, 200).total_params == 24_739_400
    assert summarize(get_preset("resnet50_ft_v2"), birds, 200).total_params == 24_819_528
    for preset, head in [
        ("resnet50_fe_v1", 1_151_688),
        ("resnet50_fe_v2", 1_151_688),
        ("resnet50_fe_v3", 1_231_816),
    ]:
        summary = summarize(get_preset(preset), birds, 200)
        assert (summary.trainable_params, summary.non_trainable_params) == (head, 23_587_712)
    fine = summarize(get_preset("resnet50_ft_v1"), birds, 200)
    assert fine.non_trainable_params == 53_120  # batch norm statistics only
    assert fine.rows[0]["type"] == "ResNet50 (ImageNet, trainable)"
    assert fine.shapes[0] == ((224, 224, 3), (2048,))


@pytest.mark.parametrize(
    "name, trainable, blocks",
    [
        pytest.param("resnet50", True, None, marks=pytest.mark.slow),  # builds ResNet50
        pytest.param("resnet50", True, 3, marks=pytest.mark.slow),
        ("mobilenet_v2", False, None),
        ("mobilenet_v2", True, 5),
        ("mobilenet_v2", True, 0),
    ],  # fmt: skip
)
def test_counts_equal_keras_count_params(name, trainable, blocks):
    spec = [backbone(name, trainable=trainable, trainable_blocks=blocks), {"type": "dense"}]
    summary = summarize(spec, (40, 40, 3), 7)
    model = build_model(spec, (40, 40, 3), 7)
    assert summary.total_params == model.count_params()
    assert summary.trainable_params == _count(model.trainable_weights)
    assert summary.output_shape == (128,)


def test_block_numbering():
    assert block_of("resnet50", "conv1_conv") is None
    assert block_of("resnet50", "conv2_block1_1_conv") == 0
    assert block_of("resnet50", "conv4_block1_out") == 7
    assert (
        block_of("resnet50", "conv5_block3_out")
        == 15
        == len(BACKBONES["resnet50"].block_params) - 1
    )
    assert block_of("mobilenet_v2", "expanded_conv_project") == 0
    assert block_of("mobilenet_v2", "block_16_project_BN") == 16
    assert (
        block_of("mobilenet_v2", "Conv_1") == 17 == len(BACKBONES["mobilenet_v2"].block_params) - 1
    )


@pytest.mark.parametrize(
    "spec, shape, words",
    [
        ([{"type": "conv2d", "filters": 3}, backbone()], (32, 32, 3), "must be the first layer"),
        ([backbone()], (32, 32, 1), "needs 3 channels"),
        ([backbone(trainable_blocks=2)], (32, 32, 3), "only applies to a trainable backbone"),
        ([backbone(trainable=True, trainable_blocks=40)], (32, 32, 3), "at most 18"),
        ([backbone("vgg16")], (32, 32, 3), "must be one of"),
        ([backbone(weights="coco")], (32, 32, 3), "None"),
        ([backbone(trainable="yes")], (32, 32, 3), "true or false"),
        ([backbone(input_size=16)], (32, 32, 3), "at least 32"),
    ],
)
def test_impossible_backbones_are_explained(spec, shape, words):
    with pytest.raises(NetworkError, match=words):
        summarize(spec, shape, 3)


@pytest.mark.parametrize(
    "name, module",
    [("resnet50", keras.applications.resnet50), ("mobilenet_v2", keras.applications.mobilenet_v2)],
)
def test_backbone_input_is_the_applications_preprocess_input(name, module):
    x = np.random.default_rng(0).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    expected = module.preprocess_input(x.copy())
    np.testing.assert_allclose(np.asarray(BackboneInput(name, 32)(x)), expected, atol=1e-4)
    rescaled = BackboneInput(name, 32, scale=255.0)(x / 255.0)
    np.testing.assert_allclose(np.asarray(rescaled), expected, atol=1e-3)
    assert tuple(BackboneInput(name, 48)(x).shape) == (2, 48, 48, 3)
    # Normalisation fitted on raw images standardises what the backbone receives exactly.
    mean, variance = preprocessed_statistics(name, *fit_normalization(x))
    np.testing.assert_allclose(expected.mean(axis=(0, 1, 2)), mean, rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(expected.var(axis=(0, 1, 2)), variance, rtol=1e-3)


@pytest.mark.slow  # builds ResNet50 (23.6 M parameters)
def test_one_fine_tuning_step_moves_only_the_top_blocks_and_keeps_batch_norm_statistics():
    spec = [backbone("resnet50", trainable=True, trainable_blocks=1), {"type": "dense", "units": 8}]
    keras.utils.set_random_seed(0)
    model = build_model(spec, (32, 32, 3), 3)
    # Eagerly: one step needs no compiled graph (tracing ResNet50 takes longer than the step).
    model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy", run_eagerly=True)
    network = model.get_layer("l01_backbone").network

    def state():
        return {
            "top": network.get_layer("conv5_block3_3_conv").kernel.numpy().copy(),
            "bottom": network.get_layer("conv5_block2_3_conv").kernel.numpy().copy(),
            "statistics": network.get_layer("conv5_block3_3_bn").moving_mean.numpy().copy(),
        }

    before = state()
    images = np.random.default_rng(1).uniform(0, 255, (8, 32, 32, 3)).astype("float32")
    model.train_on_batch(images, np.arange(8) % 3)
    after = state()
    assert not np.allclose(before["top"], after["top"])  # the top block learns
    np.testing.assert_array_equal(before["bottom"], after["bottom"])  # frozen below it
    np.testing.assert_array_equal(before["statistics"], after["statistics"])  # inference mode


def test_a_saved_model_reloads_with_safe_mode_and_predicts_the_same(tmp_path):
    spec = [backbone(trainable=True, trainable_blocks=2), {"type": "dense", "units": 8}]
    images = np.random.default_rng(2).uniform(0, 255, (4, 36, 36, 3)).astype("float32")
    preprocessing = Preprocessing(normalize=True, horizontal_flip=True)
    model = build_model(
        spec, (36, 36, 3), 3, preprocessing, normalization=fit_normalization(images), seed=1
    )
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras", safe_mode=True)
    np.testing.assert_allclose(np.asarray(loaded(images)), np.asarray(model(images)), rtol=1e-5)
    layer = loaded.get_layer("l01_backbone")
    assert isinstance(layer, Backbone) and layer.trainable_blocks == 2
    assert _count(loaded.trainable_weights) == _count(model.trainable_weights)
    assert [x.name for x in loaded.layers][:5] == [
        "image",
        "pre_rescale",
        "pre_flip",
        "backbone_input",
        "pre_normalize",
    ]


def test_weights_from_a_local_folder_or_a_clear_offline_message(tmp_path, monkeypatch):
    from cnnapp.nets import weights

    folder = tmp_path / "weights"
    folder.mkdir()
    monkeypatch.setenv("CNNAPP_WEIGHTS_DIR", str(folder))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))

    def offline(*args):
        raise Exception("URL fetch failure: no network")

    monkeypatch.setattr(weights, "_download", offline)
    spec = [backbone(weights="imagenet")]
    with pytest.raises(WeightsUnavailableError) as error:
        build_model(spec, (32, 32, 3), 3)
    assert "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5" in str(error.value)
    assert str(folder) in str(error.value) and "storage.googleapis.com" in str(error.value)

    # The full model with its top, as <backbone>_imagenet.weights.h5: its base is taken.
    keras.utils.set_random_seed(3)
    full = keras.applications.MobileNetV2(weights=None)
    full.save_weights(folder / "mobilenet_v2_imagenet.weights.h5")
    model = build_model(spec, (32, 32, 3), 3)
    network = model.get_layer("l01_backbone").network
    for name in ("Conv1", "block_8_project", "Conv_1_bn"):
        for ours, theirs in zip(
            network.get_layer(name).weights, full.get_layer(name).weights, strict=True
        ):
            np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))
    assert find_weights("mobilenet_v2").holds == "full"
    # Keras's own file name for the base wins over the full model when both are there.
    (folder / weights.KERAS_FILES["mobilenet_v2"].notop).write_bytes(b"")
    assert find_weights("mobilenet_v2").holds == "notop"
    assert find_weights("mobilenet_v2", include_top=True).holds == "full"


def test_keras_code_shows_the_application():
    code = keras_code(get_preset("resnet50_ft_v1"), (224, 224, 3), 200)
    assert (
        "keras.applications.ResNet50(" in code and 'include_top=False, weights="imagenet"' in code
    )
    assert "InferenceMode(make_backbone())" in code  # batch norm keeps ImageNet's statistics
    assert "preprocess_input" in code and "24,739,400 parameters" in code


@pytest.mark.slow
def test_fine_tuning_runs_through_run_job_and_the_run_reloads():
    """The whole path of tables 12-13, scaled down: a trainable backbone is the spec's first layer."""
    from cnnapp.data import load_dataset
    from cnnapp.runs import RunStore
    from cnnapp.training import make_job_spec, run_job

    network = [backbone(trainable=True, trainable_blocks=3), {"type": "dense", "units": 16}]
    data = {"name": "procedural", "limit": 60}
    spec = make_job_spec(network, data, Preprocessing(normalize=True), {"epochs": 1})
    result = run_job(spec, lambda event: None, lambda: False)
    assert result["status"] == "completed"
    model = RunStore().load_model(result["run_id"])
    dataset = load_dataset(data)
    predicted = np.asarray(model(dataset.x_test.astype("float32"))).argmax(axis=1)
    assert float(np.mean(predicted == dataset.y_test)) == pytest.approx(
        result["metrics"]["test_accuracy"]
    )
    assert model.get_layer("l01_backbone").trainable_blocks == 3
