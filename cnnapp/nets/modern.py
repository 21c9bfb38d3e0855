"""Beyond the assignment: a modern network, modelled on the fast CIFAR-10 training records.

Keller Jordan's airbench (airbench94: 94 % CIFAR-10 test accuracy in 3.83 s on one A100) trains
a small network with a few ideas a class can see one by one, each written here with the layer
spec so it stays editable on Build:

- a frozen first convolution that whitens 2×2 patches, computed from the training images when
  training starts (`cnnapp.nets.whitening`), then GELU;
- three blocks of widths 64, 256, 256: conv 3×3, max pooling, batch norm, GELU, conv 3×3, batch
  norm, GELU (convolutions without bias: batch norm's shift replaces it); batch norm with
  PyTorch momentum 0.6, which is Keras's `momentum=0.4` (Keras keeps that share of the old
  statistics, PyTorch gives it to the new batch);
- global max pooling and the linear output with its logits scaled by 1/9 (a `scale` layer
  before the output's Dense: the same logits up to its bias, and the same weight gradients);

and a training recipe: SGD with Nesterov momentum 0.85, batch 1024, about 10 epochs, a warmup
then decaying learning rate, weight decay, label smoothing 0.2, flips and 2-pixel translations
(mirrored at the edges), and test-time flip averaging.

airbench's learning rate (11.5 per 1024-image "kilostep", on a summed loss, with momentum 0.85)
is about 1.5 on Keras's mean loss; its weight decay (coupled, through the momentum) about
1.3e-5 of Keras's decoupled kind. What is not carried over: its BN weights frozen at 1, the
64× learning rate of biases, the whitening bias trained for 3 epochs, and its
translation-averaged test-time augmentation (level 2).
"""

from __future__ import annotations

from typing import Any

BN_MOMENTUM = 0.4  # Keras's momentum for PyTorch's 0.6
WIDTHS = (64, 256, 256)
LOGIT_SCALE = 1 / 9


def _conv(filters: int) -> dict[str, Any]:
    return {
        "type": "conv2d",
        "filters": filters,
        "kernel_size": 3,
        "padding": "same",
        "activation": "linear",
        "use_bias": False,
    }


def _bn_gelu() -> list[dict[str, Any]]:
    return [
        {"type": "batchnormalization", "momentum": BN_MOMENTUM},
        {"type": "activation", "activation": "gelu"},
    ]


def conv_group(filters: int) -> list[dict[str, Any]]:
    """airbench's ConvGroup: conv, max pool, BN, GELU, conv, BN, GELU."""
    return [
        _conv(filters),
        {"type": "maxpooling2d", "pool_size": 2},
        *_bn_gelu(),
        _conv(filters),
        *_bn_gelu(),
    ]


def modern_spec() -> list[dict[str, Any]]:
    """The network, as plain layer dicts (the output Dense is appended by `build_model`)."""
    return [
        {"type": "whitening", "kernel_size": 2, "epsilon": 5e-4},
        {"type": "activation", "activation": "gelu"},
        *(layer for width in WIDTHS for layer in conv_group(width)),
        {"type": "globalmaxpooling2d"},
        {"type": "scale", "factor": LOGIT_SCALE},
    ]


# The recipe: `TrainConfig` and `Preprocessing` values (the rest keep their defaults).
MODERN_TRAIN = {
    "optimizer": "sgd",
    "learning_rate": 1.5,
    "momentum": 0.85,
    "nesterov": True,
    "decay": 0.0,
    "schedule": "warmup_cosine",
    "warmup_fraction": 0.23,
    "weight_decay": 1.3e-5,
    "batch_size": 1024,
    "epochs": 10,
    "label_smoothing": 0.2,
    "tta_flip": True,
}
MODERN_PREPROCESSING = {
    "normalize": True,
    "horizontal_flip": True,
    "translation_range": 2 / 32,  # 2 pixels of a 32-pixel CIFAR image
    "translation_fill": "reflect",
}
