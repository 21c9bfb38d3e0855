"""Caltech-UCSD Birds: both official layouts, from folders and archives made here (tiny fakes)."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import numpy as np
import pytest
from _imagefactory import image_bytes

from cnnapp.data.base import DatasetUnavailableError
from cnnapp.data.birds import clean_species, load_birds

SPECIES = ["001.Black_footed_Albatross", "017.Cardinal", "200.Common_Yellowthroat"]
COLOURS = [(220, 20, 20), (20, 200, 20), (20, 20, 220)]


def _images(per_class: int = 4) -> dict[str, bytes]:
    """`<species>/<name>_NNNN.jpg` -> JPEG bytes, one colour per species."""
    return {
        f"{species}/{species[4:]}_{i:04d}.jpg": image_bytes("JPEG", (30, 20), colour)
        for species, colour in zip(SPECIES, COLOURS, strict=True)
        for i in range(per_class)
    }


def _layout_2010(images: dict[str, bytes]) -> dict[str, bytes]:
    """The files of images.tgz + lists.tgz: the first image of each species is a test image."""
    keys = sorted(images)
    test = [k for k in keys if k.endswith("_0000.jpg")]
    train = [k for k in keys if k not in test]
    files = {f"images/{k}": v for k, v in images.items()}
    files["lists/train.txt"] = ("\n".join(train) + "\n").encode()
    files["lists/test.txt"] = ("\n".join(test) + "\n").encode()
    files["lists/classes.txt"] = ("\n".join(SPECIES) + "\n").encode()
    return files


def _layout_2011(images: dict[str, bytes]) -> dict[str, bytes]:
    keys = sorted(images)
    files = {f"CUB_200_2011/images/{k}": v for k, v in images.items()}
    rows = list(enumerate(keys, start=1))
    files["CUB_200_2011/images.txt"] = "".join(f"{i} {k}\n" for i, k in rows).encode()
    split = "".join(f"{i} {0 if k.endswith('_0000.jpg') else 1}\n" for i, k in rows)
    files["CUB_200_2011/train_test_split.txt"] = split.encode()
    files["CUB_200_2011/classes.txt"] = "".join(
        f"{i} {s}\n" for i, s in enumerate(SPECIES, start=1)
    ).encode()
    labels = "".join(f"{i} {SPECIES.index(k.split('/')[0]) + 1}\n" for i, k in rows)
    files["CUB_200_2011/image_class_labels.txt"] = labels.encode()
    return files


def _write_tar(path: Path, files: dict[str, bytes], extra: list[tarfile.TarInfo] = ()) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for info in extra:
            archive.addfile(info, io.BytesIO(b"x" * info.size) if info.size else None)
    return path


def _write_folder(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def _check(dataset, name: str, n_train: int, n_test: int) -> None:
    assert dataset.name == name
    assert dataset.class_names == ["Black footed Albatross", "Cardinal", "Common Yellowthroat"]
    assert dataset.x_train.shape == (n_train, 16, 16, 3) and dataset.x_train.dtype == np.uint8
    assert dataset.x_test.shape == (n_test, 16, 16, 3)
    # Each species has its own colour: the labels follow the images.
    for x, y in [(dataset.x_train, dataset.y_train), (dataset.x_test, dataset.y_test)]:
        channel = x.reshape(len(x), -1, 3).mean(axis=1).argmax(axis=1)
        np.testing.assert_array_equal(channel, y)


def test_clean_species_names():
    assert clean_species("017.Cardinal") == "Cardinal"
    assert clean_species("001.Black_footed_Albatross") == "Black footed Albatross"
    assert clean_species("Cardinal") == "Cardinal"


def test_cub200_from_the_two_official_archives_and_a_folder(tmp_path):
    files = _layout_2010(_images())
    _write_tar(tmp_path / "images.tgz", {k: v for k, v in files.items() if k.startswith("images")})
    _write_tar(tmp_path / "lists.tgz", {k: v for k, v in files.items() if k.startswith("lists")})
    from_archive = load_birds("cub200", tmp_path / "images.tgz", image_size=16)
    _check(from_archive, "cub200", 9, 3)
    _write_tar(tmp_path / "CUB_200_2011.tgz", _layout_2011(_images(per_class=2)))  # both here
    from_folder_of_archives = load_birds("cub200", tmp_path, image_size=16)
    np.testing.assert_array_equal(from_folder_of_archives.y_train, from_archive.y_train)
    assert len(load_birds("cub200_2011", tmp_path, image_size=16).x_train) == 3
    extracted = _write_folder(tmp_path / "extracted", files)
    from_folder = load_birds("cub200", extracted, image_size=16)
    _check(from_folder, "cub200", 9, 3)
    np.testing.assert_array_equal(from_folder.y_train, from_archive.y_train)
    assert "from the cache" in load_birds("cub200", extracted, image_size=16).source


def test_training_images_are_shuffled_so_validation_mixes_species(tmp_path):
    folder = _write_folder(tmp_path / "cub", _layout_2010(_images(per_class=8)))
    dataset = load_birds("cub200", folder, image_size=16)
    assert list(dataset.y_train) != sorted(dataset.y_train)  # not in list (class) order
    assert len(set(dataset.y_train[-6:])) > 1  # the last part holds several species
    limited = load_birds("cub200", folder, image_size=16, limit=6)
    assert np.bincount(limited.y_train).tolist() == [2, 2, 2]


def test_cub200_2011_from_its_archive(tmp_path):
    archive = _write_tar(tmp_path / "CUB_200_2011.tgz", _layout_2011(_images()))
    _check(load_birds("cub200_2011", archive, image_size=16), "cub200_2011", 9, 3)


def test_the_other_layout_and_missing_lists_are_explained(tmp_path):
    archive = _write_tar(tmp_path / "CUB_200_2011.tgz", _layout_2011(_images()))
    with pytest.raises(ValueError, match="choose cub200_2011"):
        load_birds("cub200", archive, image_size=16)
    files = _layout_2010(_images())
    only_images = {k: v for k, v in files.items() if k.startswith("images")}
    with pytest.raises(ValueError, match="lists.tgz"):
        load_birds("cub200", _write_tar(tmp_path / "images.tgz", only_images), image_size=16)


def test_hostile_archives_are_refused_and_links_skipped(tmp_path):
    files = _layout_2010(_images())
    evil = _write_tar(tmp_path / "evil.tgz", {**files, "../outside.txt": b"x"})
    with pytest.raises(ValueError, match="unsafe member"):
        load_birds("cub200", evil, image_size=16)
    link = tarfile.TarInfo("images/017.Cardinal/link.jpg")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    linked = _write_tar(tmp_path / "linked.tgz", files, extra=[link])
    assert len(load_birds("cub200", linked, image_size=16).x_train) == 9
    assert not (tmp_path / "outside.txt").exists()


def test_offline_without_a_path_names_the_official_download(monkeypatch):
    from cnnapp.data import birds

    def offline(*args):
        raise Exception("URL fetch failure: no network")

    monkeypatch.setattr(birds, "_download", offline)
    with pytest.raises(DatasetUnavailableError, match="visipedia-data/CUB-200/images.tgz"):
        load_birds("cub200", image_size=16)
    with pytest.raises(DatasetUnavailableError, match="CUB_200_2011.tgz"):
        load_birds("cub200_2011", image_size=16)
