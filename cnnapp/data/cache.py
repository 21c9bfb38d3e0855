"""A disk cache of decoded datasets: one uncompressed `.npz` per key, under the data directory.

Uncompressed, because loading is then a plain read (50,000 CIFAR-size images: ~150 MB, well
under a second), which is the point of caching. Files are written atomically and read with
`allow_pickle=False`; a missing, stale or broken file is simply a cache miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from cnnapp.settings import get_settings

CACHE_VERSION = 1  # bump when the decoding changes, so old entries are not reused


def file_for(kind: str, key: object) -> Path:
    """The cache file for `key` (anything JSON-able) under `get_settings().data_dir / kind`."""
    text = json.dumps([CACHE_VERSION, key], sort_keys=True, default=str)
    digest = hashlib.sha256(text.encode("utf8")).hexdigest()[:24]
    return get_settings().data_dir / kind / f"{digest}.npz"


def load(path: Path) -> tuple[dict[str, np.ndarray], dict] | None:
    """Reads arrays and metadata saved by `save`, or `None` if absent or unreadable."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files if name != "_meta"}
            meta = json.loads(str(data["_meta"]))
    except Exception:  # noqa: BLE001 - a damaged cache file is only a miss
        return None
    return arrays, meta


def save(path: Path, arrays: dict[str, np.ndarray | None], meta: dict) -> bool:
    """Writes arrays (`None` ones are left out) and JSON metadata atomically.

    Returns:
        `True` if written; `False` if the cache folder is not writable (the cache is optional).
    """
    kept = {name: a for name, a in arrays.items() if a is not None}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, _meta=np.array(json.dumps(meta)), **kept)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    except OSError:
        return False
    return True
