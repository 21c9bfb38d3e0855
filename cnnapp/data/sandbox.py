"""Loading a dataset in a separate, bounded process, so decoding cannot keep a server busy.

`load_dataset_bounded(ref)` runs `load_dataset(ref)` in a child process (the "spawn" context, as
job workers start) and gives back the same `Dataset`. At most `MAX_PROCESSES` children decode at
once in this process; past `timeout_s` the child is killed and `DatasetUnavailableError` says so.
The arrays come back through a temporary uncompressed `.npz` under `data_dir / "sandbox"`, read
with `allow_pickle=False` and removed; progress messages come through a one-way pipe as JSON,
never pickles, so even a child subverted by a hostile image cannot run code in the parent.

Example:
    >>> dataset = load_dataset_bounded({"name": "folder", "path": "pets.zip"}, timeout_s=60)
"""

from __future__ import annotations

import json
import multiprocessing
import secrets
import shutil
import threading
import time
from pathlib import Path
from typing import Any

from cnnapp.data import cache
from cnnapp.data.base import Dataset, DatasetUnavailableError, Progress
from cnnapp.settings import get_settings

MAX_PROCESSES = 2  # decoding children at once (each may use a few cores)
DEFAULT_TIMEOUT_S = 60.0  # a user's own images on a class server
POLL_S = 0.2  # how often the parent checks the child and the clock
MAX_MESSAGE_BYTES = 100_000  # a longer message from the child is refused
_SLOTS = threading.BoundedSemaphore(MAX_PROCESSES)
_FIELDS = ("x_train", "y_train", "x_test", "y_test")
_META = ("name", "class_names", "source", "skipped", "empty_classes", "source_words")


# The child ---------------------------------------------------------------------------------------


def _child(ref: dict[str, Any], out: str, conn) -> None:
    """Loads the dataset, writes its arrays to `out` and sends what happened through `conn`."""
    from cnnapp.data.loader import load_dataset

    def send(*message) -> None:
        conn.send_bytes(json.dumps(message).encode("utf-8"))

    def progress(message: str, fraction: float | None) -> None:
        send("progress", message, fraction)

    try:
        dataset = load_dataset(ref, progress=progress)
        meta = {
            "name": dataset.name,
            "class_names": list(dataset.class_names),
            "source": dataset.source,
            "skipped": int(dataset.skipped),
            "empty_classes": list(dataset.empty_classes),
            "source_words": dataset.source_words,
        }
        if not cache.save(Path(out), {f: getattr(dataset, f) for f in _FIELDS}, meta):
            raise OSError(f"could not write the decoded images to {out}; is the disk full?")
        send("done")
    except DatasetUnavailableError as error:
        send("unavailable", str(error))
    except ValueError as error:
        send("value", str(error))
    except OSError as error:
        send("os", str(error))
    except Exception as error:  # noqa: BLE001 - anything else is described, never raised here
        send("value", f"decoding failed ({type(error).__name__}: {error})")
    finally:
        conn.close()


# The parent --------------------------------------------------------------------------------------


def _what(ref: dict[str, Any]) -> str:
    return str(ref.get("path") or ref.get("name") or "the dataset")


def _read(out: Path) -> Dataset:
    found = cache.load(out)
    if found is None:
        raise OSError(f"the decoded images in {out} could not be read back; try again.")
    arrays, meta = found
    return Dataset(**{f: arrays.get(f) for f in _FIELDS}, **{k: meta.get(k) for k in _META})


def _raise(message: tuple) -> None:
    """Re-raises, in this process, the error the child described."""
    kind, text = message[0], str(message[1]) if len(message) > 1 else "decoding failed"
    if kind == "unavailable":
        raise DatasetUnavailableError(text)
    if kind == "os":
        raise OSError(text)
    raise ValueError(text)


def _wait(process, conn, ref, timeout_s: float, progress: Progress | None) -> tuple:
    """The child's last message (`("done",)` or an error), or raises once over budget."""
    deadline = time.monotonic() + timeout_s
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise DatasetUnavailableError(
                f"Decoding {_what(ref)} took longer than {timeout_s:g} s, so it was stopped. Use "
                "fewer or smaller images (a side of 512 pixels is plenty), or try a limit."
            )
        try:
            if conn.poll(min(left, POLL_S)):
                message = json.loads(conn.recv_bytes(MAX_MESSAGE_BYTES))
                if message[0] != "progress":
                    return tuple(message)
                fraction = message[2] if isinstance(message[2], (int, float)) else None
                if progress:
                    progress(str(message[1]), fraction)
                continue
        except (EOFError, OSError, ValueError, IndexError):  # the child died or sent nonsense
            process.join(1.0)
        if not process.is_alive():
            code = process.exitcode
            raise DatasetUnavailableError(
                f"The process decoding {_what(ref)} ended unexpectedly (exit code {code}); "
                "this often means the images needed more memory than the server has. Use fewer "
                "or smaller images, or try a limit."
            )


def load_dataset_bounded(
    ref: dict[str, Any] | None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    progress: Progress | None = None,
) -> Dataset:
    """`cnnapp.data.load_dataset(ref)`, run in a child process with a time budget.

    Args:
        ref: a dataset reference (see `load_dataset`).
        timeout_s: seconds the child may take (waiting for a free slot not counted).
        progress: `progress(message, fraction)`, called in this process and thread.

    Returns:
        The `Dataset`, the same as `load_dataset(ref)` gives.

    Raises:
        ValueError: for a bad reference or data (as `load_dataset`), or a non-positive timeout.
        DatasetUnavailableError: as `load_dataset`; also when decoding took longer than
            `timeout_s` (the child is killed) or the child died.
        OSError: when the arrays cannot be passed back through the data folder.
    """
    from cnnapp.data.loader import normalize_ref
    from cnnapp.jobs.spawn import main_hidden  # the one place that knows how to spawn safely

    if not timeout_s > 0:
        raise ValueError(f"timeout_s must be a positive number of seconds, got {timeout_s!r}.")
    ref = normalize_ref(ref)  # a bad reference fails here, without a process
    folder = get_settings().data_dir / "sandbox" / secrets.token_hex(8)
    if progress:
        progress(f"Waiting to decode {_what(ref)}", None)
    with _SLOTS:
        folder.mkdir(parents=True, exist_ok=True)
        out = folder / "dataset.npz"
        context = multiprocessing.get_context("spawn")
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(
            target=_child, args=(ref, str(out), writer), name="cnnapp-decode", daemon=True
        )
        try:
            with main_hidden():
                process.start()
            writer.close()  # the child holds the only writing end: its death closes the pipe
            message = _wait(process, reader, ref, timeout_s, progress)
            if message[0] != "done":
                _raise(message)
            return _read(out)
        finally:
            reader.close()
            writer.close()
            if process.is_alive():
                process.kill()
            if process.pid is not None:  # started
                process.join(5.0)
            shutil.rmtree(folder, ignore_errors=True)
