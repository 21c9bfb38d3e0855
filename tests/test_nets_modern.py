"""The modern preset's parts: the whitening layer, the layer types it adds, its recipe's settings."""

import json

import keras
import numpy as np
import pytest

from cnnapp.config import Preprocessing, TrainConfig
from cnnapp.messages import words
from cnnapp.nets.build import build_model
from cnnapp.nets.presets import PRESETS, get_preset, preset_recipe
from cnnapp.nets.spec import NetworkError, normalize_spec, spec_from_json, spec_to_json, summarize
from cnnapp.nets.whitening import patch_covariance, whitening_kernel
from cnnapp.nets.whitening_layer import Whitening
from cnnapp.training.fit import COSINE_END, WARMUP_START, learning_rate, smoothed_loss
from cnnapp.training.scoring import predict_probabilities


def correlated_images(n=64, size=12, seed=0) -> np.ndarray:
    """Random images whose neighbouring pixels and channels are strongly correlated."""
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(n, size + 1, size + 1, 1))
    smooth = base[:, :-1, :-1] + base[:, 1:, :-1] + base[:, :-1, 1:] + 0.3 * base[:, 1:, 1:]
    mix = np.array([[1.0, 0.8, 0.5]])
    return (smooth * mix + 0.1 * rng.normal(size=(n, size, size, 3)) + 2.0).astype(np.float32)


def test_the_whitening_kernel_makes_the_patch_covariance_the_identity():
    images = correlated_images()
    covariance = patch_covariance(images, 2)
    assert covariance.shape == (12, 12)
    assert np.abs(covariance - np.eye(12)).max() > 1.0  # far from white before
    kernel = whitening_kernel(images, 2, epsilon=1e-9)
    assert kernel.shape == (2, 2, 3, 24)
    np.testing.assert_allclose(kernel[..., 12:], -kernel[..., :12])  # the negated filters follow

    layer = Whitening((2, 2), 1e-9)
    out = keras.ops.convert_to_numpy(layer(images))  # builds it
    layer.set_kernel(kernel)
    out = keras.ops.convert_to_numpy(layer(images)).astype(np.float64)
    assert out.shape == (64, 11, 11, 24)
    flat = out[..., :12].reshape(-1, 12)
    np.testing.assert_allclose(flat.T @ flat / len(flat), np.eye(12), atol=2e-3)


def test_the_covariance_rows_follow_the_conv2d_kernel_order():
    # One image whose channel 1 is 1 at pixel (0, 1) only: that patch value sits at the Conv2D
    # kernel position [0, 1, 1] -> flat index (0 * 2 + 1) * 3 + 1 = 4.
    image = np.zeros((1, 2, 2, 3), np.float32)
    image[0, 0, 1, 1] = 1.0
    covariance = patch_covariance(image, 2)
    assert covariance[4, 4] == 1.0 and covariance.sum() == 1.0


def test_the_whitening_layer_is_frozen_and_counted_as_such():
    model = build_model(get_preset("modern"), (32, 32, 3), 10)
    layer = model.get_layer("l01_whitening")
    assert isinstance(layer, Whitening)
    assert not layer.trainable and layer.trainable_weights == []
    assert [w.shape for w in layer.non_trainable_weights] == [(2, 2, 3, 24)]


def test_whitening_errors_say_what_was_given():
    with pytest.raises(ValueError, match=r"at least 2×2 pixels, got an array of shape \(0,"):
        patch_covariance(np.zeros((0, 8, 8, 3)), 2)
    with pytest.raises(NetworkError, match="Whitening"):
        summarize([{"type": "whitening", "kernel_size": 2, "wrong": 1}], (32, 32, 3), 10)


def expected_modern_params(num_classes: int) -> tuple[int, int]:
    """(trainable, frozen) of the modern network counted by hand, as airbench's layers."""
    whiten_out = 2 * (2 * 2 * 3)  # 24 channels, no bias, frozen
    frozen = 2 * 2 * 3 * whiten_out
    trainable, channels = 0, whiten_out
    for width in (64, 256, 256):
        for _ in range(2):  # two 3×3 convolutions without bias, each followed by batch norm
            trainable += 3 * 3 * channels * width + 2 * width  # kernel; BN gamma and beta
            frozen += 2 * width  # BN moving mean and variance
            channels = width
    trainable += channels * num_classes + num_classes  # the output Dense
    return trainable, frozen


