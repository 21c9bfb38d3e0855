"""Everything the app caches, in one place: the executor, datasets, classifiers, the GPU probe.

Nothing here imports TensorFlow by itself: loading a model (an action on Classify) does.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st  # noqa: TID251 - ui/ is the app layer

from cnnapp import devices
from cnnapp.jobs import Executor, get_executor
from cnnapp.runs import RunStore
from cnnapp.settings import get_settings
from ui import keys


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
    """The saved runs (cheap: reads the settings each time, so tests can point it elsewhere).

    In class mode it also shows every session the runs a lecturer published, read-only.
    """
    if st.session_state.get(keys.CLASS_MODE):
        from cnnapp.classroom.published import Publications

        return RunStore(published=Publications().all)
    return RunStore()


class _Recent:
    """The few most recently used datasets (a dataset can be hundreds of MB)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        return None

    def put(self, key: str, value) -> None:
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)


@st.cache_resource(show_spinner=False)
def _datasets() -> _Recent:
    # Not `st.cache_resource` on the loader itself: it would replay the progress bar's updates.
    return _Recent(size=3)


def dataset(
    ref: dict[str, Any],
    progress: Callable[[str, float | None], None] | None = None,
    timeout_s: float = 60.0,
):
    """Loads a dataset once per server and reference (the arrays are shared: do not modify them).

    Decoding runs in a separate process with a time budget (`cnnapp.data.sandbox`), so a hostile
    or huge upload cannot keep the server busy; the procedural dataset, drawn from a fixed seed
    with nothing to decode, is made here.

    Args:
        ref: a dataset reference.
        progress: `progress(message, fraction)` while loading (not called when cached).
        timeout_s: seconds the decoding process may take before it is stopped.

    Raises:
        ValueError, DatasetUnavailableError, OSError: as `cnnapp.data.sandbox.load_dataset_bounded`
            (`DatasetUnavailableError` also when decoding took longer than `timeout_s`).
    """
    from cnnapp.data import load_dataset
    from cnnapp.data.sandbox import load_dataset_bounded

    key = json.dumps({"ref": ref, "data_dir": str(get_settings().data_dir)}, sort_keys=True)
    cache = _datasets()
    found = cache.get(key)
    if found is None:
        if ref.get("name") == "procedural":
            found = load_dataset(ref, progress=progress)
        else:
            found = load_dataset_bounded(ref, timeout_s=timeout_s, progress=progress)
        cache.put(key, found)
    return found


@st.cache_resource(show_spinner=False, max_entries=4)
def _run_classifier(path: str, mtime: float):
    from cnnapp.inspect.classify import run_classifier as load

    folder = Path(path)
    return load(folder.name, store=RunStore(root=folder.parent))


def run_classifier(run_id: str, owner: str):
    """A saved run as a `Classifier`: its Keras model and class names (imports Keras; cached per
    run and model file).

    Raises:
        RunNotFound, RunStoreError, ValueError: as `cnnapp.inspect.classify.run_classifier`.
    """
    store = run_store()
    info = store.get(run_id, owner)  # the visibility check, every time
    return _run_classifier(str(info.path), (info.path / "model.keras").stat().st_mtime)


@st.cache_resource(show_spinner=False, max_entries=2)
def imagenet_classifier(name: str):
    """A pretrained ImageNet `Classifier` ("mobilenet_v2" or "resnet50"), loaded once per server.

    Raises:
        WeightsUnavailableError: offline with no weights file (not cached: retried next time).
    """
    from cnnapp.inspect.classify import imagenet_classifier as load

    return load(name)
