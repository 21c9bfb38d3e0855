"""Seeing inside a network: Grad-CAM, feature maps and first-layer filters, as image arrays.

Everything returns NumPy arrays a page can show (`uint8` images, or floats in [0, 1]); nothing
here draws. Grad-CAM needs gradients, so it runs on the TensorFlow backend only (the
TensorFlow-specific part is `cnnapp.tf_backend.grad_cam`); the rest runs on any backend.

The models are those CNN Lab builds: a chain of layers from the raw image to the softmax output
(`cnnapp.nets.build.build_model`), a backbone run (`cnnapp.nets.backbone_layers.Backbone` inside), or a
pretrained ImageNet classifier (`cnnapp.inspect.classify.imagenet_model`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image


class ExplainError(ValueError):
    """The model cannot be explained this way; the message says why and what to do."""


@dataclass
class GradCam:
    """A Grad-CAM heatmap of one image.

    Attributes:
        heatmap: float32 `(height, width)` in [0, 1], the size of the image given.
        class_index: the class explained (the top class unless one was asked for).
        probability: the model's probability for that class.
        layer: the convolutional layer whose activations were weighted.
    """

    heatmap: np.ndarray
    class_index: int
    probability: float
    layer: str


def _chain(model) -> list:
    return [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]


def _nested_network(layer):
    """The functional network inside a backbone layer or a nested Keras application, or None."""
    import keras

    inner = getattr(layer, "network", None)  # cnnapp.nets.backbone_layers.Backbone
    if inner is not None:
        return inner
    return layer if isinstance(layer, keras.Model) else None


def _target(model) -> tuple[int, str, object]:
    """Where the explained activations are: `(chain position, layer name, nested network)`."""
    from cnnapp.nets.backbone_catalog import BACKBONES

    chain = _chain(model)
    for position in range(len(chain) - 1, -1, -1):
        layer = chain[position]
        network = _nested_network(layer)
        if network is not None:
            for info in BACKBONES.values():
                if info.last_conv in [inner.name for inner in network.layers]:
                    return position, info.last_conv, network
        if type(layer).__name__ == "Conv2D":
            return position, layer.name, None
    raise ExplainError(
        "This network has no convolutional layer, so there is nothing for Grad-CAM to show; "
        "add a Conv2D layer (or use a backbone) and train it again."
    )


def _is_softmax_dense(layer) -> bool:
    return type(layer).__name__ == "Dense" and layer.get_config().get("activation") == "softmax"


def _forward(model):
    """`forward(x) -> (activations, logits)` for Grad-CAM, with the target's activations."""
    import keras

    chain = _chain(model)
    position, name, network = _target(model)
    split = None
    if network is not None:
        last = network.layers[-1]
        top = network.get_layer(name).output
        head_input = last.input if _is_softmax_dense(last) else network.output
        split = keras.Model(network.inputs, [top, head_input])

    def forward(x):
        # Inference mode for every layer: random augmentation off, batch norm on its statistics,
        # so the explanation is of what the model predicts.
        activations = None
        for index, layer in enumerate(chain):
            if index == position and split is not None:
                activations, x = split(x, training=False)
                if _is_softmax_dense(network.layers[-1]):  # the top's logits, not softmax
                    dense = network.layers[-1]
                    return activations, keras.ops.matmul(x, dense.kernel) + dense.bias
                continue
            if index == len(chain) - 1 and _is_softmax_dense(layer):
                return activations, keras.ops.matmul(x, layer.kernel) + layer.bias
            x = layer(x, training=False)
            if index == position:
                activations = x
        return activations, keras.ops.log(x + 1e-12)  # a model without a softmax Dense at the end

    return forward, name


def grad_cam(model, image: np.ndarray, class_index: int | None = None) -> GradCam:
    """Grad-CAM (Selvaraju et al., 2017) of one image: where the network looked for a class.

    Args:
        model: a CNN Lab model (a chain ending in a softmax Dense, possibly with a backbone).
        image: one raw image `(height, width, 3)` (0-255) of the model's input size.
        class_index: the class to explain; the most probable one when `None`.

    Returns:
        A `GradCam` whose heatmap has the image's height and width.

    Raises:
        ExplainError: the backend is not TensorFlow, or the network has no convolution.
    """
    import keras

    if keras.backend.backend() != "tensorflow":
        raise ExplainError(
            f"Grad-CAM needs the TensorFlow backend, but Keras runs on {keras.backend.backend()!r}; "
            "start the app (or the command) with KERAS_BACKEND=tensorflow."
        )
    from cnnapp.tf_backend import grad_cam as tf_grad_cam

    forward, name = _forward(model)
    batch = np.asarray(image, dtype=np.float32)[np.newaxis]
    cam, probabilities, index = tf_grad_cam(forward, batch, class_index)
    heatmap = resize_map(cam, batch.shape[1:3])
    return GradCam(heatmap, int(index), float(probabilities[index]), name)


