"""The preprocessing and network sections of an exported Keras 3 script, and `keras_code`.

Each function returns lines of Python that read top to bottom: `augmentation_section` (the random
layers), `statistics_section` (featurewise normalisation), `backbone_section` (a pretrained
network, kept in inference mode when fine-tuned) and `network_section` (`make_model`, or
`make_extractor` and `make_head` for a feature extractor). The same text is what the Build page
shows (`keras_code`), so what a student reads is what the downloaded script runs.
"""

from __future__ import annotations

from typing import Any

from cnnapp.config import Preprocessing
from cnnapp.export.layers import layer_code
from cnnapp.export.modern import whitening_code
from cnnapp.nets.backbone_catalog import BACKBONES, CAFFE_MEAN_BGR, PREPROCESS_MODES
from cnnapp.training.jobspec import job_kind

INDENT = "    "


def augmentation_section(preprocessing: Preprocessing) -> list[str]:
    """`augmentation_layers(seed)`: the run's random layers (none: no function at all)."""
    p = preprocessing
    if not p.augments:
        return []
    body = []
    if p.horizontal_flip:
        body.append('layers.RandomFlip("horizontal", seed=seed),')
    if p.zoom_range:
        z = f"{p.zoom_range:g}"
        body += [
            f"# ImageDataGenerator's zoom_range={z}: x and y zoom drawn independently",
            f'layers.RandomZoom((-{z}, {z}), (-{z}, {z}), fill_mode="nearest", seed=seed),',
        ]
    if p.rotation_range:
        body += [
            f"# {p.rotation_range:g} degrees either way, as a fraction of a full turn",
            f'layers.RandomRotation({p.rotation_range:g} / 360, fill_mode="nearest", seed=seed),',
        ]
    if p.translation_range:
        s = f"{p.translation_range:g}"
        if p.translation_fill == "reflect":
            body += [
                "# Mirrored at the edges and whole-pixel shifts, as a padded random crop",
                f'layers.RandomTranslation((-{s}, {s}), (-{s}, {s}), fill_mode="reflect",',
                '                         interpolation="nearest", seed=seed),',
            ]
        else:
            body.append(
                f'layers.RandomTranslation((-{s}, {s}), (-{s}, {s}), fill_mode="nearest", '
                "seed=seed),"
            )
    if p.contrast_range:
        body.append(f"layers.RandomContrast({p.contrast_range:g}, value_range=(0, 1), seed=seed),")
    return [
        "def augmentation_layers(seed):",
        '    """The random augmentation, on images scaled to [0, 1]: active in training only."""',
        "    return [",
        *[f"        {line}" for line in body],
        "    ]",
        "",
        "",
    ]


def statistics_section(backbone: dict | None) -> list[str]:
    """`channel_statistics(images)` (and, before a backbone, `after_preprocess_input`)."""
    lines = [
        "def channel_statistics(images, chunk=4096):",
        '    """Per-channel mean and variance of images scaled to [0, 1], in chunks (little',
        '    memory): what layers.Normalization().adapt(images / 255) computes."""',
        "    total, total_sq, count = np.zeros(3), np.zeros(3), 0",
        "    for start in range(0, len(images), chunk):",
        '        part = images[start : start + chunk].astype("float64") / 255.0',
        "        total += part.sum(axis=(0, 1, 2))",
        "        total_sq += (part**2).sum(axis=(0, 1, 2))",
        "        count += part[..., 0].size",
        "    mean = total / count",
        "    return mean, np.maximum(total_sq / count - mean**2, 1e-12)",
        "",
        "",
    ]
    if backbone is None:
        return lines
    if PREPROCESS_MODES[backbone["name"]] == "tf":
        body = [
            "    # preprocess_input maps x / 255 to 2 (x / 255) - 1",
            "    return 2 * mean - 1, 4 * variance",
        ]
    else:
        body = [
            "    # preprocess_input turns RGB into BGR and subtracts ImageNet's mean from 0-255 pixels",
            f"    imagenet_mean_bgr = np.array({list(CAFFE_MEAN_BGR)})",
            "    return 255 * mean[::-1] - imagenet_mean_bgr, 255**2 * variance[::-1]",
        ]
    return [
        *lines,
        "def after_preprocess_input(mean, variance):",
        '    """The statistics of images / 255 as they are after the backbone\'s preprocess_input',
        '    (an affine map per channel), so the normalisation standardises what it receives."""',
        *body,
        "",
        "",
    ]


