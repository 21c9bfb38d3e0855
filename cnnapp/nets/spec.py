"""A network as plain data: validation with shape inference, the layer table, JSON in and out.

A spec is a JSON-able list of layer dicts with Keras's argument names, e.g.
`{"type": "conv2d", "filters": 6, "kernel_size": 5, "activation": "relu"}`. The summary counts
the output `Dense(num_classes, activation="softmax")` that `cnnapp.nets.build.build_model` appends,
so a preset fits any dataset.

Example:
    >>> summary = summarize(get_preset("basenet"), (32, 32, 3), 25)
    >>> summary.total_params
    24197
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from cnnapp.messages import CodedError, Message
from cnnapp.nets.registry import LAYER_TYPES, LayerSpecError, pair, size_text

MAX_PARAMS = 150_000_000  # ~600 MB of float32 weights: more would not train on a laptop
MAX_ACTIVATIONS = 50_000_000  # values one image produces in one layer


class NetworkError(CodedError):
    """An impossible network. `layer_index` is the 0-based spec position at fault, or None.

    Its message has a code and values (`msg.net.*` texts), so the interface words it in its own
    language: `cnnapp.messages.words(error, "es")`.
    """

    def __init__(self, code: str, layer_index: int | None = None, /, **values: Any):
        super().__init__(code, **values)
        self.layer_index = layer_index

    @classmethod
    def at(cls, error: CodedError, layer_index: int | None) -> NetworkError:
        """The same message, located at `layer_index`."""
        return cls(error.message.code, layer_index, **error.message.values)


@dataclass
class NetworkSummary:
    """What `summarize` infers: the layer table and the totals Keras will report."""

    rows: list[dict[str, Any]]
    shapes: list[tuple[tuple, tuple]]  # per spec layer: (input shape, output shape)
    output_shape: tuple
    trainable_params: int
    non_trainable_params: int
    spec: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total_params(self) -> int:
        return self.trainable_params + self.non_trainable_params


def _where(index: int, type_key: str) -> Message:
    label = LAYER_TYPES[type_key].label if type_key in LAYER_TYPES else type_key
    return Message("where.layer", {"n": index + 1, "label": label})


def _check_number(value: Any, f, where: str, integer: bool) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise NetworkError("net.number", where=where, name=f.name, value=repr(value))
    if integer:
        if isinstance(value, float) and not value.is_integer():
            raise NetworkError("net.whole", where=where, name=f.name, value=repr(value))
        value = int(value)
    if f.name == "rate":
        if not (0.0 <= value < 1.0):
            raise NetworkError("net.rate", where=where, value=repr(value))
        return float(value)
    if f.minimum is not None and value < f.minimum:
        raise NetworkError(
            "net.at_least_filters" if f.name == "filters" else "net.at_least",
            where=where,
            name=f.name,
            minimum=f.minimum,
            value=repr(value),
        )
    if f.maximum is not None and value > f.maximum:
        raise NetworkError(
            "net.at_most", where=where, name=f.name, maximum=f.maximum, value=repr(value)
        )
    return value


def _check_field(value: Any, f, where: str) -> Any:
    if f.kind == "int":
        return _check_number(value, f, where, integer=True)
    if f.kind == "float":
        return float(_check_number(value, f, where, integer=False))
    if f.kind == "bool":
        if isinstance(value, bool):
            return value
        raise NetworkError("net.bool", where=where, name=f.name, value=repr(value))
    if f.kind.startswith("optional_") and value is None:
        return None
    if f.kind in ("choice", "optional_choice"):
        if isinstance(value, str) and value.lower() in f.choices:
            return value.lower()
        allowed = list(f.choices) + ([None] if f.kind == "optional_choice" else [])
        raise NetworkError(
            "net.choice", where=where, name=f.name, allowed=str(allowed), value=repr(value)
        )
    if f.kind == "optional_int":
        return _check_number(value, f, where, integer=True)
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise NetworkError("net.pair", where=where, name=f.name, value=repr(value))
        h, w = (_check_number(v, f, where, integer=True) for v in value)
        return h if h == w else [h, w]
    return _check_number(value, f, where, integer=True)


def normalize_spec(spec: Any) -> list[dict[str, Any]]:
    """Checks keys and types of every layer and fills in Keras's defaults.

    Args:
        spec: a list of layer dicts, each with a "type" key from `LAYER_TYPES`.

    Returns:
        A new list of complete layer dicts ("type" first, then every field).

    Raises:
        NetworkError: naming the layer, what it got and what is expected.
    """
    if not isinstance(spec, (list, tuple)):
        raise NetworkError("net.not_list", got=type(spec).__name__)
    normalized = []
    for index, layer in enumerate(spec):
        if not isinstance(layer, dict):
            raise NetworkError("net.not_dict", index, n=index + 1, value=repr(layer)[:80])
        type_key = layer.get("type")
        key = type_key.lower().replace("_", "") if isinstance(type_key, str) else None
        if key not in LAYER_TYPES:
            raise NetworkError(
                "net.unknown_type",
                index,
                n=index + 1,
                value=repr(type_key),
                allowed=str(sorted(LAYER_TYPES)),
            )
        layer_type = LAYER_TYPES[key]
        where = _where(index, key)
        allowed = {f.name for f in layer_type.fields}
        unknown = sorted(set(layer) - allowed - {"type"})
        if unknown:
            raise NetworkError(
                "net.unknown_settings" if allowed else "net.unknown_settings_none",
                index,
                where=where,
                unknown=str(unknown),
                label=layer_type.label,
                allowed=str(sorted(allowed)),
            )
        try:
            values = {
                f.name: _check_field(layer.get(f.name, f.default), f, where)
                for f in layer_type.fields
            }
        except NetworkError as error:
            raise NetworkError.at(error, index) from None
        normalized.append({"type": key, **values})
    return normalized


def _size(shape: tuple) -> int | str:
    if len(shape) == 3:
        return shape[0] if shape[0] == shape[1] else f"{shape[0]}×{shape[1]}"
    return shape[0]


def _activation_label(name: str) -> str:
    return name.capitalize()


def _row(type_: str, shape_in: tuple, shape_out: tuple, index: int | None, **extra) -> dict:
    row = {
        "type": type_,
        "kernel_size": None,
        "input_size": _size(shape_in),
        "output_size": _size(shape_out),
        "input_channels": None,
        "output_channels": None,
        "dropout_rate": None,
        "params": 0,
        "output_shape": list(shape_out),
        "spec_index": index,
    }
    row.update(extra)
    return row


def _rows_for(layer: dict, index: int | None, shape_in: tuple, shape_out: tuple, params: int):
    """The layer-table rows of one spec layer (a fused activation gets its own row)."""
    key = layer["type"]
    label = LAYER_TYPES[key].label
    rows = []
    if key == "conv2d":
        rows.append(
            _row(
                label,
                shape_in,
                shape_out,
                index,
                kernel_size=pair(layer["kernel_size"])[0]
                if pair(layer["kernel_size"])[0] == pair(layer["kernel_size"])[1]
                else size_text(layer["kernel_size"]),
                input_channels=shape_in[2],
                output_channels=shape_out[2],
                params=params,
            )
        )
    elif key in ("maxpooling2d", "averagepooling2d"):
        h, w = pair(layer["pool_size"])
        rows.append(
            _row(label, shape_in, shape_out, index, kernel_size=h if h == w else f"{h}×{w}")
        )
    elif key == "dense":
        rows.append(_row("Linear", shape_in, shape_out, index, params=params))
    elif key == "dropout":
        rows.append(_row(label, shape_in, shape_out, index, dropout_rate=layer["rate"]))
    elif key == "activation":
        rows.append(_row(_activation_label(layer["activation"]), shape_in, shape_out, index))
    else:
        row_label = LAYER_TYPES[key].extra.get("row_label")
        label = row_label(layer) if row_label else label
        rows.append(_row(label, shape_in, shape_out, index, params=params))
    if key in ("conv2d", "dense") and layer["activation"] != "linear":
        rows.append(_row(_activation_label(layer["activation"]), shape_out, shape_out, index))
    return rows


def _check_input(input_shape: Any, num_classes: Any) -> tuple[tuple, int]:
    try:
        shape = tuple(int(n) for n in input_shape)
    except (TypeError, ValueError):
        raise NetworkError("net.input_shape", value=repr(input_shape)) from None
    if len(shape) != 3 or min(shape) < 1:
        raise NetworkError("net.input_shape", value=repr(shape))
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
        raise NetworkError("net.num_classes", value=repr(num_classes))
    return shape, num_classes


def summarize(spec: Any, input_shape: Any, num_classes: int) -> NetworkSummary:
    """Validates a network and infers every shape and parameter count, without Keras.

    Args:
        spec: the network's layer list (see `normalize_spec`).
        input_shape: `(height, width, channels)` of the images.
        num_classes: size of the softmax output layer that `build_model` appends.

    Returns:
        A `NetworkSummary` whose totals equal Keras's `count_params()`.

    Raises:
        NetworkError: the first impossible layer, with its index and how to fix it.
    """
    layers = normalize_spec(spec)
    shape, num_classes = _check_input(input_shape, num_classes)
    rows, shapes, trainable, frozen = [], [], 0, 0
    for index, layer in enumerate(layers):
        layer_type = LAYER_TYPES[layer["type"]]
        where = _where(index, layer["type"])
        if layer_type.extra.get("first_only") and index != 0:
            raise NetworkError("net.first_only", index, where=Message("where.Layer", where.values))
        if layer_type.spatial_only and len(shape) != 3:
            raise NetworkError(
                "net.spatial_only", index, where=Message("where.Layer", where.values), n=shape[0]
            )
        try:
            out, n_trainable, n_frozen = layer_type.infer(layer, shape, where)
        except LayerSpecError as error:
            raise NetworkError.at(error, index) from None
        values = 1
        for n in out:
            values *= n
        if min(out) < 1 or values > MAX_ACTIVATIONS:
            raise NetworkError(
                "net.too_many_values",
                index,
                where=Message("where.Layer", where.values),
                shape="×".join(map(str, out)),
            )
        rows.extend(_rows_for(layer, index, shape, out, n_trainable + n_frozen))
        shapes.append((shape, out))
        trainable, frozen, shape = trainable + n_trainable, frozen + n_frozen, out
    if len(shape) != 1:
        raise NetworkError(
            "net.ends_image", len(layers) - 1 if layers else None, shape="×".join(map(str, shape))
        )
    out_params = shape[0] * num_classes + num_classes
    rows.append(_row("Linear", shape, (num_classes,), None, params=out_params))
    rows.append(_row("Softmax", (num_classes,), (num_classes,), None))
    trainable += out_params
    if trainable + frozen > MAX_PARAMS:
        raise NetworkError("net.too_many_params", params=trainable + frozen, maximum=MAX_PARAMS)
    number = 0
    for row in rows:  # numbered as in the assignment's tables: Flatten and Softmax unnumbered
        if row["type"] in ("Flatten", "Softmax"):
            row["number"] = None
        else:
            number += 1
            row["number"] = number
    return NetworkSummary(rows, shapes, shape, trainable, frozen, layers)


def spec_to_json(spec: Any) -> str:
    """The spec as pretty JSON (a list of layer dicts), after validation."""
    return json.dumps(normalize_spec(spec), indent=2)


def spec_from_json(text: str | bytes) -> list[dict[str, Any]]:
    """Reads a spec saved by `spec_to_json` (or `{"layers": [...]}`), validating it.

    Raises:
        NetworkError: if it is not JSON or not a valid network.
    """
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise NetworkError("net.bad_json", error=str(error)) from None
    if isinstance(data, dict) and "layers" in data:
        data = data["layers"]
    return normalize_spec(data)


def spec_fingerprint(spec: Any) -> str:
    """A short stable hash of a normalised spec (for caching starting weights)."""
    canonical = json.dumps(normalize_spec(spec), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]
