"""The pretrained backbones CNN Lab knows (ResNet50, MobileNetV2): plain facts, no Keras.

Their Keras constructors, feature sizes, parameters per block (so layer tables and checks need no
Keras), how their layers map to blocks (for `trainable_blocks`), and their `preprocess_input`
constants. The layer type that puts one in a network is `cnnapp.nets.backbones`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The ImageNet mean of each channel in BGR order (Keras's "caffe" preprocess_input).
CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
PREPROCESS_MODES = {"resnet50": "caffe", "mobilenet_v2": "tf"}


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


def preprocessed_statistics(backbone: str, mean: list, variance: list) -> tuple[list, list]:
    """Per-channel mean and variance after `preprocess_input`, from those of images / 255.

    Both preprocessings are affine per channel ("tf": 2x - 1 of x / 255; "caffe": channels
    reversed, 255 x minus the ImageNet mean), so the statistics follow exactly.
    """
    if PREPROCESS_MODES[backbone] == "tf":
        return [2 * m - 1 for m in mean], [4 * v for v in variance]
    means = [255 * m - c for m, c in zip(mean[::-1], CAFFE_MEAN_BGR, strict=True)]
    return means, [255 * 255 * v for v in variance[::-1]]


def raw_statistics(mean: list, variance: list) -> tuple[list, list]:
    """The assignment's statistics with a backbone: those of the raw 0-255 pixels, RGB order.

    Keras 2's `ImageDataGenerator.fit(x_train)` measured the raw images, and its generator
    subtracted that mean (and divided by that deviation) after `preprocess_input`, channel by
    channel as they came (BGR after "caffe"). From the statistics of images / 255.
    """
    return [255 * m for m in mean], [255 * 255 * v for v in variance]
