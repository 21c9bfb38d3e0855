"""The app layer between Streamlit and `cnnapp`: state, cached resources, sidebar, widget groups.

Everything that touches `st.session_state` keys or Streamlit's caches is set up here, in one place;
the pages in `pages/` stay thin (read widgets, call one `cnnapp` function, render).

Shared by several pages (directly in `ui/`):
    keys          every session-state key, its default, the owner id in the URL
    nav           the pages in order, links between them, `st.navigation`
    page          what every page does first: session, sidebar, title
    resources     everything cached: executor, datasets, classifiers, GPU probe
    text          `t(key)`, `lang()` and `num(value, spec)` in the session's language
    progress      a job's progress in words and bars (sidebar and Train read one readout)
    workspace     the work in progress kept per owner on the server, and share links
    plot          placing a chart from `cnnapp.charts`, with its SVG download
    dataset       the session's dataset: its name, loading it, its shape
    images        small images shown large (nearest neighbour), thumbnails
    run_settings  preprocessing and training widgets (Data, Train; Compare's "train again")
    tables        wide tables that fit a projector: main columns, the rest under "More columns"

Used by one page each (in `ui/views/`, named after the page): home, data, build, train,
compare, reproduce, classify.
"""

from ui.text import lang, num, t

__all__ = ["lang", "num", "t"]
