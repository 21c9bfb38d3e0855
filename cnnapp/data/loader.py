"""`load_dataset(ref)`: one entry point from a plain-data reference to a `Dataset`.

A reference is `{"name": ..., "path": None, "test_path": None, "image_size": 32, "limit": None}`;
missing keys take these defaults. `limit` caps the training images at a class-balanced subset
(the first images of each class in turn, original order kept) and the test images at
`max(1, limit // 4)`, for quick demos and tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cnnapp.data.base import Dataset, Progress, balanced_indices, cap_for_test, resize_images
from cnnapp.messages import Message

DATASET_CHOICES = [
    {
        "id": "procedural",
        "name": "Shapes and patterns (procedural)",
        "description": "6 classes of coloured shapes and stripes drawn on the fly; works offline.",
        "needs_path": False,
    },
    {
        "id": "cifar100_25",
        "name": "CIFAR-100, first 25 classes",
        "description": "The assignment's dataset: 12,500 training and 2,500 test photos, 32×32.",
        "needs_path": False,
    },
    {
        "id": "cifar10",
        "name": "CIFAR-10",
        "description": "10 classes (airplane ... truck): 50,000 training and 10,000 test photos.",
        "needs_path": False,
    },
    {
        "id": "folder",
        "name": "Your images (folder or .zip)",
        "description": "One subfolder per class, or train/ and test/ folders of class subfolders.",
        "needs_path": True,
    },
    {
        "id": "cub200",
        "name": "Caltech-UCSD Birds 200 (CUB-200, 2010)",
        "description": "The assignment's birds: 200 species, 3,000 training and 3,033 test photos "
        "(images.tgz and lists.tgz, or their folder).",
        "needs_path": False,
    },
    {
        "id": "cub200_2011",
        "name": "Caltech-UCSD Birds 200-2011",
        "description": "200 species, 5,994 training and 5,794 test photos (CUB_200_2011.tgz or "
        "its folder).",
        "needs_path": False,
    },
]
BIRDS = ("cub200", "cub200_2011")  # photos: loaded at 224×224 unless image_size says otherwise
DATASET_NAMES = tuple(choice["id"] for choice in DATASET_CHOICES)
DEFAULTS: dict[str, Any] = {
    "name": "procedural",
    "path": None,
    "test_path": None,
    "image_size": 32,
    "limit": None,
}
MIN_IMAGE_SIZE, MAX_IMAGE_SIZE = 8, 512


def default_dataset_name() -> str:
    """The dataset used when none is chosen: `"procedural"`, which needs no download."""
    return "procedural"


def _whole_number(ref_key: str, value: object, low: int, high: int | None, hint: str) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(
            f"Dataset {ref_key} must be a whole number ≥ {low}, got {value!r}; {hint}."
        )
    if high is not None and value > high:
        raise ValueError(f"Dataset {ref_key} must be at most {high}, got {value!r}; {hint}.")
    return value


def _optional_path(key: str, value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, (str, Path)):
        raise ValueError(f"Dataset {key} must be a path (text) or None, got {value!r}.")
    return str(value)


def normalize_ref(ref: dict[str, Any] | None) -> dict[str, Any]:
    """Fills a dataset reference's defaults and checks its values.

    Args:
        ref: a dict with some of `name`, `path`, `test_path`, `image_size`, `limit`.

    Returns:
        A new dict with all five keys.

    Raises:
        ValueError: for unknown keys or invalid values; the message lists what is accepted.
    """
    ref = dict(ref or {})
    unknown = sorted(set(ref) - set(DEFAULTS))
    if unknown:
        raise ValueError(
            f"Unknown dataset setting(s) {unknown}; expected some of {list(DEFAULTS)}."
        )
    out = {**DEFAULTS, **({"image_size": 224} if ref.get("name") in BIRDS else {}), **ref}
    if out["name"] not in DATASET_NAMES:
        raise ValueError(f"Unknown dataset {out['name']!r}; choose one of {list(DATASET_NAMES)}.")
    out["path"] = _optional_path("path", out["path"])
    out["test_path"] = _optional_path("test_path", out["test_path"])
    out["image_size"] = _whole_number(
        "image_size", out["image_size"], MIN_IMAGE_SIZE, MAX_IMAGE_SIZE, "32 is CIFAR's size"
    )
    if out["limit"] is not None:
        out["limit"] = _whole_number("limit", out["limit"], 1, None, "or None for all images")
    if out["name"] == "folder" and out["path"] is None:
        raise ValueError(
            "The 'folder' dataset needs a path: a folder (or .zip) with one subfolder per class."
        )
    if out["name"] != "folder" and out["test_path"] is not None:
        raise ValueError(
            f"test_path only applies to the 'folder' dataset, not {out['name']!r}; remove it."
        )
    if out["name"] == "procedural" and out["path"] is not None:
        raise ValueError("The 'procedural' dataset is generated, so it takes no path; remove it.")
    return out


def _limited(dataset: Dataset, limit: int | None, image_size: int) -> Dataset:
    """Applies `limit` (class-balanced, original order) and resizes to `image_size`."""
    keep = balanced_indices(dataset.y_train, limit)
    dataset.x_train = resize_images(dataset.x_train[keep], image_size)
    dataset.y_train = dataset.y_train[keep]
    if dataset.x_test is not None:
        keep = balanced_indices(dataset.y_test, cap_for_test(limit))
        dataset.x_test = resize_images(dataset.x_test[keep], image_size)
        dataset.y_test = dataset.y_test[keep]
    return dataset


def _load_procedural(ref: dict[str, Any]) -> Dataset:
    from cnnapp.data.procedural import CLASS_NAMES, make_procedural

    x_train, y_train, x_test, y_test = make_procedural(ref["image_size"])
    dataset = Dataset(
        name="procedural",
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
        class_names=list(CLASS_NAMES),
        source="Generated on the fly: coloured shapes and patterns (procedural, fixed seed)",
        source_words=Message("data.origin.procedural").to_dict(),
    )
    return _limited(dataset, ref["limit"], ref["image_size"])


def _load_cifar(ref: dict[str, Any], progress: Progress | None) -> Dataset:
    from cnnapp.data.cifar import load_cifar

    arrays = load_cifar(ref["name"], ref["path"], progress)
    dataset = Dataset(
        name=ref["name"],
        x_train=arrays.x_train,
        y_train=arrays.y_train,
        x_test=arrays.x_test,
        y_test=arrays.y_test,
        class_names=arrays.class_names,
        source=arrays.source,
        source_words=arrays.source_words,
    )
    return _limited(dataset, ref["limit"], ref["image_size"])


def load_dataset(ref: dict[str, Any] | None, progress: Progress | None = None) -> Dataset:
    """Loads the dataset a reference names.

    Args:
        ref: `{"name": "procedural" | "cifar100_25" | "cifar10" | "folder" | "cub200" |
            "cub200_2011", "path": str | None,
            "test_path": str | None, "image_size": 32, "limit": int | None}`; missing keys take
            these defaults (birds: image_size 224). `path` is the folder/zip for `"folder"`, a
            CIFAR archive, or the birds' folder or archive (see `cnnapp.data.birds`).
        progress: called as `progress(message, fraction)` during long work; `fraction` is in
            [0, 1] or `None` when unknown.

    Returns:
        The `Dataset`, images `uint8` of shape `(n, image_size, image_size, 3)`.

    Raises:
        ValueError: for a bad reference, a missing path or a malformed archive or folder.
        DatasetUnavailableError: if CIFAR is neither on disk nor downloadable.

    Example:
        >>> dataset = load_dataset({"name": "procedural", "limit": 600})
        >>> dataset.input_shape, dataset.num_classes
        ((32, 32, 3), 6)
    """
    ref = normalize_ref(ref)
    if ref["name"] == "procedural":
        return _load_procedural(ref)
    if ref["name"] == "folder":
        from cnnapp.data.folders import load_folder

        return load_folder(ref["path"], ref["test_path"], ref["image_size"], ref["limit"], progress)
    if ref["name"] in BIRDS:
        from cnnapp.data.birds import load_birds

        return load_birds(ref["name"], ref["path"], ref["image_size"], ref["limit"], progress)
    return _load_cifar(ref, progress)
