"""Everything the app caches, in one place: the executor, datasets, saved models, the GPU probe.

Nothing here imports TensorFlow by itself: loading a model (an action on Classify) does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st  # noqa: TID251 - ui/ is the app layer

from cnnapp import devices
from cnnapp.jobs import Executor, get_executor
from cnnapp.runs import RunStore
from cnnapp.settings import get_settings


@st.cache_resource(show_spinner=False)
def _executor() -> Executor:
    return get_executor()


def executor() -> Executor:
    """The process-wide job executor (shared by every browser session)."""
    current = _executor()
    if getattr(current, "closed", False):  # shut down (tests, or the app stopping): start anew
        _executor.clear()
        current = _executor()
    return current


def shutdown_executor() -> None:
    """Stops the executor's workers and forgets it (used by tests and on shutdown)."""
    current = _executor()
    current.shutdown()
    _executor.clear()


@st.cache_resource(show_spinner=False)
def gpus() -> list[str]:
    """The GPU names (`nvidia-smi -L`; no TensorFlow), probed once per server."""
    return devices.probe_gpus()


def run_store() -> RunStore:
    """The saved runs (cheap: reads the settings each time, so tests can point it elsewhere)."""
    return RunStore()


@st.cache_resource(show_spinner=False, max_entries=3)
def _dataset(ref_json: str, data_dir: str, _progress: Callable | None = None):
    from cnnapp.datasets import load_dataset

    return load_dataset(json.loads(ref_json), progress=_progress)


def dataset(ref: dict[str, Any], progress: Callable[[str, float | None], None] | None = None):
    """Loads a dataset once per server and reference (the arrays are shared, do not modify them).

    Raises:
        ValueError, DatasetUnavailableError: as `cnnapp.datasets.load_dataset`.
    """
    key = json.dumps(ref, sort_keys=True)
    return _dataset(key, str(get_settings().data_dir), progress)


@st.cache_resource(show_spinner=False, max_entries=4)
def _model(path: str, mtime: float):
    folder = Path(path)
    return RunStore(root=folder.parent).load_model(folder.name)


def model(run_id: str, owner: str):
    """A saved run's Keras model (imports Keras; cached per run).

    Raises:
        RunNotFound, RunStoreError, ValueError: as `RunStore.load_model`.
    """
    store = run_store()
    info = store.get(run_id, owner)  # the visibility check, every time
    return _model(str(info.path), (info.path / "model.keras").stat().st_mtime)
