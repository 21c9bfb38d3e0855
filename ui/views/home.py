"""The landing page: what CNN Lab is and the path through it (a function page: app.py hands it
to `nav.navigation`, so nothing in ui/ imports this module)."""

from __future__ import annotations

import streamlit as st  # noqa: TID251 - ui/ is the app layer

from ui import keys, nav, page
from ui.text import t


def home() -> None:
    """Intro text and one link per step."""
    page.start("home.title")
    st.markdown(t("home.intro"))
    for number, key in enumerate(nav.PAGES, start=1):  # the steps, in order
        cols = st.columns([1, 3], vertical_alignment="center")
        with cols[0]:
            nav.link(key, f"{number}. {t(f'nav.{key}')}")
        cols[1].caption(t(f"home.step.{key}"))
    if st.session_state.get(keys.CLASS_MODE):
        st.caption(t("home.signed_in"))
    else:
        st.caption(t("home.session"))
        st.info(t("auth.desk_mode"), icon=":material/computer:")
    if st.session_state.get(keys.JOB):
        nav.link("train", t("sidebar.open_train"))
