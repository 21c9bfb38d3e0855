"""The equivalent plain Keras code of a network spec, for students to read and run.

Example:
    >>> print(keras_code(get_preset("basenet"), (32, 32, 3), 25))  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cnnapp.nets.registry import LAYER_TYPES, pair
from cnnapp.nets.spec import summarize


def _layer_code(layer: dict) -> str:
    key = layer["type"]
    if key == "conv2d":
        kh, kw = pair(layer["kernel_size"])
        args = [str(layer["filters"]), f"kernel_size=({kh}, {kw})"]
        if pair(layer["strides"]) != (1, 1):
            args.append(f"strides={pair(layer['strides'])}")
        if layer["padding"] != "valid":
            args.append(f'padding="{layer["padding"]}"')
        if layer["activation"] != "linear":
            args.append(f'activation="{layer["activation"]}"')
        return f"layers.Conv2D({', '.join(args)})"
    if key in ("maxpooling2d", "averagepooling2d"):
        args = [f"pool_size={pair(layer['pool_size'])}"]
        if layer["strides"] is not None:
            args.append(f"strides={pair(layer['strides'])}")
        if layer["padding"] != "valid":
            args.append(f'padding="{layer["padding"]}"')
        return f"layers.{LAYER_TYPES[key].label}({', '.join(args)})"
    if key == "dense":
        act = "" if layer["activation"] == "linear" else f', activation="{layer["activation"]}"'
        return f"layers.Dense({layer['units']}{act})"
    if key == "dropout":
        return f"layers.Dropout({layer['rate']:g})"
    if key == "activation":
        return f'layers.Activation("{layer["activation"]}")'
    return f"layers.{LAYER_TYPES[key].label}()"


def _preprocessing_code(preprocessing) -> list[str]:
    lines = ["layers.Rescaling(1 / 255),  # raw 0-255 pixels to [0, 1]"]
    p = preprocessing
    if p.horizontal_flip:
        lines.append('layers.RandomFlip("horizontal"),  # augmentation: training only')
    if p.zoom_range:
        z = p.zoom_range
        lines.append(f'layers.RandomZoom(({-z:g}, {z:g}), ({-z:g}, {z:g}), fill_mode="nearest"),')
    if p.rotation_range:
        lines.append(f'layers.RandomRotation({p.rotation_range / 360:.4g}, fill_mode="nearest"),')
    if p.translation_range:
        t = p.translation_range
        lines.append(f'layers.RandomTranslation({t:g}, {t:g}, fill_mode="nearest"),')
    if p.contrast_range:
        lines.append(f"layers.RandomContrast({p.contrast_range:g}, value_range=(0, 1)),")
    if p.normalize:
        lines.append("normalization,  # layers.Normalization(), adapted to the training part")
    return lines


def keras_code(spec: Any, input_shape: Any, num_classes: int, preprocessing=None) -> str:
    """The equivalent plain Keras code of a network, for students to read and run.

    Raises:
        NetworkError: if the network is impossible.
    """
    summary = summarize(spec, input_shape, num_classes)
    shape = tuple(int(n) for n in input_shape)
    lines = ["import keras", "from keras import layers", ""]
    if preprocessing is not None and preprocessing.normalize:
        lines += [
            "normalization = layers.Normalization()",
            "normalization.adapt(x_train[split:] / 255)  # the training part only",
            "",
        ]
    lines += ["model = keras.Sequential(", "    [", f"        keras.Input(shape={shape}),"]
    backbone = bool(summary.spec) and summary.spec[0]["type"] == "backbone"
    if preprocessing is not None:
        own = replace(preprocessing, normalize=False) if backbone else preprocessing
        lines += [f"        {line}" for line in _preprocessing_code(own)]
    for layer in summary.spec:
        if layer["type"] == "backbone":
            from cnnapp.nets.backbones import keras_code_lines

            normalize = preprocessing is not None and preprocessing.normalize
            code = keras_code_lines(layer, preprocessing is not None, normalize)
            lines += [f"        {line}" for line in code]
        else:
            lines.append(f"        {_layer_code(layer)},")
    lines += [
        f'        layers.Dense({num_classes}, activation="softmax"),',
        "    ]",
        ")",
        f"# {summary.total_params:,} parameters ({summary.non_trainable_params:,} non-trainable)",
    ]
    return "\n".join(lines) + "\n"
