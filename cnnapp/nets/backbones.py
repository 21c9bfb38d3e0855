"""Pretrained backbones (ResNet50, MobileNetV2) as the first layer of a network spec.

A backbone layer is plain data like any other layer:

    {"type": "backbone", "name": "resnet50", "weights": "imagenet", "trainable": False,
     "trainable_blocks": None, "pooling": "avg", "input_size": 224}

- `name`: "resnet50" (the assignment's, 2048 features) or "mobilenet_v2" (1280 features, a tenth
  of the parameters; several times faster on a CPU: 14-74 against 5-10 images/s measured on a
  shared 2-core machine).
- `weights`: "imagenet" (see `cnnapp.nets.weights` for where they come from) or `None` (random).
- `trainable`: False freezes the whole backbone (feature extraction); True fine-tunes it.
- `trainable_blocks`: with `trainable`, only the top N blocks learn (ResNet50 has 16 residual
  blocks, MobileNetV2 17 inverted-residual blocks and a final 1×1 convolution); `None`: all.
- `pooling`: "avg" (the assignment's) or "max": the last feature map pooled to one vector.
- `input_size`: images are resized to `input_size` × `input_size` inside the model.

It must be the first layer: the model takes raw 0-255 images of the dataset's size, and the
registered layers of `cnnapp.nets.backbone_layers` resize them and apply the backbone's
`preprocess_input`. The backbone runs in inference mode, so its batch normalisation keeps
ImageNet's statistics when it is fine-tuned (except under the assignment's protocol, see
`cnnapp.training.protocol`). Parameter counts are known without Keras (tables
below, checked against `count_params()` by the tests).
"""

from __future__ import annotations

from cnnapp.messages import Message
from cnnapp.nets.backbone_catalog import (
    BACKBONES,
    NAMES,
    preprocessed_statistics,
    raw_statistics,
    trainable_params,
)
from cnnapp.nets.registry import Field, LayerSpecError, LayerType, register

# The layer type ----------------------------------------------------------------------------------


def _infer(spec: dict, shape: tuple, where: str) -> tuple[tuple, int, int]:
    info = BACKBONES[spec["name"]]
    where = Message("where.Layer", where.values) if isinstance(where, Message) else where
    if shape[2] != 3:
        raise LayerSpecError("net.backbone_rgb", where=where, label=info.label, channels=shape[2])
    blocks = spec["trainable_blocks"]
    if blocks is not None and not spec["trainable"]:
        raise LayerSpecError("net.blocks_frozen", where=where, blocks=blocks)
    if blocks is not None and blocks > len(info.block_params):
        raise LayerSpecError(
            "net.blocks_max",
            where=where,
            label=info.label,
            count=len(info.block_params),
            blocks=blocks,
        )
    trainable = trainable_params(spec)
    return (info.features,), trainable, info.total_params - trainable


def _make(spec: dict, name: str):
    """The Keras layer (weights included) of a normalised backbone spec."""
    from cnnapp.nets.backbone_layers import Backbone
    from cnnapp.nets.weights import load_pretrained

    layer = Backbone(
        spec["name"],
        spec["input_size"],
        spec["pooling"],
        spec["trainable_blocks"],
        trainable=spec["trainable"],
        name=name,
    )
    if spec["weights"] == "imagenet":
        load_pretrained(layer.network, spec["name"])
    return layer


def _row_label(spec: dict) -> str:
    info = BACKBONES[spec["name"]]
    origin = "ImageNet" if spec["weights"] == "imagenet" else "random weights"
    if not spec["trainable"]:
        state = "frozen"
    elif spec["trainable_blocks"] is None:
        state = "trainable"
    else:
        state = f"top {spec['trainable_blocks']} blocks trainable"
    return f"{info.label} ({origin}, {state})"


BACKBONE_TYPE = LayerType(
    "backbone",
    "Backbone",
    (
        Field("name", "choice", "resnet50", choices=NAMES, help="the pretrained network"),
        Field(
            "weights",
            "optional_choice",
            "imagenet",
            choices=("imagenet",),
            help="'imagenet', or None for random weights",
        ),
        Field("trainable", "bool", False, help="false: a frozen feature extractor"),
        Field(
            "trainable_blocks",
            "optional_int",
            None,
            0,
            18,
            help="with trainable: only the top N blocks learn; None: all",
        ),
        Field("pooling", "choice", "avg", choices=("avg", "max"), help="feature map to vector"),
        Field("input_size", "int", 224, 32, 512, help="images are resized to this"),
    ),
    _infer,
    _make,
    spatial_only=True,
    description="A network pretrained on ImageNet (ResNet50, MobileNetV2) without its top.",
    extra={"first_only": True, "row_label": _row_label},
)
register(BACKBONE_TYPE)


def input_layers(
    spec: dict, rescaled: bool, normalization: tuple | None, protocol: str = "ours"
) -> list:
    """The layers between the raw images (or the preprocessing layers) and the backbone.

    Args:
        spec: the normalised backbone layer.
        rescaled: True when a `Rescaling(1/255)` layer comes first (the model has preprocessing).
        normalization: `(mean, variance)` per channel of the training images scaled to [0, 1]
            (from `fit_normalization`), to standardise what the backbone receives; or `None`.
        protocol: "ours" standardises what the backbone receives (the statistics after its
            `preprocess_input`); "assignment" subtracts the raw images' statistics instead, as
            the assignment's generator did (`raw_statistics`).

    Returns:
        `[BackboneInput]`, followed by a `Normalization` layer when `normalization` is given.
    """
    import keras

    from cnnapp.nets.backbone_layers import BackboneInput

    layers = [
        BackboneInput(
            spec["name"], spec["input_size"], 255.0 if rescaled else 1.0, name="backbone_input"
        )
    ]
    if normalization is not None:
        if protocol == "assignment":
            mean, variance = raw_statistics(*normalization)
        else:
            mean, variance = preprocessed_statistics(spec["name"], *normalization)
        layers.append(
            keras.layers.Normalization(mean=mean, variance=variance, name="pre_normalize")
        )
    return layers
