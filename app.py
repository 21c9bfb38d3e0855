"""CNN Lab: build, train, compare and try convolutional networks in the browser.

Run with `streamlit run app.py`. This file only sets the page up and hands over to the pages in
`pages/`; each page draws the sidebar (language, backend, device, active job) itself.
"""

import streamlit as st

from ui import auth, keys, nav, page, workspace
from ui.keras_session import keep_keras_session
from ui.views.home import home


def main() -> None:
    keep_keras_session()  # no gc.collect() and kernel-cache wipe after every run
    st.set_page_config(page_title="CNN Lab", page_icon=":material/neurology:", layout="wide")
    person = auth.signed_in_person(entry=True)  # class mode: only the sign-in screen until then
    keys.init_state(write_url=False, person=person)  # the page writes the URL once navigation runs
    pages = nav.navigation(home)
    nav.follow_deep_link()
    nav.entry_ran()
    try:
        with page.first_run_indicator(pages):  # a fresh server's first visit
            pages.run()
    finally:  # also on st.rerun/st.stop: what the page changed is kept for its owner
        workspace.persist()


main()
