"""A read-only view of the files in a folder or a `.zip`, without extracting anything.

Both give a list of `Entry` (path parts and size) and read one entry's bytes. A zip with absolute
paths or `..` in member names is refused as hostile; its sizes are checked before reading. Listing
stops after `MAX_ENTRIES` files and folders, so a huge tree cannot keep the server busy, and
`check_pixels` adds up the images' sizes from their headers before anything is decoded.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from cnnapp.settings import get_settings

MAX_ENTRIES = 200_000  # listing stops (with an error) after this many files and folders
HEADER_BYTES = 65_536  # enough for an image's header (a JPEG's size can sit after its EXIF)
MAX_MEMBER_BYTES = 50_000_000  # larger files are skipped, never read
MAX_TOTAL_BYTES = 8_000_000_000  # a zip announcing more uncompressed data is refused
MAX_RATIO = 200  # a member that unpacks to over 200× its packed size (and 1 MB) is a zip bomb
_SYMLINK = 0o120000
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class Entry:
    """One file: its path parts relative to the root, size in bytes (uncompressed) and its name
    in the zip (or its modification time, for a folder)."""

    parts: tuple[str, ...]
    size: int
    member: str = ""  # the zip member's own name
    mtime_ns: int = 0  # folders only


def _hidden(parts: tuple[str, ...]) -> bool:
    """System clutter that is neither data nor worth counting (.DS_Store, __MACOSX/, ._x)."""
    return any(p.startswith(".") or p == "__MACOSX" or p == "Thumbs.db" for p in parts)


def _too_many(where: object) -> ValueError:
    return ValueError(
        f"{where} holds more than {MAX_ENTRIES:,} files and folders, so listing it was stopped. "
        "A dataset needs one folder per class: give the dataset's own folder (or a .zip of it), "
        "not a folder above it."
    )


def _walk(root: Path) -> tuple[list[Entry], set[tuple[str, ...]]]:
    """The files (sorted, with size and mtime) and folders under `root`, hidden ones left out.

    Raises:
        ValueError: after `MAX_ENTRIES` files and folders (hidden ones included).
    """
    entries, dirs, seen = [], set(), 0
    for dirpath, dirnames, filenames in os.walk(root):
        seen += len(dirnames) + len(filenames)
        if seen > MAX_ENTRIES:
            raise _too_many(root)
        dirnames.sort()
        rel = Path(dirpath).relative_to(root).parts
        if rel and not _hidden(rel):
            dirs.add(rel)
        for name in sorted(filenames):
            parts, full = (*rel, name), Path(dirpath, name)
            if not _hidden(parts) and full.is_file() and not full.is_symlink():
                stat = full.stat()
                entries.append(Entry(parts, stat.st_size, mtime_ns=stat.st_mtime_ns))
    return entries, dirs


def fingerprint(path: str | Path) -> list:
    """What identifies a folder's or file's content for a cache, without opening any file.

    A file (zip) is its path, size and mtime; a folder is its path and every file's name, size
    and mtime, and every folder's name (adding an image inside a class folder leaves the root's
    mtime unchanged).

    Raises:
        ValueError: if `path` does not exist.
    """
    path = Path(path).expanduser()
    if path.is_file():
        stat = path.stat()
        return [str(path.resolve()), stat.st_size, stat.st_mtime_ns]
    if path.is_dir():
        entries, dirs = _walk(path)
        files = [["/".join(e.parts), e.size, e.mtime_ns] for e in entries]
        return [str(path.resolve()), files, sorted("/".join(d) for d in dirs)]
    raise ValueError(f"{path} does not exist; check the path for typos.")


class FileTree:
    """The files under a folder or inside a zip archive.

    Args:
        path: a directory or a `.zip` file.

    Raises:
        ValueError: if the path is missing, not a folder or zip, or the zip is hostile.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self._zip: zipfile.ZipFile | None = None
        self.dirs: set[tuple[str, ...]] = set()  # every folder, empty ones included
        if self.path.is_dir():
            self.entries = self._list_dir()
        elif self.path.is_file() and zipfile.is_zipfile(self.path):
            self._zip = zipfile.ZipFile(self.path)
            self.entries = self._list_zip()
        elif self.path.exists():
            raise ValueError(
                f"{self.path} is neither a folder nor a .zip archive; give a folder of class "
                "subfolders or a .zip of one."
            )
        else:
            raise ValueError(f"{self.path} does not exist; check the path for typos.")

    @property
    def is_zip(self) -> bool:
        return self._zip is not None

    def _list_dir(self) -> list[Entry]:
        entries, self.dirs = _walk(self.path)
        return entries

    def _list_zip(self) -> list[Entry]:
        infos = self._zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise _too_many(self.path)
        total = sum(info.file_size for info in infos)  # declared sizes, before reading anything
        if total > MAX_TOTAL_BYTES:
            raise ValueError(
                f"{self.path} would unpack to {total / 1e9:.1f} GB, more than the "
                f"{MAX_TOTAL_BYTES / 1e9:.0f} GB allowed; use a smaller dataset."
            )
        entries = []
        for info in infos:
            name = info.filename.replace("\\", "/")
            parts = tuple(p for p in name.split("/") if p not in ("", "."))
            if name.startswith("/") or _DRIVE.match(name) or ".." in parts:
                raise ValueError(
                    f"{self.path} contains the unsafe member {info.filename!r} (an absolute path "
                    "or '..'); such archives can overwrite files elsewhere. Re-create the zip "
                    "from the folder of class subfolders."
                )
            if not parts or _hidden(parts):
                continue
            if info.is_dir():
                self.dirs.add(parts)
                continue
            if (info.external_attr >> 16) & 0o170000 == _SYMLINK:
                continue  # a link is never followed: it could point anywhere on the server
            if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(
                1, info.compress_size
            ):
                raise ValueError(
                    f"{self.path} looks like a zip bomb: {info.filename!r} would unpack from "
                    f"{info.compress_size:,} to {info.file_size:,} bytes. Images barely compress; "
                    "re-create the zip from the folder of class subfolders."
                )
            entries.append(Entry(parts, info.file_size, member=info.filename))
        return entries

    def read(self, entry: Entry) -> bytes:
        """The bytes of one file.

        Raises:
            ValueError: if the file is larger than `MAX_MEMBER_BYTES`.
            OSError, RuntimeError, zipfile.BadZipFile: if it cannot be read.
        """
        if entry.size > MAX_MEMBER_BYTES:
            raise ValueError(f"{'/'.join(entry.parts)} is larger than {MAX_MEMBER_BYTES} bytes.")
        if self._zip is not None:
            with self._zip.open(entry.member) as member:
                return member.read(MAX_MEMBER_BYTES + 1)[:MAX_MEMBER_BYTES]
        return self.path.joinpath(*entry.parts).read_bytes()

    def head(self, entry: Entry, size: int = HEADER_BYTES) -> bytes:
        """The first `size` bytes of one file (only those are read, or unpacked).

        Raises:
            OSError, RuntimeError, zipfile.BadZipFile: if it cannot be read.
        """
        if self._zip is not None:
            with self._zip.open(entry.member) as member:
                return member.read(size)
        with self.path.joinpath(*entry.parts).open("rb") as file:
            return file.read(size)

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> FileTree:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# Pixels to decode ---------------------------------------------------------------------------------


