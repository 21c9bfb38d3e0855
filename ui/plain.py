"""User-given names shown as plain text where Streamlit renders Markdown.

Run labels, class names, dataset folder and file names, and error messages that quote them go
into `st.markdown`, `st.caption`, `st.info`/`st.error`, image captions and widget labels, which all
render Markdown and LaTeX: a run labelled `**bold** $\\frac{a}{b}$` would show bold text and a
fraction to every session that lists it. `plain(text)` backslash-escapes what Markdown, LaTeX and
Streamlit's directives read, so the text shows as typed. Use it only where Markdown is rendered:
select-box options, data frames, charts and `st.text` show text as it is (a backslash would show).

Example:
    st.caption(t("data.source", source=plain(dataset.source)))
"""

from __future__ import annotations

import re

# Escaped wherever they are: emphasis, code, links and images, HTML, LaTeX ($), tables, strike.
_ALWAYS = re.compile(r"([\\`*_{}\[\]()<>#!|~$&])")
# Only at the start, where they would open a list, a heading, a quote or a rule.
_LINE_START = re.compile(r"^([-+=]|[0-9]+[.)])")
# Streamlit's directives and icons (`:red[...]`, `:material/home:`), and the links that
# GitHub-flavoured Markdown makes by itself (`scheme://...`, `www....`, `name@host`).
_AUTOLINK = re.compile(r":(?=//|[A-Za-z])|(?<=\bwww)\.|@", re.IGNORECASE)


def plain(text: object) -> str:
    """`text` escaped so that Streamlit's Markdown shows it literally, on one line.

    Args:
        text: anything; it is turned into text with `str` (None becomes "None"). An engine
            message or coded error (`cnnapp.messages`) is worded in the session's language.

    Returns:
        The text with Markdown, LaTeX, directive and autolink characters backslash-escaped and every run of
        whitespace (line breaks included) as one space, as Markdown would show it anyway.

    Example:
        >>> plain("**bold** $x$")
        '\\\\*\\\\*bold\\\\*\\\\* \\\\$x\\\\$'
    """
    text = " ".join(_words(text).split())
    text = _ALWAYS.sub(r"\\\1", text)
    text = _AUTOLINK.sub(lambda m: "\\" + m.group(0), text)
    return _LINE_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], text)


def _words(thing: object) -> str:
    from cnnapp.messages import words
    from ui.text import lang

    return words(thing, lang())


def plain_column(frame, *columns: str):
    """A copy of a data frame with `columns` escaped, for the text summaries of `cnnapp.charts`
    (the charts themselves show the frame's own, unescaped names)."""
    return frame.assign(**{column: frame[column].map(plain) for column in columns})