@pytest.mark.parametrize("num_classes", [10, 25])
def test_the_preset_validates_and_builds_with_the_expected_parameter_count(num_classes):
    trainable, frozen = expected_modern_params(num_classes)
    summary = summarize(get_preset("modern"), (32, 32, 3), num_classes)
    assert (summary.trainable_params, summary.non_trainable_params) == (trainable, frozen)
    model = build_model(get_preset("modern"), (32, 32, 3), num_classes)
    assert model.count_params() == trainable + frozen
    counted = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert counted == trainable
    shapes = [out for _, out in summary.shapes]
    assert shapes[0] == (31, 31, 24) and shapes[-1] == (256,)
    assert [row["type"] for row in summary.rows][-4:] == [
        "GlobalMaxPooling2D", "Scale ×0.111", "Linear", "Softmax",
    ]  # fmt: skip


def test_the_preset_is_plain_json_and_editable_like_any_network():
    network = get_preset("modern")
    assert json.loads(json.dumps(network)) == network
    assert spec_from_json(spec_to_json(network)) == normalize_spec(network)
    blocks = [layer for layer in normalize_spec(network) if layer["type"] == "batchnormalization"]
    assert len(blocks) == 6 and {b["momentum"] for b in blocks} == {0.4}
    convs = [layer for layer in normalize_spec(network) if layer["type"] == "conv2d"]
    assert [c["filters"] for c in convs] == [64, 64, 256, 256, 256, 256]
    assert not any(c["use_bias"] for c in convs)
    edited = [*network[:-1], {"type": "scale", "factor": 0.5}]  # an edit is just data
    assert (
        summarize(edited, (32, 32, 3), 10).total_params
        == summarize(network, (32, 32, 3), 10).total_params
    )


def test_the_new_settings_reach_the_keras_layers():
    model = build_model(get_preset("modern"), (32, 32, 3), 10)
    assert model.get_layer("l05_batchnormalization").momentum == pytest.approx(0.4)
    assert model.get_layer("l03_conv2d").use_bias is False
    assert model.get_layer("l03_conv2d").bias is None
    assert model.get_layer("l24_globalmaxpooling2d").__class__.__name__ == "GlobalMaxPooling2D"
    assert model.get_layer("l25_scale").scale == pytest.approx(1 / 9)
    # the default BN keeps Keras's momentum, and a default conv its bias
    plain = normalize_spec([{"type": "batchnormalization"}, {"type": "conv2d"}])
    assert plain[0]["momentum"] == 0.99 and plain[1]["use_bias"] is True


def test_the_preset_carries_its_recipe():
    recipe = preset_recipe("modern")
    config = TrainConfig.from_dict(recipe["train"])
    pre = Preprocessing.from_dict(recipe["preprocessing"])
    assert config.label_smoothing == 0.2 and config.tta_flip and config.nesterov
    assert config.schedule == "warmup_cosine" and config.batch_size == 1024
    assert pre.horizontal_flip and pre.translation_range * 32 == pytest.approx(2.0)
    assert pre.translation_fill == "reflect"
    assert preset_recipe("basenet") == {"train": {}, "preprocessing": {}}
    assert PRESETS["basenet"].recipe is None


def test_reflect_translation_shifts_whole_pixels_mirrored():
    from cnnapp.data.preprocessing import preprocessing_layers

    layers = preprocessing_layers(
        Preprocessing(translation_range=0.0625, translation_fill="reflect")
    )
    translate = next(layer for layer in layers if layer.name == "pre_translate")
    assert (translate.fill_mode, translate.interpolation) == ("reflect", "nearest")
    default = preprocessing_layers(Preprocessing(translation_range=0.1))[-1]
    assert (default.fill_mode, default.interpolation) == ("nearest", "bilinear")
    with pytest.raises(ValueError, match="translation_fill"):
        Preprocessing(translation_fill="wrap")


def test_label_smoothing_moves_the_target_toward_uniform():
    probabilities = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]], np.float32)
    labels = np.array([0, 2])
    for s in (0.0, 0.2):
        target = np.full((2, 3), s / 3)
        target[np.arange(2), labels] += 1 - s
        expected = -(target * np.log(probabilities)).sum(axis=1)
        got = keras.ops.convert_to_numpy(smoothed_loss(s, 3)(labels, probabilities))
        np.testing.assert_allclose(got, expected, rtol=1e-5)
    plain = keras.losses.sparse_categorical_crossentropy(labels, probabilities)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(smoothed_loss(0.0, 3)(labels, probabilities)),
        keras.ops.convert_to_numpy(plain),
        rtol=1e-5,
    )
    # a confident right answer costs more when smoothed: smoothing punishes over-confidence
    sure = np.array([[0.999, 0.0005, 0.0005]], np.float32)
    smoothed = float(smoothed_loss(0.2, 3)(np.array([0]), sure)[0])
    assert smoothed > float(smoothed_loss(0.0, 3)(np.array([0]), sure)[0]) + 0.5


