"""Tiny images and archives made in memory, for the dataset and classify tests."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image

RED, GREEN, BLUE = (220, 20, 20), (20, 200, 20), (20, 20, 220)


def image_bytes(
    fmt: str = "PNG", size: tuple[int, int] = (8, 8), colour=RED, mode: str = "RGB", **save
) -> bytes:
    """An image of one colour, encoded as `fmt` (size is (width, height))."""
    image = Image.new("RGB", size, colour)
    if mode != "RGB":
        image = image.convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **save)
    return buffer.getvalue()


def write_classes(root: Path, classes: dict[str, list[bytes]], ext: str = ".png") -> Path:
    """Writes `root/<class>/<i>.png` for every image of every class; returns `root`."""
    for name, images in classes.items():
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        for i, blob in enumerate(images):
            (folder / f"{i:03d}{ext}").write_bytes(blob)
    return root


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    """A zip with the given member names and contents (names are written as given)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, blob in members.items():
            archive.writestr(name, blob)
    return path


def class_members(prefix: str, classes: dict[str, object], per_class: int = 3) -> dict:
    """Zip members `prefix<class>/<i>.png`, each class in its own colour."""
    return {
        f"{prefix}{name}/{i:03d}.png": image_bytes(colour=colour)
        for name, colour in classes.items()
        for i in range(per_class)
    }
