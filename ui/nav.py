"""The app's pages, in order, and links between them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st  # noqa: TID251 - ui/ is the app layer
from streamlit.errors import StreamlitAPIException  # noqa: TID251

from cnnapp import i18n
from ui import keys
from ui.text import lang, t

# key -> (file, icon); titles are the texts "nav.<key>"
PAGES = {
    "data": ("pages/1_Data.py", ":material/photo_library:"),
    "build": ("pages/2_Build.py", ":material/construction:"),
    "train": ("pages/3_Train.py", ":material/model_training:"),
    "compare": ("pages/4_Compare.py", ":material/leaderboard:"),
    "reproduce": ("pages/5_Reproduce.py", ":material/table_chart:"),
    "classify": ("pages/6_Classify.py", ":material/image_search:"),
}
# Pages only lecturers see (class mode); not steps of the path through the app.
LECTURER_PAGES = {"class": ("pages/7_Class.py", ":material/school:")}


def navigation(home: Callable[[], None]):
    """The `st.navigation` of the app, titles in the session's language.

    The landing page `home` (a function) is the default, served at "/", so every step has its own
    URL. The URLs are Streamlit's own for the files ("/Train" for pages/3_Train.py): a fresh server
    answers the very first request before `st.navigation` has run, from the files in pages/ alone.
    """
    pages = [st.Page(home, title=t("nav.home"), icon=":material/home:", default=True)]
    shown = {**PAGES, **(LECTURER_PAGES if st.session_state.get(keys.IS_LECTURER) else {})}
    pages += [
        st.Page(path, title=t(f"nav.{key}"), icon=icon) for key, (path, icon) in shown.items()
    ]
    return st.navigation(pages)


def entry_ran() -> None:
    """Called by app.py before it runs a page; then follows a pending deep link."""
    st.session_state[keys.ENTRY_RAN] = True


def follow_deep_link() -> None:
    """After a restart through app.py, goes on to the page the URL asked for."""
    target = st.session_state.pop(keys.GO_TO, None)
    if target:
        name = Path(target).name
        key = next(k for k, (p, _) in {**PAGES, **LECTURER_PAGES}.items() if Path(p).name == name)
        st.status(t("page.loading", page=t(f"nav.{key}")), state="running")  # until it runs
        st.switch_page(target)


def announce(path: str) -> None:
    """What a page file does before its imports: "Loading <page>…" on a run without app.py.

    A fresh server answers the very first request for "/Train" with pages/3_Train.py alone (see
    `ensure_navigation`), and that page's imports (TensorFlow's, pandas') take seconds before it
    can restart through app.py: without this the main area stays empty all that time. Through
    app.py, `ui.page.first_run_indicator` shows the same words instead.

    Args:
        path: the page's file (`__file__`).
    """
    state = st.session_state
    if keys.ENTRY_RAN in state or keys.OWNER in state:  # through app.py, or not a first run
        return
    name = Path(path).name
    key = next(k for k, (p, _) in {**PAGES, **LECTURER_PAGES}.items() if Path(p).name == name)
    url_lang = st.query_params.get(keys.QUERY_LANG, "")
    language = url_lang if url_lang in i18n.LANGUAGES else lang()
    slot = st.empty()
    slot.status(
        i18n.t("page.loading", language, page=i18n.t(f"nav.{key}", language)), state="running"
    )
    state[keys.ANNOUNCED] = slot


def ensure_navigation(path: str | None, first_run: bool) -> None:
    """Makes sure a session starts inside app.py's navigation.

    On a fresh server, the very first request for "/Train" is answered from the files in pages/
    alone, without app.py (Streamlit's old multipage mode): no wide layout, no page titles. Then
    the page restarts the session through app.py and comes back to itself. Only a session's
    first run is redirected (AppTest also runs a page alone at times, e.g. after an upload).
    """
    entered = st.session_state.pop(keys.ENTRY_RAN, False)
    announced = st.session_state.pop(keys.ANNOUNCED, None)
    if entered or path is None or not first_run:
        return
    name = Path(path).name
    every = {**PAGES, **LECTURER_PAGES}.values()
    st.session_state[keys.GO_TO] = next(p for p, _ in every if Path(p).name == name)
    try:
        st.switch_page("app.py")
    except StreamlitAPIException:  # run on its own (a test of one page file): carry on
        st.session_state.pop(keys.GO_TO, None)
        if announced is not None:
            announced.empty()  # the page draws itself now


def link(key: str, label: str | None = None) -> None:
    """A link to page `key`; plain text when the page is run on its own (as in some tests)."""
    path, icon = {**PAGES, **LECTURER_PAGES}[key]
    text = label or t(f"nav.{key}")
    try:
        st.page_link(path, label=text, icon=icon)
    except (StreamlitAPIException, KeyError):
        st.markdown(f"→ **{text}**")


def go(key: str) -> None:
    """Switches to page `key` (falls back to a rerun when the page is run on its own)."""
    try:
        st.switch_page(PAGES[key][0])
    except StreamlitAPIException:
        st.rerun()
