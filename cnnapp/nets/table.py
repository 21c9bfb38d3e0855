"""The layer table, as the assignment's tables 1, 6 and 8: its columns, and its cells as text.

`cnnapp.nets.spec.summarize(...).rows` holds the values; the Build page and `python -m cnnapp
presets ID` both show them through `layer_table`, with the column titles of the chosen language.
"""

from __future__ import annotations

from typing import Any

from cnnapp.i18n import t

# The columns of a row of `NetworkSummary.rows`, in the assignment's order.
LAYER_TABLE_COLUMNS = (
    "number",
    "type",
    "kernel_size",
    "input_size",
    "output_size",
    "input_channels",
    "output_channels",
    "dropout_rate",
    "params",
)


def cell(value: Any, empty: str = "") -> str:
    """A table value as text: `23228` -> "23,228", `0.25` -> "0.25", None -> `empty`."""
    if value is None:
        return empty
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def layer_table(summary, lang: str = "en", empty: str = "") -> list[dict[str, str]]:
    """The summary's rows as text, keyed by the translated column titles ("table.<column>").

    Args:
        summary: a `NetworkSummary` from `summarize`.
        lang: "en" or "es".
        empty: the text of an empty cell ("" on a page, "-" in a terminal).
    """
    titles = [t(f"table.{column}", lang) for column in LAYER_TABLE_COLUMNS]
    return [
        {
            title: cell(row.get(column), empty)
            for title, column in zip(titles, LAYER_TABLE_COLUMNS, strict=True)
        }
        for row in summary.rows
    ]
