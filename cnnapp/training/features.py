"""Transfer learning with a frozen backbone: features computed once and cached, heads trained on them.

The assignment's feature extractor (section 4): every image goes through the pretrained backbone
once (`ResNet50(include_top=False, pooling="avg")`: 2048 features), the features are cached on
disk, and a small head (Dense 512 relu -> ... -> softmax) is trained on them in seconds. Re-runs
with the same dataset, backbone, weights and image size reuse the cache.

The job itself (`kind: "extract"`, chosen by `cnnapp.training.jobspec.make_job_spec`) is
`cnnapp.training.extract_job.run_extract_job`; it trains the head through the same fit path as
every job.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np

from cnnapp.nets.build import layer_name

EXTRACT_BATCH = 32  # images per forward pass while extracting


def feature_extractor(backbone: dict, input_shape: tuple, seed: int = 42):
    """Raw images of `input_shape` -> pooled backbone features, as a Keras model.

    Args:
        backbone: a normalised backbone layer spec.
        input_shape: `(height, width, 3)` of the raw images.
        seed: seeds random weights (`"weights": None`).

    Raises:
        WeightsUnavailableError: ImageNet weights offline with no local file.
    """
    import keras

    from cnnapp.nets.backbones import input_layers
    from cnnapp.nets.registry import LAYER_TYPES

    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=tuple(input_shape), name="image")
    x = inputs
    for layer in input_layers(backbone, rescaled=False, normalization=None):
        x = layer(x)
    x = LAYER_TYPES["backbone"].make(backbone, layer_name(0, "backbone"))(x)
    return keras.Model(inputs, x, name="feature_extractor")


def extract_features(
    extractor,
    images: np.ndarray,
    batch_size: int = EXTRACT_BATCH,
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> np.ndarray | None:
    """Runs `images` through `extractor` in batches (inference mode).

    Args:
        extractor: from `feature_extractor`.
        images: uint8 `(n, height, width, 3)`.
        batch_size: images per forward pass.
        progress: called as `progress(done, total)` after each batch.
        should_stop: polled before each batch; True abandons the work.

    Returns:
        float32 `(n, features)`, or `None` if stopped.
    """
    total = len(images)
    features = np.zeros((total, extractor.output_shape[-1]), dtype=np.float32)
    for start in range(0, total, batch_size):
        if should_stop():
            return None
        batch = images[start : start + batch_size].astype(np.float32)
        count = len(batch)
        if count < batch_size:  # padded: one shape, so the forward pass is traced only once
            padding = np.zeros((batch_size - count, *batch.shape[1:]), batch.dtype)
            batch = np.concatenate([batch, padding])
        features[start : start + count] = np.asarray(extractor.predict_on_batch(batch))[:count]
        if progress:
            progress(min(start + batch_size, total), total)
    return features


def _digest(images: np.ndarray) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(str(images.shape).encode())
    digest.update(np.ascontiguousarray(images).data)
    return digest.hexdigest()


def cache_key(dataset_ref: dict, split: str, images: np.ndarray, backbone: dict, seed: int) -> list:
    """What identifies a split's features: dataset, images, backbone, weights and size."""
    from cnnapp.nets.weights import identity

    return [
        dataset_ref,
        split,
        _digest(images),
        backbone["name"],
        identity(backbone["name"], backbone["weights"]),
        backbone["pooling"],
        backbone["input_size"],
        seed if backbone["weights"] is None else None,  # random weights depend on the seed
    ]


def cached_features(
    key: list,
    images: np.ndarray,
    make_extractor: Callable[[], Any],
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> tuple[np.ndarray | None, bool]:
    """A split's features from the disk cache, or computed (and cached) when missing.

    Args:
        key: from `cache_key`.
        images: the split's images.
        make_extractor: returns the feature extractor (only called on a cache miss).
        progress, should_stop: as `extract_features`.

    Returns:
        `(features, hit)`: `features` is `None` when stopped; `hit` tells whether they came
        from the cache.
    """
    from cnnapp.data import cache

    path = cache.file_for("features", key)
    found = cache.load(path)
    if found is not None and found[0]["features"].shape[0] == len(images):
        return found[0]["features"], True
    features = extract_features(
        make_extractor(), images, progress=progress, should_stop=should_stop
    )
    if features is not None:
        cache.save(path, {"features": features}, {"count": len(images)})
    return features, False


def build_head(head: list[dict], features: int, num_classes: int):
    """The head as a Keras model on feature vectors, named as `build_model` names its layers.

    Args:
        head: the normalised layers after the backbone (dense, dropout, ...).
        features: size of the feature vectors.
        num_classes: the softmax output's size.
    """
    import keras

    from cnnapp.nets.registry import LAYER_TYPES

    inputs = keras.Input(shape=(features,), name="features")
    x = inputs
    for index, layer in enumerate(head, start=1):
        x = LAYER_TYPES[layer["type"]].make(layer, layer_name(index, layer["type"]))(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="head")


def compose(extractor, head):
    """One model taking raw images: the extractor's layers, then the head's (weights shared)."""
    import keras

    inputs = keras.Input(shape=extractor.input_shape[1:], name="image")
    x = inputs
    for layer in [*extractor.layers[1:], *head.layers[1:]]:
        x = layer(x)
    return keras.Model(inputs, x, name="transfer")
