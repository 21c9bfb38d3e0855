"""Image folders and zips: layouts, skipped files, hostile archives, the decoded-array cache."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from _imagefactory import BLUE, GREEN, RED, class_members, image_bytes, write_classes, write_zip

from cnnapp.data import filetree, load_dataset

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
COLOURS = {"cats": RED, "dogs": BLUE, "owls": GREEN}


def folder_ref(path, **extra) -> dict:
    return {"name": "folder", "path": str(path), **extra}


def mean_colour(dataset, label: int) -> np.ndarray:
    return dataset.x_train[dataset.y_train == label].reshape(-1, 3).mean(axis=0)


@pytest.fixture
def messy_folder(tmp_path) -> Path:
    """cats (PNG, one grayscale, one RGBA), dogs (JPEG 40×30), an empty class, junk files."""
    root = write_classes(
        tmp_path / "pets",
        {
            "cats": [image_bytes(colour=RED), image_bytes(colour=RED, size=(40, 30))],
            "dogs": [image_bytes("JPEG", (40, 30), BLUE, quality=95) for _ in range(3)],
        },
    )
    (root / "cats" / "gray.png").write_bytes(image_bytes(colour=(90, 90, 90), mode="L"))
    (root / "cats" / "clear.png").write_bytes(image_bytes(colour=RED, mode="RGBA"))
    (root / "cats" / "notes.txt").write_text("not an image")
    (root / "dogs" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not really a JPEG")
    (root / "birds").mkdir()
    (root / ".DS_Store").write_bytes(b"mac clutter")  # hidden: neither data nor skipped
    return root


def test_class_folders_with_junk_and_an_empty_class(messy_folder):
    dataset = load_dataset(folder_ref(messy_folder, image_size=16))
    assert dataset.class_names == ["cats", "dogs"] and dataset.empty_classes == ["birds"]
    assert dataset.skipped == 2  # notes.txt and broken.jpg
    assert dataset.x_train.shape == (7, 16, 16, 3) and dataset.x_train.dtype == np.uint8
    assert dataset.y_train.dtype == np.int64 and np.bincount(dataset.y_train).tolist() == [4, 3]
    assert dataset.x_test is None and dataset.y_test is None
    assert mean_colour(dataset, 1)[2] > 180 and mean_colour(dataset, 1)[0] < 60  # dogs are blue
    assert str(messy_folder) in dataset.source


def test_image_modes_become_rgb(tmp_path):
    root = write_classes(
        tmp_path / "modes",
        {
            "gray": [image_bytes(colour=(90, 90, 90), mode="L")],
            "palette": [image_bytes(colour=BLUE, mode="P")],
            "clear": [image_bytes("PNG", colour=RED, mode="RGBA")],
            "cmyk": [image_bytes("JPEG", colour=GREEN, mode="CMYK")],
        },
    )
    dataset = load_dataset(folder_ref(root, image_size=8))
    assert dataset.class_names == ["clear", "cmyk", "gray", "palette"]
    assert dataset.x_train.shape == (4, 8, 8, 3)
    gray = dataset.x_train[dataset.y_train == 2][0]
    assert np.abs(gray.astype(int) - 90).max() <= 1


def test_train_and_test_folders_are_the_splits(tmp_path):
    write_classes(tmp_path / "d" / "train", {"a": [image_bytes(colour=RED)] * 4,
                                             "b": [image_bytes(colour=BLUE)] * 4})  # fmt: skip
    write_classes(tmp_path / "d" / "test", {"b": [image_bytes(colour=BLUE)] * 2,
                                            "a": [image_bytes(colour=RED)]})  # fmt: skip
    dataset = load_dataset(folder_ref(tmp_path / "d"))
    assert dataset.class_names == ["a", "b"] and len(dataset.x_train) == 8
    assert sorted(dataset.y_test.tolist()) == [0, 1, 1]
    red = dataset.x_test[dataset.y_test == 0]
    assert (red[..., 0] > 180).all()  # labels follow class names, not folder order


def test_images_folder_is_the_class_root(tmp_path):
    cub = tmp_path / "CUB_200_2011"
    write_classes(cub / "images", {"001.Albatross": [image_bytes()] * 2,
                                   "002.Auklet": [image_bytes(colour=BLUE)] * 2})  # fmt: skip
    write_classes(cub / "parts", {"x": [b"part locations"]}, ext=".txt")
    (cub / "classes.txt").write_text("1 001.Albatross\n2 002.Auklet\n")
    dataset = load_dataset(folder_ref(tmp_path))  # the wrapper folder is skipped too
    assert dataset.class_names == ["001.Albatross", "002.Auklet"]
    assert len(dataset.x_train) == 4 and dataset.skipped == 0


def test_zip_with_a_wrapper_folder(tmp_path):
    archive = write_zip(tmp_path / "pets.zip", class_members("pets/", COLOURS, per_class=4))
    dataset = load_dataset(folder_ref(archive, image_size=8))
    assert dataset.class_names == ["cats", "dogs", "owls"]
    assert np.bincount(dataset.y_train).tolist() == [4, 4, 4]
    assert mean_colour(dataset, 2)[1] > 180  # owls are green


def test_train_zip_with_a_separate_test_zip(tmp_path):
    train = write_zip(tmp_path / "train.zip", class_members("train/", COLOURS, per_class=8))
    test = write_zip(tmp_path / "test.zip", class_members("test/", COLOURS, per_class=4))
    ref = folder_ref(train, test_path=str(test), limit=12)
    dataset = load_dataset(ref)
    assert np.bincount(dataset.y_train).tolist() == [4, 4, 4]  # limit, class-balanced
    assert len(dataset.x_test) == 3  # limit // 4
    assert str(test) in dataset.source
    no_limit = load_dataset(folder_ref(train, test_path=str(test)))
    assert len(no_limit.x_train) == 24 and len(no_limit.x_test) == 12
    assert no_limit.x_test.shape[1:] == (32, 32, 3)


def test_order_mixes_classes_so_the_validation_part_is_not_one_class(tmp_path):
    archive = write_zip(tmp_path / "pets.zip", class_members("", COLOURS, per_class=10))
    dataset = load_dataset(folder_ref(archive, image_size=8))
    assert len(set(dataset.y_train[:10].tolist())) > 1


def test_test_classes_must_match(tmp_path):
    train = write_zip(tmp_path / "train.zip", class_members("train/", COLOURS))
    test = write_zip(tmp_path / "test.zip", class_members("test/", {"cats": RED, "emus": BLUE}))
    with pytest.raises(ValueError, match=r"only in training \['dogs', 'owls'\].*\['emus'\]"):
        load_dataset(folder_ref(train, test_path=str(test)))


def test_a_test_folder_alone_is_refused_as_training_data(tmp_path):
    test = write_zip(tmp_path / "test.zip", class_members("test/", COLOURS))
    with pytest.raises(ValueError, match="no train/ folder"):
        load_dataset(folder_ref(test))


@pytest.mark.parametrize("name", ["../evil.png", "cats/../../evil.png", "/etc/evil.png"])
def test_hostile_zip_members_are_refused(tmp_path, name):
    members = {**class_members("", COLOURS), name: image_bytes()}
    archive = write_zip(tmp_path / "evil.zip", members)
    with pytest.raises(ValueError, match="unsafe member"):
        load_dataset(folder_ref(archive))
    assert not (tmp_path.parent / "evil.png").exists()


def test_oversized_members_are_skipped_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(filetree, "MAX_MEMBER_BYTES", 10_000)
    members = {**class_members("", COLOURS), "cats/huge.bmp": image_bytes("BMP", (100, 100))}
    dataset = load_dataset(folder_ref(write_zip(tmp_path / "big.zip", members)))
    assert dataset.skipped == 1 and len(dataset.x_train) == 9


def test_a_zip_announcing_too_much_data_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(filetree, "MAX_TOTAL_BYTES", 100)
    archive = write_zip(tmp_path / "bomb.zip", class_members("", COLOURS))
    with pytest.raises(ValueError, match="would unpack to"):
        load_dataset(folder_ref(archive))


@pytest.mark.parametrize(
    "members, message",
    [
        ({"readme.txt": b"hello"}, "no class folders"),
        ({"cats/a.png": image_bytes(), "cats/b.png": image_bytes()}, "at least two classes"),
        ({"cats/a.txt": b"x", "dogs/b.txt": b"y"}, "at least two classes"),
    ],
)
def test_no_usable_classes_is_a_clear_error(tmp_path, members, message):
    with pytest.raises(ValueError, match=message):
        load_dataset(folder_ref(write_zip(tmp_path / "x.zip", members)))


def test_missing_path_and_non_archive(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        load_dataset(folder_ref(tmp_path / "nowhere"))
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ValueError, match="neither a folder nor a .zip"):
        load_dataset(folder_ref(text))


def test_second_load_comes_from_the_cache(tmp_path):
    root = write_classes(tmp_path / "pets", {name: [image_bytes(colour=c)] * 3
                                             for name, c in COLOURS.items()})  # fmt: skip
    messages = []
    first = load_dataset(folder_ref(root), progress=lambda m, f: messages.append((m, f)))
    assert any("Decoding" in m and f == 1.0 for m, f in messages)
    assert list((tmp_path / "data-cache" / "folders").glob("*.npz"))  # conftest's CNNAPP_DATA_DIR
    second = load_dataset(folder_ref(root))
    assert "cache" in second.source
    np.testing.assert_array_equal(first.x_train, second.x_train)
    np.testing.assert_array_equal(first.y_train, second.y_train)
    assert first.class_names == second.class_names and second.y_train.dtype == np.int64
    (root / "cats" / "new.png").write_bytes(image_bytes(colour=RED))  # content changed: a miss
    assert len(load_dataset(folder_ref(root)).x_train) == 10


def test_a_broken_cache_file_is_rebuilt(tmp_path):
    archive = write_zip(tmp_path / "pets.zip", class_members("", COLOURS))
    load_dataset(folder_ref(archive))
    for cached in (tmp_path / "data-cache" / "folders").glob("*.npz"):
        cached.write_bytes(b"garbage")
    assert len(load_dataset(folder_ref(archive)).x_train) == 9


def test_zip_members_with_backslashes_and_nested_folders(tmp_path):
    path = tmp_path / "win.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("cats\\a.png", image_bytes(colour=RED))
        archive.writestr("cats/deep/b.png", image_bytes(colour=RED))
        archive.writestr("dogs/c.png", image_bytes(colour=BLUE))
        archive.writestr("__MACOSX/cats/._a.png", b"resource fork")
    dataset = load_dataset(folder_ref(path))
    assert dataset.class_names == ["cats", "dogs"]
    assert np.bincount(dataset.y_train).tolist() == [2, 1] and dataset.skipped == 0


TRAIN_ZIP = SHARED / "cifar10-train.zip"


@pytest.mark.skipif(not TRAIN_ZIP.exists(), reason="../shared/data/cifar10-train.zip absent")
def test_real_cifar10_zip_subset():
    started = time.monotonic()
    test_zip = SHARED / "cifar10-test.zip"
    dataset = load_dataset(folder_ref(TRAIN_ZIP, test_path=str(test_zip), limit=500))
    assert dataset.class_names[:3] == ["airplane", "automobile", "bird"]
    assert dataset.x_train.shape == (500, 32, 32, 3) and len(dataset.x_test) == 125
    assert np.bincount(dataset.y_train).tolist() == [50] * 10 and dataset.skipped == 0
    assert time.monotonic() - started < 20


@pytest.mark.slow
@pytest.mark.skipif(not TRAIN_ZIP.exists(), reason="../shared/data/cifar10-train.zip absent")
def test_real_cifar10_zip_in_full_then_from_the_cache():
    ref = folder_ref(TRAIN_ZIP, test_path=str(SHARED / "cifar10-test.zip"))
    first = load_dataset(ref)
    assert first.x_train.shape == (50_000, 32, 32, 3) and first.x_test.shape == (10_000, 32, 32, 3)
    started = time.monotonic()
    second = load_dataset(ref)
    assert time.monotonic() - started < 5
    np.testing.assert_array_equal(first.x_train, second.x_train)
