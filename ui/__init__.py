"""Streamlit-side helpers shared by the pages: state, cached resources, sidebar, widget groups.

Everything that touches `st.session_state` keys or Streamlit's caches is set up here, in one place;
the pages in `pages/` stay thin (read widgets, call one `cnnapp` function, render).
"""

from ui.text import lang, t

__all__ = ["lang", "t"]
