"""One spec layer as the Keras call that makes it, in Keras 3 or in the assignment's Keras 2 style.

Example:
    >>> layer_code({"type": "conv2d", "filters": 6, "kernel_size": 5, "strides": 1,
    ...             "padding": "valid", "activation": "relu"})
    'layers.Conv2D(6, kernel_size=(5, 5), activation="relu")'
"""

from __future__ import annotations

from cnnapp.nets.registry import LAYER_TYPES, pair


def _quote(text: str, keras2: bool) -> str:
    return f"'{text}'" if keras2 else f'"{text}"'


def _pair(value) -> str:
    height, width = pair(value)
    return f"({height}, {width})"


def layer_code(layer: dict, keras2: bool = False, input_shape: str | None = None) -> str:
    """The Keras call for one normalised spec layer (not a backbone).

    Args:
        layer: a normalised layer dict (`nets.spec.normalize_spec`).
        keras2: the assignment's style: `Conv2D(32, kernel_size=(3,3), activation='relu')`,
            without the `layers.` prefix.
        input_shape: Keras 2 only: the first layer of a `Sequential` gets
            `input_shape=<this expression>` (e.g. `"input_shape"` or `"(2048,)"`).

    Returns:
        One expression, e.g. `layers.Dense(50, activation="relu")`.
    """
    key, args = layer["type"], []
    if key == "conv2d":
        args = [str(layer["filters"]), f"kernel_size={_pair(layer['kernel_size'])}"]
        if pair(layer["strides"]) != (1, 1):
            args.append(f"strides={_pair(layer['strides'])}")
    elif key in ("maxpooling2d", "averagepooling2d"):
        args = [f"pool_size={_pair(layer['pool_size'])}"]
        if layer["strides"] is not None:
            args.append(f"strides={_pair(layer['strides'])}")
    elif key == "dense":
        args = [str(layer["units"])]
    elif key == "dropout":
        args = [f"{layer['rate']:g}"]
    elif key == "activation":
        args = [_quote(layer["activation"], keras2)]
    elif key == "batchnormalization" and layer["momentum"] != 0.99:
        args = [f"momentum={layer['momentum']:g}"]
    elif key == "scale":
        args = [f"{layer['factor']:.6g}"]
    elif key == "whitening":  # the script defines it (cnnapp.export.modern)
        args = [f"kernel_size={_pair(layer['kernel_size'])}", f"epsilon={layer['epsilon']:g}"]
    if key in ("conv2d", "maxpooling2d", "averagepooling2d") and layer["padding"] != "valid":
        args.append(f"padding={_quote(layer['padding'], keras2)}")
    if key in ("conv2d", "dense") and layer["activation"] != "linear":
        args.append(f"activation={_quote(layer['activation'], keras2)}")
    if key == "conv2d" and not layer["use_bias"]:
        args.append("use_bias=False")
    if keras2 and input_shape is not None:
        args.append(f"input_shape={input_shape}")
    prefix = "" if keras2 or key == "whitening" else "layers."
    return f"{prefix}{LAYER_TYPES[key].label}({', '.join(args)})"


def keras2_imports(network: list[dict]) -> list[str]:
    """The Keras 2 layer classes a network uses, in a fixed order (for its import line)."""
    used = {LAYER_TYPES[layer["type"]].label for layer in network if layer["type"] != "backbone"}
    return sorted(used | {"Dense"})
