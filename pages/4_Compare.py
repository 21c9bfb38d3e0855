"""Compare: every saved run in one table, exports, curves side by side, one run in detail."""

from ui import nav

nav.announce(__file__)  # a fresh server's first request: "Loading…" before the imports

import streamlit as st

from ui import keys, nav, page, resources, t
from ui.views import compare


def main() -> None:
    page.start("compare.title", __file__)
    compare.follow_train_again()
    compare.delete_error_ui()
    owner = keys.owner()
    runs = resources.run_store().list(owner)
    good = [run for run in runs if run.status == "ok"]
    damaged = [run for run in runs if run.status != "ok"]
    if not good:
        st.info(t("compare.none"))
        nav.link("train", t("compare.go_train"))
        compare.damaged_ui(damaged, owner)
        return
    rows = compare.table_ui(good, owner)
    compare.export_ui(rows)
    compare.damaged_ui(damaged, owner)
    st.header(t("compare.curves"))
    compare.overlay_ui(good)
    st.header(t("compare.one_run"))
    titles = {run.run_id: compare.run_title(run) for run in good}
    run_id = st.selectbox(
        t("compare.pick_run"), list(titles), format_func=titles.get, key="w_compare_run"
    )
    run = next(run for run in good if run.run_id == run_id)
    compare.metrics_ui(run)
    compare.detail_ui(run, owner)


main()
