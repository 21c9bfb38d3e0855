"""Caltech-UCSD Birds 200 (CUB-200, 2010) and CUB-200-2011, in their official layouts.

- `"cub200"` (the assignment's): 6,033 images of 200 species, `images/<NNN.Species>/*.jpg` and
  `lists/train.txt` / `lists/test.txt` (3,000 / 3,033 images), as in the official `images.tgz`
  and `lists.tgz`.
- `"cub200_2011"`: 11,788 images, `images/`, `images.txt`, `train_test_split.txt`, `classes.txt`
  and `image_class_labels.txt` (5,994 / 5,794), as in the official `CUB_200_2011.tgz`.

`path` is a folder (extracted, or holding the downloaded archives) or an archive itself (`.tgz`,
`.tar.gz`, `.tar`, `.zip`; an `images.tgz` finds its `lists.tgz` beside it). Archives are read in
place, never extracted. Without a path, the archives are looked for in `<data dir>/birds/` and
downloaded there when missing. Species names are cleaned for display (`017.Cardinal` ->
"Cardinal", underscores to spaces). The training images are put in a fixed pseudo-random order
(seed 0), so the validation part mixes all species, as the assignment's template shuffled them.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from cnnapp.data import cache
from cnnapp.data.archives import Source, is_tar_name
from cnnapp.data.base import (
    Dataset,
    DatasetUnavailableError,
    Progress,
    balanced_indices,
    cap_for_test,
)
from cnnapp.data.decode import decode_many
from cnnapp.data.filetree import fingerprint
from cnnapp.messages import Message
from cnnapp.settings import get_settings

HOMEPAGE = "https://www.vision.caltech.edu/datasets/cub_200_2011/"
DOWNLOADS = {
    "cub200": {
        "images.tgz": "http://www.vision.caltech.edu/visipedia-data/CUB-200/images.tgz",
        "lists.tgz": "http://www.vision.caltech.edu/visipedia-data/CUB-200/lists.tgz",
    },
    "cub200_2011": {
        "CUB_200_2011.tgz": "https://data.caltech.edu/records/65de2-vp889/files/CUB_200_2011.tgz",
    },
}
TITLES = {"cub200": "CUB-200 (2010)", "cub200_2011": "CUB-200-2011"}
_ORDER_SEED = 0
_CHUNK = 500  # images decoded at once while streaming an archive


def clean_species(folder: str) -> str:
    """A species folder name for display: `"017.Cardinal"` -> `"Cardinal"`,
    `"001.Black_footed_Albatross"` -> `"Black footed Albatross"`."""
    name = re.sub(r"^\d+\.", "", folder.strip())
    return name.replace("_", " ").strip() or folder


def _image_key(name: str) -> str | None:
    """`<anything>/images/<species>/<file>` -> `<species>/<file>`; None for other files."""
    parts = name.split("/")
    if "images" not in parts[:-2]:
        return None
    start = len(parts) - 1 - parts[::-1].index("images")
    rest = parts[start + 1 :]
    return "/".join(rest) if len(rest) == 2 else None


def _text(sources: list[Source], suffix: str) -> str | None:
    """The text of the first file whose name is `suffix` or ends with `/suffix`."""
    for source in sources:
        for name, text in source.texts.items():
            if name == suffix or name.endswith("/" + suffix):
                return text
    return None


def _lines(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines() if line.strip()]


def _layout_2010(sources: list[Source], where: object) -> tuple[list, list, list[str]]:
    train, test = _text(sources, "lists/train.txt"), _text(sources, "lists/test.txt")
    if train is None or test is None:
        raise ValueError(
            f"{where} has no lists/train.txt and lists/test.txt: CUB-200 (2010) needs both "
            f"images.tgz and lists.tgz ({DOWNLOADS['cub200']['lists.tgz']}). Put lists.tgz beside "
            "images.tgz (or extract both into one folder)."
        )
    splits = [[row[0] for row in _lines(text)] for text in (train, test)]
    classes = sorted({key.split("/")[0] for split in splits for key in split})
    index = {name: i for i, name in enumerate(classes)}
    labelled = [[(key, index[key.split("/")[0]]) for key in split] for split in splits]
    return labelled[0], labelled[1], classes


def _layout_2011(sources: list[Source], where: object) -> tuple[list, list, list[str]]:
    texts = {
        name: _text(sources, name)
        for name in ("images.txt", "train_test_split.txt", "classes.txt", "image_class_labels.txt")
    }
    missing = [name for name, text in texts.items() if text is None]
    if missing:
        raise ValueError(
            f"{where} lacks {missing} of CUB-200-2011's layout; give the folder or archive "
            f"CUB_200_2011.tgz as downloaded from {HOMEPAGE}."
        )
    paths = {row[0]: row[1] for row in _lines(texts["images.txt"])}
    is_train = {row[0]: row[1] == "1" for row in _lines(texts["train_test_split.txt"])}
    label = {row[0]: int(row[1]) - 1 for row in _lines(texts["image_class_labels.txt"])}
    classes = [row[1] for row in sorted(_lines(texts["classes.txt"]), key=lambda r: int(r[0]))]
    train = [(paths[i], label[i]) for i in paths if is_train.get(i)]
    test = [(paths[i], label[i]) for i in paths if not is_train.get(i)]
    return train, test, classes


def _wrong_layout(name: str, sources: list[Source], where: object) -> ValueError | None:
    """A helpful error when the files are the other layout's."""
    has_2011 = _text(sources, "train_test_split.txt") is not None
    has_2010 = _text(sources, "lists/train.txt") is not None
    if name == "cub200" and has_2011 and not has_2010:
        return ValueError(
            f"{where} is CUB-200-2011 (it has train_test_split.txt): choose cub200_2011."
        )
    if name == "cub200_2011" and has_2010 and not has_2011:
        return ValueError(f"{where} is CUB-200 (2010) (it has lists/train.txt): choose cub200.")
    return None


