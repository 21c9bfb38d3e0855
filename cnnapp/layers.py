"""The lookup table of layer types a network spec may use.

Each entry knows its fields (with Keras's argument names and defaults), how to infer its output
shape and parameter count without building anything, which rows it adds to the layer table, and
how to make the Keras layer. Adding a layer type means adding one entry to `LAYER_TYPES`.

Shapes are tuples without the batch axis: `(height, width, channels)` for images, `(units,)` for
flat vectors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ACTIVATIONS = ("relu", "linear", "sigmoid", "tanh", "elu", "selu", "gelu", "swish", "softmax")
PADDINGS = ("valid", "same")


class LayerSpecError(ValueError):
    """A layer's spec or the shape it receives is not acceptable. The message says how to fix it."""


@dataclass(frozen=True)
class Field:
    """One argument of a layer type, with Keras's name."""

    name: str
    kind: str  # "int", "float", "choice", "size" (int or [int, int]), "optional_size"
    default: Any
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class LayerType:
    """A layer type: its fields, its shape rule and its Keras constructor."""

    key: str  # the spec's "type", e.g. "conv2d"
    label: str  # Keras's class name, e.g. "Conv2D"
    fields: tuple[Field, ...]
    infer: Callable[[dict, tuple, str], tuple[tuple, int, int]]  # -> (shape, trainable, frozen)
    make: Callable[[dict, str], Any]  # -> keras layer
    spatial_only: bool = False  # needs a (height, width, channels) input
    description: str = ""
    extra: dict = field(default_factory=dict)

    def defaults(self) -> dict[str, Any]:
        return {f.name: f.default for f in self.fields}


def pair(value: int | list | tuple) -> tuple[int, int]:
    """`3` -> `(3, 3)`, `[3, 5]` -> `(3, 5)`."""
    if isinstance(value, (list, tuple)):
        return int(value[0]), int(value[1])
    return int(value), int(value)


def size_text(value: int | list | tuple) -> str:
    """`3` or `[3, 3]` -> `"3×3"`."""
    h, w = pair(value)
    return f"{h}×{w}"


def _where(where: str) -> str:
    return where[0].upper() + where[1:]