def test_tta_flip_averages_the_image_and_its_mirror():
    keras.utils.set_random_seed(3)
    inputs = keras.Input((4, 4, 1))
    outputs = keras.layers.Dense(3, activation="softmax")(keras.layers.Flatten()(inputs))
    model = keras.Model(inputs, outputs)  # sees left and right differently
    images = np.random.default_rng(0).uniform(size=(5, 4, 4, 1)).astype(np.float32)
    mirrored = images[:, :, ::-1]
    plain = predict_probabilities(model, images)
    tta = predict_probabilities(model, images, tta_flip=True)
    np.testing.assert_allclose(tta, (plain + predict_probabilities(model, mirrored)) / 2, rtol=1e-5)
    assert np.abs(tta - plain).max() > 1e-3  # it changes the prediction
    np.testing.assert_allclose(
        tta, predict_probabilities(model, mirrored, tta_flip=True), rtol=1e-5
    )


def test_the_warmup_cosine_schedule_rises_then_falls():
    config = TrainConfig(
        learning_rate=1.0, schedule="warmup_cosine", warmup_fraction=0.25, epochs=4
    )
    schedule = learning_rate(config, steps_per_epoch=10)  # 40 steps, 10 of warmup

    def rate(step):
        return float(schedule(step))

    assert rate(0) == pytest.approx(WARMUP_START)
    assert rate(5) == pytest.approx((WARMUP_START + 1.0) / 2, rel=1e-4)
    assert rate(10) == pytest.approx(1.0)
    assert rate(20) < rate(10) and rate(40) == pytest.approx(COSINE_END, rel=1e-4)
    with pytest.raises(ValueError, match="batches per epoch, got None"):
        learning_rate(config)
    assert learning_rate(TrainConfig(decay=0.0)) == 0.01  # the assignment's, without decay


def test_the_new_training_settings_are_validated_in_both_languages():
    with pytest.raises(ValueError) as error:
        TrainConfig(label_smoothing=1.5)
    assert "label_smoothing" in str(error.value) and "1.5" in str(error.value)
    assert "prueba con 0,1 o 0,2" in words(error.value, "es")
    with pytest.raises(ValueError, match="schedule"):
        TrainConfig(schedule="cyclic")
    with pytest.raises(ValueError, match="weight_decay"):
        TrainConfig(weight_decay=-1.0)
    with pytest.raises(ValueError, match="tta_flip"):
        TrainConfig.from_dict({"tta_flip": "yes"})
    assert TrainConfig.from_dict(TrainConfig(tta_flip=True).to_dict()).tta_flip


def test_the_exported_script_carries_the_whitening_and_the_recipe():
    import subprocess
    import sys
    from pathlib import Path

    from cnnapp.export import keras3_script
    from cnnapp.export.settings import from_choices

    recipe = preset_recipe("modern")
    settings = from_choices(
        get_preset("modern"), {"name": "cifar10"}, recipe["preprocessing"], recipe["train"],
        network_name="Modern (airbench)",
    )  # fmt: skip
    text = keras3_script(settings)
    assert "fit_whitening(model, x_train)" in text and "CosineDecay(" in text
    assert "LABEL_SMOOTHING = 0.2" in text and "images[:, :, ::-1]" in text
    assert "momentum=0.4" in text and "use_bias=False" in text and 'fill_mode="reflect"' in text
    ruff = Path(sys.executable).with_name("ruff")
    if ruff.exists():
        lint = subprocess.run(
            [str(ruff), "check", "--isolated", "--select", "E,F,W", "--line-length", "100", "-"],
            input=text, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert lint.returncode == 0, lint.stdout
    script = {"__name__": "exported_script"}
    exec(compile(text, "exported_script.py", "exec"), script)
    model = script["make_model"](
        (16, 16, 3), 10, keras.layers.Normalization(mean=0.5, variance=0.1)
    )
    assert model.count_params() == build_model(get_preset("modern"), (16, 16, 3), 10).count_params()
    images = (correlated_images(n=40, size=16) * 40).clip(0, 255).astype("uint8")
    script["fit_whitening"](model, images)
    whitening = next(layer for layer in model.layers if isinstance(layer, script["Whitening"]))
    received = keras.Model(model.inputs, whitening.input).predict(images, verbose=0)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(whitening.kernel), whitening_kernel(received, 2, 5e-4), atol=1e-3
    )
