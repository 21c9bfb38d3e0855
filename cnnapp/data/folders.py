"""Your own images: a folder (or `.zip`) with one subfolder per class.

Layouts recognised, after skipping a single wrapper folder (`flowers.zip` -> `flowers/...`):

- `train/<class>/...` and optionally `test/<class>/...`: the two splits (a `train/` alone is a
  training split; `ref["test_path"]` may then give the test split, with the same class folders);
- `images/<class>/...` (Caltech-UCSD Birds): `images/` holds the classes;
- otherwise `<class>/...`: every subfolder is a class; images may sit in deeper folders.

Class names are the folder names, sorted (as Keras's `image_dataset_from_directory`). Images are
converted to RGB and resized to `image_size` × `image_size` with a plain resize (the aspect ratio is
not kept). Files that are not images or cannot be decoded are skipped and counted; class folders
left without images are listed in `empty_classes` and kept out of the labels. The images are put in
a fixed pseudo-random order (seed 0), so the first 10 % (the validation part) mixes all classes.
Before decoding, the pixels the chosen images will decode to are added up from their headers
(`filetree.check_pixels`, at most `CNNAPP_MAX_TRAIN_PIXELS`). Decoded arrays are cached under `get_settings().data_dir / "folders"`.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np

from cnnapp.data import cache, filetree
from cnnapp.data.base import Dataset, Progress, balanced_indices, cap_for_test
from cnnapp.data.decode import decode_many, is_image_name
from cnnapp.data.filetree import Entry, FileTree, check_pixels
from cnnapp.messages import Message

_ORDER_SEED = 0
MAX_NAMES_SHOWN = 10  # class folders named in an error message

# Layout detection ---------------------------------------------------------------------------------


def _subdirs(tree: FileTree, prefix: tuple[str, ...]) -> list[str]:
    """Sorted names of the folders directly under `prefix` (empty folders included)."""
    n = len(prefix)
    names = {e.parts[n] for e in tree.entries if len(e.parts) > n + 1 and e.parts[:n] == prefix}
    names.update(d[n] for d in tree.dirs if len(d) > n and d[:n] == prefix)
    return sorted(names)


def _has_images_at(tree: FileTree, prefix: tuple[str, ...]) -> bool:
    n = len(prefix)
    return any(len(e.parts) == n + 1 and e.parts[:n] == prefix and is_image_name(e.parts[-1])
               for e in tree.entries)  # fmt: skip


def _unwrap(tree: FileTree, prefix: tuple[str, ...]) -> tuple[str, ...]:
    """Descends through lone wrapper folders (one subfolder which itself has subfolders)."""
    while True:
        dirs = _subdirs(tree, prefix)
        if len(dirs) != 1 or dirs[0].lower() in ("train", "test", "images"):
            return prefix
        inner = (*prefix, dirs[0])
        if not _subdirs(tree, inner) or _has_images_at(tree, prefix):
            return prefix
        prefix = inner


def _class_root(tree: FileTree, prefix: tuple[str, ...]) -> tuple[str, ...]:
    """The folder whose subfolders are the classes: `prefix`, or its `images/` folder."""
    prefix = _unwrap(tree, prefix)
    dirs = {d.lower(): d for d in _subdirs(tree, prefix)}
    if "images" in dirs and _subdirs(tree, (*prefix, dirs["images"])):
        return (*prefix, dirs["images"])
    return prefix


def find_splits(tree: FileTree, where: object) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
    """The class roots of the training split and of the test split (or `None`).

    Raises:
        ValueError: if there is a `test/` folder but no `train/` folder.
    """
    prefix = _unwrap(tree, ())
    dirs = {d.lower(): d for d in _subdirs(tree, prefix)}
    if "train" in dirs:
        test = _class_root(tree, (*prefix, dirs["test"])) if "test" in dirs else None
        return _class_root(tree, (*prefix, dirs["train"])), test
    if "test" in dirs:
        raise ValueError(
            f"{where} has a test/ folder but no train/ folder. Test images are for final "
            "evaluation only: give the training images as path and this one as test_path."
        )
    return _class_root(tree, prefix), None


def find_test_root(tree: FileTree, where: object) -> tuple[str, ...]:
    """The class root of a separate test source: its `test/` folder, or its class folders."""
    prefix = _unwrap(tree, ())
    dirs = {d.lower(): d for d in _subdirs(tree, prefix)}
    if "test" in dirs:
        return _class_root(tree, (*prefix, dirs["test"]))
    if "train" in dirs:
        raise ValueError(
            f"test_path {where} holds a train/ folder and no test/ folder; point test_path at "
            "the test images (a test/ folder, or a folder of class subfolders)."
        )
    return _class_root(tree, prefix)


def collect(tree: FileTree, root: tuple[str, ...]) -> tuple[list[str], list[Entry], list[str], int]:
    """Lists the classes under `root` and their image files.

    Returns:
        `(classes, files, file_classes, skipped)`: all class folder names (sorted), the image
        files in a fixed pseudo-random order, each file's class name, and how many files under
        `root` were left out (not images by name, too large, or not inside a class folder).
    """
    n = len(root)
    classes = _subdirs(tree, root)
    pairs, skipped = [], 0
    for entry in tree.entries:
        if entry.parts[:n] != root:
            continue
        rest = entry.parts[n:]
        if len(rest) < 2 or not is_image_name(rest[-1]) or entry.size > filetree.MAX_MEMBER_BYTES:
            skipped += 1
        else:
            pairs.append((rest[0], entry))
    pairs.sort(key=lambda pair: (pair[0], pair[1].parts))
    order = np.random.default_rng(_ORDER_SEED).permutation(len(pairs))
    pairs = [pairs[i] for i in order]
    return classes, [p[1] for p in pairs], [p[0] for p in pairs], skipped


# Loading ------------------------------------------------------------------------------------------


def _chosen(files, labels, limit):
    """A class-balanced subset of `files` (the ones that will be decoded) and their labels."""
    chosen = balanced_indices(labels, limit)
    return [files[i] for i in chosen], labels[chosen]


def _decode_split(tree, files, labels, size, progress, split):
    """Decodes `files`; returns `(x, y, failed)`."""

    def report(message: str, fraction: float | None) -> None:
        if progress:
            progress(f"{split}: {message}", fraction)

    x, ok = decode_many(files, tree.read, size, report)
    return x, labels[ok], int((~ok).sum())


def _names(names) -> str:
    """At most `MAX_NAMES_SHOWN` folder names for a message (a wrong folder may hold hundreds)."""
    names = sorted(names)
    shown = repr(names[:MAX_NAMES_SHOWN])
    more = len(names) - MAX_NAMES_SHOWN
    return shown if more <= 0 else f"{shown[:-1]}, ... and {more:,} more]"


def _check_same_classes(train: list[str], test: list[str], test_path: object) -> None:
    if set(train) != set(test):
        raise ValueError(
            f"The test split at {test_path} has different class folders from the training split: "
            f"only in training {_names(set(train) - set(test))}, only in test "
            f"{_names(set(test) - set(train))}. Rename folders so both have the same classes."
        )


def _test_split(tree, test_tree, test_root):
    """Where the test split is: `(tree, class root)`, or `(None, None)` when there is none."""
    if test_tree is not None and test_root is not None:
        raise ValueError(
            f"{tree.path} already has a test/ folder and test_path {test_tree.path} was given "
            "too; leave test_path empty or remove the test/ folder."
        )
    if test_tree is not None:
        return test_tree, find_test_root(test_tree, test_tree.path)
    return (tree, test_root) if test_root is not None else (None, None)


def _labels(index: dict[str, int], names: list[str]) -> np.ndarray:
    return np.array([index[n] for n in names], dtype=np.int64)


def _build(tree, test_tree, image_size, limit, progress) -> dict:
    """Finds the layout, decodes both splits and returns the arrays and metadata to cache."""
    train_root, test_root = find_splits(tree, tree.path)
    classes, files, names, skipped = collect(tree, train_root)
    if not classes:
        raise ValueError(
            f"Found no class folders in {tree.path}; expected one subfolder per class with "
            "images inside (e.g. cats/001.jpg, dogs/001.jpg), or train/<class>/..."
        )
    index = {name: i for i, name in enumerate(classes)}
    source, root = _test_split(tree, test_tree, test_root)
    if source is not None:  # checked before the long decoding
        test_classes, test_files, test_names, test_skipped = collect(source, root)
        _check_same_classes(classes, test_classes, source.path)
        skipped += test_skipped
    train_files, train_labels = _chosen(files, _labels(index, names), limit)
    used = check_pixels(tree, train_files, image_size)
    x_test = y_test = None
    if source is not None:
        test_files, test_labels = _chosen(
            test_files, _labels(index, test_names), cap_for_test(limit)
        )
        check_pixels(source, test_files, image_size, already=used)
    x_train, y_train, failed = _decode_split(
        tree, train_files, train_labels, image_size, progress, "training images"
    )
    skipped += failed
    if source is not None:
        x_test, y_test, failed = _decode_split(
            source, test_files, test_labels, image_size, progress, "test images"
        )
        skipped += failed
    return _relabel(classes, x_train, y_train, x_test, y_test, skipped)


def _relabel(classes, x_train, y_train, x_test, y_test, skipped) -> dict:
    """Drops classes without training images from the label space and renumbers the rest."""
    present = np.bincount(y_train, minlength=len(classes)) > 0
    if present.sum() < 2:
        raise ValueError(
            f"Found usable images in {int(present.sum())} of {len(classes)} class folder(s) "
            f"{_names(classes)}; a "
            "classifier needs at least two classes with images (JPEG, PNG, BMP, GIF, WebP)."
        )
    new_index = np.cumsum(present) - 1
    if x_test is not None:
        keep = present[y_test]
        x_test, y_test = x_test[keep], new_index[y_test[keep]]
    arrays = {"x_train": x_train, "y_train": new_index[y_train], "x_test": x_test, "y_test": y_test}
    meta = {
        "class_names": [c for c, p in zip(classes, present, strict=True) if p],
        "empty_classes": [c for c, p in zip(classes, present, strict=True) if not p],
        "skipped": int(skipped),
    }
    return {"arrays": arrays, "meta": meta}


def _describe(path: Path, test_path: Path | None, arrays: dict, meta: dict, cached: bool) -> str:
    n_test = 0 if arrays.get("x_test") is None else len(arrays["x_test"])
    text = f"{len(arrays['x_train']):,} training images in {len(meta['class_names'])} class folders"
    text += f" from {path}"
    if n_test:
        text += f", {n_test:,} test images" + (f" from {test_path}" if test_path else "")
    return text + (" (decoded earlier, from the cache)" if cached else "")


def _words(path: Path, test_path: Path | None, arrays: dict, meta: dict, cached: bool) -> dict:
    """`_describe` as a message the interface words in its language."""
    n_test = 0 if arrays.get("x_test") is None else len(arrays["x_test"])
    values = {
        "n": len(arrays["x_train"]),
        "classes": len(meta["class_names"]),
        "path": str(path),
        "n_test": n_test,
        "test_path": str(test_path or path),
        "cached": Message("data.origin.cached") if cached else "",
    }
    return Message("data.origin.folder_test" if n_test else "data.origin.folder", values).to_dict()


def load_folder(
    path: str | Path,
    test_path: str | Path | None = None,
    image_size: int = 32,
    limit: int | None = None,
    progress: Progress | None = None,
) -> Dataset:
    """Loads a folder or `.zip` of class subfolders (see the module docstring for layouts).

    Args:
        path: the folder or `.zip`.
        test_path: an optional separate folder or `.zip` with the test split.
        image_size: images are resized to `image_size` × `image_size`.
        limit: at most this many training images (class-balanced) and `limit // 4` test images.
        progress: called with `(message, fraction)` about every 1,000 images.

    Returns:
        A `Dataset` named `"folder"`.

    Raises:
        ValueError: for a missing path, a hostile zip, no classes, or mismatched test classes.
    """
    if progress:
        progress(f"Listing files in {path}", None)
    key = [filetree.fingerprint(path), test_path and filetree.fingerprint(test_path)]
    cache_path = cache.file_for("folders", [*key, image_size, limit])
    hit = cache.load(cache_path)
    if hit is None:
        with contextlib.ExitStack() as stack:
            tree = stack.enter_context(FileTree(path))
            test_tree = stack.enter_context(FileTree(test_path)) if test_path else None
            built = _build(tree, test_tree, image_size, limit, progress)
        arrays, meta = built["arrays"], built["meta"]
        cache.save(cache_path, arrays, meta)
    else:
        arrays, meta = hit
        if progress:
            progress(f"Loaded the decoded images of {path} from the cache", 1.0)
    test_p = Path(test_path) if test_path else None
    return Dataset(
        name="folder",
        x_train=arrays["x_train"],
        y_train=arrays["y_train"],
        x_test=arrays.get("x_test"),
        y_test=arrays.get("y_test"),
        class_names=list(meta["class_names"]),
        source=_describe(Path(path), test_p, arrays, meta, cached=hit is not None),
        source_words=_words(Path(path), test_p, arrays, meta, cached=hit is not None),
        skipped=int(meta["skipped"]),
        empty_classes=list(meta["empty_classes"]),
    )