def _block_of(name: str) -> list[str]:
    """`block_of(layer_name)`: the 0-based block a layer of the backbone belongs to."""
    if name == "resnet50":
        return [
            "def block_of(layer_name):",
            '    """ResNet50\'s 16 residual blocks: conv2_block1 is 0 ... conv5_block3 is 15."""',
            '    match = re.match(r"conv(\\d)_block(\\d+)_", layer_name)',
            "    if not match:",
            "        return None  # the stem",
            "    first = {2: 0, 3: 3, 4: 7, 5: 13}[int(match.group(1))]  # 3, 4, 6, 3 blocks",
            "    return first + int(match.group(2)) - 1",
        ]
    return [
        "def block_of(layer_name):",
        '    """MobileNetV2\'s 17 inverted-residual blocks (0-16), then its last 1x1 conv (17)."""',
        '    if layer_name.startswith("expanded_conv"):',
        "        return 0",
        '    match = re.match(r"block_(\\d+)_", layer_name)',
        "    if match:",
        "        return int(match.group(1))",
        '    return 17 if layer_name in ("Conv_1", "Conv_1_bn", "out_relu") else None',
    ]


def backbone_section(backbone: dict, protocol: str) -> list[str]:
    """`make_backbone()`, and the wrapper that keeps a fine-tuned backbone in inference mode."""
    info = BACKBONES[backbone["name"]]
    size, blocks = backbone["input_size"], backbone["trainable_blocks"]
    weights = '"imagenet"' if backbone["weights"] == "imagenet" else "None"
    origin = "ImageNet weights" if backbone["weights"] == "imagenet" else "random weights"
    lines = []
    if blocks is not None:
        total = len(info.block_params)
        lines += [*_block_of(backbone["name"]), "", ""]
    pooled = "average" if backbone["pooling"] == "avg" else "max"
    lines += [
        "def make_backbone():",
        f'    """{info.label} without its top, {origin}, {pooled}-pooled features."""',
        f"    network = keras.applications.{info.constructor}(",
        f'        include_top=False, weights={weights}, pooling="{backbone["pooling"]}", '
        f"input_shape=({size}, {size}, 3)",
        "    )",
    ]
    if backbone["trainable"] and blocks is None:
        lines[-3] = lines[-3].replace("    network = ", "    return ")
        return [*lines, "", "", *_inference_mode(protocol)]
    if not backbone["trainable"]:
        lines.append("    network.trainable = False  # frozen: a feature extractor")
    elif blocks is not None:
        lines += [
            f"    # Fine-tuning the top {blocks} of its {total} blocks: every other layer is frozen",
            "    for layer in network.layers:",
            "        block = block_of(layer.name)",
            f"        layer.trainable = block is not None and block >= {total - blocks}",
        ]
    return [*lines, "    return network", "", "", *_inference_mode(protocol)]


def _inference_mode(protocol: str) -> list[str]:
    """The wrapper that keeps a backbone in inference mode (protocol "ours" only)."""
    lines = []
    if protocol == "ours":
        lines += [
            "class InferenceMode(keras.Model):",
            '    """Runs a network in inference mode even while the model around it trains, so its',
            "    batch normalisation keeps ImageNet's statistics while its weights fine-tune.",
            "",
            "    `network(x, training=False)` inside a functional model is not enough in Keras 3:",
            "    `fit` passes training=True to every layer of a nested functional model.",
            '    """',
            "",
            "    def __init__(self, network, **kwargs):",
            "        super().__init__(**kwargs)",
            "        self.network = network",
            "",
            "    def call(self, inputs, training=None):",
            "        return self.network(inputs, training=False)",
            "",
            "",
        ]
    return lines


def _backbone_input(backbone: dict, rescaled: bool) -> list[str]:
    size, module = backbone["input_size"], backbone["name"]
    lines = ["x = layers.Rescaling(255.0)(x)  # back to 0-255 pixels"] if rescaled else []
    return [
        *lines,
        f"# The backbone's own input: resized to {size} x {size}, then its preprocess_input",
        f"x = layers.Resizing({size}, {size})({'x' if rescaled else 'inputs'})",
        f"x = layers.Lambda(keras.applications.{module}.preprocess_input)(x)",
    ]


