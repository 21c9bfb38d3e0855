"""Placing a chart from `cnnapp.charts` on a page, at the height it was made for."""

from __future__ import annotations

import streamlit as st  # noqa: TID251 - ui/ is the app layer

from cnnapp import charts


def show(chart, key: str, where=None, legend_rows: int = 1) -> None:
    """Draws an Altair chart (in `where`, a column or container; the page by default)."""
    height = charts.display_height(chart, legend_rows)
    (where or st).altair_chart(chart, key=key, height=height)
