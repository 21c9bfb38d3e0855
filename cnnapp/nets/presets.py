"""Every network of the assignment, as plain specs (section numbers refer to it).

The output `Dense(num_classes, softmax)` is not part of a spec: `build_model` appends it, so each
preset fits any dataset. Parameter counts below are with 25 classes. The transfer presets of
section 4 start with a pretrained backbone (`cnnapp.nets.backbones`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from cnnapp.nets.modern import MODERN_PREPROCESSING, MODERN_TRAIN, modern_spec


@dataclass(frozen=True)
class Preset:
    """A named network from the assignment."""

    id: str
    name: str
    section: str  # where the assignment defines it
    description: str
    spec: tuple  # of layer dicts; use `get_preset` for a mutable copy
    # its own training recipe, {"train": TrainConfig values, "preprocessing": Preprocessing
    # values}, which Train and `python -m cnnapp train --preset` start from; None: the defaults
    recipe: dict | None = None


def conv(filters: int, kernel_size: int = 3, activation: str = "relu") -> dict[str, Any]:
    return {
        "type": "conv2d",
        "filters": filters,
        "kernel_size": kernel_size,
        "activation": activation,
    }


def dense(units: int, activation: str = "relu") -> dict[str, Any]:
    return {"type": "dense", "units": units, "activation": activation}


def dropout(rate: float) -> dict[str, Any]:
    return {"type": "dropout", "rate": rate}


def backbone(name: str = "resnet50", trainable: bool = False) -> dict[str, Any]:
    """A pretrained backbone layer (ImageNet weights, average pooling, 224×224 input)."""
    return {
        "type": "backbone",
        "name": name,
        "weights": "imagenet",
        "trainable": trainable,
        "trainable_blocks": None,
        "pooling": "avg",
        "input_size": 224,
    }


POOL = {"type": "maxpooling2d", "pool_size": 2}
FLAT = {"type": "flatten"}
RELU = {"type": "activation", "activation": "relu"}
BN = {"type": "batchnormalization"}


def _mired_v5_blocks(conv_block, dense_block) -> list[dict[str, Any]]:
    """MiRed V5's layout; `conv_block(filters)`/`dense_block(units)` say where BN and ReLU go."""
    return [
        *conv_block(32),
        dropout(0.25),
        *conv_block(64),
        POOL,
        *conv_block(64),
        dropout(0.25),
        *conv_block(128),
        POOL,
        FLAT,
        *dense_block(512),
        dropout(0.5),
        *dense_block(256),
        dropout(0.5),
    ]


def _mired(filters: tuple[int, ...], kernel_size: int, units: int) -> list[dict[str, Any]]:
    a, b, c, d = filters
    return [
        conv(a, kernel_size),
        conv(b, kernel_size),
        POOL,
        conv(c, kernel_size),
        conv(d, kernel_size),
        POOL,
        FLAT,
        dense(units),
    ]


_PRESETS = [
    Preset(
        "basenet",
        "BaseNet",
        "2 (table 1)",
        "Two conv-ReLU-maxpool modules and two linear layers: the assignment's baseline.",
        (conv(6, 5), POOL, conv(16, 5), POOL, FLAT, dense(50)),
    ),
    Preset(
        "mired_v1",
        "MiRed V1",
        "3.3",
        "Four 5×5 convolutions (16-26-36-46 filters), a max pooling every two.",
        tuple(_mired((16, 26, 36, 46), 5, 50)),
    ),
    Preset(
        "mired_v2",
        "MiRed V2",
        "3.3",
        "V1 with more filters (32-64-128-256) and a 512-unit dense layer.",
        tuple(_mired((32, 64, 128, 256), 5, 512)),
    ),
    Preset(
        "mired_v3",
        "MiRed V3",
        "3.3",
        "V2 with 3×3 kernels.",
        tuple(_mired((32, 64, 128, 256), 3, 512)),
    ),
    Preset(
        "mired_v4",
        "MiRed V4",
        "3.3",
        "Fewer filters (32-64-64-128) and Dropout 0.5 in the convolutional modules.",
        (
            conv(32),
            dropout(0.5),
            conv(64),
            POOL,
            conv(64),
            dropout(0.5),
            conv(128),
            POOL,
            FLAT,
            dense(512),
        ),
    ),
    Preset(
        "mired_v5",
        "MiRed V5",
        "3.3 (table 6)",
        "V4 with Dropout 0.25 in the convolutions and two dense layers with Dropout 0.5.",
        tuple(_mired_v5_blocks(lambda f: [conv(f)], lambda u: [dense(u)])),
    ),
    Preset(
        "mired_bn_v1",
        "MiRed + BatchNormalization V1",
        "3.4",
        "MiRed V5 with BatchNormalization after the ReLU of each convolution.",
        tuple(
            _mired_v5_blocks(
                lambda f: [conv(f, activation="linear"), RELU, BN],
                lambda u: [dense(u, "linear"), RELU],
            )
        ),
    ),
    Preset(
        "mired_bn_v2",
        "MiRed + BatchNormalization V2",
        "3.4",
        "BatchNormalization after every ReLU, the dense layers' included.",
        tuple(
            _mired_v5_blocks(
                lambda f: [conv(f, activation="linear"), RELU, BN],
                lambda u: [dense(u, "linear"), RELU, BN],
            )
        ),
    ),
    Preset(
        "mired_bn_v3",
        "MiRed + BatchNormalization V3",
        "3.4 (table 8)",
        "BatchNormalization before every ReLU, the dense layers' included: the best CIFAR network.",
        tuple(
            _mired_v5_blocks(
                lambda f: [conv(f, activation="linear"), BN, RELU],
                lambda u: [dense(u, "linear"), BN, RELU],
            )
        ),
    ),
]

