"""What a saved run is: its id, its files, who may see it, and the errors the run store raises."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

    def visible_to(self, owner: str | None) -> bool:
        """True if a session of `owner` (None: everyone) may see this run: its own, the command
        line's, and the ones a lecturer published (read-only)."""
        return owner is None or self.owner in (owner, CLI_OWNER) or self.published_by is not None

    def can_delete(self, owner: str) -> bool:
        """True if `owner` may delete this run (its owner; "cli" also runs of unknown owner)."""
        return self.owner == owner or (owner == CLI_OWNER and self.owner is None)
