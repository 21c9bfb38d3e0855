"""Decoding in a bounded child process, and the total-pixels check that runs before decoding."""

from __future__ import annotations

import multiprocessing
import struct
import time
import zlib

import numpy as np
import pytest
from _imagefactory import BLUE, GREEN, RED, class_members, image_bytes, write_classes, write_zip

from cnnapp.data import DatasetUnavailableError, load_dataset
from cnnapp.data.filetree import decoded_pixels
from cnnapp.data.sandbox import load_dataset_bounded

COLOURS = {"cats": RED, "dogs": BLUE, "owls": GREEN}


def huge_header_png(width: int, height: int) -> bytes:
    """A PNG whose header announces `width` × `height` pixels, with almost no data after it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture
def bomb_zip(tmp_path):
    """12 images of 39.7 megapixels each (just under the per-image limit): 476 M in all."""
    members = {f"{c}/{i}.png": huge_header_png(6300, 6300) for c in "ab" for i in range(6)}
    return write_zip(tmp_path / "bomb.zip", members)


def test_header_pixels_are_read_without_decoding():
    assert decoded_pixels(huge_header_png(6300, 6300), 32) == 6300 * 6300
    big_jpeg = image_bytes("JPEG", (1600, 1200))
    assert decoded_pixels(big_jpeg, 32) == 200 * 150  # decoded at 1/8 scale, as decode does
    assert decoded_pixels(big_jpeg, 1600) == 1600 * 1200
    assert decoded_pixels(b"not an image", 32) is None


def test_many_huge_header_images_are_refused_quickly_naming_the_numbers(bomb_zip):
    start = time.perf_counter()
    with pytest.raises(ValueError, match="allowed in all") as refused:
        load_dataset({"name": "folder", "path": str(bomb_zip)})
    assert time.perf_counter() - start < 5
    message = str(refused.value)
    assert "the first 11 of its 12 images" in message
    assert f"{11 * 6300 * 6300:,} pixels" in message and "400,000,000" in message


def test_the_pixel_limit_follows_the_setting_and_counts_only_the_chosen_images(
    bomb_zip, monkeypatch
):
    ref = {"name": "folder", "path": str(bomb_zip), "limit": 4}
    with pytest.raises(ValueError, match="at least two classes"):  # 4 fit; they are broken
        load_dataset(ref)
    monkeypatch.setenv("CNNAPP_MAX_DECODE_PIXELS", "100000000")
    with pytest.raises(ValueError, match="more than the 100,000,000 allowed"):
        load_dataset(ref)


def test_the_bounded_loader_refuses_the_bomb_in_its_child(bomb_zip):
    before = set(multiprocessing.active_children())  # other tests' workers may still be ending
    start = time.perf_counter()
    with pytest.raises(ValueError, match="allowed in all"):
        load_dataset_bounded({"name": "folder", "path": str(bomb_zip)})
    assert time.perf_counter() - start < 60  # a process start, then the header check
    assert set(multiprocessing.active_children()) <= before


def test_a_small_folder_loads_the_same_arrays_as_load_dataset(tmp_path):
    root = write_classes(
        tmp_path / "pets", {c: [image_bytes(colour=v)] * 3 for c, v in COLOURS.items()}
    )
    ref = {"name": "folder", "path": str(root), "image_size": 16}
    messages = []
    bounded = load_dataset_bounded(ref, progress=lambda m, f: messages.append(m))
    direct = load_dataset(ref)
    for field in ("x_train", "y_train"):
        np.testing.assert_array_equal(getattr(bounded, field), getattr(direct, field))
    assert bounded.x_test is None and bounded.y_test is None
    assert bounded.class_names == direct.class_names == ["cats", "dogs", "owls"]
    assert (bounded.name, bounded.skipped, bounded.empty_classes) == ("folder", 0, [])
    assert any("Decoding images" in m for m in messages)  # progress came back from the child
    assert not (tmp_path / "data-cache" / "sandbox").exists() or not any(
        (tmp_path / "data-cache" / "sandbox").iterdir()
    )  # the temporary arrays are gone


def test_a_tiny_budget_kills_the_child(tmp_path):
    archive = write_zip(tmp_path / "pets.zip", class_members("", COLOURS))
    before = set(multiprocessing.active_children())  # other tests' workers may still be ending
    start = time.perf_counter()
    with pytest.raises(DatasetUnavailableError, match=r"took longer than 0\.05 s"):
        load_dataset_bounded({"name": "folder", "path": str(archive)}, timeout_s=0.05)
    assert time.perf_counter() - start < 30
    assert set(multiprocessing.active_children()) <= before  # killed and reaped
    assert not any((tmp_path / "data-cache" / "sandbox").iterdir())


def test_errors_come_back_with_their_messages(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        load_dataset_bounded({"name": "folder", "path": str(tmp_path / "nowhere")})
    with pytest.raises(ValueError, match="Unknown dataset"):  # no process for a bad reference
        load_dataset_bounded({"name": "imagenet"})
    with pytest.raises(ValueError, match="positive number of seconds"):
        load_dataset_bounded({"name": "procedural"}, timeout_s=0)
