"""The input shape and number of classes of the chosen dataset, known without loading it."""

from __future__ import annotations

import json

import streamlit as st  # noqa: TID251 - ui/ is the app layer

from ui import keys

_KNOWN_CLASSES = {"cifar100_25": 25, "cifar10": 10}


def _procedural_classes() -> int:
    from cnnapp.data.procedural import CLASS_NAMES  # NumPy only

    return len(CLASS_NAMES)


def dataset_shape() -> tuple[tuple[int, int, int], int, bool]:
    """`(input_shape, num_classes, exact)` of the session's dataset.

    Exact when it is built in, or was loaded on the Data page; otherwise (a folder not yet
    loaded) the assignment's 25 classes are assumed, and `exact` is False.
    """
    ref = st.session_state[keys.DATASET]
    size = int(ref.get("image_size") or 32)
    shape = (size, size, 3)
    info = st.session_state.get(keys.DATASET_INFO)
    if info and info.get("ref") == json.dumps(ref, sort_keys=True):
        return tuple(info["input_shape"]), int(info["num_classes"]), True
    if ref["name"] == "procedural":
        return shape, _procedural_classes(), True
    if ref["name"] in _KNOWN_CLASSES:
        return shape, _KNOWN_CLASSES[ref["name"]], True
    return shape, 25, False


def remember_dataset(ref: dict, dataset) -> None:
    """Records the shape and classes of a loaded dataset, for Build and Train."""
    st.session_state[keys.DATASET_INFO] = {
        "ref": json.dumps(ref, sort_keys=True),
        "input_shape": list(dataset.input_shape),
        "num_classes": dataset.num_classes,
        "class_names": list(dataset.class_names),
    }
