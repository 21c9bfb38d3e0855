"""Writing a run's files durably: plain JSON, fsynced files and folders."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def to_json(name: str, value: Any) -> bytes:
    """Serialises `value` for `name`, turning NumPy scalars/arrays and paths into plain data."""

    def plain(obj: Any) -> Any:
        if hasattr(obj, "tolist"):
            return obj.tolist()
        if isinstance(obj, Path):
            return str(obj)
        raise TypeError(f"{type(obj).__name__} is not plain data")

    try:
        return json.dumps(value, indent=2, default=plain).encode("utf-8")
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{name} must be plain data (dicts, lists, numbers, text), but {error}; "
            "convert it before saving the run."
        ) from None


def write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