def resize_map(values: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """A 2-D float map resized (bilinear) to `size` = `(height, width)`, clipped to [0, 1]."""
    resized = Image.fromarray(np.asarray(values, dtype=np.float32), mode="F").resize(
        (int(size[1]), int(size[0])), Image.Resampling.BILINEAR
    )
    return np.clip(np.asarray(resized, dtype=np.float32), 0.0, 1.0)


def colorize(heatmap: np.ndarray) -> np.ndarray:
    """A [0, 1] map as a `uint8` RGB image, blue (0) through green to red (1) ("jet")."""
    v = np.clip(np.asarray(heatmap, dtype=np.float32), 0.0, 1.0)[..., np.newaxis]
    rgb = np.clip(1.5 - np.abs(4.0 * v - np.array([3.0, 2.0, 1.0])), 0.0, 1.0)
    return (rgb * 255).astype(np.uint8)


def overlay(image: np.ndarray, heatmap: np.ndarray, alpha: float = 0.45) -> np.ndarray:
    """The image with a coloured heatmap over it (`uint8` RGB, the image's size)."""
    image = np.asarray(image, dtype=np.float32)[..., :3]
    if heatmap.shape != image.shape[:2]:
        heatmap = resize_map(heatmap, image.shape[:2])
    blended = (1 - alpha) * image + alpha * colorize(heatmap).astype(np.float32)
    return np.clip(blended, 0, 255).astype(np.uint8)


def tile(maps: np.ndarray, columns: int | None = None, pad: int = 1, scale: int = 1) -> np.ndarray:
    """Channel maps `(height, width, n)` (or RGB tiles `(n, height, width, 3)`) as one grid.

    Each map is stretched to [0, 255] on its own; maps are separated by `pad` white pixels and
    enlarged `scale` times (nearest), so small filters stay visible.

    Returns:
        `uint8` `(H, W)` for channel maps, `(H, W, 3)` for RGB tiles.
    """
    maps = np.asarray(maps, dtype=np.float32)
    tiles = np.moveaxis(maps, -1, 0) if maps.ndim == 3 else maps
    count = len(tiles)
    columns = columns or int(np.ceil(np.sqrt(count)))
    rows = int(np.ceil(count / columns))
    h, w = tiles.shape[1] * scale, tiles.shape[2] * scale
    shape = (rows * (h + pad) - pad, columns * (w + pad) - pad, *tiles.shape[3:])
    grid = np.full(shape, 255, dtype=np.uint8)
    for i, t in enumerate(tiles):
        low, high = float(t.min()), float(t.max())
        scaled = (t - low) / (high - low) * 255 if high > low else np.zeros_like(t)
        scaled = np.repeat(np.repeat(scaled, scale, axis=0), scale, axis=1)
        r, c = divmod(i, columns)
        grid[r * (h + pad) : r * (h + pad) + h, c * (w + pad) : c * (w + pad) + w] = scaled
    return grid


def conv_layers(model) -> list:
    """The model's own Conv2D layers, in order (a backbone's are not included)."""
    return [layer for layer in _chain(model) if type(layer).__name__ == "Conv2D"]


def feature_maps(model, image: np.ndarray, max_maps: int = 64) -> list[dict]:
    """What each Conv2D layer outputs for one image, as grids.

    Args:
        model: a CNN run's model.
        image: one raw image `(height, width, 3)` of the model's input size.
        max_maps: at most this many channels per layer (the first ones).

    Returns:
        One dict per conv layer: `{"layer": name, "shape": (h, w, channels), "grid": uint8}`.

    Raises:
        ExplainError: if the model has no Conv2D layer of its own (e.g. a backbone run).
    """
    import keras

    layers = conv_layers(model)
    if not layers:
        raise ExplainError(
            "This network has no convolutional layer of its own (a pretrained backbone's are "
            "inside it); feature maps are shown for CNN runs."
        )
    probe = keras.Model(model.inputs, [layer.output for layer in layers])
    outputs = probe.predict_on_batch(np.asarray(image, dtype=np.float32)[np.newaxis])
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return [
        {
            "layer": layer.name,
            "shape": tuple(int(n) for n in out.shape[1:]),
            "grid": tile(np.asarray(out)[0, ..., :max_maps]),
        }
        for layer, out in zip(layers, outputs, strict=True)
    ]


def first_layer_filters(model, scale: int = 8) -> np.ndarray:
    """The first Conv2D layer's learned kernels as one grid: RGB tiles when it sees 3 channels.

    Returns:
        `uint8` `(H, W, 3)` for RGB input, `(H, W)` otherwise.

    Raises:
        ExplainError: if the model has no Conv2D layer of its own.
    """
    layers = conv_layers(model)
    if not layers:
        raise ExplainError(
            "This network has no convolutional layer of its own, so it has no first-layer "
            "filters to show; they are shown for CNN runs."
        )
    kernel = np.asarray(layers[0].kernel)  # (kh, kw, in_channels, filters)
    tiles = np.moveaxis(kernel, -1, 0)  # (filters, kh, kw, in_channels)
    if tiles.shape[-1] != 3:
        tiles = tiles.mean(axis=-1)  # (filters, kh, kw)
        return tile(np.moveaxis(tiles, 0, -1), scale=scale)
    return tile(tiles, scale=scale)
