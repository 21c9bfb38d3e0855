"""The results table of saved runs, exported as CSV, Markdown or LaTeX for a report (pure Python).

Rows come from a run's `config.json` and `metrics.json`; the columns are the assignment's (train
loss and accuracy, validation loss and accuracy, test accuracy) plus what tells runs apart. The
Reproduce page's table (one row per recipe, the assignment's figures beside ours) is exported by
the same functions with `columns=reproduce_columns(table)` and `reproduce_rows(table, ours)`.

Example:
    rows = [run_row(run.run_id, run.config, run.metrics) for run in RunStore().list(owner)]
    text = to_latex(rows, lang="es")
    text = to_csv(reproduce_rows(table, ours), "en", reproduce_columns(table))
"""

from __future__ import annotations

import csv
import html
import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

from cnnapp.i18n import number, t
from cnnapp.texts import TEXTS
from cnnapp.training.scoring import RESULT_COLUMNS

# (key, kind): kind "text", "int", "seconds" or "metric" decides how a value is written
COLUMNS: list[tuple[str, str]] = [
    ("label", "text"),
    ("dataset", "text"),
    ("network", "text"),
    ("preprocessing", "text"),
    ("protocol", "text"),
    ("epochs", "int"),
    ("time_s", "seconds"),
    *((key, "metric") for key in RESULT_COLUMNS),
    ("gap", "metric"),
]
# A table of runs in the app, fitted to a projector (ui.tables): these `COLUMNS` keys at once,
# the other groups under "More columns", each beside the run's label.
MAIN_COLUMNS = ("label", "network", "epochs", "val_accuracy", "test_accuracy", "gap")
SETTINGS_COLUMNS = ("label", "dataset", "preprocessing", "protocol", "time_s")
LOSS_COLUMNS = ("label", "train_loss", "train_accuracy", "val_loss")
_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _number(value: Any) -> float | None:
    """A finite real number as a float; None for anything else (text, true/false, NaN, inf)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def describe_preprocessing(preprocessing: Mapping[str, Any] | None, lang: str = "en") -> str:
    """'normalisation + flip + zoom 0.2', or 'none' (from a run's saved preprocessing dict)."""
    from cnnapp.config import Preprocessing

    try:
        return Preprocessing.from_dict(dict(preprocessing or {})).describe(lang)
    except ValueError:
        return "?"


def protocol_of(config: Mapping[str, Any]) -> str:
    """A saved run's protocol, "ours" or "assignment" (runs saved before the switch: "ours")."""
    from cnnapp.config import PROTOCOLS

    train = config.get("train")
    protocol = train.get("protocol", "ours") if isinstance(train, Mapping) else "ours"
    return protocol if protocol in PROTOCOLS else "?"


def _protocol_words(protocol: str, lang: str) -> str:
    """ "ours" / "assignment" in words of `lang` (Spanish: "nuestro" / "práctica")."""
    key = f"report.protocol.{protocol}"
    return t(key, lang) if key in TEXTS else protocol


def run_row(
    run_id: str, config: Mapping[str, Any], metrics: Mapping[str, Any], lang: str = "en"
) -> dict[str, Any]:
    """One table row from a saved run's config and metrics (its words in `lang`).

    Returns:
        A dict with a value for every key of `COLUMNS` (None where unknown) plus `run_id` and
        `created_at`. `gap` is train accuracy minus validation accuracy (over-fitting shows as a
        large positive gap).
    """
    dataset = config.get("dataset") or {}
    name = dataset.get("name", "?") if isinstance(dataset, Mapping) else str(dataset)
    if isinstance(dataset, Mapping) and dataset.get("limit"):
        name = f"{name} ({dataset['limit']})"
    train_acc = _number(metrics.get("train_accuracy"))
    val_acc = _number(metrics.get("val_accuracy"))
    row = {
        "run_id": run_id,
        "created_at": config.get("created_at", ""),
        "label": config.get("label") or config.get("network_name") or run_id,
        "dataset": name,
        "network": config.get("network_name") or t("report.custom", lang),
        "preprocessing": describe_preprocessing(config.get("preprocessing"), lang),
        "protocol": _protocol_words(protocol_of(config), lang),
        "epochs": _whole(metrics.get("epochs_run")),
        "time_s": _number(metrics.get("wall_time_s")),
        "gap": None if train_acc is None or val_acc is None else train_acc - val_acc,
    }
    for key in RESULT_COLUMNS:
        row[key] = _number(metrics.get(key))
    return row


Columns = Sequence[tuple[str, str]]  # (key, kind) pairs, as COLUMNS


def title(key: str, lang: str = "en") -> str:
    """A column's title: `report.col.<key>`, or for `<metric>.<source>` (a Reproduce column,
    source "assignment" or "ours") the metric's title with the source, "Val. acc. (ours)"."""
    metric, _, source = key.partition(".")
    if source:
        return t(f"report.source.{source}", lang, metric=t(f"report.col.{metric}", lang))
    return t(f"report.col.{key}", lang)


def headers(lang: str = "en", columns: Columns = COLUMNS) -> list[str]:
    """The column titles in `lang`."""
    return [title(key, lang) for key, _ in columns]


def _cell(value: Any, kind: str, lang: str = "en") -> str:
    if value is None:
        return ""
    if kind == "metric":
        return number(value, lang, ".4f")
    if kind == "seconds":
        return number(value, lang, ".0f")
    if kind == "int":
        return str(int(value))
    return str(value)


def _cells(
    rows: Sequence[Mapping[str, Any]], columns: Columns, lang: str = "en"
) -> list[list[str]]:
    """Cells as text for Markdown and LaTeX: numbers the language's way (0,5000 in Spanish)."""
    return [[_cell(row.get(key), kind, lang) for key, kind in columns] for row in rows]


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell a spreadsheet shows as it is: text that would start a formula gets a
    leading `'` (numbers stay numbers, so a negative gap is still a number)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(rows: Sequence[Mapping[str, Any]], lang: str = "en", columns: Columns = COLUMNS) -> str:
    """The table as CSV (RFC 4180: commas, CRLF line ends; header row first, full precision).

    Numbers keep a decimal point in every language, so a spreadsheet reads them as numbers.

    Text that a spreadsheet would evaluate (`=HYPERLINK(...)`, `+1`, `@SUM(...)`) is written with
    a leading `'`, so it shows as text.
    """
    out = io.StringIO()
    writer = csv.writer(out)  # "\r\n" ends rows, so a "\r" in a cell is quoted too
    writer.writerow([csv_cell(h) for h in headers(lang, columns)])
    for row in rows:
        writer.writerow([csv_cell(row.get(key)) for key, _ in columns])
    return out.getvalue()


def markdown_escape(text: str) -> str:
    """Text for a Markdown table cell: HTML (`<`, `>`, `&`) escaped, pipes and backslashes
    escaped, line breaks as spaces, so no cell can add markup or break the table."""
    text = html.escape(text, quote=False).replace("\\", "\\\\").replace("|", "\\|")
    return " ".join(text.splitlines())


def to_markdown(
    rows: Sequence[Mapping[str, Any]], lang: str = "en", columns: Columns = COLUMNS
) -> str:
    """The table as a Markdown (GitHub) pipe table, metrics with 4 decimals."""
    numeric = [kind != "text" for _, kind in columns]
    lines = [
        "| " + " | ".join(markdown_escape(h) for h in headers(lang, columns)) + " |",
        "| " + " | ".join("---:" if n else "---" for n in numeric) + " |",
    ]
    for cells in _cells(rows, columns, lang):
        lines.append("| " + " | ".join(markdown_escape(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def latex_escape(text: str) -> str:
    """Escapes LaTeX's special characters in plain text; line breaks become spaces (a blank line
    inside a table cell would end the paragraph, and the table, with an error)."""
    return " ".join("".join(_LATEX_SPECIAL.get(ch, ch) for ch in text).splitlines())


def to_latex(
    rows: Sequence[Mapping[str, Any]],
    lang: str = "en",
    caption: str | None = None,
    columns: Columns = COLUMNS,
) -> str:
    """The table as a LaTeX `table` with `tabular` (booktabs rules), metrics with 4 decimals."""
    align = "".join("r" if kind != "text" else "l" for _, kind in columns)
    lines = [
        r"% \usepackage{booktabs}",
        r"\begin{table}[ht]",
        r"\centering",
        r"\small",
        rf"\begin{{tabular}}{{{align}}}",
        r"\toprule",
        " & ".join(latex_escape(h) for h in headers(lang, columns)) + r" \\",
        r"\midrule",
    ]
    for cells in _cells(rows, columns, lang):
        lines.append(" & ".join(latex_escape(c) for c in cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    lines.append(rf"\caption{{{latex_escape(caption or t('report.caption', lang))}}}")
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"


# The Reproduce page's table -----------------------------------------------------------------------

SOURCES = ("assignment", "ours")


def reproduce_columns(table) -> list[tuple[str, str]]:
    """The columns of a results table beside ours: what each row is, the epochs we ran, each
    metric from the assignment and from us, and (tables 9 and 11) the assignment's epochs.

    Args:
        table: a `cnnapp.recipes.Table`.
    """
    columns = [("modification", "text"), ("network", "text"), ("preprocessing", "text")]
    columns.append(("epochs", "text"))  # what we ran: "3 of 20", "12 (early stop) of 40"
    sources = _sources(table)
    columns += [(f"{key}.{source}", "metric") for key in RESULT_COLUMNS for source in sources]
    if table.has_epochs:
        columns.append(("epochs.assignment", "int"))
    if table.has_time:  # the published time and device beside ours
        columns += [(f"time_s.{source}", "seconds") for source in sources]
        columns += [(f"device.{source}", "text") for source in sources]
    return columns


def _sources(table) -> tuple[str, str]:
    """Whose figures a table puts beside ours: the assignment's, or published ones."""
    return (getattr(table, "reference", "assignment"), "ours")


def epochs_cell(metrics: Mapping[str, Any], epochs: int, lang: str = "en") -> str:
    """What a row ran, against the recipe's `epochs`: "20 of 20", "3 of 20" (scaled down),
    "12 (early stop) of 40", "5 (stopped) of 20"; empty before it has run."""
    run = _whole(metrics.get("epochs_run"))
    if run is None:
        return ""
    if metrics.get("early_stopped_epoch"):
        key = "report.epochs_early"
    elif metrics.get("stopped") is True:
        key = "report.epochs_stopped"
    else:
        key = "report.epochs_of"
    return t(key, lang, run=run, epochs=epochs)


def reproduce_rows(
    table, ours: Mapping[str, Mapping[str, Any]], lang: str = "en"
) -> list[dict[str, Any]]:
    """One row per recipe of `table`: the assignment's figures and ours (None where not run).

    Args:
        table: a `cnnapp.recipes.Table`.
        ours: `{recipe id: metrics}` of the runs (a run's `metrics.json`); missing rows are empty.
        lang: the language of the Epochs cells.
    """
    from cnnapp.nets.presets import PRESETS

    rows = []
    for recipe in table.recipes:
        metrics = ours.get(recipe.id) or {}
        preset = PRESETS.get(recipe.preset)
        row = {
            "modification": recipe.label,
            "network": preset.name if preset else recipe.preset,
            "preprocessing": recipe.preprocessing.describe(lang),
            "epochs": epochs_cell(metrics, recipe.train.epochs, lang),
            "epochs.assignment": _whole(recipe.reported.get("epochs")),
        }
        reference = _sources(table)[0]
        for key in RESULT_COLUMNS:
            row[f"{key}.{reference}"] = _number(recipe.reported.get(key))
            row[f"{key}.ours"] = _number(metrics.get(key))
        if table.has_time:
            row[f"time_s.{reference}"] = _number(recipe.reported.get("time_s"))
            row["time_s.ours"] = _number(metrics.get("wall_time_s"))
            row[f"device.{reference}"] = recipe.reported.get("device")
            row["device.ours"] = metrics.get("device")
        rows.append(row)
    return rows


def reproduce_caption(table, lang: str = "en") -> str:
    """The LaTeX caption of an exported results table."""
    return t("report.repro_caption", lang, caption=table.caption, section=table.section)