def _source_paths(name: str, path: Path) -> list[Path]:
    """The folder or archives that hold dataset `name` at `path`."""
    if path.is_file():
        paths = [path]
        if path.name.lower() == "images.tgz" and (path.parent / "lists.tgz").is_file():
            paths.append(path.parent / "lists.tgz")
        return paths
    archives = sorted(p for p in path.iterdir() if p.is_file() and is_tar_name(p.name))
    if archives and not (path / "images").is_dir():
        official = [p for p in archives if p.name in DOWNLOADS[name]]  # both editions may be here
        return official or archives
    return [path]


def _default_path(name: str, progress: Progress | None) -> Path:
    """`<data dir>/birds` with the official archives, downloading them when missing."""
    folder = get_settings().data_dir / "birds"
    files = DOWNLOADS[name]
    for file_name, url in files.items():
        if (folder / file_name).is_file():
            continue
        if progress:
            progress(f"Downloading {file_name} from {url}", None)
        try:
            _download(file_name, url, folder)
        except Exception as error:  # noqa: BLE001 - Keras raises a bare Exception offline
            raise DatasetUnavailableError(
                f"{TITLES[name]} is not on this machine and could not be downloaded ({error}). "
                f"Download {' and '.join(files.values())} (see {HOMEPAGE}) and put "
                f"{' and '.join(files)} in {folder}, or give the folder or archive as the "
                "dataset path."
            ) from None
    return folder / next(iter(files)) if len(files) == 1 else folder


def _download(file_name: str, url: str, folder: Path) -> Path:
    import keras

    return Path(
        keras.utils.get_file(file_name, url, cache_dir=str(folder.parent), cache_subdir=folder.name)
    )


def _decode(sources, keys: list[str], image_size: int, progress, split: str):
    """Decodes the images `keys` (species/file) from the sources; returns `(x, ok)`."""
    position = {key: i for i, key in enumerate(keys)}
    x = np.zeros((len(keys), image_size, image_size, 3), dtype=np.uint8)
    ok = np.zeros(len(keys), dtype=bool)
    batch: list[tuple[int, bytes | None]] = []

    def flush() -> None:
        images, decoded = decode_many([b for _, b in batch], lambda b: b, image_size)
        where = [i for (i, _), good in zip(batch, decoded, strict=True) if good]
        x[where], ok[where] = images, True
        batch.clear()
        if progress:
            progress(f"{split}: {int(ok.sum()):,} of {len(keys):,} images", ok.mean())

    for source in sources:
        wanted = {n for n in source.names if _image_key(n) in position}
        for name, blob in source.stream(wanted):
            if not ok[position[_image_key(name)]]:
                batch.append((position[_image_key(name)], blob))
            if len(batch) >= _CHUNK:
                flush()
    if batch:
        flush()
    return x[ok], ok


