"""Placing a chart from `cnnapp.charts` on a page, at the height it was made for.

Streamlit's chart menu saves PNG; a small button under each chart saves SVG (for a report),
converted only when clicked.
"""

from __future__ import annotations

import streamlit as st  # noqa: TID251 - ui/ is the app layer

from cnnapp import charts
from ui.text import t


def show(chart, key: str, where=None, legend_rows: int = 1) -> None:
    """Draws an Altair chart (in `where`, a column or container; the page by default)."""
    height = charts.display_height(chart, legend_rows)
    place = where or st
    place.altair_chart(chart, key=key, height=height)
    place.download_button(
        t("chart.svg"),
        data=lambda: charts.to_svg(chart),
        file_name=f"{key.removeprefix('w_')}.svg",
        mime="image/svg+xml",
        key=f"{key}_svg",
        type="tertiary",
        icon=":material/download:",
    )
