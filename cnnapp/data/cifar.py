"""CIFAR-100 (its first 25 fine classes) and CIFAR-10 from the official Python-pickle archives.

Where the archive is looked for, in order:

1. an explicit path: `ref["path"]`, else the setting `cifar100_path` / `cifar10_path` (env
   `CNNAPP_CIFAR100` / `CNNAPP_CIFAR10`): the `.tar.gz` or its extracted folder;
2. Keras's cache (`$KERAS_HOME` or `~/.keras`, then `datasets/`), under the names Keras 3 uses
   (`cifar-100-python-target/`, `cifar-100-python-target_archive`) or Keras 2 used
   (`cifar-100-python/`, `cifar-100-python.tar.gz`);
3. `keras.datasets.cifar100.load_data(label_mode="fine")` / `cifar10.load_data()`, which downloads.

Our own reader parses the archives with a restricted unpickler that only rebuilds numpy arrays, and
reads `.tar.gz` members in memory without extracting anything to disk.
"""

from __future__ import annotations

import os
import tarfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cnnapp.data.base import DatasetUnavailableError, Progress
from cnnapp.data.cifar_pickle import parse_batch, unpickle
from cnnapp.messages import Message
from cnnapp.settings import get_settings

CIFAR100_25_NAMES = [
    "apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle", "bicycle",
    "bottle", "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can", "castle",
    "caterpillar", "cattle", "chair", "chimpanzee", "clock", "cloud", "cockroach",
]  # fmt: skip
CIFAR10_NAMES = [
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
]  # fmt: skip
_MAX_MEMBER_BYTES = 400_000_000  # the largest real member (CIFAR-100 train) is ~155 MB


@dataclass(frozen=True)
class CifarSpec:
    """What differs between CIFAR-100/25 and CIFAR-10."""

    title: str
    folder: str  # the folder inside the archive
    archive: str  # the official archive's file name
    train_members: tuple[str, ...]
    test_member: str
    meta_member: str
    label_key: str
    names_key: str
    num_classes: int  # labels kept: 0 .. num_classes - 1
    names: tuple[str, ...]  # shipped names, used when the archive has no meta file
    env_var: str
    setting: str
    keras_module: str
    keras_target: str  # Keras 3's `fname` in get_file

    @property
    def url(self) -> str:
        return f"https://www.cs.toronto.edu/~kriz/{self.archive}"


SPECS = {
    "cifar100_25": CifarSpec(
        title="CIFAR-100 (first 25 classes)",
        folder="cifar-100-python",
        archive="cifar-100-python.tar.gz",
        train_members=("train",),
        test_member="test",
        meta_member="meta",
        label_key="fine_labels",
        names_key="fine_label_names",
        num_classes=25,
        names=tuple(CIFAR100_25_NAMES),
        env_var="CNNAPP_CIFAR100",
        setting="cifar100_path",
        keras_module="cifar100",
        keras_target="cifar-100-python-target",
    ),
    "cifar10": CifarSpec(
        title="CIFAR-10",
        folder="cifar-10-batches-py",
        archive="cifar-10-python.tar.gz",
        train_members=tuple(f"data_batch_{i}" for i in range(1, 6)),
        test_member="test_batch",
        meta_member="batches.meta",
        label_key="labels",
        names_key="label_names",
        num_classes=10,
        names=tuple(CIFAR10_NAMES),
        env_var="CNNAPP_CIFAR10",
        setting="cifar10_path",
        keras_module="cifar10",
        keras_target="cifar-10-batches-py-target",
    ),
}


@dataclass
class CifarArrays:
    """The parsed dataset, before any subset or resize."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: list[str]
    source: str
    source_words: dict | None = None  # `source` as a cnnapp.messages.Message dict


def parse_names(blob: bytes | None, spec: CifarSpec) -> list[str]:
    """The class names from the archive's meta file, else the shipped ones."""
    if blob is not None:
        names = unpickle(blob, f"{spec.title} {spec.meta_member}").get(spec.names_key)
        if isinstance(names, list) and len(names) >= spec.num_classes:
            return [
                n.decode("utf8") if isinstance(n, bytes) else str(n)
                for n in names[: spec.num_classes]
            ]
    return list(spec.names)


# Reading archives and folders ---------------------------------------------------------------------


def _wanted(spec: CifarSpec) -> set[str]:
    return {*spec.train_members, spec.test_member, spec.meta_member}


def _read_tar(path: Path, spec: CifarSpec) -> dict[str, bytes]:
    """Reads the batch members of a CIFAR `.tar.gz` into memory (nothing touches the disk)."""
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(path, "r:*") as tar:
            for member in tar:
                name = member.name.rsplit("/", 1)[-1]
                if member.isfile() and name in _wanted(spec) and name not in found:
                    if member.size > _MAX_MEMBER_BYTES:
                        raise ValueError(f"{path}: member {member.name} is too large.")
                    found[name] = tar.extractfile(member).read()
    except (tarfile.TarError, OSError, EOFError) as error:
        raise ValueError(
            f"{path} is not a readable {spec.archive} ({error}); download it again from {spec.url}."
        ) from None
    return found


def _read_folder(path: Path, spec: CifarSpec) -> dict[str, bytes]:
    """Reads the batch files of an extracted archive (the folder itself or its parent)."""
    for folder in (path, path / spec.folder):
        if (folder / spec.test_member).is_file():
            return {n: (folder / n).read_bytes() for n in _wanted(spec) if (folder / n).is_file()}
    return {}


