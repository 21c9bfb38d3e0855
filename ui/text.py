"""`t(key)` in the session's language (the texts live in `cnnapp.i18n`)."""

from __future__ import annotations

import json

import streamlit as st  # noqa: TID251 - ui/ is the app layer

from cnnapp import i18n
from ui import keys


def lang() -> str:
    """The session's language code, "en" or "es"."""
    value = st.session_state.get(keys.LANG, i18n.DEFAULT_LANGUAGE)
    return value if value in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def labeller(prefix: str, suffix: str = ""):
    """A `format_func` for choice widgets: option -> the text `prefix + option + suffix`.

    The language is captured now, so the labels match the options drawn in this run.
    """
    current = lang()
    return lambda option: i18n.t(f"{prefix}{option}{suffix}", current)


def t(key: str, /, **values: object) -> str:
    """The interface text `key` in the session's language, with `values` filled in."""
    return i18n.t(key, lang(), **values)


def num(value: object, spec: str = "") -> str:
    """A number written the session's language's way: `num(12500, ",")` is "12.500" in Spanish."""
    return i18n.number(value, lang(), spec)


def document_language() -> None:
    """Sets the page's `<html lang>` to the session's language (Streamlit's page always says
    "en"), so a screen reader reads Spanish as Spanish. Draws nothing: place it last in a
    container, where its empty element adds no visible gap."""
    script = f"<script>document.documentElement.lang = {json.dumps(lang())};</script>"
    st.html(script, unsafe_allow_javascript=True)
