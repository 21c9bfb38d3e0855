"""The session's dataset, for every page: its name, loading it with progress, its shape, and
which server folders the session may read.

What the dataset will look like to a network (input shape, number of classes) comes from the
engine (`cnnapp.data.shapes`) or, once loaded, from what the Data page recorded in session state.
On a class server (`keys.CLASS_MODE`) only lecturers (`keys.IS_LECTURER`) may read server folders.
"""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st  # noqa: TID251 - ui/ is the app layer

from cnnapp import i18n
from cnnapp.data import DATASET_CHOICES, DatasetUnavailableError
from cnnapp.data.roots import allowed_roots
from cnnapp.data.sandbox import DEFAULT_TIMEOUT_S
from cnnapp.data.shapes import ASSUMED_CLASSES, TRANSFER_SHAPE, input_shape, known_shape
from ui import keys, resources
from ui.auth import is_student
from ui.plain import plain
from ui.text import lang, t

_CHOICES = {choice["id"]: choice for choice in DATASET_CHOICES}
# Built-in datasets (downloads, thousands of photos) and a desk's own images may take this long.
LONG_TIMEOUT_S = 1800.0


def class_mode() -> bool:
    """True on a class server (sign-in), where students share the machine."""
    return st.session_state.get(keys.CLASS_MODE) is True


def may_use_server_folders() -> bool:
    """Whether this session may read folders on the server: everyone at a desk, on a class
    server only lecturers (students upload a .zip instead)."""
    return not is_student()


def server_roots() -> list[Path]:
    """The folders server paths must lie inside (`cnnapp.data.roots.allowed_roots`)."""
    return allowed_roots(desk_mode=not class_mode())


def decode_budget_s(ref: dict) -> float:
    """Seconds the Data page gives a dataset to load: a user's own images on a class server get
    `DEFAULT_TIMEOUT_S` (60 s), anything else `LONG_TIMEOUT_S`."""
    return DEFAULT_TIMEOUT_S if class_mode() and ref.get("name") == "folder" else LONG_TIMEOUT_S


def dataset_label(dataset_id: str, lang_code: str | None = None, part: str = "name") -> str:
    """A dataset's name (or `part="description"`) in the session's language.

    A dataset the engine adds later without a translation yet shows the engine's English text.
    """
    key = f"dataset.{dataset_id}" + (".desc" if part == "description" else "")
    if key in i18n.TEXTS:
        return i18n.t(key, lang_code or lang())
    return str(_CHOICES.get(dataset_id, {}).get(part, dataset_id))


def _ref_key(ref: dict) -> str:
    return json.dumps(ref, sort_keys=True)


def is_loaded(ref: dict) -> bool:
    """True if this reference was already loaded in this session (so it is cached)."""
    info = st.session_state.get(keys.DATASET_INFO)
    return bool(info) and info.get("ref") == _ref_key(ref)


def load_ui(ref: dict):
    """Loads the dataset with a progress bar; returns it, or None after showing why not."""
    bar = st.progress(0.0, text=t("data.loading"))

    def progress(message: str, fraction: float | None) -> None:
        bar.progress(min(1.0, fraction or 0.0), text=plain(message))

    try:
        dataset = resources.dataset(ref, progress, timeout_s=decode_budget_s(ref))
    except DatasetUnavailableError as error:
        bar.empty()
        st.error(t("data.unavailable", error=plain(error)), icon=":material/cloud_off:")
        return None
    except (ValueError, OSError) as error:
        bar.empty()
        st.error(t("data.load_failed", error=plain(error)), icon=":material/error:")
        return None
    bar.empty()
    remember_dataset(ref, dataset)
    return dataset


def remember_dataset(ref: dict, dataset) -> None:
    """Records the shape and classes of a loaded dataset, for Build and Train."""
    st.session_state[keys.DATASET_INFO] = {
        "ref": _ref_key(ref),
        "input_shape": list(dataset.input_shape),
        "num_classes": dataset.num_classes,
        "class_names": list(dataset.class_names),
    }


def build_shape(spec: list[dict]) -> tuple[tuple[int, int, int], int, str]:
    """What Build checks and sizes a network against: `(input_shape, num_classes, caption key)`.

    A network that starts with a pretrained backbone, before any dataset was chosen on Data, is
    shown for the assignment's birds (cub200: 224×224, 200 classes), not for the default 32×32
    dataset; otherwise the session's dataset, exact or assumed.
    """
    first = spec[0] if spec and isinstance(spec[0], dict) else {}
    chosen = (
        st.session_state.get(keys.DATASET_INFO) is not None
        or st.session_state[keys.DATASET] != keys.defaults()[keys.DATASET]
    )
    if first.get("type") == "backbone" and not chosen:
        shape, classes = TRANSFER_SHAPE
        return shape, classes, "build.shape_transfer"
    shape, classes, exact = dataset_shape()
    return shape, classes, "build.shape_caption" if exact else "build.shape_assumed"


def dataset_shape() -> tuple[tuple[int, int, int], int, bool]:
    """`(input_shape, num_classes, exact)` of the session's dataset.

    Exact when it is built in, or was loaded on the Data page; otherwise (a folder not yet
    loaded) the assignment's 25 classes are assumed, and `exact` is False.
    """
    ref = st.session_state[keys.DATASET]
    info = st.session_state.get(keys.DATASET_INFO)
    if info and info.get("ref") == _ref_key(ref):
        return tuple(info["input_shape"]), int(info["num_classes"]), True
    known = known_shape(ref)
    if known is not None:
        return known[0], known[1], True
    return input_shape(ref), ASSUMED_CLASSES, False
