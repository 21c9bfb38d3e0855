"""Every `st.session_state` key of the app, its default, and the session's owner id.

Values that must outlive a page (the network, the dataset, the training settings, the job) live in
plain keys defined here. Widgets have their own keys (`w_...`) and are *seeded* from those values
with `seed`, because Streamlit forgets a widget's state when a page that does not draw it runs.

The owner id names whose jobs and runs these are, to the executor and the run store. In desk mode
(one person, nothing configured) it is an unguessable token mirrored in the URL (`?session=...`,
with `?job=...` for the active job), so that a reload of the tab finds the session's runs and its
running job again. In class mode (sign-in) it is the signed-in person's id (`ui.auth`), never a
value from the URL: the URL carries no session at all.
"""

from __future__ import annotations

import copy
import re
import secrets
from typing import Any

import streamlit as st  # noqa: TID251 - ui/ is the app layer

from cnnapp import i18n
from cnnapp.config import Preprocessing, TrainConfig

# Values kept for the whole session
LANG = "lang"  # "en" or "es"
OWNER = "owner"  # this session's owner id (hex token)
SPEC = "network_spec"  # the network being built: a list of layer dicts
NETWORK_NAME = "network_name"  # the preset's name, or None for a custom network
PRESET = "network_preset"  # the preset the spec came from ("" when custom)
SPEC_VERSION = "network_version"  # bumped on structural edits, so layer widgets get fresh keys
SPEC_UPLOAD = "network_upload_id"  # the last JSON file loaded (loaded once, not on every rerun)
DATASET = "dataset_ref"  # the dataset reference Train uses
DATASET_INFO = "dataset_info"  # shape and classes of the last dataset loaded on the Data page
ZIP_UPLOAD = "dataset_zip"  # {"file_id", "path"} of the last uploaded dataset zip
PREPROCESSING = "preprocessing"  # Preprocessing.to_dict()
TRAIN_CONFIG = "train_config"  # TrainConfig.to_dict()
RUN_LABEL = "run_label"  # the label of the next run
JOB = "job_id"  # the job Train shows (this session's latest)
JOB_DONE_SEEN = "job_done_seen"  # the job id whose end already triggered a full rerun
WORKSPACE_OWNER = "workspace_owner"  # the owner whose saved workspace this session restored
WORKSPACE_SAVED = "workspace_saved"  # the workspace as last saved (saved again only on change)
SHARE_CODE = "share_code"  # a share link's code, as the URL brought it (read once)
SHARE_PENDING = "share_pending"  # a share link's network, waiting for "Replace" or "Keep mine"
JOB_SNAPSHOT = "job_snapshot"  # (job id, monotonic time, JobStatus): shared by views of one poll
REPRO_JOBS = "reproduce_jobs"  # {recipe id: job id} of Reproduce's queued recipes
CLASSIFY_RUN = "classify_run"  # the run picked on Classify
# Class mode (ui.auth): who is signed in
CLASS_MODE = "class_mode"  # True on a class server (sign-in required)
PERSON = "person"  # the signed-in person: Person.to_dict() (owner, name, email, is_lecturer)
IS_LECTURER = "is_lecturer"  # True when the signed-in person is a lecturer
SIGNED_IN_AT = "signed_in_at"  # when this session was first seen signed in (seconds since 1970)

# One-run messages: set by a callback or a page, taken (popped) by the next run; no default
ENTRY_RAN = "_entry_ran"  # set by app.py on each run, taken by the page it runs
GO_TO = "_go_to"  # the page asked for when the app had to be restarted through app.py
ANNOUNCED = "_announced"  # the "Loading <page>…" slot of a page run without app.py (ui.nav)
GO_TRAIN = "compare_go_train"  # "train again" on Compare: switch to Train on the next run
DELETE_ERROR = "compare_delete_error"  # why deleting a run failed, shown once on Compare

_URL_READ = "_url_read"  # the URL's job and language were read (once per session)

# Query parameters
QUERY_SESSION = "session"
QUERY_JOB = "job"
QUERY_LANG = "lang"
QUERY_NET = "net"  # a share link's code (ui.workspace)

# Widget-key prefixes, so groups of widgets can be reset together
TRAIN_WIDGETS = "w_train_"
PRE_WIDGETS = "w_pre_"
DATA_WIDGETS = "w_data_"
# Train's label field (Compare's "train again" resets it)
RUN_LABEL_WIDGET = f"{TRAIN_WIDGETS}label"

_OWNER_ID = re.compile(r"[0-9a-f]{32}", re.ASCII)  # desk mode's session token (fullmatch)
_JOB_ID = re.compile(r"[A-Za-z0-9_-]{8,64}", re.ASCII)


