"""The layer-type registry: what a layer type is, and the table a network spec looks types up in.

Each entry knows its fields (with Keras's argument names and defaults), how to infer its output
shape and parameter count without building anything, which rows it adds to the layer table, and
how to make the Keras layer. The registry imports none of its entries: each entry's module calls
`register` when imported (`cnnapp.nets.layers` for Keras's own layers, `cnnapp.nets.backbones` for
pretrained backbones), and `cnnapp.nets` imports those modules, so the table is full as soon as
anything in `cnnapp.nets` is imported.

Shapes are tuples without the batch axis: `(height, width, channels)` for images, `(units,)` for
flat vectors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cnnapp.messages import CodedError


class LayerSpecError(CodedError):
    """A layer's spec or the shape it receives is not acceptable. The message says how to fix it
    (a `msg.net.*` code and its values; plain English text works too)."""


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


LAYER_TYPES: dict[str, LayerType] = {}  # spec "type" -> entry, filled by `register`


def register(layer_type: LayerType) -> LayerType:
    """Adds a layer type to `LAYER_TYPES` (its `key` is the spec's "type").

    Raises:
        ValueError: if another entry already uses that key.
    """
    existing = LAYER_TYPES.get(layer_type.key)
    if existing is not None and existing is not layer_type:
        raise ValueError(
            f"layer type {layer_type.key!r} is already registered ({existing.label}); "
            "choose another key."
        )
    LAYER_TYPES[layer_type.key] = layer_type
    return layer_type
