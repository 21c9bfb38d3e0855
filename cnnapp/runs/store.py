"""Saved runs on disk: one folder per run under `models/`, written atomically.

A run is `models/<run id>/` with `model.keras`, `spec.json` (the network spec), `config.json`,
`history.json` and `metrics.json`. `RunStore.save` writes everything into a hidden temporary folder
and renames it into place, so a crash or a full disk never leaves half a run listed as good.
Keras is imported only by `RunStore.load_model`.

Example:
    store = RunStore()
    run_id = store.save(model=model, spec=spec, config={"owner": "cli"}, history={}, metrics={})
    model = store.load_model(run_id)
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cnnapp.settings import get_settings

FILE_NAMES = ("model.keras", "spec.json", "config.json", "history.json", "metrics.json")
CLI_OWNER = "cli"  # runs saved from the command line: visible to every session, read-only there
_RUN_ID = re.compile(r"^r\d{8}-\d{4}-[0-9a-f]{16}$")
_LEFTOVER_PREFIXES = (".tmp-", ".trash-")
_LEFTOVER_MAX_AGE_S = 3600.0


class RunStoreError(RuntimeError):
    """A run could not be written to or read from disk."""


class RunNotFound(KeyError):
    """No run with that id, or not one the asking session may see."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "run not found"


def new_run_id() -> str:
    """Returns a new unguessable, filesystem-safe run id such as `r20261128-0850-3fa1c2d4e5f60718`."""
    return f"r{time.strftime('%Y%m%d-%H%M')}-{secrets.token_hex(8)}"


def validate_run_id(run_id: str) -> str:
    """Checks that `run_id` looks like one `new_run_id` made, so it can never leave `models/`.

    Args:
        run_id: the id to check.

    Returns:
        The same id.

    Raises:
        ValueError: if it is not a string of the form `r20261128-0850-3fa1c2d4e5f60718`.
    """
    if not isinstance(run_id, str) or not _RUN_ID.match(run_id):
        raise ValueError(
            f"{run_id!r} is not a run id; expected one like 'r20261128-0850-3fa1c2d4e5f60718' "
            "(pick a run from the list of saved runs)."
        )
    return run_id


@dataclass
class RunInfo:
    """What the list of saved runs shows about one run (`status` is "ok" or "damaged")."""

    run_id: str
    path: Path
    status: str = "ok"
    problem: str | None = None  # why the run is damaged, in words
    created_at: str = ""  # ISO 8601, local time
    owner: str | None = None  # None when config.json cannot be read
    label: str = ""
    config: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    history: dict[str, Any] = field(default_factory=dict)
    spec: list[dict[str, Any]] = field(default_factory=list)

    def visible_to(self, owner: str | None) -> bool:
        """True if a session of `owner` (None: everyone) may see this run."""
        return owner is None or self.owner in (owner, CLI_OWNER)

    def can_delete(self, owner: str) -> bool:
        """True if `owner` may delete this run (its owner; "cli" also runs of unknown owner)."""
        return self.owner == owner or (owner == CLI_OWNER and self.owner is None)


def _now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _timestamp(info: RunInfo) -> float:
    """When the run was saved, for sorting: its created_at, else the folder's time."""
    try:
        return datetime.fromisoformat(info.created_at).timestamp()
    except (TypeError, ValueError):
        try:
            return info.path.stat().st_mtime
        except OSError:
            return 0.0


