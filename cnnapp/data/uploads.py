"""Uploaded dataset zips, stored once by content, with who uploaded which and when.

Each upload is `<data dir>/uploads/<sha256>.zip` (the same file uploaded twice, by anyone, is one
file) and `index.json` beside them records its size and, per owner, the name it was uploaded as and
when: `{"<sha256>": {"size": 123, "owners": {"<owner>": {"name": "pets.zip", "at": 1.7e9}}}}`.
`prune_uploads` drops an owner's oldest uploads first; a file goes only when no owner is left.
Nothing here touches saved runs: it only ever removes `<sha256>.zip` files the index lists.

Example:
    >>> path = save_upload(uploaded_file, "pets.zip", owner="3fa1...")
    >>> prune_uploads("3fa1...", keep_bytes=500_000_000)
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import tempfile
import threading
import time
from pathlib import Path
from typing import BinaryIO

from cnnapp.settings import get_settings

CHUNK = 1 << 20  # bytes hashed and written at a time
INDEX = "index.json"
_HASH = re.compile(r"^[0-9a-f]{64}$")
_LOCK = threading.Lock()  # one index update at a time in this process (the app's sessions)


class UploadTooLargeError(ValueError):
    """An upload larger than `CNNAPP_MAX_UPLOAD_BYTES`; the message names both sizes."""


ZIP_HINT = "use fewer or smaller images, or shrink the photos before zipping them"


def check_size(size: int, name: str, limit: int | None = None, hint: str = ZIP_HINT) -> None:
    """Refuses an upload of `size` bytes over `limit` (default `get_settings().max_upload_bytes`).

    Args:
        size: the upload's size in bytes.
        name: its file name, for the message.
        limit: the most bytes allowed.
        hint: what to do instead, for the message.

    Raises:
        UploadTooLargeError: naming the file, its size and the limit.
    """
    limit = get_settings().max_upload_bytes if limit is None else limit
    if size > limit:
        raise UploadTooLargeError(
            f"{name} is {_size(size)}, more than the {_size(limit)} allowed for an upload "
            f"(CNNAPP_MAX_UPLOAD_BYTES); {hint}."
        )


def _size(n: int) -> str:
    """Bytes in words: MB as the settings count them (1 MB = 1024 × 1024 bytes)."""
    return f"{n / 2**20:,.1f} MB" if n >= 2**20 else f"{n:,} bytes"


def _root(root: str | Path | None) -> Path:
    settings = get_settings()
    folder = Path(root) if root is not None else settings.data_dir / "uploads"
    models = Path(os.path.realpath(settings.models_dir))
    if Path(os.path.realpath(folder)).is_relative_to(models):
        raise ValueError(f"Uploads cannot be kept in the runs folder {models}; give another root.")
    return folder


def _size_of(file: BinaryIO) -> int:
    size = getattr(file, "size", None)  # Streamlit's UploadedFile knows it
    if isinstance(size, int):
        return size
    here = file.tell()
    size = file.seek(0, os.SEEK_END)
    file.seek(here)
    return size - here


def _read_index(folder: Path) -> dict:
    try:
        index = json.loads((folder / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none yet, or damaged: uploads are then unknown to it, never deleted by it
    return index if isinstance(index, dict) else {}


def _write_index(folder: Path, index: dict) -> None:
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(index, f, indent=1, sort_keys=True)
        os.replace(tmp, folder / INDEX)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)


@contextlib.contextmanager
def _locked(folder: Path):
    """The index to read and change; written back when the block ends without an error."""
    folder.mkdir(parents=True, exist_ok=True)
    with _LOCK, open(folder / ".lock", "a") as lock:
        with contextlib.suppress(ImportError, OSError):  # other processes (the CLI), on POSIX
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)
        index = _read_index(folder)
        yield index
        _write_index(folder, index)


def _store(file: BinaryIO, folder: Path, name: str) -> tuple[str, int]:
    """Copies `file` into `folder` under its SHA-256 (once); returns `(digest, size)`."""
    digest, size = hashlib.sha256(), 0
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := file.read(CHUNK):
                size += len(chunk)
                check_size(size, name)  # a file object that understated its size
                digest.update(chunk)
                out.write(chunk)
        target = folder / f"{digest.hexdigest()}.zip"
        if not target.exists():
            os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
    return digest.hexdigest(), size


def save_upload(
    data: bytes | BinaryIO, name: str, owner: str, root: str | Path | None = None
) -> Path:
    """Stores an uploaded zip by content and records that `owner` uploaded it now.

    Args:
        data: the file's bytes, or a binary file object (a Streamlit `UploadedFile`).
        name: the name it was uploaded as (kept in the index only, never used as a path).
        owner: who uploaded it (a session's owner id, or a signed-in user).
        root: the uploads folder; default `get_settings().data_dir / "uploads"`.

    Returns:
        The stored file, `<root>/<sha256>.zip`.

    Raises:
        UploadTooLargeError: over `get_settings().max_upload_bytes`, before anything is written.
        ValueError: for an empty owner, or a root inside the runs folder.
    """
    if not owner:
        raise ValueError("save_upload needs the owner who uploaded the file, got an empty one.")
    file = io.BytesIO(data) if isinstance(data, (bytes, bytearray, memoryview)) else data
    check_size(_size_of(file), name)
    folder = _root(root)
    with _locked(folder) as index:
        digest, size = _store(file, folder, name)
        record = index.setdefault(digest, {"size": size, "owners": {}})
        record["owners"][owner] = {"name": str(name), "at": time.time()}
    return folder / f"{digest}.zip"


def owner_uploads(owner: str, root: str | Path | None = None) -> list[dict]:
    """`owner`'s uploads, oldest first: `{"path", "name", "size", "at"}` each."""
    folder = _root(root)
    found = []
    for digest, record in _read_index(folder).items():
        mine = record.get("owners", {}).get(owner) if _HASH.match(digest) else None
        if mine is not None:
            found.append(
                {
                    "path": folder / f"{digest}.zip",
                    "name": mine.get("name", ""),
                    "size": record["size"],
                    "at": float(mine.get("at", 0)),
                }
            )
    return sorted(found, key=lambda upload: upload["at"])


def owner_upload_bytes(owner: str, root: str | Path | None = None) -> int:
    """The bytes of all of `owner`'s uploads (a file shared with others counts in full)."""
    return sum(upload["size"] for upload in owner_uploads(owner, root))


def prune_uploads(
    owner: str, keep_bytes: int, root: str | Path | None = None, spare: Path | None = None
) -> list[Path]:
    """Drops `owner`'s oldest uploads until theirs take at most `keep_bytes`.

    A file still uploaded by another owner stays (only `owner`'s claim on it goes); one nobody
    claims any more is removed.

    Args:
        owner: whose uploads.
        keep_bytes: the most bytes their uploads may take afterwards.
        root: the uploads folder; default `get_settings().data_dir / "uploads"`.
        spare: an upload never dropped (the one the session is using).

    Returns:
        The uploads dropped for `owner`, oldest first.
    """
    folder = _root(root)
    spared = os.path.realpath(spare) if spare is not None else None
    dropped = []
    with _locked(folder) as index:
        mine = sorted(
            (float(record["owners"][owner].get("at", 0)), digest)
            for digest, record in index.items()
            if _HASH.match(digest) and owner in record.get("owners", {})
        )
        total = sum(index[digest]["size"] for _, digest in mine)
        for _, digest in mine:
            path = folder / f"{digest}.zip"
            if total <= keep_bytes:
                break
            if spared == os.path.realpath(path):
                continue
            del index[digest]["owners"][owner]
            total -= index[digest]["size"]
            dropped.append(path)
            if not index[digest]["owners"]:
                del index[digest]
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
    return dropped
