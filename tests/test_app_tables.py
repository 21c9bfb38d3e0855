"""Tables that fit a projector: Build's, Compare's and Reproduce's main columns at once, short
titles with the full title as tooltip, every other column under "More columns" (AppTest)."""

import json

import pandas as pd
import pytest
from test_app_build import open_build
from test_app_compare import ME, open_compare, save_run
from test_app_reproduce import open_reproduce

from ui.tables import fitted_table


def tables(at, first_column: str) -> tuple[list, list[list], dict, list]:
    """The main table whose data starts with `first_column` and the tables under "More columns"
    after it: (main columns, [more columns], column config, the data's columns)."""
    frames = [t for t in at.dataframe if list(t.value.columns)[:1] == [first_column]]
    main, *more = frames
    config = json.loads(main.proto.columns)
    return (
        list(main.proto.column_order),
        [list(t.proto.column_order) for t in more],
        config,
        list(main.value.columns),
    )


def covers_every_column(main, more, columns) -> bool:
    return set(main).union(*map(set, more)) == set(columns)


def test_a_column_in_no_group_is_refused_with_its_name():
    frame = pd.DataFrame({"Run": ["a"], "Val. acc.": [0.5], "Whose": ["yours"]})
    with pytest.raises(ValueError, match=r"not shown: \['Whose'\]"):
        fitted_table(frame, "w_test", main=["Run", "Val. acc."])
    with pytest.raises(ValueError, match=r"not in the table: \['Test acc.'\]"):
        fitted_table(frame, "w_test", main=["Run", "Val. acc.", "Test acc."], more=[["Whose"]])


@pytest.mark.parametrize(
    ("lang", "first", "gap", "short"),
    [("en", "Run", "Train − val. acc.", "Gap"), ("es", "Ejecución", "Acc. train − val.", "Brecha")],
)
def test_compare_shows_the_results_at_once_and_the_rest_under_more_columns(lang, first, gap, short):
    save_run(ME, "my run", 0.6, epochs=3, planned=60)
    at = open_compare(lang)
    main, more, config, columns = tables(at, first)
    assert main[0] == first and gap in main and len(main) == 7
    assert config[gap]["label"] == short and config[gap]["help"] == gap  # full title on hover
    assert len(more) == 2 and all(group[0] == first for group in more)  # each names its rows
    assert covers_every_column(main, more, columns)
    assert any(e.label == ("More columns" if lang == "en" else "Más columnas") for e in at.expander)


def test_builds_layer_table_shows_what_each_layer_makes_and_costs_beside_the_editor():
    at = open_build()
    main, more, config, columns = tables(at, "Layer")
    assert main == ["Layer", "Type", "Output size", "Output channels", "Parameters"]
    assert config["Parameters"] == {"label": "Params", "help": "Parameters"}
    assert config["Type"] == {"label": "Type"}
    assert more == [["Layer", "Kernel size", "Input size", "Input channels", "Dropout rate"]]
    assert covers_every_column(main, more, columns)


def test_reproduces_table_shows_validation_and_test_theirs_and_ours_at_once():
    at = open_reproduce()
    main, more, config, columns = tables(at, "Modification")
    assert main == [
        "Modification",
        "Validation accuracy (assignment)",
        "Validation accuracy (ours)",
        "Test accuracy (assignment)",
        "Test accuracy (ours)",
        "Ours",
    ]
    assert config["Validation accuracy (assignment)"]["label"] == "Val. acc. (assign.)"
    assert len(more) == 3 and covers_every_column(main, more, columns)
