"""What every page does first: session state, the sidebar, the title."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st  # noqa: TID251 - ui/ is the app layer
from streamlit import runtime  # noqa: TID251

from cnnapp import devices, i18n
from cnnapp.devices import backend_name
from cnnapp.jobs import readout
from ui import auth, keys, nav, progress, resources, workspace
from ui.keras_session import keep_keras_session
from ui.text import document_language, t

# The pages whose script has run in this server process: their imports are loaded.
_RUN_ONCE: set[str] = set()
_RUN_ONCE_LOCK = threading.Lock()


@contextmanager
def first_run_indicator(current) -> Iterator[None]:
    """While a page's script runs for the first time in this server process, "Loading <title>…"
    with a spinner at the top of the main area, then nothing.

    A page's first run imports its modules (TensorFlow's and pandas' among them) before it can
    draw its title: seconds of an empty page on a busy server. Later runs are fast and show
    nothing extra, so a widget's rerun does not flicker.

    Args:
        current: the `st.Page` that `st.navigation` chose.
    """
    if not runtime.exists():  # bare Python (a job's process importing app.py): no page to draw
        yield
        return
    title, path = current.title, current.url_path
    with _RUN_ONCE_LOCK:
        first = path not in _RUN_ONCE
    if not first:
        yield
        return
    slot = st.empty()
    slot.status(t("page.loading", page=title), state="running")
    try:
        yield
    finally:  # also on st.rerun/st.stop: its imports are loaded all the same
        with _RUN_ONCE_LOCK:
            _RUN_ONCE.add(path)
        slot.empty()


def start(title_key: str, path: str | None = None) -> None:
    """Sets up the session, draws the sidebar and the page title.

    Args:
        title_key: the text key of the page's title.
        path: the page's file (e.g. "pages/3_Train.py"), so a page reached without app.py can
            come back to itself through it.
    """
    keep_keras_session()  # also for a page run without app.py
    first_run = keys.OWNER not in st.session_state
    if not auth.class_mode():
        keys.init_state(write_url=False)  # the URL's session first: a restart may drop it
    nav.ensure_navigation(path, first_run)  # a fresh server's first request: through app.py
    person = auth.signed_in_person()  # class mode: stops at the sign-in screen until signed in
    keys.init_state(write_url=False, person=person)
    workspace.restore()  # the owner's network and settings, from the server (reload, device)
    workspace.persist()  # what the last run's callbacks changed
    keys.sync_url()
    sidebar()
    st.title(t(title_key))
    workspace.share_prompt()  # a ?net= link: asks before replacing the network being built


def sidebar() -> None:
    """Language switch, backend, device and this session's active job."""
    with st.sidebar:
        auth.account_ui()
        language_ui()
        st.caption(t("sidebar.backend", backend=backend_name()))
        st.caption(t("sidebar.device", device=devices.describe_device(resources.gpus())))
        active_job_ui()
        document_language()  # last: <html lang> follows the language switch above


def language_ui() -> str:
    """The English/Español switch; returns the chosen language code."""
    # Bound: the change is stored before the script runs, so even the navigation's titles
    # (drawn before this widget) come out in the new language.
    return st.radio(
        "Language / Idioma",
        list(i18n.LANGUAGES),
        format_func=i18n.language_name,
        horizontal=True,
        **keys.bind("w_lang", keys.LANG),
    )


def active_job_ui() -> None:
    """One line about this session's job; kept up to date (each poll) while the job runs."""
    status = _job_status()
    if status is not None and not status.done:
        _live_job_line()
    else:
        _job_line(status)


def _job_status():
    return progress.snapshot(st.session_state.get(keys.JOB))


@st.fragment(run_every=progress.POLL_SECONDS)
def _live_job_line() -> None:
    _job_line(_job_status())


def _job_line(status) -> None:
    """The job's label and where it is, with a link to Train while it runs."""
    if status is None:
        st.caption(t("sidebar.no_job"))
        return
    st.caption(progress.short(readout(status), status.label))
    if status.device and status.state in ("running", "stopping"):
        st.caption(t("sidebar.job_device", device=status.device))  # e.g. "GPU 1: NVIDIA H200"
    if not status.done:
        nav.link("train", t("sidebar.open_train"))
