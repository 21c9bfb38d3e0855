"""The results table of saved runs, exported as CSV, Markdown or LaTeX for a report (pure Python).

Rows come from a run's `config.json` and `metrics.json`; the columns are the assignment's (train
loss and accuracy, validation loss and accuracy, test accuracy) plus what tells runs apart.

Example:
    rows = [run_row(run.run_id, run.config, run.metrics) for run in RunStore().list(owner)]
    text = to_latex(rows, lang="es")
"""

from __future__ import annotations

import csv
import html
import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

from cnnapp.i18n import t
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


def describe_preprocessing(preprocessing: Mapping[str, Any] | None) -> str:
    """'normalisation + flip + zoom 0.2', or 'none' (from a run's saved preprocessing dict)."""
    from cnnapp.config import Preprocessing

    try:
        return Preprocessing.from_dict(dict(preprocessing or {})).describe()
    except ValueError:
        return "?"


def protocol_of(config: Mapping[str, Any]) -> str:
    """A saved run's protocol, "ours" or "assignment" (runs saved before the switch: "ours")."""
    from cnnapp.config import PROTOCOLS

    train = config.get("train")
    protocol = train.get("protocol", "ours") if isinstance(train, Mapping) else "ours"
    return protocol if protocol in PROTOCOLS else "?"


def run_row(run_id: str, config: Mapping[str, Any], metrics: Mapping[str, Any]) -> dict[str, Any]:
    """One table row from a saved run's config and metrics.

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
        "network": config.get("network_name") or "custom",
        "preprocessing": describe_preprocessing(config.get("preprocessing")),
        "protocol": protocol_of(config),
        "epochs": _whole(metrics.get("epochs_run")),
        "time_s": _number(metrics.get("wall_time_s")),
        "gap": None if train_acc is None or val_acc is None else train_acc - val_acc,
    }
    for key in RESULT_COLUMNS:
        row[key] = _number(metrics.get(key))
    return row


def headers(lang: str = "en") -> list[str]:
    """The column titles in `lang`."""
    return [t(f"report.col.{key}", lang) for key, _ in COLUMNS]


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "metric":
        return f"{value:.4f}"
    if kind == "seconds":
        return f"{value:.0f}"
    if kind == "int":
        return str(int(value))
    return str(value)


def _cells(rows: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    return [[_cell(row.get(key), kind) for key, kind in COLUMNS] for row in rows]


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell a spreadsheet shows as it is: text that would start a formula gets a
    leading `'` (numbers stay numbers, so a negative gap is still a number)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(rows: Sequence[Mapping[str, Any]], lang: str = "en") -> str:
    """The table as CSV (RFC 4180: commas, CRLF line ends; header row first, full precision).

    Text that a spreadsheet would evaluate (`=HYPERLINK(...)`, `+1`, `@SUM(...)`) is written with
    a leading `'`, so it shows as text.
    """
    out = io.StringIO()
    writer = csv.writer(out)  # "\r\n" ends rows, so a "\r" in a cell is quoted too
    writer.writerow([csv_cell(h) for h in headers(lang)])
    for row in rows:
        writer.writerow([csv_cell(row.get(key)) for key, _ in COLUMNS])
    return out.getvalue()


def markdown_escape(text: str) -> str:
    """Text for a Markdown table cell: HTML (`<`, `>`, `&`) escaped, pipes and backslashes
    escaped, line breaks as spaces, so no cell can add markup or break the table."""
    text = html.escape(text, quote=False).replace("\\", "\\\\").replace("|", "\\|")
    return " ".join(text.splitlines())


def to_markdown(rows: Sequence[Mapping[str, Any]], lang: str = "en") -> str:
    """The table as a Markdown (GitHub) pipe table, metrics with 4 decimals."""
    numeric = [kind != "text" for _, kind in COLUMNS]
    lines = [
        "| " + " | ".join(markdown_escape(h) for h in headers(lang)) + " |",
        "| " + " | ".join("---:" if n else "---" for n in numeric) + " |",
    ]
    for cells in _cells(rows):
        lines.append("| " + " | ".join(markdown_escape(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def latex_escape(text: str) -> str:
    """Escapes LaTeX's special characters in plain text."""
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def to_latex(
    rows: Sequence[Mapping[str, Any]], lang: str = "en", caption: str | None = None
) -> str:
    """The table as a LaTeX `table` with `tabular` (booktabs rules), metrics with 4 decimals."""
    align = "".join("r" if kind != "text" else "l" for _, kind in COLUMNS)
    lines = [
        r"% \usepackage{booktabs}",
        r"\begin{table}[ht]",
        r"\centering",
        r"\small",
        rf"\begin{{tabular}}{{{align}}}",
        r"\toprule",
        " & ".join(latex_escape(h) for h in headers(lang)) + r" \\",
        r"\midrule",
    ]
    for cells in _cells(rows):
        lines.append(" & ".join(latex_escape(c) for c in cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    lines.append(rf"\caption{{{latex_escape(caption or t('report.caption', lang))}}}")
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"
