"""Runs a lecturer has published to the class: every student sees them, read-only.

Kept in `<data dir>/class/published.json` as run id -> who published it and when. Publishing
changes who may see a run, never its files or its owner.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from cnnapp.classroom.jsonfile import read_json, write_json
from cnnapp.runs import is_run_id, validate_run_id
from cnnapp.settings import get_settings


class Publications:
    """The published runs of a class.

    Args:
        root: the folder of the class's files; default `<data dir>/class`.
    """

    def __init__(self, root: Path | str | None = None) -> None:
        self.path = Path(root or get_settings().data_dir / "class") / "published.json"

    def all(self) -> dict[str, dict[str, Any]]:
        """run id -> `{"by": lecturer's name, "at": ISO time}`; a broken file counts as none."""
        data = read_json(self.path, {})
        return {k: v for k, v in data.items() if isinstance(v, dict) and is_run_id(k)}

    def ids(self) -> frozenset[str]:
        return frozenset(self.all())

    def publish(self, run_id: str, by: str) -> None:
        """Shows run `run_id` to the whole class, labelled as `by`'s (a lecturer's name).

        Raises:
            ValueError: if `run_id` is not a run id.
        """
        entries = self.all()
        entries[validate_run_id(run_id)] = {"by": by, "at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        write_json(self.path, entries)

    def unpublish(self, run_id: str) -> None:
        entries = self.all()
        if entries.pop(run_id, None) is not None:
            write_json(self.path, entries)