def defaults() -> dict[str, Any]:
    """The value of every session key in a fresh session (BaseNet on the procedural dataset)."""
    from cnnapp.nets.presets import get_preset  # imports NumPy: not before a page's first words

    return {
        LANG: i18n.DEFAULT_LANGUAGE,
        SPEC: get_preset("basenet"),
        NETWORK_NAME: "BaseNet",
        PRESET: "basenet",
        SPEC_VERSION: 0,
        SPEC_UPLOAD: None,
        DATASET: {"name": "procedural", "limit": None, "image_size": 32},
        DATASET_INFO: None,
        ZIP_UPLOAD: None,
        PREPROCESSING: Preprocessing().to_dict(),
        TRAIN_CONFIG: TrainConfig().to_dict(),
        RUN_LABEL: "",
        JOB: None,
        JOB_DONE_SEEN: None,
        JOB_SNAPSHOT: None,
        REPRO_JOBS: {},
        CLASSIFY_RUN: None,
    }


def init_state(write_url: bool = True, person: dict | None = None) -> None:
    """Fills missing session keys with defaults and restores owner, job and language from the URL.

    Safe to call on every run of every page (it only adds what is missing).

    Args:
        write_url: also write the owner id and job into the URL; False before `st.navigation`
            has run (changing the URL earlier makes Streamlit lose the requested page).
        person: in class mode, the signed-in person (`Person.to_dict()`): their owner id is the
            session's, whatever the URL says.
    """
    state = st.session_state
    params = st.query_params
    if person is not None:
        if state.get(OWNER) != person["owner"]:
            state.pop(JOB, None)  # another person's job is never shown
        state[OWNER], state[PERSON] = person["owner"], person
        state[CLASS_MODE], state[IS_LECTURER] = True, bool(person["is_lecturer"])
    if OWNER not in state:
        from_url = params.get(QUERY_SESSION, "")
        state[OWNER] = from_url if _OWNER_ID.fullmatch(from_url or "") else secrets.token_hex(16)
    if JOB not in state and not state.get(_URL_READ):
        job = params.get(QUERY_JOB, "")
        if _JOB_ID.fullmatch(job or ""):
            state[JOB] = job
    if not state.get(_URL_READ):
        state[_URL_READ] = True
        if params.get(QUERY_NET):  # a share link: read now, before any page switch drops it
            state[SHARE_CODE] = params.get(QUERY_NET)
        url_lang = params.get(QUERY_LANG, "")
        if url_lang in i18n.LANGUAGES:
            state[LANG] = url_lang
    for key, value in defaults().items():
        if key not in state:
            state[key] = copy.deepcopy(value)
    if write_url:
        sync_url()


def sync_url() -> None:
    """Writes the owner id and the active job into the URL (only when they changed)."""
    params = st.query_params
    session = None if st.session_state.get(CLASS_MODE) else st.session_state[OWNER]
    wanted = {QUERY_SESSION: session, QUERY_JOB: st.session_state.get(JOB)}
    for name, value in wanted.items():
        if value and params.get(name) != value:
            params[name] = value
        elif not value and name in params:
            del params[name]


def owner() -> str:
    """This browser session's owner id."""
    return st.session_state[OWNER]


def seed(widget_key: str, value: Any) -> str:
    """Gives a widget its starting value through session state (once); returns the key."""
    if widget_key not in st.session_state:
        st.session_state[widget_key] = value
    return widget_key


def bind(widget_key: str, store_key: str, field: str | None = None) -> dict[str, Any]:
    """Keyword arguments that bind a widget to a saved value: `key`, `on_change`, `args`.

    The widget is set from `st.session_state[store_key]` (or its `field`) on every run, and a
    change is copied back by the callback before the script runs. So the value survives page
    switches, and the same setting can have a widget on two pages (Data's augmentation, Train's).
    """
    state = st.session_state
    state[widget_key] = state[store_key] if field is None else state[store_key][field]
    return {"key": widget_key, "on_change": _copy_back, "args": (widget_key, store_key, field)}


def _copy_back(widget_key: str, store_key: str, field: str | None) -> None:
    value = st.session_state[widget_key]
    if field is None:
        st.session_state[store_key] = value
    else:
        st.session_state[store_key] = {**st.session_state[store_key], field: value}


def lang_key(base: str) -> str:
    """A widget key per language, for choices whose labels are translated.

    Streamlit keeps a choice widget's value as its *label*; after a language switch the old label
    matches no option. A new key per language gives a fresh widget, seeded from the saved value.
    """
    return f"{base}_{st.session_state[LANG]}"


def forget_widgets(prefix: str) -> None:
    """Drops the state of every widget whose key starts with `prefix` (they reseed next run)."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[key]


def set_network(spec: list[dict], name: str | None, preset: str = "") -> None:
    """Replaces the network being built (a preset, a loaded file, a saved run's)."""
    st.session_state[SPEC] = copy.deepcopy(list(spec))
    st.session_state[NETWORK_NAME] = name
    st.session_state[PRESET] = preset
    st.session_state[SPEC_VERSION] += 1


def set_job(job_id: str | None) -> None:
    """Makes `job_id` the job Train shows and puts it in the URL."""
    st.session_state[JOB] = job_id
    sync_url()
