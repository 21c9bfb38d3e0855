"""Data page widget groups: choosing a dataset (built in, birds, a folder or an uploaded zip) and
the sample grid. Loading it, its name and its shape are shared (`ui.dataset`)."""

from __future__ import annotations

import secrets

import numpy as np
import streamlit as st  # noqa: TID251 - ui/ is the app layer

from cnnapp.data import DATASET_CHOICES, normalize_ref
from cnnapp.data.loader import BIRDS  # photos of birds, with an optional path and a larger size
from cnnapp.settings import get_settings
from ui import keys
from ui.dataset import dataset_label
from ui.images import thumbnail
from ui.text import labeller, lang, t

DATASET_IDS = [choice["id"] for choice in DATASET_CHOICES]
MAX_CLASSES_SHOWN = 24  # the sample grid shows the first classes only (birds have 200)
THUMBNAIL = 64  # sample images are shown at about this size
UPLOAD, SERVER = "upload", "server"  # where a folder dataset comes from


def dataset_choice_ui() -> dict | None:
    """The dataset picker; returns a valid dataset reference, or None while one is incomplete."""
    saved = st.session_state[keys.DATASET]
    p = keys.DATA_WIDGETS
    code = lang()  # labels in the language of this run (see keys.lang_key)
    name = st.radio(
        t("data.dataset"),
        DATASET_IDS,
        format_func=lambda d: dataset_label(d, code),
        key=keys.seed(keys.lang_key(f"{p}name"), saved["name"]),
        horizontal=True,
    )
    st.caption(dataset_label(name, part="description"))
    ref = {"name": name, "image_size": 32, "limit": None}
    if name == "folder":
        folder = _folder_ui(saved)
        if folder is None:
            return None
        ref.update(folder)
    elif name in BIRDS:
        ref.update(_birds_ui(saved))
    ref["limit"] = _limit_ui(saved)
    try:
        return normalize_ref(ref)
    except ValueError as error:
        st.error(str(error))
        return None


def _folder_ui(saved: dict) -> dict | None:
    p = keys.DATA_WIDGETS
    source = st.radio(
        t("data.folder_source"),
        [UPLOAD, SERVER],
        format_func=labeller("data.folder_"),
        key=keys.seed(
            keys.lang_key(f"{p}source"),
            SERVER if saved.get("path") and not _is_upload(saved) else UPLOAD,
        ),
        horizontal=True,
    )
    size = st.number_input(
        t("data.image_size"),
        min_value=8,
        max_value=512,
        step=8,
        key=keys.seed(f"{p}image_size", int(saved.get("image_size") or 32)),
        help=t("data.image_size_help"),
    )
    if source == UPLOAD:
        path = _zip_upload_ui()
        test_path = None
    else:
        path = st.text_input(
            t("data.server_path"), key=keys.seed(f"{p}path", saved.get("path") or "")
        ).strip()
        test_path = st.text_input(
            t("data.server_test_path"),
            key=keys.seed(f"{p}test_path", saved.get("test_path") or ""),
            help=t("data.server_test_path_help"),
        ).strip()
    if not path:
        st.info(t("data.need_folder"))
        return None
    return {"path": path, "test_path": test_path or None, "image_size": int(size)}


def _birds_ui(saved: dict) -> dict:
    """Where Caltech-UCSD Birds is (optional: empty downloads it) and its image size."""
    p = keys.DATA_WIDGETS
    same = saved.get("name") in BIRDS
    cols = st.columns([3, 1])
    path = (
        cols[0]
        .text_input(
            t("data.birds_path"),
            key=keys.seed(f"{p}birds_path", (saved.get("path") or "") if same else ""),
            help=t("data.birds_path_help"),
        )
        .strip()
    )
    size = cols[1].number_input(
        t("data.image_size"),
        min_value=32,
        max_value=512,
        step=16,
        key=keys.seed(f"{p}birds_size", int(saved.get("image_size") or 224) if same else 224),
        help=t("data.birds_size_help"),
    )
    return {"path": path or None, "image_size": int(size)}


def _is_upload(ref: dict) -> bool:
    upload = st.session_state.get(keys.ZIP_UPLOAD)
    return bool(upload) and ref.get("path") == upload.get("path")


def _zip_upload_ui() -> str | None:
    """Saves an uploaded .zip into the data cache under a generated name (never run or unpickled)."""
    upload = st.file_uploader(t("data.upload_zip"), type=["zip"], key=f"{keys.DATA_WIDGETS}zip")
    saved = st.session_state.get(keys.ZIP_UPLOAD)
    if upload is None:
        return saved["path"] if saved else None
    if saved and saved.get("file_id") == upload.file_id:
        return saved["path"]
    folder = get_settings().data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"upload-{secrets.token_hex(8)}.zip"
    with st.spinner(t("data.saving_upload", name=upload.name)):
        target.write_bytes(upload.getbuffer())
    st.session_state[keys.ZIP_UPLOAD] = {"file_id": upload.file_id, "path": str(target)}
    return str(target)


def _limit_ui(saved: dict) -> int | None:
    p = keys.DATA_WIDGETS
    use = st.checkbox(
        t("data.use_limit"),
        key=keys.seed(f"{p}use_limit", saved.get("limit") is not None),
        help=t("data.use_limit_help"),
    )
    if not use:
        return None
    return int(
        st.number_input(
            t("data.limit"),
            min_value=10,
            max_value=1_000_000,
            step=100,
            key=keys.seed(f"{p}limit", int(saved.get("limit") or 600)),
        )
    )


def sample_grid_ui(dataset, per_class: int = 8) -> None:
    """The first `per_class` training images of each class (the first classes), one row each."""
    cols = st.columns(2)
    for index, name in enumerate(dataset.class_names[:MAX_CLASSES_SHOWN]):
        found = np.flatnonzero(dataset.y_train == index)[:per_class]
        if len(found) == 0:
            continue
        row = np.concatenate([thumbnail(dataset.x_train[i], THUMBNAIL) for i in found], axis=1)
        cols[index % 2].image(row, caption=f"{name} ({len(found)})")
    if dataset.num_classes > MAX_CLASSES_SHOWN:
        st.caption(t("data.more_classes", shown=MAX_CLASSES_SHOWN, count=dataset.num_classes))
