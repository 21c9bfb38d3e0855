"""Decoding uploaded images safely, model input and top-k."""

from __future__ import annotations

import io

import numpy as np
import pytest
from _imagefactory import BLUE, RED, image_bytes
from PIL import Image

from cnnapp.data.images import ImageError, load_image, to_model_input
from cnnapp.inspect.classify import top_k


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "BMP", "WEBP", "GIF", "TIFF"])
def test_common_formats_decode_to_rgb(fmt):
    image = load_image(image_bytes(fmt, (20, 10), RED))
    assert image.mode == "RGB" and image.size == (20, 10)
    r, g, b = np.asarray(image).reshape(-1, 3).mean(axis=0)
    assert r > 150 and g < 80 and b < 80


def test_a_path_works_too(tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(image_bytes())
    assert load_image(path).size == (8, 8)
    assert load_image(str(path)).mode == "RGB"


def test_animated_gif_gives_its_first_frame():
    frames = [Image.new("RGB", (6, 6), colour) for colour in (RED, BLUE)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    pixels = np.asarray(load_image(buffer.getvalue()))
    assert pixels[..., 0].mean() > 150 and pixels[..., 2].mean() < 80


@pytest.mark.parametrize(
    "mode, expected",
    [("L", (90, 90, 90)), ("P", BLUE), ("CMYK", RED), ("1", (255, 255, 255))],
)
def test_modes_become_rgb(mode, expected):
    colour = (90, 90, 90) if mode == "L" else (255, 255, 255) if mode == "1" else expected
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    image = load_image(image_bytes(fmt, (8, 8), colour, mode=mode))
    assert image.mode == "RGB"
    assert np.allclose(np.asarray(image).reshape(-1, 3).mean(axis=0), expected, atol=6)


def test_transparency_is_composited_onto_white():
    image = Image.new("RGBA", (4, 4), (255, 0, 0, 0))  # fully transparent red
    image.putpixel((0, 0), (255, 0, 0, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    pixels = np.asarray(load_image(buffer.getvalue()))
    assert tuple(pixels[0, 0]) == (255, 0, 0) and tuple(pixels[3, 3]) == (255, 255, 255)


def test_sixteen_bit_grayscale_is_scaled_to_eight_bits():
    image = Image.fromarray(np.full((4, 4), 40_000, dtype=np.uint16))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    pixels = np.asarray(load_image(buffer.getvalue()))
    assert pixels.dtype == np.uint8 and abs(int(pixels[0, 0, 0]) - 40_000 // 257) <= 1


def test_exif_orientation_is_applied():
    image = Image.new("RGB", (30, 10), RED)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    assert load_image(buffer.getvalue()).size == (10, 30)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"just some text, named photo.jpg", "not an image Pillow can read"),
        (image_bytes("JPEG", (64, 64), RED)[:300], "not an image Pillow can read"),  # truncated
        (image_bytes("PNG", (64, 64), RED)[:60], "not an image Pillow can read"),
    ],
)
def test_broken_input_is_a_clear_image_error(data, message):
    with pytest.raises(ImageError, match=message) as info:
        load_image(data)
    assert "JPEG, PNG, BMP, WebP, GIF" in str(info.value) or message == "empty"
    assert isinstance(info.value, ValueError)


def test_text_file_named_jpg(tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_text("hello")
    with pytest.raises(ImageError, match="'photo.jpg' is not an image"):
        load_image(path)


def test_too_many_pixels_is_refused_before_decoding():
    huge = image_bytes("PNG", (5000, 4000), (0, 0, 0), mode="1")  # 20 M pixels, a tiny file
    assert len(huge) < 100_000
    with pytest.raises(ImageError, match=r"5000×4000 = 20,000,000 pixels, more than the 1,000,000"):
        load_image(huge, max_pixels=1_000_000)


def test_pillow_decompression_bomb_is_an_image_error(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # Pillow warns above, errors above 2x
    with pytest.raises(ImageError, match="too many pixels"):
        load_image(image_bytes("PNG", (12, 12)), max_pixels=10**9)


def test_too_many_bytes_is_refused(tmp_path, monkeypatch):
    blob = image_bytes("BMP", (40, 40))
    with pytest.raises(ImageError, match="MB allowed"):
        load_image(blob, max_bytes=1000)
    monkeypatch.setenv("CNNAPP_MAX_UPLOAD_BYTES", "1000")  # the setting is the default
    path = tmp_path / "big.bmp"
    path.write_bytes(blob)
    with pytest.raises(ImageError, match="CNNAPP_MAX_UPLOAD_BYTES"):
        load_image(path)


def test_missing_file_and_wrong_type():
    with pytest.raises(ImageError, match="Cannot read"):
        load_image("/nonexistent/photo.png")
    with pytest.raises(ImageError, match="getvalue"):
        load_image(12345)


def test_to_model_input_is_a_raw_float_batch():
    image = load_image(image_bytes("PNG", (64, 48), RED))
    x = to_model_input(image, (32, 24))
    assert x.shape == (1, 32, 24, 3) and x.dtype == np.float32
    assert 200 <= x[0, ..., 0].mean() <= 230  # 0..255, not rescaled
    gray = Image.new("L", (8, 8), 128)
    assert to_model_input(gray, (8, 8)).shape == (1, 8, 8, 3)
    with pytest.raises(ValueError, match=r"\(height, width\)"):
        to_model_input(image, (32,))


def test_top_k_is_sorted_and_labelled():
    names = ["cat", "dog", "owl", "emu"]
    result = top_k(np.array([[0.1, 0.6, 0.05, 0.25]]), names, k=3)
    assert [r["label"] for r in result] == ["dog", "emu", "cat"]
    assert [r["index"] for r in result] == [1, 3, 0]
    assert result[0]["probability"] == pytest.approx(0.6)
    assert isinstance(result[0]["probability"], float) and isinstance(result[0]["index"], int)
    assert len(top_k(np.full(4, 0.25), names, k=10)) == 4
    assert [r["index"] for r in top_k(np.full(4, 0.25), names, k=2)] == [0, 1]  # ties: lower first


def test_top_k_checks_its_arguments():
    with pytest.raises(ValueError, match="for 2 class names"):
        top_k(np.ones(3) / 3, ["a", "b"])
    with pytest.raises(ValueError, match="k must be"):
        top_k(np.ones(2) / 2, ["a", "b"], k=0)


def _jpeg(width: int, height: int) -> bytes:
    import io

    from PIL import Image as PILImage

    image = PILImage.new("RGB", (width, height), (30, 120, 200))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def test_a_big_jpeg_is_decoded_at_reduced_scale_instead_of_refused():
    from cnnapp.data.images import load_image

    image = load_image(_jpeg(5000, 4000), max_pixels=5_000_000)
    assert image.size == (2500, 2000) and image.mode == "RGB"


@pytest.mark.slow
def test_a_12000_by_12000_photo_is_classifiable_in_bounded_time_and_memory():
    import resource
    import time

    from cnnapp.data.images import load_image, to_model_input

    data = _jpeg(12_000, 12_000)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    image = load_image(data)
    assert max(image.size) <= 4096
    assert to_model_input(image, (224, 224)).shape == (1, 224, 224, 3)
    assert time.monotonic() - started < 10
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 200  # a full decode would need 432 MB
