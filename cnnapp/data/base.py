"""The `Dataset` container and the helpers every loader shares (subsets, validation split, resizing).

Images are always `uint8` arrays shaped `(batch, height, width, channels)` with 3 channels (RGB);
labels are `int64` class indices into `class_names`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

# progress(message, fraction): fraction in [0, 1], or None when the amount of work is unknown.
Progress = Callable[[str, float | None], None]


class DatasetUnavailableError(ValueError):
    """A dataset cannot be found on disk nor downloaded; the message says what to fetch and where."""


@dataclass
class Dataset:
    """Images and labels of one dataset, with a training split and an optional test split.

    Attributes:
        name: the dataset id (`"procedural"`, `"cifar100_25"`, `"cifar10"` or `"folder"`).
        x_train: training images, `uint8`, shape `(n, height, width, 3)`.
        y_train: training labels, `int64`, shape `(n,)`, indices into `class_names`.
        x_test: test images like `x_train`, or `None` when the dataset has no test split.
        y_test: test labels like `y_train`, or `None`.
        class_names: one name per label index.
        source: where the images came from, in words (a file, a cache, a generator).
        source_words: the same as a `cnnapp.messages.Message` dict, so the interface words it
            in its language (None: show `source`).
        skipped: files that were not images or could not be decoded, and were left out.
        empty_classes: class folders without a single usable image (not in `class_names`).
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray | None
    y_test: np.ndarray | None
    class_names: list[str]
    source: str
    skipped: int = 0
    source_words: dict | None = None
    empty_classes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.y_train = _check_split(self.name, "train", self.x_train, self.y_train)
        if (self.x_test is None) != (self.y_test is None):
            raise ValueError(
                f"Dataset {self.name!r}: x_test and y_test must both be arrays or both be None."
            )
        if self.x_test is not None:
            self.y_test = _check_split(self.name, "test", self.x_test, self.y_test)

    @property
    def input_shape(self) -> tuple[int, int, int]:
        """The shape of one image, `(height, width, channels)`."""
        height, width, channels = self.x_train.shape[1:]
        return (int(height), int(width), int(channels))

    @property
    def num_classes(self) -> int:
        """How many classes the labels index into."""
        return len(self.class_names)


def _check_split(name: str, split: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Checks one split's arrays and returns its labels as `int64`."""
    if x.dtype != np.uint8 or x.ndim != 4 or x.shape[-1] != 3:
        raise ValueError(
            f"Dataset {name!r}: x_{split} must be uint8 with shape (n, height, width, 3), "
            f"got {x.dtype} with shape {x.shape}."
        )
    y = np.asarray(y, dtype=np.int64).reshape(-1)
    if len(y) != len(x):
        raise ValueError(
            f"Dataset {name!r}: {len(x)} images in x_{split} but {len(y)} labels in y_{split}."
        )
    return y


def split_validation(
    x: np.ndarray, y: np.ndarray, fraction: float, take: str = "first"
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Splits off a `fraction` of the images as validation data, from the start or the end.

    `take="first"` keeps the FIRST `int(len(x) * fraction)` images for validation: what Keras's
    legacy `ImageDataGenerator(validation_split=fraction)` does with arrays (the assignment's
    sections 2-3). `take="last"` keeps the LAST ones: what `model.fit(x, y,
    validation_split=fraction)` does (the assignment's feature extractors, section 4), i.e. the
    training part is the first `floor(len(x) * (1 - fraction))`. The arrays are sliced, not copied.

    Args:
        x: images (or feature vectors), shape `(n, ...)`.
        y: labels, shape `(n,)`.
        fraction: share of the images kept for validation, from 0 (none) to below 1.
        take: "first" or "last": which end of the arrays validates.

    Returns:
        `(x_train, y_train, x_val, y_val)`; the validation arrays are empty when `fraction` is 0.

    Raises:
        ValueError: if `fraction` is outside [0, 1), `take` is neither "first" nor "last", or
            `x` and `y` differ in length.

    Example:
        >>> x_train, y_train, x_val, y_val = split_validation(x, y, 0.1)
    """
    if isinstance(fraction, bool) or not 0.0 <= float(fraction) < 1.0:
        raise ValueError(
            f"Validation fraction must be at least 0 and below 1, got {fraction!r}; "
            "use 0.1 to keep 10 % of the training images for validation."
        )
    if take not in ("first", "last"):
        raise ValueError(f'take must be "first" or "last", got {take!r}.')
    if len(x) != len(y):
        raise ValueError(f"Got {len(x)} images but {len(y)} labels; they must match.")
    if take == "last":
        split_at = int(math.floor(len(x) * (1.0 - float(fraction)))) if fraction else len(x)
        return x[:split_at], y[:split_at], x[split_at:], y[split_at:]
    n_val = int(len(x) * float(fraction))
    return x[n_val:], y[n_val:], x[:n_val], y[:n_val]


def balanced_indices(y: np.ndarray, limit: int | None) -> np.ndarray:
    """Picks at most `limit` indices with classes as balanced as possible, in original order.

    Each class contributes its first images (in order) in turn: the 1st image of every class,
    then the 2nd of every class, and so on; a class that runs out leaves room for the others.
    The choice is deterministic.

    Args:
        y: labels, shape `(n,)`.
        limit: the most indices to return, or `None` for all of them.

    Returns:
        Sorted `int64` indices into `y`.
    """
    n = len(y)
    if limit is None or limit >= n:
        return np.arange(n, dtype=np.int64)
    y = np.asarray(y)
    order = np.argsort(y, kind="stable")
    sorted_y = y[order]
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - np.searchsorted(sorted_y, sorted_y, side="left")
    # lexsort's last key is the primary one: rank first, then label, then position.
    chosen = np.lexsort((np.arange(n), y, rank))[:limit]
    return np.sort(chosen).astype(np.int64)


def cap_for_test(limit: int | None) -> int | None:
    """The cap on test images for a training `limit`: a quarter of it (at least 1), or `None`."""
    return None if limit is None else max(1, limit // 4)


def resize_images(x: np.ndarray, size: int) -> np.ndarray:
    """Resizes `(n, h, w, 3)` uint8 images to `(n, size, size, 3)` with Pillow (bicubic).

    Returns `x` itself when it already has that size.
    """
    if x.shape[1:3] == (size, size):
        return x
    from PIL import Image  # lazy: only needed when resizing

    from cnnapp.data.images import RESAMPLE

    out = np.empty((len(x), size, size, 3), dtype=np.uint8)
    for i, image in enumerate(x):
        out[i] = np.asarray(Image.fromarray(image).resize((size, size), RESAMPLE))
    return out
