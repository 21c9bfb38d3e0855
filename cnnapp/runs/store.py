"""Saved runs on disk: one folder per run under `models/`, written atomically.

A run is `models/<run id>/` with `model.keras`, `spec.json` (the network spec), `config.json`,
`history.json` and `metrics.json`. `RunStore.save` writes everything into a hidden temporary folder
and renames it into place, so a crash or a full disk never leaves half a run listed as good.
Reading checks every file (`cnnapp.runs.validate`): a run whose files are missing, unreadable or
not what the pages expect is listed as "damaged", never raised. Keras is imported only by
`RunStore.load_model`.

Example:
    store = RunStore()
    run_id = store.save(model=model, spec=spec, config={"owner": "cli"}, history={}, metrics={})
    model = store.load_model(run_id)
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from cnnapp.runs.files import fsync_path, to_json, write_synced
from cnnapp.runs.info import (
    CLI_OWNER,
    FILE_NAMES,
    RunInfo,
    RunNotFound,
    RunStoreError,
    is_run_id,
    new_run_id,
    validate_run_id,
)
from cnnapp.runs.validate import read_files
from cnnapp.settings import get_settings

_LEFTOVER_PREFIXES = (".tmp-", ".trash-")
LIVE_LOGS = "tensorboard"  # <root>/tensorboard/<run id>: logs of jobs still training
_LEFTOVER_MAX_AGE_S = 3600.0


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


class RunStore:
    """The saved runs in one folder (default: `get_settings().models_dir`).

    Args:
        root: the folder that holds one sub-folder per run; created on the first save.
        published: in class mode, returns the published runs (run id -> `{"by": name, ...}`,
            `cnnapp.classroom.published.Publications.all`): every session sees them, read-only.
    """

    def __init__(
        self,
        root: Path | str | None = None,
        published: Callable[[], Mapping[str, Mapping[str, Any]]] | None = None,
    ) -> None:
        self.root = Path(root) if root is not None else get_settings().models_dir
        self._published = published

    def live_logs(self, run_id: str) -> Path:
        """Where a job writes the TensorBoard logs of run `run_id` while it trains
        (`<root>/tensorboard/<run id>`; `save(..., folders=...)` moves them into the run), so
        `tensorboard --logdir models/` shows jobs in progress too."""
        return self.root / LIVE_LOGS / validate_run_id(run_id)

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
        folders: dict[str, Path] | None = None,
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
            folders: more folders to move into the run, by name (e.g. `{"tensorboard": path}`:
                the TensorBoard logs written while it trained); a missing one is skipped.

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
            "spec.json": to_json("spec", spec),
            "config.json": to_json("config", config),
            "history.json": to_json("history", history),
            "metrics.json": to_json("metrics", metrics),
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
                write_synced(temp / name, data)
            for name, folder in (folders or {}).items():
                if Path(folder).is_dir():
                    shutil.move(str(folder), str(temp / name))
            fsync_path(temp)
            os.rename(temp, final)
            temp = None
            fsync_path(self.root)
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
        published = self._published() if self._published else {}
        runs = [self._read(entry) for entry in self.root.iterdir() if is_run_id(entry.name)]
        runs = [self._mark(run, published) for run in runs if run is not None]
        runs = [run for run in runs if run.visible_to(owner)]
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
        info = self._mark(info, self._published() if self._published else {})
        if not info.visible_to(owner):
            raise RunNotFound(f"there is no saved run {run_id!r} for this session.")
        return info

    @staticmethod
    def _mark(info: RunInfo, published: Mapping[str, Mapping[str, Any]]) -> RunInfo:
        entry = published.get(info.run_id)
        if entry is not None:
            info.published_by = str(entry.get("by") or "lecturer")
        return info

    def _read(self, path: Path) -> RunInfo | None:
        """Reads a run folder (None if it is not a folder, e.g. deleted meanwhile).

        Every file is checked (`cnnapp.runs.validate`); one that is missing, unreadable or not
        what the pages expect makes the run "damaged", and its field stays empty.
        """
        try:
            modified = path.stat().st_mtime
        except OSError:
            return None
        if not path.is_dir():
            return None
        info = RunInfo(run_id=path.name, path=path)
        raw, valid, problems = read_files(path)
        if not (path / "model.keras").is_file():
            problems.append("model.keras is missing")
        if problems:
            info.status, info.problem = "damaged", "; ".join(problems)
        for name, value in valid.items():
            setattr(info, name.removesuffix(".json"), value)
        self._describe(info, raw.get("config.json"), modified)
        return info

    @staticmethod
    def _describe(info: RunInfo, config: Any, modified: float) -> None:
        """Owner, label and date, from config.json even when other fields of it are damaged (so
        its owner can still see and delete the run); an unreadable owner is None."""
        owner = config.get("owner", CLI_OWNER) if isinstance(config, dict) else None
        config = config if isinstance(config, dict) else {}
        info.owner = owner if isinstance(owner, str) and owner else None
        label, created = config.get("label"), config.get("created_at")
        info.label = label if isinstance(label, str) else ""
        info.created_at = (created if isinstance(created, str) else "") or (
            datetime.fromtimestamp(modified).astimezone().isoformat(timespec="seconds")
        )

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
        import cnnapp.nets.whitening_layer  # noqa: F401

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

    def delete(self, run_id: str, owner: str, lecturer: bool = False) -> None:
        """Deletes a run: renamed away first (so listings never see half of it), then removed.

        Args:
            run_id: the run's id.
            owner: the asking session's owner id; only the run's owner may delete it ("cli" may
                also delete damaged runs whose owner cannot be read).
            lecturer: True when a lecturer asks (class mode): any run may be deleted.

        Raises:
            ValueError: if `run_id` is malformed.
            RunNotFound: if there is no such run (or `owner` may not see it).
            PermissionError: if `owner` may see but not delete it.
            RunStoreError: if the disk refused.
        """
        info = self.get(run_id, None if lecturer or owner == CLI_OWNER else owner)
        if not lecturer and not info.can_delete(owner):
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
