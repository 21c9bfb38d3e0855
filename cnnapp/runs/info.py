"""What a saved run is: its id, its files, who may see it, how its training ended, and the
errors the run store raises."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cnnapp.i18n import t

FILE_NAMES = ("model.keras", "spec.json", "config.json", "history.json", "metrics.json")
CLI_OWNER = "cli"  # runs saved from the command line: visible to every session, read-only there
# Matched whole (`fullmatch`): `$` would let a trailing newline through, and `\d` Arabic-Indic digits.
_RUN_ID = re.compile(r"r[0-9]{8}-[0-9]{4}-[0-9a-f]{16}", re.ASCII)


class RunStoreError(RuntimeError):
    """A run could not be written to or read from disk."""


class RunNotFound(KeyError):
    """No run with that id, or not one the asking session may see."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "run not found"


def new_run_id() -> str:
    """Returns a new unguessable, filesystem-safe run id such as `r20261128-0850-3fa1c2d4e5f60718`."""
    return f"r{time.strftime('%Y%m%d-%H%M')}-{secrets.token_hex(8)}"


def is_run_id(name: str) -> bool:
    """True if `name` has the form of a run id (a folder name `new_run_id` could have made)."""
    return isinstance(name, str) and _RUN_ID.fullmatch(name) is not None


def validate_run_id(run_id: str) -> str:
    """Checks that `run_id` looks like one `new_run_id` made, so it can never leave `models/`.

    Args:
        run_id: the id to check.

    Returns:
        The same id.

    Raises:
        ValueError: if it is not a string of the form `r20261128-0850-3fa1c2d4e5f60718`.
    """
    if not is_run_id(run_id):
        raise ValueError(
            f"{run_id!r} is not a run id; expected one like 'r20261128-0850-3fa1c2d4e5f60718' "
            "(pick a run from the list of saved runs)."
        )
    return run_id


ENDINGS = ("completed", "early_stop", "stopped", "interrupted")  # how a run's training ended


@dataclass(frozen=True)
class RunEnding:
    """How a run's training ended.

    Attributes:
        kind: "completed" (every epoch asked for), "early_stop" (early stopping ended it),
            "stopped" (its owner stopped it) or "interrupted" (it ended short for no recorded
            reason: the worker died or was lost).
        epoch: the last epoch trained (for "early_stop", the epoch early stopping ended at).
        epochs: the epochs asked for (`config.train.epochs`), when recorded.
    """

    kind: str
    epoch: int | None = None
    epochs: int | None = None

    @property
    def finished(self) -> bool:
        """True for a run that trained every epoch it was asked to."""
        return self.kind == "completed"

    def describe(self, lang: str = "en") -> str:
        """ "completed", "early stop at epoch 12 of 40", "stopped at epoch 3 of 60", "interrupted"."""
        if self.finished or self.epoch is None:
            return t(f"run.ended.{self.kind}", lang)
        key = f"run.ended.{self.kind}_of" if self.epochs else f"run.ended.{self.kind}_at"
        return t(key, lang, epoch=self.epoch, epochs=self.epochs)


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def run_ending(
    config: Mapping[str, Any], metrics: Mapping[str, Any], history: Any = None
) -> RunEnding:
    """How a saved run's training ended, from what its record says (the one rule for it).

    Args:
        config: its `config.json` (`status` "completed" / "stopped", `train.epochs`).
        metrics: its `metrics.json` (`epochs_run`, `stopped`, `early_stopped_epoch`).
        history: its `history.json` (`{"epochs": [...]}`), counted when `epochs_run` is missing.

    Returns:
        A `RunEnding`: a stop request first, then early stopping; a run with fewer epochs than
        asked for and neither is "interrupted", as is one whose status says so.

    Example:
        >>> run_ending({"status": "stopped", "train": {"epochs": 60}}, {"epochs_run": 3})
        RunEnding(kind='stopped', epoch=3, epochs=60)
    """
    train = config.get("train")
    planned = _whole(train.get("epochs")) if isinstance(train, Mapping) else None
    ran = _whole(metrics.get("epochs_run"))
    epochs = history.get("epochs") if isinstance(history, Mapping) else None
    if ran is None and isinstance(epochs, list):
        ran = len(epochs)
    status = config.get("status")
    if status in ("interrupted", "failed"):
        return RunEnding("interrupted", ran, planned)
    if status == "stopped" or metrics.get("stopped") is True:
        return RunEnding("stopped", ran, planned)
    early = _whole(metrics.get("early_stopped_epoch"))
    if early:
        return RunEnding("early_stop", early, planned)
    if planned is not None and ran is not None and ran < planned:
        return RunEnding("interrupted", ran, planned)
    return RunEnding("completed", ran, planned)


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
    published_by: str | None = None  # the lecturer who published it to the class (class mode)

    @property
    def ending(self) -> RunEnding:
        """How its training ended (`run_ending` of its record)."""
        return run_ending(self.config, self.metrics, self.history)

    def visible_to(self, owner: str | None) -> bool:
        """True if a session of `owner` (None: everyone) may see this run: its own, the command
        line's, and the ones a lecturer published (read-only)."""
        return owner is None or self.owner in (owner, CLI_OWNER) or self.published_by is not None

    def can_delete(self, owner: str) -> bool:
        """True if `owner` may delete this run (its owner; "cli" also runs of unknown owner)."""
        return self.owner == owner or (owner == CLI_OWNER and self.owner is None)