def _window_output(n: int, k: int, s: int, padding: str) -> int:
    if padding == "same":
        return -(-n // s)
    return (n - k) // s + 1


def _spatial(spec: dict, shape: tuple, where: str, window_key: str, what: str) -> tuple[int, int]:
    """Output height and width of a sliding window (conv or pool), or a LayerSpecError."""
    h, w = shape[0], shape[1]
    kh, kw = pair(spec[window_key])
    strides = spec.get("strides")
    sh, sw = pair(strides) if strides is not None else (kh, kw)
    padding = spec["padding"]
    if padding == "valid" and (h < kh or w < kw):
        raise LayerSpecError(
            f"{_where(where)}: {what} {kh}×{kw} needs at least {kh}×{kw} input, but it receives "
            f"{h}×{w}. Remove a pooling layer before it, use a smaller {window_key}, "
            f"or set padding='same'."
        )
    return _window_output(h, kh, sh, padding), _window_output(w, kw, sw, padding)


def _infer_conv(spec: dict, shape: tuple, where: str) -> tuple[tuple, int, int]:
    oh, ow = _spatial(spec, shape, where, "kernel_size", "Conv2D")
    kh, kw = pair(spec["kernel_size"])
    params = kh * kw * shape[2] * spec["filters"] + spec["filters"]
    return (oh, ow, spec["filters"]), params, 0


def _infer_pool(spec: dict, shape: tuple, where: str) -> tuple[tuple, int, int]:
    oh, ow = _spatial(spec, shape, where, "pool_size", "pooling window")
    return (oh, ow, shape[2]), 0, 0


def _infer_dense(spec: dict, shape: tuple, where: str) -> tuple[tuple, int, int]:
    if len(shape) != 1:
        raise LayerSpecError(
            f"{_where(where)}: Dense needs a flat vector, but it receives an image-shaped "
            f"{'×'.join(map(str, shape))} tensor. Add a Flatten or GlobalAveragePooling2D layer "
            f"before it."
        )
    return (spec["units"],), shape[0] * spec["units"] + spec["units"], 0


def _infer_same(spec: dict, shape: tuple, where: str) -> tuple[tuple, int, int]:
    return shape, 0, 0


def _infer_batchnorm(spec: dict, shape: tuple, where: str) -> tuple[tuple, int, int]:
    channels = shape[-1]
    return shape, 2 * channels, 2 * channels  # gamma, beta | moving mean, moving variance


def _infer_flatten(spec: dict, shape: tuple, where: str) -> tuple[tuple, int, int]:
    size = 1
    for n in shape:
        size *= n
    return (size,), 0, 0


def _infer_gap(spec: dict, shape: tuple, where: str) -> tuple[tuple, int, int]:
    return (shape[2],), 0, 0


def _keras():
    import keras

    return keras


def _make_conv(spec: dict, name: str):
    return _keras().layers.Conv2D(
        spec["filters"],
        pair(spec["kernel_size"]),
        strides=pair(spec["strides"]),
        padding=spec["padding"],
        activation=spec["activation"],
        name=name,
    )


def _make_pool(cls_name: str):
    def make(spec: dict, name: str):
        strides = spec["strides"]
        cls = getattr(_keras().layers, cls_name)
        return cls(
            pool_size=pair(spec["pool_size"]),
            strides=pair(strides) if strides is not None else None,
            padding=spec["padding"],
            name=name,
        )

    return make


_ACT = Field("activation", "choice", "relu", choices=ACTIVATIONS, help="applied after the layer")
_PAD = Field("padding", "choice", "valid", choices=PADDINGS, help="'same' keeps the size")

LAYER_TYPES: dict[str, LayerType] = {
    t.key: t
    for t in [
        LayerType(
            "conv2d",
            "Conv2D",
            (
                Field("filters", "int", 32, 1, 4096, help="output channels"),
                Field("kernel_size", "size", 3, 1, 64, help="height and width of the kernel"),
                Field("strides", "size", 1, 1, 64, help="step of the kernel"),
                _PAD,
                _ACT,
            ),
            _infer_conv,
            _make_conv,
            spatial_only=True,
            description="Learns `filters` local patterns, each a kernel_size window.",
        ),
        LayerType(
            "maxpooling2d",
            "MaxPooling2D",
            (
                Field("pool_size", "size", 2, 1, 64, help="window size"),
                Field("strides", "optional_size", None, 1, 64, help="defaults to pool_size"),
                _PAD,
            ),
            _infer_pool,
            _make_pool("MaxPooling2D"),
            spatial_only=True,
            description="Keeps the largest value of each window: halves the size with 2×2.",
        ),
        LayerType(
            "averagepooling2d",
            "AveragePooling2D",
            (
                Field("pool_size", "size", 2, 1, 64, help="window size"),
                Field("strides", "optional_size", None, 1, 64, help="defaults to pool_size"),
                _PAD,
            ),
            _infer_pool,
            _make_pool("AveragePooling2D"),
            spatial_only=True,
            description="Averages each window.",
        ),
        LayerType(
            "dense",
            "Dense",
            (Field("units", "int", 128, 1, 65536, help="output size"), _ACT),
            _infer_dense,
            lambda s, n: _keras().layers.Dense(s["units"], activation=s["activation"], name=n),
            description="Fully connected ('Linear' in the assignment's tables).",
        ),
        LayerType(
            "dropout",
            "Dropout",
            (Field("rate", "float", 0.5, 0.0, 1.0, help="fraction dropped in training, in [0, 1)"),),
            _infer_same,
            lambda s, n: _keras().layers.Dropout(s["rate"], name=n),
            description="Sets a random fraction of values to 0 while training.",
        ),
        LayerType(
            "batchnormalization",
            "BatchNormalization",
            (),
            _infer_batchnorm,
            lambda s, n: _keras().layers.BatchNormalization(name=n),
            description="Normalises each channel over the batch; learns a scale and a shift.",
        ),
        LayerType(
            "activation",
            "Activation",
            (Field("activation", "choice", "relu", choices=ACTIVATIONS),),
            _infer_same,
            lambda s, n: _keras().layers.Activation(s["activation"], name=n),
            description="Applies a function to every value (ReLU keeps positives).",
        ),
        LayerType(
            "flatten",
            "Flatten",
            (),
            _infer_flatten,
            lambda s, n: _keras().layers.Flatten(name=n),
            description="Turns the height×width×channels tensor into one vector.",
        ),
        LayerType(
            "globalaveragepooling2d",
            "GlobalAveragePooling2D",
            (),
            _infer_gap,
            lambda s, n: _keras().layers.GlobalAveragePooling2D(name=n),
            spatial_only=True,
            description="Averages each channel over the whole image: one value per channel.",
        ),
    ]
}

# Layer types defined in their own modules add themselves to LAYER_TYPES when imported:
import cnnapp.backbones  # noqa: E402, F401  (the pretrained "backbone" type)
