"""Exporting the results table: CSV, Markdown and LaTeX."""

import csv
import io

from cnnapp.report import COLUMNS, headers, latex_escape, run_row, to_csv, to_latex, to_markdown

CONFIG = {
    "label": "BaseNet + flip",
    "network_name": "BaseNet",
    "dataset": {"name": "cifar100_25", "limit": None},
    "preprocessing": {"normalize": True, "horizontal_flip": True},
    "created_at": "2026-11-28T09:00:00+01:00",
}
METRICS = {
    "train_loss": 1.5314,
    "train_accuracy": 0.54856,
    "val_loss": 2.0523,
    "val_accuracy": 0.4184,
    "test_accuracy": 0.4396,
    "epochs_run": 20,
    "wall_time_s": 123.4,
}


def row(**config):
    return run_row("r20261128-0900-0123456789abcdef", {**CONFIG, **config}, METRICS)


def test_run_row_has_every_column_and_the_gap():
    r = row()
    assert set(key for key, _ in COLUMNS) <= set(r)
    assert r["label"] == "BaseNet + flip"
    assert r["network"] == "BaseNet"
    assert r["dataset"] == "cifar100_25"
    assert r["preprocessing"] == "normalisation + flip"
    assert r["epochs"] == 20
    assert abs(r["gap"] - (0.54856 - 0.4184)) < 1e-12


def test_run_row_tolerates_missing_values():
    r = run_row("r1", {}, {"val_accuracy": 0.5})
    assert r["label"] == "r1" and r["network"] == "custom"
    assert r["gap"] is None and r["test_accuracy"] is None
    assert run_row("r1", {"dataset": {"name": "procedural", "limit": 600}}, {})["dataset"] == (
        "procedural (600)"
    )


def test_csv_round_trips():
    text = to_csv([row(), row(label="second, with comma")], lang="en")
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == headers("en")
    assert parsed[2][0] == "second, with comma"
    assert float(parsed[1][headers("en").index("Val. acc.")]) == 0.4184


def test_markdown_table():
    text = to_markdown([row(label="a | b")], lang="es")
    lines = text.strip().splitlines()
    assert lines[0].startswith("| Ejecución |")
    assert lines[1].count("---") == len(COLUMNS)
    assert "a \\| b" in lines[2]  # a pipe in a label does not break the table
    assert "| 0,4184 |" in lines[2]  # Spanish writes a decimal comma
    assert "| 0.4184 |" in to_markdown([row(label="a")], lang="en").splitlines()[2]
    spanish = run_row("r1", {**CONFIG, "label": "a"}, METRICS, lang="es")
    assert "normalización + volteo" in to_markdown([spanish], lang="es")  # words in Spanish too


def test_latex_table_escapes_and_aligns():
    text = to_latex([row(label="50% of x_train & more")], lang="en")
    assert "\\begin{tabular}{lllllrr" in text  # label, dataset, network, preprocessing, protocol
    assert "50\\% of x\\_train \\& more" in text
    assert text.count("\\\\") == 2  # header row and one data row
    assert "\\toprule" in text and "\\bottomrule" in text
    assert (
        latex_escape("a_b{c}~^\\")
        == "a\\_b\\{c\\}\\textasciitilde{}\\textasciicircum{}\\textbackslash{}"
    )


def test_empty_table_still_has_headers():
    assert to_csv([]).strip() == ",".join(headers("en"))
    assert len(to_markdown([]).strip().splitlines()) == 2


def test_csv_cells_that_would_be_formulas_are_text():
    rows = [row(label=label) for label in ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)"]]
    rows.append(row(label="\tx"))
    rows.append(row(label="\rx"))
    rows.append(run_row("r1", {"label": "ok = fine"}, {"train_accuracy": 0.1, "val_accuracy": 0.5}))
    parsed = list(csv.reader(io.StringIO(to_csv(rows))))
    labels = [line[0] for line in parsed[1:]]
    assert labels == [
        '\'=HYPERLINK("http://x","y")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "ok = fine",
    ]
    gap = parsed[-1][headers("en").index("Train − val. acc.")]
    assert float(gap) == -0.4  # a negative number stays a number


def test_markdown_escapes_html_and_pipes():
    text = to_markdown([row(label="<img src=x onerror=alert(1)> & a|b")])
    cells = text.strip().splitlines()[2]
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; a\\|b" in cells
    assert "<img" not in text and cells.count(" | ") == len(COLUMNS) - 1


def test_run_row_ignores_values_of_the_wrong_type():
    r = run_row("r1", {}, {"test_accuracy": float("inf"), "val_loss": "0.5", "epochs_run": "x"})
    assert r["test_accuracy"] is None and r["val_loss"] is None and r["epochs"] is None
    assert "| inf" not in to_markdown([r]) and to_latex([r])
