"""Reading the files of a folder, a `.zip` or a `.tar`/`.tgz` archive, without extracting anything.

A `Source` lists its files by relative POSIX name, returns the text of small ones and streams the
bytes of chosen ones. A gzip-compressed tar cannot be read at random cheaply, so it is read in two
passes in its own order: one to list names (and keep small text files), one to stream images.
Members with absolute paths or `..` are refused as hostile; links, devices and oversized members
are skipped, never followed. Listing stops (with an error) once the members declare more than
`MAX_TOTAL_BYTES` in all or number more than `MAX_ENTRIES`.
"""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from pathlib import Path

from cnnapp.data import filetree
from cnnapp.data.filetree import _DRIVE, MAX_MEMBER_BYTES, FileTree

TAR_SUFFIXES = (".tgz", ".tar.gz", ".tar", ".tar.bz2", ".tar.xz")
MAX_TEXT_BYTES = 5_000_000  # metadata files kept in memory while listing


def is_tar_name(path: str | Path) -> bool:
    """Whether a file name looks like a tar archive (`.tgz`, `.tar.gz`, `.tar`, ...)."""
    return str(path).lower().endswith(TAR_SUFFIXES)


class Source:
    """The files of one folder, zip or tar archive.

    Args:
        path: a folder, a `.zip`, or a tar archive (`.tgz`, `.tar.gz`, `.tar`, ...).

    Raises:
        ValueError: if the path is missing, unreadable or a hostile archive.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self.texts: dict[str, str] = {}  # small .txt files, read while listing
        self._tree: FileTree | None = None
        if self.path.is_file() and is_tar_name(self.path):
            self.names = self._list_tar()
        else:
            self._tree = FileTree(self.path)
            self._entries = {"/".join(e.parts): e for e in self._tree.entries}
            self.names = list(self._entries)
            for name, entry in self._entries.items():
                if name.lower().endswith(".txt") and entry.size <= MAX_TEXT_BYTES:
                    self.texts[name] = self._tree.read(entry).decode("utf-8", "replace")

    def _members(self, archive: tarfile.TarFile) -> Iterator[tuple[str, tarfile.TarInfo]]:
        count = total = 0
        for member in archive:
            count, total = count + 1, total + member.size
            self._check_totals(count, total)
            name = member.name.replace("\\", "/")
            parts = [p for p in name.split("/") if p not in ("", ".")]
            if name.startswith("/") or _DRIVE.match(name) or ".." in parts:
                raise ValueError(
                    f"{self.path} contains the unsafe member {member.name!r} (an absolute path "
                    "or '..'); it is not a genuine dataset archive. Download it again."
                )
            if member.isfile() and parts and member.size <= MAX_MEMBER_BYTES:
                yield "/".join(parts), member

    def _check_totals(self, count: int, total: int) -> None:
        """Refuses an archive once its members, as listed so far, are too many or too large."""
        if count > filetree.MAX_ENTRIES:
            raise ValueError(
                f"{self.path} holds more than {filetree.MAX_ENTRIES:,} members, so listing it "
                "was stopped; a dataset archive holds one folder per class. Use a smaller one."
            )
        if total > filetree.MAX_TOTAL_BYTES:
            raise ValueError(
                f"{self.path} would unpack to more than {filetree.MAX_TOTAL_BYTES / 1e9:.0f} GB "
                f"(its first {count:,} members declare {total / 1e9:.1f} GB), so it was refused "
                "before reading any image; use a smaller dataset."
            )

    def _open_tar(self) -> tarfile.TarFile:
        try:
            return tarfile.open(self.path, "r:*")
        except (tarfile.TarError, OSError) as error:
            raise ValueError(
                f"{self.path} is not a readable tar archive ({error}); download it again."
            ) from None

    def _list_tar(self) -> list[str]:
        names = []
        with self._open_tar() as archive:
            try:
                for name, member in self._members(archive):
                    names.append(name)
                    if name.lower().endswith(".txt") and member.size <= MAX_TEXT_BYTES:
                        data = archive.extractfile(member).read()
                        self.texts[name] = data.decode("utf-8", "replace")
            except (tarfile.TarError, OSError, EOFError) as error:
                raise ValueError(
                    f"{self.path} is damaged or incomplete ({error}); download it again."
                ) from None
        return names

    def stream(self, wanted: set[str]) -> Iterator[tuple[str, bytes | None]]:
        """Yields `(name, bytes)` for each wanted file, in the source's own order.

        A file that cannot be read gives `None` instead of bytes.
        """
        if self._tree is not None:
            for name in self.names:
                if name in wanted:
                    try:
                        yield name, self._tree.read(self._entries[name])
                    except Exception:  # noqa: BLE001 - an unreadable file is skipped
                        yield name, None
            return
        with self._open_tar() as archive:
            try:
                for name, member in self._members(archive):
                    if name in wanted:
                        yield name, archive.extractfile(member).read()
            except (tarfile.TarError, OSError, EOFError) as error:
                raise ValueError(
                    f"{self.path} is damaged or incomplete ({error}); download it again."
                ) from None

    def close(self) -> None:
        if self._tree is not None:
            self._tree.close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