def decoded_pixels(blob: bytes, size: int) -> int | None:
    """The pixels decoding an image to `size` × `size` would produce, from its header alone.

    A JPEG counts at the reduced scale it will be decoded at (`Image.draft`, as decoding does);
    other formats at their full size. `None` if the header cannot be read from `blob`.
    """
    try:
        with Image.open(io.BytesIO(blob)) as image:
            image.draft("RGB", (size, size))  # sets the size only: nothing is decoded
            return image.width * image.height
    except Exception:  # noqa: BLE001 - Pillow raises many types on broken or cut-off headers
        return None


def _entry_pixels(tree: FileTree, entry: Entry, size: int) -> int:
    try:
        found = decoded_pixels(tree.head(entry), size)
        if found is None and entry.size > HEADER_BYTES:  # a header after a long EXIF block
            found = decoded_pixels(tree.read(entry), size)
    except Exception:  # noqa: BLE001 - unreadable files are skipped when decoding, too
        return 0
    return found or 0  # not an image: decoding skips it


def check_pixels(
    tree: FileTree, entries: list[Entry], size: int, limit: int | None = None, already: int = 0
) -> int:
    """Adds up the pixels the images will decode to, from their headers, before decoding any.

    Args:
        tree: where the files are.
        entries: the image files about to be decoded.
        size: the side they are decoded (and resized) to.
        limit: the most pixels allowed in all; default `get_settings().max_decode_pixels`
            (env `CNNAPP_MAX_TRAIN_PIXELS`).
        already: pixels counted before (another split's), included in the total.

    Returns:
        The total, `already` included.

    Raises:
        ValueError: as soon as the total exceeds `limit`; the message names both numbers.
    """
    limit = get_settings().max_decode_pixels if limit is None else limit
    total = already
    for count, entry in enumerate(entries, start=1):
        total += _entry_pixels(tree, entry, size)
        if total > limit:
            before = f" (with {already:,} in the training images)" if already else ""
            raise ValueError(
                f"{tree.path}: the first {count:,} of its {len(entries):,} images hold "
                f"{total:,} pixels{before}, more than the {limit:,} allowed in all "
                "(CNNAPP_MAX_TRAIN_PIXELS); decoding them would keep the server busy. Shrink the "
                "photos before zipping them (a side of 512 pixels is plenty), or use fewer images."
            )
    return total
