"""From a network spec to a Keras model: one function, `build_model`, and the names it gives layers.

The model takes `(batch, height, width, channels)` images; with a `Preprocessing` it takes raw 0-255
pixels and rescales, normalises and (in training only) augments them itself. The output
`Dense(num_classes, activation="softmax")` is appended here, so a preset fits any dataset.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cnnapp.config import PROTOCOLS
from cnnapp.nets.registry import LAYER_TYPES
from cnnapp.nets.spec import normalize_spec, summarize


def layer_name(index: int, type_key: str) -> str:
    """The Keras layer name of spec layer `index`, e.g. `"l03_conv2d"`."""
    return f"l{index + 1:02d}_{type_key}"


def build_model(
    spec: Any,
    input_shape: Any,
    num_classes: int,
    preprocessing=None,
    normalization: tuple | None = None,
    seed: int | None = None,
    name: str = "cnn",
    protocol: str = "ours",
    layers: dict[str, Any] | None = None,
):
    """Builds the Keras model of a spec, with the softmax output layer appended.

    Args:
        spec: the network's layer list.
        input_shape: `(height, width, channels)`.
        num_classes: output classes.
        preprocessing: a `Preprocessing`; when given, the model takes raw 0-255 images and does
            its own rescaling, normalisation and (training-only) augmentation.
        normalization: `(mean, variance)` per channel, required when preprocessing.normalize.
        seed: seeds the augmentation layers.
        name: the model's name.
        protocol: "ours", or "assignment": a backbone's batch norm trains when fine-tuned, and
            normalisation with a backbone uses the raw images' statistics, as the assignment's
            code did (see `cnnapp.training.protocol`).
        layers: Keras layers of this same network already made, by name (`layer_name`, and
            "output"), used instead of new ones: their weights come along.

    Returns:
        A `keras.Model`.

    Raises:
        NetworkError: if the network is impossible (checked before anything is built).
        ValueError: for an unknown protocol.
    """
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {list(PROTOCOLS)}, got {protocol!r}.")
    summary = summarize(spec, input_shape, num_classes)
    import keras

    from cnnapp.data.preprocessing import preprocessing_layers

    inputs = keras.Input(shape=tuple(int(n) for n in input_shape), name="image")
    x = inputs
    backbone = summary.spec[0] if summary.spec and summary.spec[0]["type"] == "backbone" else None
    if preprocessing is not None:
        # Before a backbone: augmentation only; the normalisation comes after its preprocess_input.
        own = replace(preprocessing, normalize=False) if backbone else preprocessing
        for layer in preprocessing_layers(own, normalization, seed=seed):
            x = layer(x)
    if backbone is not None:
        from cnnapp.nets.backbones import input_layers

        normalize = preprocessing is not None and preprocessing.normalize
        if normalize and normalization is None:
            raise ValueError(
                "Normalisation needs the training images' mean and variance; compute them with "
                "fit_normalization(x_train) and pass normalization=(mean, variance)."
            )
        stats = normalization if normalize else None
        for layer in input_layers(backbone, preprocessing is not None, stats, protocol):
            x = layer(x)
    made = layers or {}
    for index, layer in enumerate(summary.spec):
        name_of = layer_name(index, layer["type"])
        keras_layer = made.get(name_of) or LAYER_TYPES[layer["type"]].make(layer, name_of)
        if layer["type"] == "backbone" and protocol == "assignment":
            keras_layer.train_batch_norm = True  # Keras 2's batch norm trained when fine-tuning
        x = keras_layer(x)
    output = made.get("output") or keras.layers.Dense(
        num_classes, activation="softmax", name="output"
    )
    outputs = output(x)
    return keras.Model(inputs, outputs, name=name)


def network_layer_names(spec: Any) -> list[str]:
    """The Keras names of the network's layers (preprocessing excluded), output included."""
    layers = normalize_spec(spec)
    return [layer_name(i, layer["type"]) for i, layer in enumerate(layers)] + ["output"]