def _build(name: str, sources: list[Source], where, image_size, limit, progress) -> dict:
    error = _wrong_layout(name, sources, where)
    if error:
        raise error
    layout = _layout_2010 if name == "cub200" else _layout_2011
    train, test, classes = layout(sources, where)
    order = np.random.default_rng(_ORDER_SEED).permutation(len(train))
    train = [train[i] for i in order]
    arrays, skipped = {}, 0
    for split, items, cap in [("train", train, limit), ("test", test, cap_for_test(limit))]:
        labels = np.array([label for _, label in items], dtype=np.int64)
        chosen = balanced_indices(labels, cap)
        keys = [items[i][0] for i in chosen]
        x, ok = _decode(sources, keys, image_size, progress, f"{split} images")
        arrays[f"x_{split}"], arrays[f"y_{split}"] = x, labels[chosen][ok]
        skipped += int((~ok).sum())
    if len(arrays["x_train"]) == 0:
        raise ValueError(
            f"None of the {len(train):,} training images listed in {where} could be read; the "
            "images/ folder is missing or damaged. Download the dataset again."
        )
    return {"arrays": arrays, "meta": {"class_names": classes, "skipped": skipped}}


def load_birds(
    name: str,
    path: str | Path | None = None,
    image_size: int = 224,
    limit: int | None = None,
    progress: Progress | None = None,
) -> Dataset:
    """Loads CUB-200 (`"cub200"`) or CUB-200-2011 (`"cub200_2011"`).

    Args:
        name: `"cub200"` or `"cub200_2011"`.
        path: the folder or archive; `None` looks in (and downloads into) `<data dir>/birds/`.
        image_size: images are resized to `image_size` × `image_size` (aspect ratio not kept).
        limit: at most this many training images (class-balanced), and `limit // 4` test images.
        progress: called with `(message, fraction)` while reading and decoding.

    Returns:
        A `Dataset` with the official train/test split; `class_names` are cleaned species names.

    Raises:
        ValueError: unknown name, missing files, a hostile or damaged archive, the other layout.
        DatasetUnavailableError: no path, and the download failed (the message gives the URL).
    """
    if name not in DOWNLOADS:
        raise ValueError(f"Unknown birds dataset {name!r}; expected one of {sorted(DOWNLOADS)}.")
    path = Path(path).expanduser() if path else _default_path(name, progress)
    if not path.exists():
        raise ValueError(f"{path} does not exist; give the folder or archive of {TITLES[name]}.")
    paths = _source_paths(name, path)
    key = [name, [fingerprint(p) for p in paths], image_size, limit]
    cache_path = cache.file_for("birds", key)
    hit = cache.load(cache_path)
    if hit is None:
        if progress:
            progress(f"Listing the files of {path}", None)
        sources = [Source(p) for p in paths]
        try:
            built = _build(name, sources, path, image_size, limit, progress)
        finally:
            for source in sources:
                source.close()
        arrays, meta = built["arrays"], built["meta"]
        cache.save(cache_path, arrays, meta)
    else:
        arrays, meta = hit
    n_train, n_test = len(arrays["x_train"]), len(arrays["x_test"])
    return Dataset(
        name=name,
        x_train=arrays["x_train"],
        y_train=arrays["y_train"],
        x_test=arrays["x_test"],
        y_test=arrays["y_test"],
        class_names=[clean_species(c) for c in meta["class_names"]],
        source=f"{TITLES[name]}: {n_train:,} training and {n_test:,} test images of "
        f"{len(meta['class_names'])} species from {path}"
        + (" (decoded earlier, from the cache)" if hit is not None else ""),
        skipped=int(meta["skipped"]),
        source_words=Message(
            "data.origin.birds",
            {
                "title": TITLES[name],
                "n": n_train,
                "n_test": n_test,
                "species": len(meta["class_names"]),
                "path": str(path),
                "cached": Message("data.origin.cached") if hit is not None else "",
            },
        ).to_dict(),
    )