def read_arrays(path: Path, spec: CifarSpec, progress: Progress | None = None) -> CifarArrays:
    """Parses the archive or folder at `path` and keeps labels below `spec.num_classes`.

    Raises:
        ValueError: if files are missing or malformed.
    """
    if progress:
        progress(f"Reading {spec.title} from {path}", None)
    files = _read_folder(path, spec) if path.is_dir() else _read_tar(path, spec)
    missing = [n for n in (*spec.train_members, spec.test_member) if n not in files]
    if missing:
        raise ValueError(
            f"{path} lacks {', '.join(missing)}; expected {spec.archive} or its extracted "
            f"'{spec.folder}' folder (download it from {spec.url})."
        )
    parts = [parse_batch(files[n], spec.label_key, f"{path}/{n}") for n in spec.train_members]
    x_train = np.concatenate([p[0] for p in parts])
    y_train = np.concatenate([p[1] for p in parts])
    x_test, y_test = parse_batch(files[spec.test_member], spec.label_key, f"{path}/test")
    keep_train = np.isin(y_train, range(spec.num_classes))
    keep_test = np.isin(y_test, range(spec.num_classes))
    return CifarArrays(
        x_train=x_train[keep_train],
        y_train=y_train[keep_train],
        x_test=x_test[keep_test],
        y_test=y_test[keep_test],
        class_names=parse_names(files.get(spec.meta_member), spec),
        source=f"{spec.title} from {path}",
        source_words=Message(
            "data.origin.file", {"title": spec.title, "path": str(path)}
        ).to_dict(),
    )


# Finding the data ---------------------------------------------------------------------------------


def keras_cache_candidates(spec: CifarSpec) -> list[Path]:
    """Where Keras 3 (and Keras 2) leave the downloaded archive, most useful first."""
    home = os.environ.get("KERAS_HOME")
    if home is None:
        base = os.path.expanduser("~")
        home = os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")
    datasets = Path(home).expanduser() / "datasets"
    return [
        datasets / spec.keras_target / spec.folder,
        datasets / f"{spec.keras_target}_archive",
        datasets / spec.folder,
        datasets / spec.archive,
    ]


def _download_with_keras(spec: CifarSpec, progress: Progress | None) -> CifarArrays:
    """Lets Keras download the archive (it prints its own progress bar) and returns the arrays."""
    if progress:
        progress(f"Downloading {spec.title} from {spec.url} (Keras prints its progress)", None)
    import keras  # lazy: importing Keras loads TensorFlow

    module = getattr(keras.datasets, spec.keras_module)
    if spec.keras_module == "cifar100":
        (x_train, y_train), (x_test, y_test) = module.load_data(label_mode="fine")
    else:
        (x_train, y_train), (x_test, y_test) = module.load_data()
    y_train = np.asarray(y_train, dtype=np.int64).reshape(-1)
    y_test = np.asarray(y_test, dtype=np.int64).reshape(-1)
    keep_train = np.isin(y_train, range(spec.num_classes))
    keep_test = np.isin(y_test, range(spec.num_classes))
    return CifarArrays(
        x_train=np.ascontiguousarray(x_train[keep_train], dtype=np.uint8),
        y_train=y_train[keep_train],
        x_test=np.ascontiguousarray(x_test[keep_test], dtype=np.uint8),
        y_test=y_test[keep_test],
        class_names=list(spec.names),
        source=f"{spec.title} downloaded by Keras from {spec.url}",
        source_words=Message("data.origin.keras", {"title": spec.title, "url": spec.url}).to_dict(),
    )


def _unavailable(spec: CifarSpec, error: Exception) -> DatasetUnavailableError:
    return DatasetUnavailableError(
        f"{spec.title} is not on this computer and could not be downloaded ({error}). "
        f"Download {spec.url} (the file {spec.archive}) on a computer with internet, copy it "
        f"here, and set the environment variable {spec.env_var} to its path (the .tar.gz or "
        f"its extracted '{spec.folder}' folder), or put it in ~/.keras/datasets/. "
        "Meanwhile the 'procedural' dataset works offline."
    )


def load_cifar(name: str, path: str | None = None, progress: Progress | None = None) -> CifarArrays:
    """Loads CIFAR-100/25 (`name="cifar100_25"`) or CIFAR-10 (`name="cifar10"`).

    Args:
        name: `"cifar100_25"` or `"cifar10"`.
        path: the archive or its extracted folder; default: the setting, then Keras's cache.
        progress: called with `(message, fraction)` while loading.

    Returns:
        The arrays, with class names from the archive's meta file (or the shipped ones).

    Raises:
        ValueError: if an explicit path does not exist or the archive is malformed.
        DatasetUnavailableError: if no copy is found and Keras cannot download one.
    """
    spec = SPECS[name]
    explicit = path or getattr(get_settings(), spec.setting)
    if explicit:
        explicit = Path(explicit).expanduser()
        if not explicit.exists():
            raise ValueError(
                f"{spec.title}: {explicit} does not exist; point path (or {spec.env_var}) at "
                f"{spec.archive} or its extracted '{spec.folder}' folder."
            )
        return read_arrays(explicit, spec, progress)
    for candidate in keras_cache_candidates(spec):
        if candidate.exists():
            return read_arrays(candidate, spec, progress)
    try:
        return _download_with_keras(spec, progress)
    except Exception as error:  # noqa: BLE001 - offline, proxy, disk: all mean "unavailable"
        raise _unavailable(spec, error) from error
