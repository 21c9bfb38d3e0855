"""Pretrained backbones (ResNet50, MobileNetV2) as the first layer of a network spec.

A backbone layer is plain data like any other layer:

    {"type": "backbone", "name": "resnet50", "weights": "imagenet", "trainable": False,
     "trainable_blocks": None, "pooling": "avg", "input_size": 224}

- `name`: "resnet50" (the assignment's, 2048 features) or "mobilenet_v2" (1280 features, a tenth
  of the parameters; several times faster on a CPU: 14-74 against 5-10 images/s measured on a
  shared 2-core machine).
- `weights`: "imagenet" (see `cnnapp.weights` for where they come from) or `None` (random).
- `trainable`: False freezes the whole backbone (feature extraction); True fine-tunes it.
- `trainable_blocks`: with `trainable`, only the top N blocks learn (ResNet50 has 16 residual
  blocks, MobileNetV2 17 inverted-residual blocks and a final 1×1 convolution); `None`: all.
- `pooling`: "avg" (the assignment's) or "max": the last feature map pooled to one vector.
- `input_size`: images are resized to `input_size` × `input_size` inside the model.

It must be the first layer: the model takes raw 0-255 images of the dataset's size, and the
registered layers of `cnnapp.backbone_layers` resize them and apply the backbone's
`preprocess_input`. The backbone always runs in inference mode, so its batch normalisation keeps
ImageNet's statistics when it is fine-tuned. Parameter counts are known without Keras (tables
below, checked against `count_params()` by the tests).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cnnapp.layers import LAYER_TYPES, Field, LayerSpecError, LayerType


@dataclass(frozen=True)
class BackboneInfo:
    """One backbone: its Keras constructor, features and parameters per block."""

    key: str
    label: str
    constructor: str  # the keras.applications name
    features: int  # size of the pooled feature vector
    last_conv: str  # the layer whose output Grad-CAM explains
    stem_params: int  # trainable parameters before the first block
    block_params: tuple[int, ...]  # trainable parameters of each block, bottom to top
    statistics: int  # batch norm moving means and variances: never trainable
    note: str = ""

    @property
    def total_params(self) -> int:
        return self.stem_params + sum(self.block_params) + self.statistics


BACKBONES: dict[str, BackboneInfo] = {
    "resnet50": BackboneInfo(
        "resnet50",
        "ResNet50",
        "ResNet50",
        2048,
        "conv5_block3_out",
        9_600,
        (
            *(75_648, 70_784, 70_784),  # conv2: 3 blocks
            *(380_672, 280_832, 280_832, 280_832),  # conv3: 4 blocks
            *(1_515_008, *(1_118_720,) * 5),  # conv4: 6 blocks
            *(6_044_672, 4_465_664, 4_465_664),  # conv5: 3 blocks
        ),
        53_120,
        "the assignment's backbone: 23.6 M parameters, 2048 features",
    ),
    "mobilenet_v2": BackboneInfo(
        "mobilenet_v2",
        "MobileNetV2",
        "MobileNetV2",
        1280,
        "out_relu",
        928,
        (896, 5_136, 8_832, 10_000, 14_848, 14_848, 21_056, 54_272, 54_272, 54_272, 66_624)
        + (118_272, 118_272, 155_264, 320_000, 320_000, 473_920, 412_160),
        34_112,
        "small and fast: 2.3 M parameters, 1280 features",
    ),
}
NAMES = tuple(BACKBONES)


def block_of(backbone: str, layer_name: str) -> int | None:
    """The 0-based block a layer of the Keras network belongs to, or `None` for the stem."""
    if backbone == "resnet50":
        match = re.match(r"conv(\d)_block(\d+)_", layer_name)
        if not match:
            return None
        first = {2: 0, 3: 3, 4: 7, 5: 13}[int(match.group(1))]  # blocks per stage: 3, 4, 6, 3
        return first + int(match.group(2)) - 1
    if layer_name.startswith("expanded_conv"):
        return 0
    match = re.match(r"block_(\d+)_", layer_name)
    if match:
        return int(match.group(1))
    return 17 if layer_name in ("Conv_1", "Conv_1_bn", "out_relu") else None


def set_trainable_blocks(network, backbone: str, count: int) -> None:
    """Freezes every layer of a Keras backbone but those of its top `count` blocks."""
    first = len(BACKBONES[backbone].block_params) - int(count)
    for layer in network.layers:
        block = block_of(backbone, layer.name)
        layer.trainable = block is not None and block >= first


def trainable_params(spec: dict) -> int:
    """How many of a backbone layer's parameters learn, given `trainable`/`trainable_blocks`."""
    info = BACKBONES[spec["name"]]
    if not spec["trainable"]:
        return 0
    blocks = spec.get("trainable_blocks")
    if blocks is None:
        return info.stem_params + sum(info.block_params)
    return sum(info.block_params[len(info.block_params) - blocks :]) if blocks else 0


