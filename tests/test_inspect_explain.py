"""Seeing inside networks: Grad-CAM, feature maps, first-layer filters, overlays."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from cnnapp.inspect.explain import (
    ExplainError,
    colorize,
    feature_maps,
    first_layer_filters,
    grad_cam,
    overlay,
    tile,
)
from cnnapp.nets.build import build_model
from cnnapp.nets.presets import get_preset


def _image(size: int) -> np.ndarray:
    """A dark image with a bright square in its top-left quarter."""
    image = np.full((size, size, 3), 30, dtype=np.uint8)
    image[size // 8 : size // 2, size // 8 : size // 2] = (240, 200, 40)
    return image


@pytest.fixture(scope="module")
def basenet():
    keras.utils.set_random_seed(0)
    return build_model(get_preset("basenet"), (32, 32, 3), 4)


def test_grad_cam_of_an_augmented_run_explains_the_predicted_class_the_same_way_twice():
    from cnnapp.config import Preprocessing

    keras.utils.set_random_seed(3)
    augment = Preprocessing(horizontal_flip=True, zoom_range=0.4, rotation_range=30.0)
    model = build_model(get_preset("basenet"), (32, 32, 3), 6, preprocessing=augment, seed=3)
    rng = np.random.default_rng(5)
    for _ in range(4):
        image = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
        predicted = int(np.argmax(model.predict(image[np.newaxis].astype("float32"), verbose=0)))
        first, second = grad_cam(model, image), grad_cam(model, image)
        assert first.class_index == predicted == second.class_index
        np.testing.assert_array_equal(first.heatmap, second.heatmap)


def test_grad_cam_of_a_cnn_has_the_images_size_and_shows_something(basenet):
    image = _image(32)
    cam = grad_cam(basenet, image)
    assert cam.heatmap.shape == (32, 32) and cam.heatmap.dtype == np.float32
    assert 0.0 <= cam.heatmap.min() and cam.heatmap.max() <= 1.0
    assert cam.heatmap.std() > 0.01  # not constant
    probabilities = np.asarray(basenet(image[np.newaxis].astype("float32")))[0]
    assert cam.class_index == int(probabilities.argmax())
    assert cam.probability == pytest.approx(float(probabilities.max()), rel=1e-4)
    assert cam.layer == "l03_conv2d"  # the last convolution
    other = grad_cam(basenet, image, class_index=(cam.class_index + 1) % 4)
    assert other.class_index == (cam.class_index + 1) % 4


@pytest.mark.slow  # builds ResNet50 (23.6 M parameters)
def test_grad_cam_looks_inside_a_backbone():
    keras.utils.set_random_seed(0)
    spec = [
        {"type": "backbone", "name": "resnet50", "weights": None, "input_size": 96},
        {"type": "dense", "units": 8},
    ]
    model = build_model(spec, (48, 48, 3), 3)
    cam = grad_cam(model, _image(48))
    assert cam.layer == "conv5_block3_out"
    assert cam.heatmap.shape == (48, 48) and cam.heatmap.std() > 0.01


def test_grad_cam_says_it_needs_tensorflow(basenet, monkeypatch):
    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    with pytest.raises(ExplainError, match="KERAS_BACKEND=tensorflow"):
        grad_cam(basenet, _image(32))


def test_a_network_without_convolutions_is_explained_in_words():
    model = build_model([{"type": "flatten"}, {"type": "dense", "units": 4}], (8, 8, 3), 2)
    for explain in (lambda: grad_cam(model, _image(8)), lambda: first_layer_filters(model)):
        with pytest.raises(ExplainError, match="no convolutional layer"):
            explain()


def test_feature_maps_of_each_convolution_and_the_first_layers_filters(basenet):
    maps = feature_maps(basenet, _image(32))
    assert [(m["layer"], m["shape"]) for m in maps] == [
        ("l01_conv2d", (28, 28, 6)),
        ("l03_conv2d", (10, 10, 16)),
    ]
    assert maps[0]["grid"].shape == (2 * 28 + 1, 3 * 28 + 2)  # 6 maps: 2 rows of 3, 1 px apart
    assert maps[1]["grid"].shape == (4 * 10 + 3, 4 * 10 + 3) and maps[1]["grid"].dtype == np.uint8
    filters = first_layer_filters(basenet, scale=4)
    assert filters.shape == (2 * 20 + 1, 3 * 20 + 2, 3)  # six 5×5 RGB kernels, 4× larger


def test_tiles_colours_and_overlays():
    grid = tile(np.arange(2 * 3 * 5, dtype=float).reshape(2, 3, 5), columns=5, pad=0)
    assert grid.shape == (2, 15) and grid.min() == 0 and grid.max() == 255
    assert tuple(colorize(np.array([[0.0, 1.0]]))[0, 0]) == (0, 0, 127)  # dark blue
    assert tuple(colorize(np.array([[0.0, 1.0]]))[0, 1]) == (127, 0, 0)  # dark red
    image = _image(16)
    blended = overlay(image, np.zeros((4, 4)), alpha=0.5)  # a small map is resized
    assert blended.shape == (16, 16, 3) and blended.dtype == np.uint8
