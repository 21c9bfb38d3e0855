"""Each owner's work in progress, kept on the server, and share links that hand it to a class.

A *workspace* is what a person is preparing before they press Start: the network being built, its
name and preset, the dataset choice, the preprocessing, the training settings and the run's label.
`Workspaces` keeps one small JSON file per owner, so a reload, a page switch or another device
restores it. Everything read back is checked again; what does not pass is dropped (the default
comes back) and never breaks a page.

A *share code* (`share_code` / `read_share_code`) carries a network and its settings in a URL, as
TensorFlow Playground does: compact JSON, zlib-compressed, URL-safe base64. It never carries an
owner, a run id or a path on the server (a dataset with a path is left out).

Example:
    >>> store = Workspaces(folder)
    >>> store.save("u-1234", {"spec": [...], "train_config": {"epochs": 15}})
    >>> store.load("u-1234")["train_config"]["epochs"]
    15
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import json
import zlib
from pathlib import Path
from typing import Any

from cnnapp.classroom.jsonfile import read_json, write_json
from cnnapp.config import Preprocessing, TrainConfig
from cnnapp.data.loader import normalize_ref
from cnnapp.nets.spec import normalize_spec
from cnnapp.settings import get_settings

FIELDS = (
    "spec",
    "network_name",
    "preset",
    "dataset",
    "preprocessing",
    "train_config",
    "run_label",
)
SHARED_FIELDS = ("spec", "network_name", "preset", "dataset", "preprocessing", "train_config")
MAX_FILE_BYTES = 256 * 1024  # a workspace is a few kilobytes; anything larger is not one
MAX_CODE_CHARS = 8000  # a share code stays a URL a browser and a chat accept
MAX_TEXT = 120  # network names and run labels


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    return value[:MAX_TEXT]


def _check(field: str, value: Any) -> Any:
    """The field's value made safe, or ValueError."""
    if field == "spec":
        return normalize_spec(value)
    if field in ("network_name", "run_label"):
        return _text(value)
    if field == "preset":
        return _text(value) or ""
    if field == "dataset":
        return normalize_ref(value)
    if field == "preprocessing":
        return Preprocessing.from_dict(value).to_dict()
    if field == "train_config":
        return TrainConfig.from_dict(value).to_dict()
    raise ValueError(f"unknown workspace field {field!r}")


def clean(state: dict[str, Any] | Any, fields: tuple[str, ...] = FIELDS) -> dict[str, Any]:
    """The fields of `state` that pass their checks (the others are left out)."""
    if not isinstance(state, dict):
        return {}
    out = {}
    for field in fields:
        if field in state:
            try:
                out[field] = _check(field, copy.deepcopy(state[field]))
            except (ValueError, TypeError, KeyError):
                continue
    return out


class Workspaces:
    """One JSON file per owner under `folder` (default: `<data dir>/workspaces`)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder else get_settings().data_dir / "workspaces"

    def _path(self, owner: str) -> Path:
        # Owner ids are checked where they are made; hashing keeps any id a safe file name.
        digest = hashlib.sha256(owner.encode("utf-8")).hexdigest()[:32]
        return self.folder / f"{digest}.json"

    def load(self, owner: str) -> dict[str, Any]:
        """The owner's saved workspace (only fields that pass their checks), or {}."""
        path = self._path(owner)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                return {}
        except OSError:
            return {}
        data = read_json(path, {})
        if data.get("owner") != owner:  # another owner's file (a hash collision): not theirs
            return {}
        return clean(data.get("workspace"))

    def save(self, owner: str, state: dict[str, Any]) -> dict[str, Any]:
        """Keeps the owner's workspace (atomically); returns what was kept."""
        kept = clean(state)
        write_json(self._path(owner), {"owner": owner, "workspace": kept})
        return kept


def share_code(state: dict[str, Any]) -> str:
    """A URL-safe code for the network and settings in `state` (no owner, run id or path)."""
    shared = clean(state, SHARED_FIELDS)
    dataset = shared.get("dataset")
    if dataset and (dataset.get("path") or dataset.get("test_path")):
        shared.pop("dataset")
    text = json.dumps(shared, separators=(",", ":"), sort_keys=True)
    packed = zlib.compress(text.encode("utf-8"), 9)
    code = base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")
    if len(code) > MAX_CODE_CHARS:
        raise ValueError(
            f"This network is too large for a share link ({len(code):,} characters, at most "
            f"{MAX_CODE_CHARS:,}); download its JSON on Build and share the file instead."
        )
    return code


def read_share_code(code: str) -> dict[str, Any]:
    """The network and settings a share code carries.

    Raises:
        ValueError: when the code is damaged, too long or carries nothing usable; the message
            says so in words.
    """
    if not isinstance(code, str) or not code or len(code) > MAX_CODE_CHARS:
        raise ValueError(
            f"This share link is not valid (expected a code of 1 to {MAX_CODE_CHARS:,} "
            "characters); ask for the link again."
        )
    try:
        packed = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))
        inflater = zlib.decompressobj()
        text = inflater.decompress(packed, MAX_FILE_BYTES)
        if inflater.unconsumed_tail:
            raise ValueError("too large")
        data = json.loads(text.decode("utf-8"))
    except (binascii.Error, zlib.error, ValueError, UnicodeDecodeError):
        raise ValueError(
            "This share link is damaged (it could not be decoded); ask for the link again."
        ) from None
    shared = clean(data, SHARED_FIELDS)
    if "spec" not in shared:
        raise ValueError(
            "This share link carries no valid network; ask for the link again, or build the "
            "network on Build."
        )
    return shared
