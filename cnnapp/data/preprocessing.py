"""Normalisation and augmentation as Keras layers inside the model.

The model takes raw 0-255 images. Its first layers scale them to [0, 1], augment them (only while
training: Keras's random layers pass images through unchanged in inference), and normalise each
channel with the mean and standard deviation of the training part. So a saved model classifies a
raw photo, and the run's preprocessing travels with it.

The assignment's `ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)`
was fitted on all of x_train, validation images included; we fit on the training part only.
"""

from __future__ import annotations

import numpy as np

from cnnapp.config import Preprocessing

PREFIX = "pre_"  # names of preprocessing layers start with this


def is_augmentation(layer) -> bool:
    """True for Keras's random image layers (RandomFlip, RandomZoom, ...): training-only changes."""
    return type(layer).__name__.startswith("Random")


def fit_normalization(images: np.ndarray, chunk: int = 4096) -> tuple[list[float], list[float]]:
    """Per-channel mean and variance of images scaled to [0, 1].

    Args:
        images: uint8 or float array `(n, height, width, channels)` of 0-255 pixels.
        chunk: images per step (keeps memory low on big datasets).

    Returns:
        `(mean, variance)`, one value per channel, as plain lists (JSON-able).

    Raises:
        ValueError: if there are no images.
    """
    if len(images) == 0:
        raise ValueError("Cannot fit normalisation on 0 images; the training part is empty.")
    channels = images.shape[-1]
    if images.dtype == np.uint8:  # a histogram per channel: exact, and ~10x faster than floats
        counts = np.zeros((channels, 256), dtype=np.int64)
        step = min(chunk, 1024)  # a chunk's channels, transposed, stay in the CPU's cache
        for start in range(0, len(images), step):
            part = np.ascontiguousarray(images[start : start + step].reshape(-1, channels).T)
            for c in range(channels):
                counts[c] += np.bincount(part[c], minlength=256)
        values = np.arange(256, dtype=np.float64) / 255.0
        count = counts.sum(axis=1)
        mean = counts @ values / count
        variance = np.maximum(counts @ values**2 / count - mean**2, 1e-12)
        return mean.tolist(), variance.tolist()
    total = np.zeros(channels)
    total_sq = np.zeros(channels)
    count = 0
    for start in range(0, len(images), chunk):
        part = images[start : start + chunk].astype(np.float64) / 255.0
        total += part.sum(axis=(0, 1, 2))
        total_sq += (part**2).sum(axis=(0, 1, 2))
        count += part.shape[0] * part.shape[1] * part.shape[2]
    mean = total / count
    variance = np.maximum(total_sq / count - mean**2, 1e-12)
    return mean.tolist(), variance.tolist()


def preprocessing_layers(
    preprocessing: Preprocessing, normalization: tuple | None = None, seed: int | None = None
) -> list:
    """The Keras layers that turn raw 0-255 images into what the network sees.

    Args:
        preprocessing: which steps to apply.
        normalization: `(mean, variance)` from `fit_normalization`; needed if it normalises.
        seed: seeds the random layers.

    Returns:
        A list of Keras layers, in order.

    Raises:
        ValueError: if normalisation is asked for without statistics.
    """
    import keras

    layers = keras.layers
    # Scale images to the [0, 1] range, as the assignment's template did (x / 255).
    result = [layers.Rescaling(1.0 / 255, name=f"{PREFIX}rescale")]
    p = preprocessing
    if p.horizontal_flip:
        result.append(layers.RandomFlip("horizontal", seed=seed, name=f"{PREFIX}flip"))
    if p.zoom_range:
        # ImageDataGenerator's zoom_range: x and y zoom drawn independently, nearest fill.
        z = float(p.zoom_range)
        result.append(
            layers.RandomZoom(
                (-z, z), (-z, z), fill_mode="nearest", seed=seed, name=f"{PREFIX}zoom"
            )
        )
    if p.rotation_range:
        result.append(
            layers.RandomRotation(
                p.rotation_range / 360.0, fill_mode="nearest", seed=seed, name=f"{PREFIX}rotate"
            )
        )
    if p.translation_range:
        t = float(p.translation_range)
        # "reflect" shifts whole pixels (nearest interpolation), as a padded random crop does.
        reflect = p.translation_fill == "reflect"
        result.append(
            layers.RandomTranslation(
                (-t, t),
                (-t, t),
                fill_mode=p.translation_fill,
                interpolation="nearest" if reflect else "bilinear",
                seed=seed,
                name=f"{PREFIX}translate",
            )
        )
    if p.contrast_range:
        result.append(
            layers.RandomContrast(
                p.contrast_range, value_range=(0, 1), seed=seed, name=f"{PREFIX}contrast"
            )
        )
    if p.normalize:
        if normalization is None:
            raise ValueError(
                "Normalisation needs the training images' mean and variance; compute them with "
                "fit_normalization(x_train) and pass normalization=(mean, variance)."
            )
        mean, variance = normalization
        result.append(
            layers.Normalization(
                mean=list(mean), variance=list(variance), name=f"{PREFIX}normalize"
            )
        )
    return result


def augment_examples(
    image: np.ndarray, preprocessing: Preprocessing, count: int = 8, seed: int = 0
) -> np.ndarray:
    """The same image augmented `count` times, as the training model would (for previews).

    Args:
        image: one uint8 image `(height, width, channels)`.
        preprocessing: the augmentation settings (normalisation is not applied here).
        count: how many variants.
        seed: seeds the random layers.

    Returns:
        uint8 array `(count, height, width, channels)`.
    """
    import keras

    settings = Preprocessing(**{**preprocessing.to_dict(), "normalize": False})
    layers = preprocessing_layers(settings, seed=seed)
    x = np.repeat(image[None].astype("float32"), count, axis=0)
    x = keras.ops.convert_to_tensor(x)
    for layer in layers:
        is_random = layer.name != f"{PREFIX}rescale"
        x = layer(x, training=True) if is_random else layer(x)
    out = keras.ops.convert_to_numpy(x)
    return np.clip(out * 255.0, 0, 255).astype(np.uint8)
