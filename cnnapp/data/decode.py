"""Decoding many small image files into one `uint8` array, in parallel threads.

Pillow releases the GIL while it decodes, so a thread pool speeds decoding up on several cores;
files are read in the calling thread (a zip archive is one file handle).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from PIL import Image, ImageOps

from cnnapp.data.base import Progress
from cnnapp.data.images import RESAMPLE, to_rgb

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".ppm")
CHUNK = 1000  # images per progress report
MAX_PIXELS = 40_000_000  # larger images are skipped (a decompression-bomb guard)


def is_image_name(name: str) -> bool:
    """Whether a file name has one of `IMAGE_EXTENSIONS` (case-insensitive)."""
    return name.lower().endswith(IMAGE_EXTENSIONS)


def decode_image(blob: bytes, size: int) -> np.ndarray | None:
    """Decodes one image file to a `(size, size, 3)` uint8 array, or `None` if it is unusable.

    The image is converted to RGB (transparency onto white), turned by its EXIF orientation and
    resized to a square with a plain resize: the aspect ratio is not kept, as in Keras's
    `image_dataset_from_directory` by default.
    """
    # No warnings.catch_warnings here: it is not thread-safe. Pillow only warns about images
    # above ~89 M pixels, which the MAX_PIXELS check below skips anyway.
    try:
        with Image.open(io.BytesIO(blob)) as image:
            if image.width * image.height > MAX_PIXELS:
                return None
            image.draft("RGB", (size, size))  # JPEG: decode at a reduced scale, much faster
            image.load()
            if "exif" in image.info or image.format in ("TIFF", "MPO"):
                image = ImageOps.exif_transpose(image)  # costly: only when there is EXIF data
            image = to_rgb(image)
            if image.size != (size, size):
                image = image.resize((size, size), RESAMPLE)
            return np.asarray(image, dtype=np.uint8)
    except Exception:  # noqa: BLE001 - Pillow raises many types on broken files: skip them
        return None


def decode_many(
    items: Sequence,
    read: Callable[[object], bytes],
    size: int,
    progress: Progress | None = None,
    workers: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Reads and decodes `items` into one array.

    Args:
        items: anything `read` accepts (file entries).
        read: returns an item's bytes; may raise (the item then counts as failed).
        size: output height and width.
        progress: called every `CHUNK` images with `(message, fraction)`.
        workers: decoding threads; default: the number of CPUs (at most 4). Pillow releases the
            GIL while decoding, but for 32×32 JPEGs much of the time is Python, so 2 threads on
            2 cores measured only ~1.2-1.4× faster than one.

    Returns:
        `(images, ok)`: `images` is `(k, size, size, 3)` uint8 for the `k` decodable items, in
        order; `ok` is a boolean mask over `items` telling which ones they are.
    """
    total = len(items)
    images = np.empty((total, size, size, 3), dtype=np.uint8)
    ok = np.zeros(total, dtype=bool)
    workers = workers or min(4, os.cpu_count() or 1)

    def decode_slice(blobs: list[bytes | None]) -> list[np.ndarray | None]:
        return [None if blob is None else decode_image(blob, size) for blob in blobs]

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for start in range(0, total, CHUNK):
            blobs = [_safe_read(read, item) for item in items[start : start + CHUNK]]
            # One task per thread and chunk: per-image tasks cost as much as decoding 32×32 JPEGs.
            for offset, decoded in enumerate(pool.map(decode_slice, _deal(blobs, workers))):
                for i, array in enumerate(decoded):
                    if array is not None:
                        position = start + offset + i * workers
                        images[position], ok[position] = array, True
            if progress:
                done = min(start + CHUNK, total)
                progress(f"Decoding images: {done:,} of {total:,}", done / total)
    return images[ok], ok


def _deal(blobs: list, hands: int) -> list[list]:
    """Deals `blobs` round-robin into `hands` lists: item `i` goes to list `i % hands`."""
    return [blobs[i::hands] for i in range(hands)]


def _safe_read(read: Callable[[object], bytes], item: object) -> bytes | None:
    try:
        return read(item)
    except Exception:  # noqa: BLE001 - an unreadable member (encrypted, too big, gone) is skipped
        return None
