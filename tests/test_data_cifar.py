"""CIFAR loaders: tiny archives in the official pickle format, written in tmp_path."""

from __future__ import annotations

import io
import os
import pickle
import sys
import tarfile
import types
from pathlib import Path

import numpy as np
import pytest

from cnnapp.data import DatasetUnavailableError, cifar, load_dataset

REAL_DOWNLOAD = cifar._download_with_keras  # before the fixture replaces it
# Pixels with known values, to check the channel-first -> channels-last conversion.
R_AT, G_AT, B_AT = (1, 2), (3, 4), (5, 6)  # (row, column) of the marked pixel in each channel


def batch(labels: list[int], label_key: str, start: int = 0) -> dict:
    """A batch as the official files hold it: bytes keys, `(n, 3072)` uint8 rows."""
    n = len(labels)
    data = np.zeros((n, 3072), dtype=np.uint8)
    data[:, 0] = (np.arange(n) + start) % 256  # red (0, 0): the image's position
    data[:, 0 * 1024 + R_AT[0] * 32 + R_AT[1]] = 200
    data[:, 1 * 1024 + G_AT[0] * 32 + G_AT[1]] = 100
    data[:, 2 * 1024 + B_AT[0] * 32 + B_AT[1]] = np.array(labels, dtype=np.uint8)  # blue: label
    out = {b"batch_label": b"training batch", b"data": data, label_key.encode(): list(labels)}
    if label_key == "fine_labels":
        out[b"coarse_labels"] = [label // 5 for label in labels]
    return out


def pickled(obj) -> bytes:
    return pickle.dumps(obj, protocol=2)


def cifar100_files(with_meta: bool = True) -> dict[str, bytes]:
    """30 classes (5 beyond the 25 kept): 2 training and 1 test image each, interleaved."""
    train_labels = [c for _ in range(2) for c in reversed(range(30))]
    files = {
        "train": pickled(batch(train_labels, "fine_labels")),
        "test": pickled(batch(list(range(30)), "fine_labels")),
    }
    if with_meta:
        names = [f"fine{i:02d}".encode() for i in range(30)]
        meta = {b"fine_label_names": names, b"coarse_label_names": [b"c"] * 6}
        files["meta"] = pickled(meta)
    return files


def cifar10_files(with_meta: bool = True) -> dict[str, bytes]:
    """5 batches of 10 images (one per class) and a test batch of 10."""
    files = {
        f"data_batch_{i}": pickled(batch(list(range(10)), "labels", start=10 * (i - 1)))
        for i in range(1, 6)
    }
    files["test_batch"] = pickled(batch(list(range(10))[::-1], "labels"))
    if with_meta:
        files["batches.meta"] = pickled({b"label_names": [f"ten{i}".encode() for i in range(10)]})
    return files


def write_tar(path: Path, folder: str, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, blob in files.items():
            info = tarfile.TarInfo(f"{folder}/{name}")
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    return path


def write_folder(root: Path, folder: str, files: dict[str, bytes]) -> Path:
    target = root / folder
    target.mkdir(parents=True)
    for name, blob in files.items():
        (target / name).write_bytes(blob)
    return target


@pytest.fixture(autouse=True)
def no_real_cifar(tmp_path, monkeypatch):
    """No setting, no real Keras cache, no download: only what a test writes is found."""
    monkeypatch.delenv("CNNAPP_CIFAR100", raising=False)
    monkeypatch.delenv("CNNAPP_CIFAR10", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))

    def offline(spec, progress):
        raise OSError("URL fetch failure: no network in tests")

    monkeypatch.setattr(cifar, "_download_with_keras", offline)


def check_cifar100(dataset, names: list[str]) -> None:
    kept = [c for _ in range(2) for c in reversed(range(30)) if c < 25]
    assert dataset.x_train.shape == (50, 32, 32, 3) and dataset.x_train.dtype == np.uint8
    assert dataset.y_train.dtype == np.int64 and list(dataset.y_train) == kept
    assert dataset.x_test.shape == (25, 32, 32, 3) and list(dataset.y_test) == list(range(25))
    x = dataset.x_train
    assert (x[:, R_AT[0], R_AT[1], 0] == 200).all() and (x[:, R_AT[0], R_AT[1], 1:] == 0).all()
    assert (x[:, G_AT[0], G_AT[1], 1] == 100).all()
    assert list(x[:, B_AT[0], B_AT[1], 2]) == kept  # the label, in the blue channel
    positions = [
        i for i, c in enumerate(c for _ in range(2) for c in reversed(range(30))) if c < 25
    ]
    assert list(x[:, 0, 0, 0]) == positions  # original order kept
    assert dataset.class_names == names and dataset.num_classes == 25
    assert dataset.input_shape == (32, 32, 3)


def test_cifar100_tar_keeps_the_first_25_classes_with_meta_names(tmp_path):
    archive = write_tar(tmp_path / "cifar-100-python.tar.gz", "cifar-100-python", cifar100_files())
    dataset = load_dataset({"name": "cifar100_25", "path": str(archive)})
    check_cifar100(dataset, [f"fine{i:02d}" for i in range(25)])
    assert dataset.name == "cifar100_25" and str(archive) in dataset.source


def test_cifar100_extracted_folder_without_meta_uses_shipped_names(tmp_path):
    folder = write_folder(tmp_path, "cifar-100-python", cifar100_files(with_meta=False))
    for path in (folder, tmp_path):  # the folder itself, or the one that holds it
        dataset = load_dataset({"name": "cifar100_25", "path": str(path)})
        check_cifar100(dataset, cifar.CIFAR100_25_NAMES)
    assert cifar.CIFAR100_25_NAMES[0] == "apple" and cifar.CIFAR100_25_NAMES[-1] == "cockroach"


@pytest.mark.parametrize("as_tar", [True, False])
def test_cifar10_batches_are_concatenated_in_order(tmp_path, monkeypatch, as_tar):
    files = cifar10_files()
    if as_tar:
        path = write_tar(tmp_path / "cifar-10-python.tar.gz", "cifar-10-batches-py", files)
    else:
        path = write_folder(tmp_path, "cifar-10-batches-py", files)
    monkeypatch.setenv("CNNAPP_CIFAR10", str(path))  # found through the setting
    dataset = load_dataset({"name": "cifar10"})
    assert dataset.x_train.shape == (50, 32, 32, 3)
    assert list(dataset.x_train[:, 0, 0, 0]) == list(range(50))
    assert list(dataset.y_train) == list(range(10)) * 5
    assert list(dataset.y_test) == list(range(10))[::-1]
    assert dataset.class_names == [f"ten{i}" for i in range(10)]


def test_cifar10_without_meta_uses_shipped_names(tmp_path):
    path = write_folder(tmp_path, "cifar-10-batches-py", cifar10_files(with_meta=False))
    dataset = load_dataset({"name": "cifar10", "path": str(path)})
    assert dataset.class_names[0] == "airplane" and dataset.class_names[-1] == "truck"


def test_keras_cache_is_found(tmp_path):
    datasets = tmp_path / "keras-home" / "datasets"
    write_folder(datasets / "cifar-10-batches-py-target", "cifar-10-batches-py", cifar10_files())
    dataset = load_dataset({"name": "cifar10"})
    assert len(dataset.x_train) == 50 and "keras-home" in dataset.source


def test_keras_2_archive_name_in_the_cache_is_found(tmp_path):
    datasets = tmp_path / "keras-home" / "datasets"
    datasets.mkdir(parents=True)
    write_tar(datasets / "cifar-100-python.tar.gz", "cifar-100-python", cifar100_files())
    assert len(load_dataset({"name": "cifar100_25"}).x_train) == 50


def test_limit_and_image_size(tmp_path):
    archive = write_tar(tmp_path / "c.tar.gz", "cifar-100-python", cifar100_files())
    dataset = load_dataset({"name": "cifar100_25", "path": str(archive), "limit": 30,
                            "image_size": 16})  # fmt: skip
    assert dataset.x_train.shape == (30, 16, 16, 3)
    assert np.bincount(dataset.y_train, minlength=25).max() == 2  # balanced: 1 or 2 per class
    assert len(dataset.x_test) == 7  # limit // 4


def test_malicious_pickle_is_refused_and_not_run(tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    files = cifar100_files()
    files["train"] = pickle.dumps({b"data": Evil(), b"fine_labels": [0]}, protocol=2)
    archive = write_tar(tmp_path / "evil.tar.gz", "cifar-100-python", files)
    with pytest.raises(ValueError, match=r"Refusing to load (posix|nt)\.system"):
        load_dataset({"name": "cifar100_25", "path": str(archive)})
    assert not marker.exists()


def test_offline_without_any_copy_says_what_to_download_and_where(monkeypatch):
    def load_data(**kwargs):
        raise Exception(
            "URL fetch failure on https://www.cs.toronto.edu: Name or service not known"
        )

    fake = types.SimpleNamespace(
        datasets=types.SimpleNamespace(cifar100=types.SimpleNamespace(load_data=load_data))
    )
    monkeypatch.setitem(sys.modules, "keras", fake)
    monkeypatch.setattr(cifar, "_download_with_keras", REAL_DOWNLOAD)  # the real wrapper
    with pytest.raises(DatasetUnavailableError) as info:
        load_dataset({"name": "cifar100_25"})
    message = str(info.value)
    assert "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz" in message
    assert "CNNAPP_CIFAR100" in message and "Name or service not known" in message
    assert isinstance(info.value, ValueError)


def test_missing_explicit_path_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        load_dataset({"name": "cifar10", "path": str(tmp_path / "nowhere.tar.gz")})


def test_archive_without_the_batches_says_what_is_missing(tmp_path):
    files = cifar100_files()
    del files["test"]
    archive = write_tar(tmp_path / "c.tar.gz", "cifar-100-python", files)
    with pytest.raises(ValueError, match="lacks test"):
        load_dataset({"name": "cifar100_25", "path": str(archive)})


def test_not_an_archive_is_a_clear_error(tmp_path):
    bogus = tmp_path / "cifar-100-python.tar.gz"
    bogus.write_text("not a tar")
    with pytest.raises(ValueError, match="not a readable cifar-100-python.tar.gz"):
        load_dataset({"name": "cifar100_25", "path": str(bogus)})
