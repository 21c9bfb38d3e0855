"""Reproduce: run a results table of the assignment and see our figures fill in beside its own."""

from ui import nav

nav.announce(__file__)  # a fresh server's first request: "Loading…" before the imports

import streamlit as st

from ui import page, t
from ui.plain import plain
from ui.views import reproduce


@st.fragment(run_every=2.0)
def live_results(table) -> None:
    reproduce.results_ui(table)
    if not reproduce.active(table):
        st.rerun()  # everything finished: back to a static page, Run enabled again


def main() -> None:
    page.start("repro.title", __file__)
    st.caption(t("repro.intro"))
    table = reproduce.table_choice_ui()
    st.caption(t("repro.section", section=table.section, rows=len(table.recipes)))
    scale = {**reproduce.scale_ui(), "protocol": reproduce.protocol_ui()}
    running = reproduce.active(table)
    buttons = st.container(horizontal=True)  # each as wide as its label: none is cut
    if buttons.button(
        t("repro.run"),
        type="primary",
        key="w_repro_run",
        disabled=running,
        icon=":material/play_arrow:",
    ):
        error = reproduce.submit_table(table, scale)
        if error:
            st.error(plain(error))
        else:
            st.rerun()
    if buttons.button(
        t("repro.stop"), key="w_repro_stop", disabled=not running, icon=":material/stop:"
    ):
        reproduce.stop_table(table)
        st.rerun()
    st.header(t("repro.results"))
    if running:
        live_results(table)
    else:
        reproduce.results_ui(table)


main()
