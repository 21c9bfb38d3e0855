"""Tables that fit a projector (1280×720): the main columns at once, the others under "More columns".

`st.dataframe` scrolls sideways once its columns are wider than the page, and on a projector the
columns that matter (the Params of a layer, a run's over-fitting gap) were the ones scrolled out
of sight. A wide table is shown instead as a narrow one of its main columns, with the others in
an expander, a few at a time beside a column that names the row. Column titles can be shown
short, with the full title in the header's tooltip. Every table shows the same data frame (its
columns titled in the session's language, as tests and exports read it); only the columns shown
differ.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st  # noqa: TID251 - ui/ is the app layer

from ui.text import t


def fitted_table(
    frame: pd.DataFrame,
    key: str,
    main: Sequence[str],
    more: Sequence[Sequence[str]] = (),
    short: Mapping[str, str] | None = None,
    widths: Mapping[str, str | int] | None = None,
) -> None:
    """Shows `frame` as a table of its `main` columns, with the `more` groups in an expander.

    Args:
        frame: the table; its column titles are what `main`, `more`, `short` and `widths` name.
        key: the main table's widget key; the expander's tables get `key` + "_more<N>".
        main: the titles shown at once, in order.
        more: groups of titles, each shown as one table under "More columns" (start each with a
            column that names the row, such as the run or the layer).
        short: {title: short title}: the short one heads the column, the full one is its tooltip.
        widths: {title: "small" | "medium" | "large" | pixels}: a column's width (long texts such
            as run names are cut at it, in the cell only; the full text shows on hover).

    Raises:
        ValueError: a column of `frame` is in no group, or a group names a column `frame` lacks.
    """
    shown = [*main, *(title for group in more for title in group)]
    missing = [title for title in frame.columns if title not in shown]
    unknown = [title for title in shown if title not in frame.columns]
    if missing or unknown:
        raise ValueError(
            f"fitted_table({key!r}) shows the columns {shown}, but the table has "
            f"{list(frame.columns)} (not shown: {missing}; not in the table: {unknown}); "
            "put each of the table's columns in `main` or in a group of `more`"
        )
    short, widths = dict(short or {}), dict(widths or {})
    config = {
        title: st.column_config.Column(
            short.get(title, title),
            help=title if title in short else None,
            width=widths.get(title),
        )
        for title in frame.columns
    }
    st.dataframe(frame, hide_index=True, key=key, column_order=list(main), column_config=config)
    if not more:
        return
    with st.expander(t("table.more_columns"), icon=":material/view_column:"):
        for number, group in enumerate(more, start=1):
            st.dataframe(
                frame,
                hide_index=True,
                key=f"{key}_more{number}",
                column_order=list(group),
                column_config=config,
            )