def _to_json(name: str, value: Any) -> bytes:
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


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class RunStore:
    """The saved runs in one folder (default: `get_settings().models_dir`).

    Args:
        root: the folder that holds one sub-folder per run; created on the first save.
    """

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root is not None else get_settings().models_dir

    def path(self, run_id: str) -> Path:
        """Returns the folder of run `run_id` (it may not exist). Raises ValueError on a bad id."""
        return self.root / validate_run_id(run_id)

    # Saving

    def save(
        self,
        *,
        model: Any,
        spec: list[dict[str, Any]],
        config: dict[str, Any],
        history: dict[str, Any],
        metrics: dict[str, Any],
        run_id: str | None = None,
    ) -> str:
        """Saves a run atomically: all of it appears under its id, or none of it does.

        Args:
            model: a Keras model (saved with `model.save(path)`), or a callable `write(path)` that
                writes the `.keras` file itself.
            spec: the network spec (a list of layer dicts).
            config: the run's settings; `created_at` is filled in when missing, `owner` defaults to
                "cli".
            history: the training history (plain data).
            metrics: the metrics of the run (plain data).
            run_id: the id to save under; a new one when None.

        Returns:
            The run id.

        Raises:
            ValueError: if `run_id` is malformed or already taken.
            TypeError: if spec, config, history or metrics are not plain data.
            RunStoreError: if the disk refused (full, read-only, ...); earlier runs are untouched.
        """
        run_id = validate_run_id(run_id) if run_id is not None else new_run_id()
        if not isinstance(config, dict):
            raise TypeError(f"config must be a dict, got {type(config).__name__}.")
        config = {"created_at": _now_iso(), "owner": CLI_OWNER, **config}
        documents = {
            "spec.json": _to_json("spec", spec),
            "config.json": _to_json("config", config),
            "history.json": _to_json("history", history),
            "metrics.json": _to_json("metrics", metrics),
        }
        final = self.root / run_id
        if final.exists():
            raise ValueError(f"a run with id {run_id!r} already exists; save without a run_id.")
        temp: Path | None = None
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self._clean_leftovers()
            temp = self.root / f".tmp-{run_id}-{secrets.token_hex(4)}"
            temp.mkdir()
            self._write_model(model, temp / "model.keras")
            for name, data in documents.items():
                _write_synced(temp / name, data)
            _fsync_path(temp)
            os.rename(temp, final)
            temp = None
            _fsync_path(self.root)
        except OSError as error:
            raise RunStoreError(
                f"the run could not be saved in {self.root}: {error.strerror or error}. "
                "Free some disk space or set CNNAPP_MODELS_DIR to a writable folder; "
                "earlier runs are intact."
            ) from error
        finally:
            if temp is not None:
                shutil.rmtree(temp, ignore_errors=True)
        return run_id

    @staticmethod
    def _write_model(model: Any, target: Path) -> None:
        if hasattr(model, "save"):
            model.save(str(target))
        elif callable(model):
            model(target)
        else:
            raise TypeError(
                f"model must be a Keras model or a callable write(path), got {type(model).__name__}."
            )
        if not target.is_file():
            raise RunStoreError(f"saving the model wrote no file at {target}.")
        with open(target, "rb") as file:
            os.fsync(file.fileno())

    def _clean_leftovers(self) -> None:
        """Removes temporary and trash folders older than an hour (left by crashes)."""
        cutoff = time.time() - _LEFTOVER_MAX_AGE_S
        try:
            for entry in self.root.iterdir():
                if entry.name.startswith(_LEFTOVER_PREFIXES) and entry.stat().st_mtime < cutoff:
                    shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            pass  # cleaning is best effort: a read-only folder still lists

    # Reading

    def list(self, owner: str | None = None) -> list[RunInfo]:
        """Lists the saved runs, newest first; unreadable runs come back with status "damaged".

        Args:
            owner: a session's owner id: its own runs plus the command line's; None lists all.

        Returns:
            One `RunInfo` per run folder (temporary and trashed folders are skipped).
        """
        if not self.root.is_dir():
            return []
        self._clean_leftovers()
        runs = [self._read(entry) for entry in self.root.iterdir() if _RUN_ID.match(entry.name)]
        runs = [run for run in runs if run is not None and run.visible_to(owner)]
        return sorted(runs, key=lambda run: (_timestamp(run), run.run_id), reverse=True)

    def get(self, run_id: str, owner: str | None = None) -> RunInfo:
        """Returns one run.

        Args:
            run_id: the run's id.
            owner: the asking session's owner id; None skips the visibility check.

        Returns:
            The run's `RunInfo` (possibly with status "damaged").

        Raises:
            ValueError: if `run_id` is malformed.
            RunNotFound: if there is no such run, or `owner` may not see it.
        """
        info = self._read(self.path(run_id))
        if info is None:
            raise RunNotFound(f"there is no saved run {run_id!r} in {self.root}.")
        if not info.visible_to(owner):
            raise RunNotFound(f"there is no saved run {run_id!r} for this session.")
        return info

    def _read(self, path: Path) -> RunInfo | None:
        """Reads a run folder (None if it is not a folder, e.g. deleted meanwhile)."""
        try:
            modified = path.stat().st_mtime
        except OSError:
            return None
        if not path.is_dir():
            return None
        info = RunInfo(run_id=path.name, path=path)
        expected = {"config.json": dict, "spec.json": list, "history.json": (dict, list)}
        expected["metrics.json"] = dict
        problems: list[str] = []
        for name, kind in expected.items():
            try:
                value = json.loads((path / name).read_text(encoding="utf-8"))
                if not isinstance(value, kind):
                    raise ValueError(f"it holds {type(value).__name__}")
                setattr(info, name.removesuffix(".json"), value)
            except FileNotFoundError:
                problems.append(f"{name} is missing")
            except (OSError, ValueError) as error:
                problems.append(f"{name} cannot be read ({error})")
        if not (path / "model.keras").is_file():
            problems.append("model.keras is missing")
        if problems:
            info.status, info.problem = "damaged", "; ".join(problems)
        config = info.config
        if not any(problem.startswith("config.json") for problem in problems):
            info.owner = str(config.get("owner", CLI_OWNER))
        info.label = str(config.get("label") or "")
        info.created_at = str(config.get("created_at") or "") or (
            datetime.fromtimestamp(modified).astimezone().isoformat(timespec="seconds")
        )
        return info

    def load_model(self, run_id: str, owner: str | None = None) -> Any:
        """Loads a run's Keras model for inference: `safe_mode=True`, no optimizer state.

        Args:
            run_id: the run's id.
            owner: when given, the run must be visible to this owner.

        Returns:
            The `keras.Model`.

        Raises:
            ValueError: if `run_id` is malformed.
            RunNotFound: if the run (or its model.keras) does not exist or is not visible.
            RunStoreError: if Keras cannot load the file.
        """
        if owner is not None:
            self.get(run_id, owner)
        path = self.path(run_id) / "model.keras"
        if not path.is_file():
            raise RunNotFound(f"run {run_id!r} has no model.keras in {self.root}.")
        import keras  # lazy: listing runs must not import TensorFlow

        import cnnapp.nets.backbone_layers  # noqa: F401  (registers the custom layers models may hold)

        try:
            return keras.saving.load_model(str(path), safe_mode=True, compile=False)
        except Exception as error:
            raise RunStoreError(
                f"the model of run {run_id!r} could not be loaded ({error}); the file may be "
                "damaged or from an incompatible Keras version: delete the run and train it again."
            ) from error

    def file_bytes(self, run_id: str, name: str, owner: str | None = None) -> bytes:
        """Returns the bytes of one of a run's files (for downloads).

        Args:
            run_id: the run's id.
            name: one of "model.keras", "spec.json", "config.json", "history.json", "metrics.json".
            owner: when given, the run must be visible to this owner.

        Returns:
            The file's content.

        Raises:
            ValueError: if `run_id` or `name` is not allowed.
            RunNotFound: if the run or the file does not exist, or is not visible.
        """
        if name not in FILE_NAMES:
            raise ValueError(f"{name!r} is not a run file; expected one of {list(FILE_NAMES)}.")
        if owner is not None:
            self.get(run_id, owner)
        path = self.path(run_id) / name
        if not path.is_file():
            raise RunNotFound(f"run {run_id!r} has no {name}.")
        return path.read_bytes()

    # Deleting

    def delete(self, run_id: str, owner: str) -> None:
        """Deletes a run: renamed away first (so listings never see half of it), then removed.

        Args:
            run_id: the run's id.
            owner: the asking session's owner id; only the run's owner may delete it ("cli" may
                also delete damaged runs whose owner cannot be read).

        Raises:
            ValueError: if `run_id` is malformed.
            RunNotFound: if there is no such run (or `owner` may not see it).
            PermissionError: if `owner` may see but not delete it.
            RunStoreError: if the disk refused.
        """
        info = self.get(run_id, owner if owner != CLI_OWNER else None)
        if not info.can_delete(owner):
            whose = "the command line's" if info.owner == CLI_OWNER else f"owner {info.owner!r}'s"
            raise PermissionError(
                f"run {run_id!r} is {whose} and read-only for {owner!r}; only its owner can delete "
                "it (runs saved from the command line are deleted with the command line)."
            )
        trash = self.root / f".trash-{run_id}-{secrets.token_hex(4)}"
        try:
            os.rename(info.path, trash)
        except OSError as error:
            raise RunStoreError(f"run {run_id!r} could not be deleted: {error}.") from error
        shutil.rmtree(trash, ignore_errors=True)
