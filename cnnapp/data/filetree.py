"""A read-only view of the files in a folder or a `.zip`, without extracting anything.

Both give a list of `Entry` (path parts and size) and read one entry's bytes. A zip with absolute
paths or `..` in member names is refused as hostile; its sizes are checked before reading.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

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


def _walk(root: Path) -> tuple[list[Entry], set[tuple[str, ...]]]:
    """The files (sorted, with size and mtime) and folders under `root`, hidden ones left out."""
    entries, dirs = [], set()
    for dirpath, dirnames, filenames in os.walk(root):
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
        entries, total = [], 0
        for info in self._zip.infolist():
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
            total += info.file_size
            entries.append(Entry(parts, info.file_size, member=info.filename))
        if total > MAX_TOTAL_BYTES:
            raise ValueError(
                f"{self.path} would unpack to {total / 1e9:.1f} GB, more than the "
                f"{MAX_TOTAL_BYTES / 1e9:.0f} GB allowed; use a smaller dataset."
            )
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

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> FileTree:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
