"""What every page does first: session state, the sidebar, the title."""

from __future__ import annotations

import streamlit as st  # noqa: TID251 - ui/ is the app layer

from cnnapp import devices, i18n
from cnnapp.devices import backend_name
from ui import auth, keys, nav, resources
from ui.plain import plain
from ui.text import t


def start(title_key: str, path: str | None = None) -> None:
    """Sets up the session, draws the sidebar and the page title.

    Args:
        title_key: the text key of the page's title.
        path: the page's file (e.g. "pages/3_Train.py"), so a page reached without app.py can
            come back to itself through it.
    """
    first_run = keys.OWNER not in st.session_state
    if not auth.class_mode():
        keys.init_state(write_url=False)  # the URL's session first: a restart may drop it
    nav.ensure_navigation(path, first_run)  # a fresh server's first request: through app.py
    person = auth.signed_in_person()  # class mode: stops at the sign-in screen until signed in
    keys.init_state(write_url=False, person=person)
    keys.sync_url()
    sidebar()
    st.title(t(title_key))


def sidebar() -> None:
    """Language switch, backend, device and this session's active job."""
    with st.sidebar:
        auth.account_ui()
        language_ui()
        st.caption(t("sidebar.backend", backend=backend_name()))
        st.caption(t("sidebar.device", device=devices.describe_device(resources.gpus())))
        active_job_ui()


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
    """One line about this session's job; kept up to date (every 2 s) while the job runs."""
    status = _job_status()
    if status is not None and not status.done:
        _live_job_line()
    else:
        _job_line(status)


def _job_status():
    job_id = st.session_state.get(keys.JOB)
    return resources.executor().status(job_id, keys.owner()) if job_id else None


@st.fragment(run_every=2.0)
def _live_job_line() -> None:
    _job_line(_job_status())


def _job_line(status) -> None:
    """The job's label and where it is, with a link to Train while it runs."""
    if status is None:
        st.caption(t("sidebar.no_job"))
        return
    if status.state == "queued":
        text = t("sidebar.job_queued", label=plain(status.label), position=status.position or 1)
    elif status.done:
        text = t("sidebar.job_done", label=plain(status.label), state=t(f"state.{status.state}"))
    elif not status.epochs:
        phase = t(f"phase.{status.phase}") if status.phase else t("phase.starting")
        text = t("sidebar.job_starting", label=plain(status.label), phase=phase)
    else:
        text = t(
            "sidebar.job_running",
            label=plain(status.label),
            epoch=status.epoch,
            epochs=status.epochs or "?",
            percent=round(100 * (status.progress or 0)),
        )
    st.caption(text)
    if not status.done:
        nav.link("train", t("sidebar.open_train"))
