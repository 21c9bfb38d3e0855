"""The layer table, as the assignment's tables 1, 6 and 8: its columns, its cells as text, and the
words a layer's fields are shown with.

`cnnapp.nets.spec.summarize(...).rows` holds the values; the Build page and `python -m cnnapp
presets ID` both show them through `layer_table`, with the column titles of the chosen language.
Its "Layer" column is the editor's numbering (`layer_numbers`): the rows a layer adds (a fused
activation's `Relu`) share its number as "4b", so "layer 4" means one thing on the whole page.
`field_label` and `field_help` name the fields the registry declares, for every layer type.
"""

from __future__ import annotations

from typing import Any

from cnnapp.i18n import t

# The columns of the layer table: the editor's layer number, then the assignment's columns (its
# own running count of rows stays in `NetworkSummary.rows[i]["number"]`).
LAYER_TABLE_COLUMNS = (
    "layer",
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


def layer_numbers(rows: list[dict], layers: int) -> list[str]:
    """The editor's layer number of each table row, as text.

    A layer's first row gets its 1-based place in the spec ("4"), the rows it adds the same number
    with a letter ("4b": the `Relu` of `Conv2D(activation="relu")`); the output layer the app
    appends (`spec_index` None) comes after the spec's `layers`.

    Example:
        >>> layer_numbers([{"spec_index": 0}, {"spec_index": 0}, {"spec_index": None}], 1)
        ['1', '1b', '2']
    """
    numbers, seen = [], {}
    for row in rows:
        index = row.get("spec_index")
        number = layers + 1 if index is None else int(index) + 1
        count = seen[number] = seen.get(number, 0) + 1
        numbers.append(str(number) if count == 1 else f"{number}{chr(ord('a') + count - 1)}")
    return numbers


def layer_table(summary, lang: str = "en", empty: str = "") -> list[dict[str, str]]:
    """The summary's rows as text, keyed by the translated column titles ("table.<column>").

    Args:
        summary: a `NetworkSummary` from `summarize`.
        lang: "en" or "es".
        empty: the text of an empty cell ("" on a page, "-" in a terminal).
    """
    titles = [t(f"table.{column}", lang) for column in LAYER_TABLE_COLUMNS]
    numbers = layer_numbers(summary.rows, len(summary.shapes))
    return [
        {
            title: number if column == "layer" else cell(row.get(column), empty)
            for title, column in zip(titles, LAYER_TABLE_COLUMNS, strict=True)
        }
        for row, number in zip(summary.rows, numbers, strict=True)
    ]


def field_label(name: str, lang: str = "en") -> str:
    """A layer field's label in words: "Kernel size" for `kernel_size`, "Filtros" for `filters`.

    The texts' `field.<name>` when there is one, else the name itself in words, so a field a new
    layer type declares is readable before it is translated.
    """
    key = f"field.{name}"
    text = t(key, lang)
    return text if text != key else name.replace("_", " ").strip().capitalize()


def field_help(field, lang: str = "en") -> str:
    """A layer field's help: what it does (the texts' `field.<name>.help`, else the registry's
    own `Field.help`), then its Keras argument name, e.g. "... Keras argument: `filters`."."""
    key = f"field.{field.name}.help"
    text = t(key, lang)
    if text == key:
        text = field.help[:1].upper() + field.help[1:] + "." if field.help else ""
    return f"{text} {t('field.keras_name', lang, name=field.name)}".strip()