# Section 4: ResNet50 pretrained on ImageNet, for Caltech-UCSD Birds. Feature extractors run as
# "extract" jobs (features computed once, then the head trains); fine-tuned networks as "train" jobs.
_HEAD_V1, _HEAD_V2 = (dense(512),), (dense(512), dropout(0.75))
_HEAD_V3 = (dense(512), dropout(0.5), dense(256), dropout(0.5))
_FINE_V2 = (dense(512), dropout(0.75), dense(256), dropout(0.5))
_EXTRACTOR = "ResNet50 (ImageNet, frozen) as a feature extractor: its 2048 average-pooled features"
_FINE = "The whole ResNet50 trained (its batch norm kept in inference mode)"
_PRESETS += [
    Preset(
        "resnet50_fe_v1",
        "ResNet50 extractor V1",
        "4 (tables 10-11)",
        f"{_EXTRACTOR}, then Dense 512 relu and the softmax.",
        (backbone(), *_HEAD_V1),
    ),
    Preset(
        "resnet50_fe_v2",
        "ResNet50 extractor V2",
        "4 (tables 10-11)",
        f"{_EXTRACTOR}, then Dense 512 relu, Dropout 0.75 and the softmax.",
        (backbone(), *_HEAD_V2),
    ),
    Preset(
        "resnet50_fe_v3",
        "ResNet50 extractor V3",
        "4 (tables 10-11)",
        f"{_EXTRACTOR}, then Dense 512, Dropout 0.5, Dense 256, Dropout 0.5 and the softmax.",
        (backbone(), *_HEAD_V3),
    ),
    Preset(
        "resnet50_ft_v1",
        "ResNet50 fine-tuned V1",
        "4 (table 12)",
        f"{_FINE}, with Dense 512 relu, Dropout 0.75 and the softmax on top.",
        (backbone(trainable=True), *_HEAD_V2),
    ),
    Preset(
        "resnet50_ft_v2",
        "ResNet50 fine-tuned V2",
        "4 (table 13)",
        f"{_FINE}, with Dense 512, Dropout 0.75, Dense 256, Dropout 0.5 and the softmax on top.",
        (backbone(trainable=True), *_FINE_V2),
    ),
    Preset(
        "mobilenet_v2_fe",
        "MobileNetV2 extractor",
        "4 (a faster backbone)",
        "MobileNetV2 (ImageNet, frozen): 1280 features, several times faster than ResNet50 on "
        "a laptop CPU; then Dense 512, Dropout 0.5, Dense 256, Dropout 0.5 and the softmax.",
        (backbone("mobilenet_v2"), *_HEAD_V3),
    ),
    Preset(
        "modern",
        "Modern (airbench)",
        "beyond the assignment",
        "Today's fast CIFAR-10 recipe (airbench): a frozen whitening convolution computed from "
        "the training patches, three conv-BN-GELU blocks (64, 256, 256) with max pooling, global "
        "max pooling and scaled logits; trained with its own recipe: SGD Nesterov, warmup then "
        "decay, batch 1024, label smoothing 0.2, flips and 2-pixel shifts, flip-averaged tests.",
        tuple(modern_spec()),
        {"train": MODERN_TRAIN, "preprocessing": MODERN_PREPROCESSING},
    ),
]

PRESETS: dict[str, Preset] = {preset.id: preset for preset in _PRESETS}


def get_preset(preset_id: str) -> list[dict[str, Any]]:
    """A fresh, editable copy of a preset's spec.

    Raises:
        KeyError: with the list of known presets.
    """
    if preset_id not in PRESETS:
        raise KeyError(f"Unknown preset {preset_id!r}; choose one of {sorted(PRESETS)}.")
    return copy.deepcopy(list(PRESETS[preset_id].spec))


def preset_recipe(preset_id: str | None) -> dict[str, dict[str, Any]]:
    """A preset's own recipe: `{"train": {...}, "preprocessing": {...}}` (empty dicts when it
    has none, or for an id that is not a preset)."""
    preset = PRESETS.get(preset_id or "")
    recipe = (preset.recipe if preset else None) or {}
    return {
        "train": dict(recipe.get("train", {})),
        "preprocessing": dict(recipe.get("preprocessing", {})),
    }
