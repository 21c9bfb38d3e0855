"""One saved run as one zip: its files, its TensorBoard logs and both exported scripts.

`run_zip(store, run_id, owner)` returns the bytes of `<run id>.zip`, every member under
`<run id>/`: `model.keras`, `spec.json`, `config.json`, `history.json`, `metrics.json`,
`tensorboard/...` (when the run has logs), `train_keras3.py` (the runnable script),
`train_keras2.py` (the assignment's Keras 2 version) and `MANIFEST.json` (every member's size
and SHA-256, and whether TensorBoard logs are included). It is built in memory, member names are
checked (no `..`, no absolute paths, no links), and a run that is damaged or misses a file raises
`BundleError` instead of giving a zip that looks complete.

Example:
    >>> data = run_zip(RunStore(), "r20261128-0850-3fa1c2d4e5f60718")  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import zipfile
from pathlib import Path

from cnnapp.export.keras2 import keras2_script
from cnnapp.export.script import keras3_script
from cnnapp.export.settings import from_run
from cnnapp.runs.info import FILE_NAMES

TENSORBOARD = "tensorboard"
SCRIPT, KERAS2_SCRIPT, MANIFEST = "train_keras3.py", "train_keras2.py", "MANIFEST.json"
_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,199}", re.ASCII)  # one path part
_STORED = ("model.keras",)  # already compressed: stored as is


class BundleError(ValueError):
    """A run cannot be zipped (damaged, missing files, unexpected files); the message says why."""


def _safe_parts(relative: Path, run_id: str) -> tuple[str, ...]:
    parts = relative.parts
    if not parts or any(not _SAFE_NAME.fullmatch(part) for part in parts):
        raise BundleError(
            f"run {run_id!r} holds a file named {str(relative)!r} in its TensorBoard logs, which "
            "is not a name a zip member may have (letters, digits, '.', '_' and '-' only); "
            "remove it from the run's tensorboard/ folder and download again."
        )
    return parts


def tensorboard_files(folder: Path, run_id: str) -> list[tuple[str, Path]]:
    """`(member name, path)` of every TensorBoard log file of a run, sorted; links refused.

    Raises:
        BundleError: for a link or a file name a zip member may not have.
    """
    found = []
    for root, dirs, files in os.walk(folder):
        for name in sorted(dirs) + sorted(files):
            path = Path(root) / name
            if path.is_symlink():
                raise BundleError(
                    f"run {run_id!r} has a link in its TensorBoard logs "
                    f"({path.relative_to(folder)}); a run zip holds files only: remove it."
                )
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            parts = _safe_parts(path.relative_to(folder), run_id)
            found.append(("/".join((TENSORBOARD, *parts)), path))
    return found


def _read(path: Path, run_id: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise BundleError(
            f"run {run_id!r} could not be read while it was zipped ({error.strerror or error}: "
            f"{path.name}); it may have been deleted meanwhile. Reload the page and try again."
        ) from None


def run_members(store, run_id: str, owner: str | None = None) -> tuple[list, bool]:
    """Checks that a run can be zipped, without reading it: its files as `(member, path)`
    pairs, and whether it has TensorBoard logs.

    Raises:
        ValueError: if `run_id` is malformed.
        RunNotFound: if there is no such run (or `owner` may not see it).
        BundleError: if the run is damaged, misses a file or holds an unexpected one.
    """
    info = store.get(run_id, owner)
    if info.status != "ok":
        raise BundleError(
            f"run {run_id!r} is damaged ({info.problem}), so it cannot be zipped; its files that "
            "are intact can still be downloaded one by one."
        )
    missing = [name for name in FILE_NAMES if not (info.path / name).is_file()]
    if missing:
        raise BundleError(
            f"run {run_id!r} misses {', '.join(missing)}, so it cannot be zipped; train it again."
        )
    members = [(name, info.path / name) for name in FILE_NAMES]
    logs = info.path / TENSORBOARD
    if logs.is_symlink():
        raise BundleError(f"run {run_id!r} has a link as its tensorboard/ folder; remove it.")
    if logs.is_dir():
        members += tensorboard_files(logs, run_id)
    return members, logs.is_dir()


def _scripts(run_id: str, files: dict[str, bytes]) -> dict[str, bytes]:
    try:
        spec = json.loads(files["spec.json"])
        config = json.loads(files["config.json"])
        metrics = json.loads(files["metrics.json"])
    except ValueError as error:
        raise BundleError(f"run {run_id!r} has a file that is not JSON ({error}).") from None
    settings = from_run(run_id, spec, config, metrics)
    return {
        SCRIPT: keras3_script(settings).encode("utf-8"),
        KERAS2_SCRIPT: keras2_script(settings).encode("utf-8"),
    }


def manifest(run_id: str, files: dict[str, bytes], has_logs: bool) -> dict:
    """What the zip holds: each member's size and SHA-256, and a note on TensorBoard logs."""
    logs = (
        "included under tensorboard/"
        if has_logs
        else "none: the run was trained before runs kept them, or not on the TensorFlow backend"
    )
    return {
        "run_id": run_id,
        "made_by": "CNN Lab",
        "tensorboard_logs": logs,
        "files": {
            name: {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in sorted(files.items())
        },
    }


def run_zip(store, run_id: str, owner: str | None = None) -> bytes:
    """The whole run as the bytes of one zip (see the module docstring).

    Args:
        store: the `cnnapp.runs.RunStore` that holds it.
        run_id: the run's id.
        owner: when given, the run must be visible to this owner.

    Returns:
        The zip file's bytes.

    Raises:
        ValueError: if `run_id` is malformed.
        RunNotFound: if there is no such run (or `owner` may not see it).
        BundleError: if the run is damaged, misses a file or holds an unexpected one.
    """
    members, has_logs = run_members(store, run_id, owner)
    files = {name: _read(path, run_id) for name, path in members}
    files.update(_scripts(run_id, files))
    files[MANIFEST] = json.dumps(manifest(run_id, files, has_logs), indent=2).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            method = zipfile.ZIP_STORED if name in _STORED else zipfile.ZIP_DEFLATED
            archive.writestr(f"{run_id}/{name}", data, compress_type=method)
    return buffer.getvalue()


def write_run_zip(store, run_id: str, target: str | Path, owner: str | None = None) -> Path:
    """Writes `run_zip(...)` to `target` (whole or not at all: a temporary file renamed).

    Raises:
        BundleError: as `run_zip`, or if `target` cannot be written.
    """
    data = run_zip(store, run_id, owner)
    target = Path(target).expanduser()
    temp = target.with_name(f".{target.name}.part")
    try:
        temp.write_bytes(data)
        os.replace(temp, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        raise BundleError(
            f"could not write {target}: {error.strerror or error}; choose a writable folder."
        ) from None
    return target
