"""Decoding uploaded images safely, and resizing them to a model's input.

Only Pillow decodes: nothing is unpickled or executed. Sizes are checked before decoding (bytes
from the file, pixels from the header), so a small file that claims to be huge is refused cheaply.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from cnnapp.settings import get_settings

# One resampling filter for datasets and uploads, so a model sees images resized the same way.
RESAMPLE = Image.Resampling.BICUBIC
_FORMATS = "JPEG, PNG, BMP, WebP, GIF"
_SIXTEEN_BIT_MODES = ("I", "I;16", "I;16B", "I;16L", "I;16N", "F")


class ImageError(ValueError):
    """An uploaded file is not an image we can use; the message says why, in plain words."""


def load_image(
    data: bytes | str | Path, *, max_pixels: int | None = None, max_bytes: int | None = None
) -> Image.Image:
    """Decodes an image file safely into an RGB Pillow image.

    Animated images give their first frame; EXIF orientation is applied; palette, grayscale,
    transparent (composited onto white), CMYK and 16-bit images are converted to 8-bit RGB.

    Args:
        data: the file's bytes (e.g. `uploaded_file.getvalue()`) or a path to it.
        max_pixels: refuse images with more pixels (width × height); default
            `get_settings().max_image_pixels` (env `CNNAPP_MAX_IMAGE_PIXELS`).
        max_bytes: refuse larger files; default `get_settings().max_upload_bytes`
            (env `CNNAPP_MAX_UPLOAD_BYTES`).

    Returns:
        A fully loaded `PIL.Image.Image` in mode `"RGB"`.

    Raises:
        ImageError: the file is empty, too large, not an image, truncated or too many pixels.

    Example:
        >>> image = load_image(Path("eagle.jpg"))
        >>> image.mode
        'RGB'
    """
    settings = get_settings()
    max_pixels = settings.max_image_pixels if max_pixels is None else max_pixels
    max_bytes = settings.max_upload_bytes if max_bytes is None else max_bytes
    blob, label = _read_bytes(data, max_bytes)
    with warnings.catch_warnings():
        # Pillow only warns about a possible decompression bomb; we refuse it.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with warnings.catch_warnings(record=True) as caught:
                # A big JPEG is decoded at a reduced scale below: Pillow's warning is then moot.
                warnings.simplefilter("always", Image.DecompressionBombWarning)
                image = Image.open(io.BytesIO(blob))
            if not _draft_large_jpeg(image) and caught:
                raise Image.DecompressionBombWarning(str(caught[0].message))
            _check_pixels(image, label, max_pixels)
            image.seek(0)  # first frame of an animation
            image.load()
            image = _exif_transpose(image)
            return to_rgb(image)
        except ImageError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ImageError(
                f"{label} has too many pixels to decode safely ({error}); use a smaller image."
            ) from None
        except UnidentifiedImageError:
            raise ImageError(_not_an_image(label, "its format is not recognised")) from None
        except Exception as error:  # noqa: BLE001 - Pillow raises many types on broken files
            raise ImageError(_not_an_image(label, f"decoding failed: {error}")) from None


DRAFT_SIDE = 2048  # big JPEGs are decoded at 1/2, 1/4 or 1/8 scale, to about this size


def _draft_large_jpeg(image: Image.Image) -> bool:
    """Decodes a big JPEG (a 48-megapixel phone photo) at a reduced scale: less time and memory.

    JPEG can decode at 1/2, 1/4 or 1/8 of its size directly; the models need 224 pixels at most.
    Returns whether it did.
    """
    width, height = image.size
    if image.format != "JPEG" or max(width, height) <= 2 * DRAFT_SIDE:
        return False
    scale = min(8, max(width, height) // DRAFT_SIDE)
    image.draft("RGB", (max(1, width // scale), max(1, height // scale)))
    return True


def _read_bytes(data: bytes | str | Path, max_bytes: int) -> tuple[bytes, str]:
    """Returns the file's bytes and a label for messages, checking the size first."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        blob, label = bytes(data), "The uploaded file"
    elif isinstance(data, (str, Path)):
        path = Path(data)
        label = f"The file {path.name!r}"
        try:
            size = path.stat().st_size
        except OSError as error:
            raise ImageError(f"Cannot read {path}: {error.strerror or error}.") from None
        if size > max_bytes:
            raise ImageError(_too_large(label, size, max_bytes))
        blob = path.read_bytes()
    else:
        raise ImageError(
            f"load_image expects the file's bytes or a path, got {type(data).__name__}; "
            "pass uploaded_file.getvalue() for a Streamlit upload."
        )
    if not blob:
        raise ImageError(f"{label} is empty (0 bytes); choose an image file ({_FORMATS}).")
    if len(blob) > max_bytes:
        raise ImageError(_too_large(label, len(blob), max_bytes))
    return blob, label


def _too_large(label: str, size: int, max_bytes: int) -> str:
    return (
        f"{label} is {size / 1e6:.1f} MB, more than the {max_bytes / 1e6:.1f} MB allowed; "
        "use a smaller image (or raise CNNAPP_MAX_UPLOAD_BYTES)."
    )


def _not_an_image(label: str, reason: str) -> str:
    return (
        f"{label} is not an image Pillow can read ({_FORMATS}): {reason}. "
        "Check that the file is a complete, uncorrupted picture."
    )


def _check_pixels(image: Image.Image, label: str, max_pixels: int) -> None:
    """Refuses an image whose header announces more than `max_pixels` pixels (before decoding)."""
    width, height = image.size
    if width * height > max_pixels:
        raise ImageError(
            f"{label} is {width}×{height} = {width * height:,} pixels, more than the "
            f"{max_pixels:,} allowed; resize it first (or raise CNNAPP_MAX_IMAGE_PIXELS)."
        )


def _exif_transpose(image: Image.Image) -> Image.Image:
    """Applies the EXIF orientation tag; an unreadable EXIF block is ignored."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # noqa: BLE001 - a broken EXIF block should not lose the picture
        return image


def to_rgb(image: Image.Image) -> Image.Image:
    """Converts any Pillow mode to 8-bit RGB; transparency is composited onto white.

    Args:
        image: a loaded Pillow image of any mode (P, L, LA, RGBA, CMYK, I;16, ...).

    Returns:
        An image in mode `"RGB"` (the same object when it already is).
    """
    if image.mode == "RGB":
        return image
    if image.mode in _SIXTEEN_BIT_MODES:
        pixels = np.asarray(image, dtype=np.float64)
        if pixels.max(initial=0) > 255:
            pixels = pixels / 257.0  # 16-bit range to 8-bit
        gray = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")
        return gray.convert("RGB")
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def to_model_input(image: Image.Image, size: tuple[int, int]) -> np.ndarray:
    """Resizes an image to the model's input and returns a batch of one.

    Pixels stay in 0..255: the models rescale inside themselves.

    Args:
        image: a Pillow image (converted to RGB if needed).
        size: `(height, width)` of the model's input, e.g. `dataset.input_shape[:2]`.

    Returns:
        A `float32` array of shape `(1, height, width, 3)`.

    Raises:
        ValueError: if `size` is not two positive whole numbers.
    """
    if len(size) != 2 or not all(isinstance(s, (int, np.integer)) and s > 0 for s in size):
        raise ValueError(
            f"size must be (height, width) with two positive whole numbers, got {size!r}; "
            "pass the model's input_shape[:2], e.g. (32, 32)."
        )
    height, width = int(size[0]), int(size[1])
    image = to_rgb(image)
    if image.size != (width, height):
        image = image.resize((width, height), RESAMPLE)
    return np.asarray(image, dtype=np.float32)[np.newaxis]
