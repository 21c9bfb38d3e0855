"""Writing a run's files durably: plain JSON (no NaN), fsynced files and folders."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any


def _plain(value: Any) -> Any:
    """`value` as plain JSON data: NumPy values and paths converted, NaN and infinities as None.

    A diverged run's NaN loss is saved as null: JSON has no NaN, and runs are read back strictly.
    """
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if hasattr(value, "tolist"):  # NumPy arrays and scalars
        return _plain(value.tolist())
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (str, int, float)):
        return value
    raise TypeError(f"{type(value).__name__} is not plain data")


def to_json(name: str, value: Any) -> bytes:
    """Serialises `value` for `name`: NumPy values and paths become plain data, NaN and
    infinities become null (see `_plain`)."""
    try:
        return json.dumps(_plain(value), indent=2, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError, RecursionError) as error:
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
