"""Keras's own layer types (Conv2D, pooling, Dense, Dropout, ...), registered in the layer table.

Importing this module adds its entries to `cnnapp.nets.registry.LAYER_TYPES`; `cnnapp.nets`
imports it.
"""

from __future__ import annotations

from cnnapp.messages import Message
from cnnapp.nets.registry import Field, LayerSpecError, LayerType, pair, register

ACTIVATIONS = ("relu", "linear", "sigmoid", "tanh", "elu", "selu", "gelu", "swish", "softmax")
PADDINGS = ("valid", "same")


def _where(where) -> Message | str:
    """ "Layer 3 (Conv2D)" to start a sentence (`where` is "layer 3 (Conv2D)")."""
    if isinstance(where, Message):
        return Message("where.Layer", where.values)
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
            "net.window_conv" if what == "Conv2D" else "net.window_pool",
            where=_where(where),
            window=f"{kh}×{kw}",
            got=f"{h}×{w}",
            name=window_key,
        )
    return _window_output(h, kh, sh, padding), _window_output(w, kw, sw, padding)


def _infer_conv(spec: dict, shape: tuple, where: str) -> tuple[tuple, int, int]:
    oh, ow = _spatial(spec, shape, where, "kernel_size", "Conv2D")
    kh, kw = pair(spec["kernel_size"])
    params = kh * kw * shape[2] * spec["filters"] + (spec["filters"] if spec["use_bias"] else 0)
    return (oh, ow, spec["filters"]), params, 0


def _infer_pool(spec: dict, shape: tuple, where: str) -> tuple[tuple, int, int]:
    oh, ow = _spatial(spec, shape, where, "pool_size", "pooling window")
    return (oh, ow, shape[2]), 0, 0


def _infer_dense(spec: dict, shape: tuple, where: str) -> tuple[tuple, int, int]:
    if len(shape) != 1:
        raise LayerSpecError("net.dense_flat", where=_where(where), shape="×".join(map(str, shape)))
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
        use_bias=spec["use_bias"],
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

for _entry in [
    LayerType(
        "conv2d",
        "Conv2D",
        (
            Field("filters", "int", 32, 1, 4096, help="output channels"),
            Field("kernel_size", "size", 3, 1, 64, help="height and width of the kernel"),
            Field("strides", "size", 1, 1, 64, help="step of the kernel"),
            _PAD,
            _ACT,
            Field("use_bias", "bool", True, help="adds a learned bias (not needed before BN)"),
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
        (Field("momentum", "float", 0.99, 0.0, 0.999999, help="how slowly the statistics move"),),
        _infer_batchnorm,
        lambda s, n: _keras().layers.BatchNormalization(momentum=s["momentum"], name=n),
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
    LayerType(
        "globalmaxpooling2d",
        "GlobalMaxPooling2D",
        (),
        _infer_gap,
        lambda s, n: _keras().layers.GlobalMaxPooling2D(name=n),
        spatial_only=True,
        description="Keeps each channel's largest value over the whole image.",
    ),
    LayerType(
        "scale",
        "Rescaling",
        (Field("factor", "float", 1.0, 1e-6, 1e6, help="every value is multiplied by it"),),
        _infer_same,
        lambda s, n: _keras().layers.Rescaling(s["factor"], name=n),
        description="Multiplies every value by a constant (before the output: a logit scale).",
        extra={"row_label": lambda layer: f"Scale ×{layer['factor']:.3g}"},
    ),
]:
    register(_entry)