# The layer type ----------------------------------------------------------------------------------


def _infer(spec: dict, shape: tuple, where: str) -> tuple[tuple, int, int]:
    info = BACKBONES[spec["name"]]
    where = where[0].upper() + where[1:]
    if shape[2] != 3:
        raise LayerSpecError(
            f"{where}: {info.label} was trained on RGB photos and needs 3 channels, but it "
            f"receives {shape[2]}. Use a dataset of colour images."
        )
    blocks = spec["trainable_blocks"]
    if blocks is not None and not spec["trainable"]:
        raise LayerSpecError(
            f"{where}: trainable_blocks={blocks} only applies to a trainable backbone, but "
            "trainable is false. Set trainable to true, or trainable_blocks to None."
        )
    if blocks is not None and blocks > len(info.block_params):
        raise LayerSpecError(
            f"{where}: {info.label} has {len(info.block_params)} blocks, so trainable_blocks "
            f"must be at most {len(info.block_params)}, got {blocks}."
        )
    trainable = trainable_params(spec)
    return (info.features,), trainable, info.total_params - trainable


def _make(spec: dict, name: str):
    """The Keras layer (weights included) of a normalised backbone spec."""
    from cnnapp.backbone_layers import Backbone
    from cnnapp.weights import load_pretrained

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


def input_layers(spec: dict, rescaled: bool, normalization: tuple | None) -> list:
    """The layers between the raw images (or the preprocessing layers) and the backbone.

    Args:
        spec: the normalised backbone layer.
        rescaled: True when a `Rescaling(1/255)` layer comes first (the model has preprocessing).
        normalization: `(mean, variance)` per channel of the training images scaled to [0, 1]
            (from `fit_normalization`), to standardise what the backbone receives; or `None`.

    Returns:
        `[BackboneInput]`, followed by a `Normalization` layer when `normalization` is given.
    """
    import keras

    from cnnapp.backbone_layers import BackboneInput

    layers = [
        BackboneInput(
            spec["name"], spec["input_size"], 255.0 if rescaled else 1.0, name="backbone_input"
        )
    ]
    if normalization is not None:
        mean, variance = preprocessed_statistics(spec["name"], *normalization)
        layers.append(
            keras.layers.Normalization(mean=mean, variance=variance, name="pre_normalize")
        )
    return layers


def preprocessed_statistics(backbone: str, mean: list, variance: list) -> tuple[list, list]:
    """Per-channel mean and variance after `preprocess_input`, from those of images / 255.

    Both preprocessings are affine per channel ("tf": 2x - 1 of x / 255; "caffe": channels
    reversed, 255 x minus the ImageNet mean), so the statistics follow exactly.
    """
    from cnnapp.backbone_layers import CAFFE_MEAN_BGR, PREPROCESS_MODES

    if PREPROCESS_MODES[backbone] == "tf":
        return [2 * m - 1 for m in mean], [4 * v for v in variance]
    means = [255 * m - c for m, c in zip(mean[::-1], CAFFE_MEAN_BGR, strict=True)]
    return means, [255 * 255 * v for v in variance[::-1]]


def keras_code_lines(spec: dict, rescaled: bool, normalize: bool = False) -> list[str]:
    """Plain Keras lines for a backbone layer (for `keras_code.keras_code`)."""
    info = BACKBONES[spec["name"]]
    module = spec["name"]
    weights = '"imagenet"' if spec["weights"] == "imagenet" else "None"
    size = spec["input_size"]
    lines = ["layers.Rescaling(255.0),  # back to 0-255 pixels"] if rescaled else []
    lines += [
        f"layers.Resizing({size}, {size}),",
        f"layers.Lambda(keras.applications.{module}.preprocess_input),  # a registered layer in "
        "CNN Lab",
    ]
    if normalize:
        lines.append("normalization,  # adapted to the training part after preprocess_input")
    lines += [
        f"keras.applications.{info.constructor}(include_top=False, weights={weights}, "
        f'pooling="{spec["pooling"]}", input_shape=({size}, {size}, 3)),  # trainable='
        f"{spec['trainable']}; batch norm in inference mode",
    ]
    return lines


LAYER_TYPES[BACKBONE_TYPE.key] = BACKBONE_TYPE
