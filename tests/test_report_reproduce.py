"""Exporting a Reproduce table (the assignment's figures beside ours): columns, Epochs, escaping."""

import csv
import dataclasses
import io

import pytest

from cnnapp import report
from cnnapp.recipes import TABLES
from cnnapp.texts import TEXTS


def test_columns_pair_every_metric_and_add_the_assignments_epochs_where_reported():
    plain = report.reproduce_columns(TABLES["2"])
    early = report.reproduce_columns(TABLES["9"])
    assert [key for key, _ in plain][:4] == ["modification", "network", "preprocessing", "epochs"]
    assert ("val_accuracy.assignment", "metric") in plain and (
        "val_accuracy.ours",
        "metric",
    ) in plain
    assert "epochs.assignment" not in dict(plain)
    assert early[-1] == ("epochs.assignment", "int")
    assert report.headers("en", early)[-3:] == [
        "Test acc. (assignment)",
        "Test acc. (ours)",
        "Epochs (assignment)",
    ]
    assert report.headers("es", early)[:4] == ["Modificación", "Red", "Preprocesado", "Épocas"]
    assert report.headers("es", early)[-1] == "Épocas (práctica)"
    for lang in ("en", "es"):  # every title is a text, none a raw key
        assert not [h for h in report.headers(lang, early) if "report." in h]
    assert {f"report.source.{s}" for s in report.SOURCES} <= set(TEXTS)


@pytest.mark.parametrize(
    ("metrics", "epochs", "en", "es"),
    [
        ({"epochs_run": 20}, 20, "20 of 20", "20 de 20"),  # the full recipe
        ({"epochs_run": 3}, 20, "3 of 20", "3 de 20"),  # scaled down to 3 epochs
        ({"epochs_run": 12, "early_stopped_epoch": 12}, 40, "12 (early stop) of 40",
         "12 (parada temprana) de 40"),
        ({"epochs_run": 5, "stopped": True}, 20, "5 (stopped) of 20", "5 (detenida) de 20"),
        ({"epochs_run": 40, "early_stopped_epoch": None}, 40, "40 of 40", "40 de 40"),
        ({}, 20, "", ""),  # not run yet
        ({"epochs_run": "many"}, 20, "", ""),  # a damaged value is left out
    ],
)  # fmt: skip
def test_the_epochs_cell_says_what_ran(metrics, epochs, en, es):
    assert report.epochs_cell(metrics, epochs, "en") == en
    assert report.epochs_cell(metrics, epochs, "es") == es


def test_rows_hold_the_assignments_figures_and_ours():
    table = TABLES["9"]
    ours = {"t9-1": {"epochs_run": 12, "early_stopped_epoch": 12, "test_accuracy": 0.61}}
    first, second, _ = report.reproduce_rows(table, ours)
    assert first["modification"] == "validation_split=0.1 + normalización"
    assert first["network"] == "MiRed + BatchNormalization V3"
    assert first["preprocessing"] == "normalisation"
    assert first["test_accuracy.assignment"] == 0.6424 and first["test_accuracy.ours"] == 0.61
    assert first["epochs"] == "12 (early stop) of 40" and first["epochs.assignment"] == 31
    assert first["val_accuracy.ours"] is None
    assert second["test_accuracy.ours"] is None and second["epochs"] == ""
    assert (
        report.reproduce_rows(table, {"t9-2": {"test_accuracy": float("nan")}})[1][
            "test_accuracy.ours"
        ]
        is None
    )  # NaN (a diverged run) is an empty cell, not "nan"


def hostile_table():
    """Table 9 with row labels that CSV, Markdown and LaTeX must each neutralise."""
    table = TABLES["9"]
    labels = ['=HYPERLINK("x") | 50% _a_', "<b>bold</b> & $x^2$", "two\n\nparagraphs"]
    recipes = tuple(
        dataclasses.replace(r, label=label) for r, label in zip(table.recipes, labels, strict=True)
    )
    return dataclasses.replace(table, recipes=recipes)


def test_exports_escape_the_labels_of_each_format():
    table = hostile_table()
    ours = {"t9-1": {"epochs_run": 3, "test_accuracy": 0.5}}
    rows, columns = report.reproduce_rows(table, ours), report.reproduce_columns(table)
    parsed = list(csv.reader(io.StringIO(report.to_csv(rows, "en", columns))))
    assert parsed[1][0] == '\'=HYPERLINK("x") | 50% _a_'  # a formula stays text
    assert parsed[1][3] == "3 of 40" and float(parsed[1][-3]) == 0.6424
    assert len(parsed) == 4 and all(len(row) == len(columns) for row in parsed)
    markdown = report.to_markdown(rows, "en", columns).splitlines()
    assert markdown[2].startswith('| =HYPERLINK("x") \\| 50% _a_ |')
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; $x^2$" in markdown[3] and len(markdown) == 5
    assert markdown[4].startswith("| two  paragraphs |")  # line breaks as spaces
    latex = report.to_latex(rows, "en", report.reproduce_caption(table), columns)
    assert r'=HYPERLINK("x") \textbar{} 50\% \_a\_ & MiRed' in latex
    assert (
        r"\textless{}b\textgreater{}bold\textless{}/b\textgreater{} \& \$x\textasciicircum{}2\$"
        in latex
    )
    assert "two  paragraphs &" in latex  # a blank line would end the LaTeX table
    assert latex.count(r"\\") == 1 + 3  # the header and three rows
    assert "{" + "l" * 4 + "r" * 11 + "}" in latex


def test_the_caption_quotes_the_assignments_table_in_both_languages():
    table = TABLES["9"]
    assert report.reproduce_caption(table, "en").startswith("Tabla 9: Early Stopping")
    assert report.reproduce_caption(table, "en").endswith("beside ours (section 3.5).")
    assert report.reproduce_caption(table, "es").endswith("junto a las nuestras (sección 3.5).")
