"""The app's pages, in order, and links between them."""

from __future__ import annotations

import streamlit as st  # noqa: TID251 - ui/ is the app layer
from streamlit.errors import StreamlitAPIException  # noqa: TID251

from ui.text import t

# key -> (file, icon); titles are the texts "nav.<key>"
PAGES = {
    "data": ("pages/1_Data.py", ":material/photo_library:"),
    "build": ("pages/2_Build.py", ":material/construction:"),
    "train": ("pages/3_Train.py", ":material/model_training:"),
    "compare": ("pages/4_Compare.py", ":material/leaderboard:"),
    "reproduce": ("pages/5_Reproduce.py", ":material/table_chart:"),
    "classify": ("pages/6_Classify.py", ":material/image_search:"),
}


def navigation():
    """The `st.navigation` of the app, titles in the session's language."""
    pages = [
        st.Page(path, title=t(f"nav.{key}"), icon=icon, url_path=key, default=key == "data")
        for key, (path, icon) in PAGES.items()
    ]
    return st.navigation(pages)


def link(key: str, label: str | None = None) -> None:
    """A link to page `key`; plain text when the page is run on its own (as in some tests)."""
    path, icon = PAGES[key]
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
