"""Data page widget groups: choosing a dataset (built in, birds, a folder or an uploaded zip) and
the sample grid. Loading it, its name and its shape are shared (`ui.dataset`).

Server paths are checked against the allowed roots before anything reads them, and on a class
server only lecturers are offered them; uploads are size-checked before anything is written."""

from __future__ import annotations

import numpy as np
import streamlit as st  # noqa: TID251 - ui/ is the app layer

from cnnapp.data import DATASET_CHOICES, normalize_ref
from cnnapp.data.loader import BIRDS  # photos of birds, with an optional path and a larger size
from cnnapp.data.roots import DataPathError, check_folder
from cnnapp.data.uploads import UploadTooLargeError, check_size, prune_uploads, save_upload
from cnnapp.settings import get_settings
from ui import keys
from ui.dataset import dataset_label, may_use_server_folders, server_roots
from ui.images import thumbnail
from ui.plain import plain
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
        birds = _birds_ui(saved)
        if birds.pop("refused"):
            return None
        ref.update(birds)
    ref["limit"] = _limit_ui(saved)
    try:
        return normalize_ref(ref)
    except ValueError as error:
        st.error(plain(error))
        return None


def _folder_ui(saved: dict) -> dict | None:
    p = keys.DATA_WIDGETS
    sources = [UPLOAD, SERVER] if may_use_server_folders() else [UPLOAD]
    key = keys.seed(
        keys.lang_key(f"{p}source"),
        SERVER if saved.get("path") and not _is_upload(saved) else UPLOAD,
    )
    if st.session_state[key] not in sources:
        st.session_state[key] = UPLOAD
    source = st.radio(
        t("data.folder_source"),
        sources,
        format_func=labeller("data.folder_"),
        key=key,
        horizontal=True,
    )
    if SERVER not in sources:
        st.caption(t("data.server_lecturers_only"))
    size = st.number_input(
        t("data.image_size"),
        min_value=8,
        max_value=512,
        step=8,
        key=keys.seed(f"{p}image_size", int(saved.get("image_size") or 32)),
        help=t("data.image_size_help"),
    )
    if source == SERVER:
        paths = _server_paths_ui(saved)
        if paths is None:
            return None
        path, test_path = paths
    else:
        path, test_path = _zip_upload_ui(), None
    if not path:
        st.info(t("data.need_folder"))
        return None
    return {"path": path, "test_path": test_path, "image_size": int(size)}


def _checked(path: str) -> str | None:
    """The resolved path if it lies inside the allowed roots; else None, after saying why."""
    if not path:
        return ""
    try:
        return str(check_folder(path, server_roots()))
    except DataPathError as error:
        st.error(t("data.path_refused", error=plain(error)), icon=":material/block:")
        return None


def _server_paths_ui(saved: dict) -> tuple[str, str | None] | None:
    """A folder (and optional test folder) inside the allowed roots, or None when refused."""
    p = keys.DATA_WIDGETS
    roots = ", ".join(str(root) for root in server_roots())
    path = st.text_input(
        t("data.server_path"),
        key=keys.seed(f"{p}path", saved.get("path") or ""),
        help=t("data.server_roots", roots=plain(roots)),
    ).strip()
    test_path = st.text_input(
        t("data.server_test_path"),
        key=keys.seed(f"{p}test_path", saved.get("test_path") or ""),
        help=t("data.server_test_path_help"),
    ).strip()
    path, test_path = _checked(path), _checked(test_path)
    if path is None or test_path is None:
        return None
    return path, test_path or None


def _birds_ui(saved: dict) -> dict:
    """Where Caltech-UCSD Birds is (optional: empty downloads it) and its image size."""
    p = keys.DATA_WIDGETS
    same = saved.get("name") in BIRDS
    cols = st.columns([3, 1])
    path = ""
    if may_use_server_folders():
        path = (
            cols[0]
            .text_input(
                t("data.birds_path"),
                key=keys.seed(f"{p}birds_path", (saved.get("path") or "") if same else ""),
                help=t("data.birds_path_help"),
            )
            .strip()
        )
        path = _checked(path)
    else:
        cols[0].caption(t("data.birds_default_only"))
    size = cols[1].number_input(
        t("data.image_size"),
        min_value=32,
        max_value=512,
        step=16,
        key=keys.seed(f"{p}birds_size", int(saved.get("image_size") or 224) if same else 224),
        help=t("data.birds_size_help"),
    )
    return {"path": path or None, "image_size": int(size), "refused": path is None}


def _is_upload(ref: dict) -> bool:
    upload = st.session_state.get(keys.ZIP_UPLOAD)
    return bool(upload) and ref.get("path") == upload.get("path")


def _zip_upload_ui() -> str | None:
    """Stores an uploaded .zip by content in the data folder (never run or unpickled), once.

    Refused, before anything is written, when it is larger than `CNNAPP_MAX_UPLOAD_BYTES`; this
    session's older uploads are then dropped beyond its disk quota.
    """
    upload = st.file_uploader(t("data.upload_zip"), type=["zip"], key=f"{keys.DATA_WIDGETS}zip")
    saved = st.session_state.get(keys.ZIP_UPLOAD)
    if upload is None:
        return saved["path"] if saved else None
    if saved and saved.get("file_id") == upload.file_id:
        return saved["path"]
    try:
        check_size(upload.size, upload.name)  # before anything is written
        upload.seek(0)
        with st.spinner(t("data.saving_upload", name=plain(upload.name))):
            path = save_upload(upload, upload.name, keys.owner())
    except (UploadTooLargeError, OSError) as error:
        st.error(t("data.upload_refused", error=plain(error)), icon=":material/block:")
        return None
    prune_uploads(keys.owner(), get_settings().disk_quota_bytes, spare=path)
    st.session_state[keys.ZIP_UPLOAD] = {"file_id": upload.file_id, "path": str(path)}
    return str(path)


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
        caption = f"{plain(name)} ({len(found)})"
        alt = t("data.samples_alt", count=len(found), name=plain(name))
        cols[index % 2].image(row, caption=caption, alt=alt)
    if dataset.num_classes > MAX_CLASSES_SHOWN:
        st.caption(t("data.more_classes", shown=MAX_CLASSES_SHOWN, count=dataset.num_classes))
