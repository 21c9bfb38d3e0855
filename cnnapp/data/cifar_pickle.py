"""The CIFAR archives' Python-pickle format, read with an unpickler that only rebuilds arrays.

The batches are pickles (protocol 2, written by Python 2, so keys are bytes): `b"data"` holds
`(n, 3072)` uint8 rows, channel-first (1024 red values, 1024 green, 1024 blue, each row by row),
and `b"fine_labels"`/`b"coarse_labels"` (CIFAR-100) or `b"labels"` (CIFAR-10) the labels.
A plain `pickle.load` would run any code a tampered file names; `RestrictedUnpickler` refuses
every global except numpy's array reconstruction.
"""

from __future__ import annotations

import io
import pickle

import numpy as np

# Rebuilding a pickled numpy array needs exactly these globals (numpy < 2 and >= 2 spellings),
# plus `_codecs.encode`, which is how Python 3 writes bytes (keys, array buffers) in protocol 2.
_ALLOWED_GLOBALS = {
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("_codecs", "encode"),
}


class RestrictedUnpickler(pickle.Unpickler):
    """Unpickles only plain data and numpy arrays; any other global is refused."""

    def find_class(self, module: str, name: str):
        if (module, name) not in _ALLOWED_GLOBALS:
            raise pickle.UnpicklingError(
                f"Refusing to load {module}.{name} from a CIFAR file: only numpy arrays are "
                "allowed. The file is corrupted or malicious; download the official archive again."
            )
        if name == "_reconstruct":
            return np.ndarray.__reduce__(np.zeros(0))[0]  # numpy's own _reconstruct, any version
        return super().find_class(module, name)


def unpickle(blob: bytes, what: str) -> dict[str, object]:
    """Unpickles one CIFAR batch or meta file into a dict with `str` keys.

    Raises:
        ValueError: if the file is not a pickle, uses a refused global or is not a dict.
    """
    try:
        data = RestrictedUnpickler(io.BytesIO(blob), encoding="bytes").load()
    except Exception as error:  # noqa: BLE001 - any failure means a bad file
        raise ValueError(f"Cannot read {what}: {error}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{what} holds a {type(data).__name__}, expected a dict of arrays.")
    return {k.decode("latin1") if isinstance(k, bytes) else str(k): v for k, v in data.items()}


def parse_batch(blob: bytes, label_key: str, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Parses a batch into images and labels.

    Args:
        blob: the batch file's bytes.
        label_key: `"fine_labels"` (CIFAR-100) or `"labels"` (CIFAR-10).
        what: the file's name, for messages.

    Returns:
        `(images, labels)`: uint8 `(n, 32, 32, 3)` (channels last) and int64 `(n,)`.

    Raises:
        ValueError: if the file is refused or lacks the expected arrays.
    """
    batch = unpickle(blob, what)
    if "data" not in batch or label_key not in batch:
        raise ValueError(f"{what} lacks 'data' or {label_key!r}; found keys {sorted(batch)}.")
    data = np.asarray(batch["data"])
    labels = np.asarray(batch[label_key], dtype=np.int64).reshape(-1)
    if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3072:
        raise ValueError(
            f"{what}: 'data' is {data.dtype} {data.shape}, expected uint8 (n, 3072) rows."
        )
    if len(labels) != len(data):
        raise ValueError(f"{what}: {len(data)} images but {len(labels)} labels.")
    images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(images), labels