def _model(network: list[dict], preprocessing: Preprocessing, protocol: str) -> list[str]:
    backbone = network[0] if network and network[0]["type"] == "backbone" else None
    normalize = preprocessing.normalize
    args = "input_shape, num_classes, normalization" if normalize else "input_shape, num_classes"
    body = [
        "inputs = keras.Input(shape=input_shape)",
        "# Scale images to the [0, 1] range, as the assignment's template did (x / 255)",
        "x = layers.Rescaling(1 / 255)(inputs)",
    ]
    if preprocessing.augments:
        body += ["for layer in augmentation_layers(SEED):", "    x = layer(x)"]
    if backbone is not None:
        body += _backbone_input(backbone, rescaled=True)
    if normalize:
        where = "after preprocess_input" if backbone else "per channel"
        body.append(f"x = normalization(x)  # featurewise mean 0, standard deviation 1, {where}")
    if backbone is not None and protocol == "ours":
        body.append(
            "x = InferenceMode(make_backbone())(x)  # batch norm keeps ImageNet's statistics"
        )
    elif backbone is not None:
        body.append("x = make_backbone()(x)  # assignment protocol: its batch norm trains too")
    for layer in network[1:] if backbone else network:
        body.append(f"x = {layer_code(layer)}(x)")
    body += [
        'outputs = layers.Dense(num_classes, activation="softmax")(x)',
        "return keras.Model(inputs, outputs)",
    ]
    return [
        f"def make_model({args}):",
        '    """The network: raw 0-255 images of `input_shape` in, class probabilities out."""',
        *[INDENT + line for line in body],
        "",
        "",
    ]


def _extractor(network: list[dict]) -> list[str]:
    backbone = network[0]
    head = [f"x = {layer_code(layer)}(x)" for layer in network[1:]]
    return [
        "def make_extractor(input_shape):",
        '    """Raw 0-255 images in, the frozen backbone\'s pooled features out."""',
        "    inputs = keras.Input(shape=input_shape)",
        *[INDENT + line for line in _backbone_input(backbone, rescaled=False)],
        "    return keras.Model(inputs, make_backbone()(x))",
        "",
        "",
        "def make_head(features, num_classes):",
        '    """The layers trained on the features, with the softmax output."""',
        "    inputs = keras.Input(shape=(features,))",
        "    x = inputs",
        *[INDENT + line for line in head],
        '    outputs = layers.Dense(num_classes, activation="softmax")(x)',
        "    return keras.Model(inputs, outputs)",
        "",
        "",
    ]


def network_section(
    network: list[dict], preprocessing: Preprocessing, kind: str, protocol: str = "ours"
) -> list[str]:
    """The preprocessing helpers and `make_model` (or `make_extractor` and `make_head`).

    Args:
        network: the normalised spec.
        preprocessing: the run's preprocessing (kind "train" only).
        kind: "train" or "extract".
        protocol: "ours" (a fine-tuned backbone's batch norm stays in inference mode) or
            "assignment" (it trains, as in Keras 2).
    """
    backbone = network[0] if network and network[0]["type"] == "backbone" else None
    lines = []
    if backbone is not None:
        lines += backbone_section(backbone, protocol if kind == "train" else "assignment")
    if kind == "extract":
        return lines + _extractor(network)
    lines += augmentation_section(preprocessing)
    lines += whitening_code(network)
    if preprocessing.normalize:
        lines += statistics_section(backbone)
    return lines + _model(network, preprocessing, protocol)


def keras_code(spec: Any, input_shape: Any, num_classes: int, preprocessing=None) -> str:
    """The network as plain Keras 3 code that builds it (the Build page's "Keras code").

    The same `make_model` as the downloadable script (`cnnapp.export.keras3_script`), followed
    by the lines that build it for `input_shape` and `num_classes`.

    Raises:
        NetworkError: if the network is impossible.
    """
    from cnnapp.nets.spec import summarize

    summary = summarize(spec, input_shape, num_classes)
    preprocessing = preprocessing or Preprocessing()
    kind = job_kind(summary.spec, preprocessing)
    first = summary.spec[0] if summary.spec else {}
    backbone = first if first.get("type") == "backbone" else None
    shape = tuple(int(n) for n in input_shape)
    lines = ["import keras", "from keras import layers"]
    if backbone is not None and backbone["trainable_blocks"] is not None:
        lines.append("import re")
    if preprocessing.normalize:
        lines.append("import numpy as np")
    lines += ["", "SEED = 42  # seeds the augmentation layers"] if preprocessing.augments else []
    lines += ["", ""]
    lines += network_section(summary.spec, preprocessing, kind)
    if kind == "extract":
        lines.append(
            f"model = keras.Sequential([make_extractor({shape}), "
            f"make_head({BACKBONES[backbone['name']].features}, {num_classes})])"
        )
    elif preprocessing.normalize:
        lines += [
            "# The downloaded script adapts it to the training images: channel_statistics(x)",
            "normalization = layers.Normalization()",
            f"model = make_model({shape}, {num_classes}, normalization)",
        ]
    else:
        lines.append(f"model = make_model({shape}, {num_classes})")
    lines.append(
        f"# {summary.total_params:,} parameters ({summary.non_trainable_params:,} non-trainable)"
    )
    return "\n".join(lines) + "\n"
