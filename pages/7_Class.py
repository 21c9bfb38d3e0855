"""Class (lecturers only): every student's jobs and runs, the leaderboard, publishing, limits."""

from ui import nav

nav.announce(__file__)  # a fresh server's first request: "Loading…" before the imports

import streamlit as st

from ui import keys, page, t
from ui.views import classroom


def main() -> None:
    page.start("class.title", __file__)
    if not st.session_state.get(keys.IS_LECTURER):
        st.error(t("class.lecturers_only"), icon=":material/lock:")
        return
    people = classroom.people()
    person = st.session_state.get(keys.PERSON) or {}
    st.header(t("class.jobs"))
    classroom.jobs_ui(people)
    st.header(t("class.runs"))
    classroom.runs_ui(people, person)
    st.header(t("class.limits"))
    classroom.limits_ui()


main()
