"""Where pretrained ImageNet weights come from: a local folder, Keras's cache, or a download.

Looked for, in order, in `CNNAPP_WEIGHTS_DIR` (when set) and in Keras's own cache
(`~/.keras/models/`, or `$KERAS_HOME/models/`):

- Keras's own file names, e.g. `resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5` (without
  the classifier) or `resnet50_weights_tf_dim_ordering_tf_kernels.h5` (with it);
- `<backbone>_imagenet.weights.h5`: the weights of the full `keras.applications` model with its
  1000-class top, saved with `model.save_weights` (e.g. `mobilenet_v2_imagenet.weights.h5`); they
  are loaded into the full model and the base is taken from it.

If none is there, Keras downloads its file into its cache; offline, `WeightsUnavailableError`
(with `code` "offline") says which file to download and where to put it, never the download's own
error text. `imagenet_class_index.json` is found the same way. `find_weights` and
`class_index_file` only look on disk, so a page can say what is available before loading anything.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from cnnapp.settings import get_settings

_KERAS_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/"
CLASS_INDEX_FILE = "imagenet_class_index.json"
CLASS_INDEX_URL = _KERAS_BASE + "data/imagenet_class_index.json"


OFFLINE = "offline"  # the file could not be fetched: no internet, no DNS, a firewall, HTTP error
DOWNLOAD_FAILED = "download_failed"  # it was fetched, but did not arrive intact or was not saved


class WeightsUnavailableError(RuntimeError):
    """Pretrained weights (or the class index) are neither on disk nor downloadable.

    The message says which file to get and where to put it. The attributes let a page say the
    same in its own words and language.

    Attributes:
        code: `OFFLINE` or `DOWNLOAD_FAILED`.
        file_name: the file that is missing, e.g. "resnet50_weights_tf_dim_ordering_tf_kernels.h5".
        url: where it is downloaded from.
        folder: where to put it: `CNNAPP_WEIGHTS_DIR` when set, else Keras's cache.
        detail: the download's own error, for logs (not shown to students).
    """

    def __init__(
        self, message: str, *, code: str, file_name: str, url: str, folder: Path, detail: str = ""
    ):
        super().__init__(message)
        self.code, self.file_name, self.url = code, file_name, url
        self.folder, self.detail = Path(folder), detail

    def __reduce__(self):  # keyword-only fields survive pickling (e.g. to another process)
        fields = {"code": self.code, "file_name": self.file_name, "url": self.url}
        return _rebuild, (str(self), {**fields, "folder": self.folder, "detail": self.detail})


def _rebuild(message: str, fields: dict) -> WeightsUnavailableError:
    return WeightsUnavailableError(message, **fields)


@dataclass(frozen=True)
class KerasFiles:
    """Keras's file names for one backbone's ImageNet weights, and where Keras downloads them."""

    notop: str
    top: str
    folder_url: str
    notop_hash: str | None = None
    top_hash: str | None = None


KERAS_FILES = {
    "resnet50": KerasFiles(
        "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "resnet50_weights_tf_dim_ordering_tf_kernels.h5",
        _KERAS_BASE + "resnet/",
        "4d473c1dd8becc155b73f8504c6f6626",
        "2cb95161c43110f7111970584f804107",
    ),
    "mobilenet_v2": KerasFiles(
        # The 224×224 weights, which Keras also uses for other input sizes.
        "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5",
        "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5",
        _KERAS_BASE + "mobilenet_v2/",
    ),
}


@dataclass(frozen=True)
class WeightsFile:
    """A weights file on disk and what it holds: `"notop"` (the base only) or `"full"` (with the
    1000-class top: Keras's legacy `.h5` or our `<backbone>_imagenet.weights.h5`)."""

    path: Path
    holds: str


def search_dirs() -> list[Path]:
    """The folders searched for weights: `CNNAPP_WEIGHTS_DIR` (if set), then Keras's cache."""
    keras_home = Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras")
    dirs = [keras_home / "models"]
    if get_settings().weights_dir is not None:
        dirs.insert(0, get_settings().weights_dir)
    return dirs


def _files(backbone: str) -> KerasFiles:
    if backbone not in KERAS_FILES:
        raise ValueError(f"Unknown backbone {backbone!r}; expected one of {sorted(KERAS_FILES)}.")
    return KERAS_FILES[backbone]


def find_weights(backbone: str, include_top: bool = False) -> WeightsFile | None:
    """The best local weights file for `backbone`, or `None` when there is none.

    Args:
        backbone: "resnet50" or "mobilenet_v2".
        include_top: whether the classifier's weights are needed too.

    Returns:
        A `WeightsFile`, or `None`.
    """
    files = _files(backbone)
    wanted = [(f"{backbone}_imagenet.weights.h5", "full"), (files.top, "full")]
    if not include_top:
        wanted.insert(0, (files.notop, "notop"))
    for folder in search_dirs():
        for name, holds in wanted:
            if (folder / name).is_file():
                return WeightsFile(folder / name, holds)
    return None


def weights_folder() -> Path:
    """Where a missing weights file should go: `CNNAPP_WEIGHTS_DIR` when set, else Keras's cache."""
    return get_settings().weights_dir or search_dirs()[-1]


def _failure_code(error: Exception) -> str:
    """`OFFLINE` when the file could not be fetched (no internet, no DNS, refused, HTTP error),
    `DOWNLOAD_FAILED` when it was, but did not arrive intact (hash mismatch, disk full)."""
    import urllib.error

    if isinstance(error, (urllib.error.URLError, ConnectionError, TimeoutError)):
        return OFFLINE
    return OFFLINE if "URL fetch failure" in str(error) else DOWNLOAD_FAILED  # Keras's wording


def _unavailable(what: str, name: str, url: str, error: Exception) -> WeightsUnavailableError:
    code, where = _failure_code(error), weights_folder()
    reason = "no connection to the download server" if code == OFFLINE else "the download failed"
    return WeightsUnavailableError(
        f"{what} {name} is not on this machine and could not be downloaded from {url} ({reason}). "
        f"Put {name} in {where} (or set CNNAPP_WEIGHTS_DIR to a folder holding it).",
        code=code,
        file_name=name,
        url=url,
        folder=where,
        detail=str(error),
    )


def _download(name: str, url: str, file_hash: str | None) -> Path:
    import keras

    return Path(keras.utils.get_file(name, url, cache_subdir="models", file_hash=file_hash))


def fetch_weights(backbone: str, include_top: bool = False) -> WeightsFile:
    """A local weights file for `backbone`, downloading Keras's when there is none.

    Raises:
        WeightsUnavailableError: offline with no file; the message names the file and folder.
    """
    found = find_weights(backbone, include_top)
    if found is not None:
        return found
    files = _files(backbone)
    name, file_hash = (
        (files.top, files.top_hash) if include_top else (files.notop, files.notop_hash)
    )
    url = files.folder_url + name
    try:
        return WeightsFile(_download(name, url, file_hash), "full" if include_top else "notop")
    except Exception as error:  # noqa: BLE001 - Keras raises a bare Exception for URL failures
        raise _unavailable(f"{backbone}'s ImageNet weights file", name, url, error) from None


def fetch_class_index() -> Path:
    """The path of `imagenet_class_index.json`, downloading Keras's when there is none.

    Raises:
        WeightsUnavailableError: offline with no file.
    """
    found = class_index_file()
    if found is not None:
        return found
    try:
        return _download(CLASS_INDEX_FILE, CLASS_INDEX_URL, None)
    except Exception as error:  # noqa: BLE001
        raise _unavailable(
            "The ImageNet class index", CLASS_INDEX_FILE, CLASS_INDEX_URL, error
        ) from None


def class_index_file() -> Path | None:
    """The local `imagenet_class_index.json`, or `None` (nothing is downloaded)."""
    for folder in search_dirs():
        if (folder / CLASS_INDEX_FILE).is_file():
            return folder / CLASS_INDEX_FILE
    return None


def expected_file(backbone: str, include_top: bool = False) -> str:
    """The name of Keras's weights file for `backbone`, as it should be put in the folder.

    Example:
        >>> expected_file("resnet50", include_top=True)
        'resnet50_weights_tf_dim_ordering_tf_kernels.h5'
    """
    files = _files(backbone)
    return files.top if include_top else files.notop


def identity(backbone: str, weights: str | None) -> list:
    """What identifies the weights a backbone gets, for cache keys (file name, size, mtime).

    Raises:
        WeightsUnavailableError: for "imagenet" offline with no file.
    """
    if weights is None:
        return ["random"]
    found = fetch_weights(backbone)
    stat = found.path.stat()
    return [found.path.name, stat.st_size, stat.st_mtime_ns]


@functools.lru_cache(maxsize=2)
def _full_model_weights(backbone: str, path: str, mtime_ns: int) -> dict[str, list]:
    """Every layer's weights of the full model (with top) loaded from `path`, by layer name."""
    import keras

    from cnnapp.nets.backbone_catalog import BACKBONES

    constructor = getattr(keras.applications, BACKBONES[backbone].constructor)
    full = constructor(include_top=True, weights=None)
    full.load_weights(path)
    return {layer.name: layer.get_weights() for layer in full.layers if layer.weights}


def load_pretrained(network, backbone: str, include_top: bool = False) -> WeightsFile:
    """Sets a `keras.applications` network's weights to ImageNet's.

    Args:
        network: the network built with `weights=None` (with or without its top).
        backbone: which one it is.
        include_top: whether `network` has its 1000-class top.

    Returns:
        The file the weights came from.

    Raises:
        WeightsUnavailableError: offline with no file.
    """
    found = fetch_weights(backbone, include_top)
    if include_top or found.holds == "notop":
        network.load_weights(str(found.path))  # a file for exactly this network
        return found
    weights = _full_model_weights(backbone, str(found.path), found.path.stat().st_mtime_ns)
    for layer in network.layers:
        if layer.weights:
            layer.set_weights(weights[layer.name])
    return found
