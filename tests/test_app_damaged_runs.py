"""AppTest: the classroom issue's damaged runs, visible to every session, break no page.

A command-line run whose `history.json` holds `{"epochs":[{"epoch":"x"}]}` used to make Compare
fail in every session, and one whose `metrics.json` holds `"test_accuracy": "inf"` broke Classify.
Both must now be listed as damaged, with what is wrong, beside the good runs.
"""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cnnapp.nets.presets import get_preset
from cnnapp.runs import RunStore

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ME = "0123456789abcdef" * 2


def save_run(owner: str, label: str) -> str:
    return RunStore().save(
        model=lambda path: path.write_bytes(b"not really a model"),
        spec=get_preset("basenet"),
        config={
            "owner": owner,
            "label": label,
            "dataset": {"name": "procedural", "limit": 120},
            "class_names": ["circle", "square"],
        },
        history={"epochs": [{"epoch": 1, "loss": 1.0, "accuracy": 0.5, "val_accuracy": 0.4}]},
        metrics={"val_accuracy": 0.4, "test_accuracy": 0.45, "epochs_run": 1},
    )


@pytest.fixture
def runs():
    runs = {
        "good": save_run("cli", "good run"),
        "history": save_run("cli", "bad history"),
        "metrics": save_run("cli", "bad metrics"),
        "mine": save_run(ME, "my bad run"),
    }
    store = RunStore()
    (store.path(runs["history"]) / "history.json").write_text('{"epochs":[{"epoch":"x"}]}')
    for name in ("metrics", "mine"):
        (store.path(runs[name]) / "metrics.json").write_text('{"test_accuracy": "inf"}')
    return runs


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"session": ME, "lang": "en"})
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def damaged_lines(at: AppTest) -> dict[str, str]:
    """{run id: its line as Markdown shows it (backslash escapes resolved)} in the expander."""
    (expander,) = [e for e in at.expander if "damaged" in e.label]
    assert expander.label.startswith("3 damaged runs")
    return {m.value.split("`")[1]: re.sub(r"\\(.)", r"\1", m.value) for m in expander.markdown}


def test_compare_lists_the_damaged_runs_and_still_shows_the_good_one(runs):
    at = open_page("pages/4_Compare.py")
    table = next(d.value for d in at.dataframe if "Run" in d.value.columns)
    assert list(table["Run"]) == ["good run"]
    lines = damaged_lines(at)
    assert set(lines) == {runs["history"], runs["metrics"], runs["mine"]}
    assert "epochs[0].epoch must be a whole number" in lines[runs["history"]]
    assert "test_accuracy must be a finite number" in lines[runs["metrics"]]
    deletes = {b.key for b in at.button if b.key and b.key.startswith("w_compare_delete_damaged")}
    assert deletes == {f"w_compare_delete_damaged_{runs['mine']}"}  # the command line's: no
    at.button(key=f"w_compare_delete_damaged_{runs['mine']}").click().run()
    assert not at.exception
    assert runs["mine"] not in {run.run_id for run in RunStore().list()}
    assert len(at.get("vega_lite_chart")) == 2  # the good run's curves


def test_classify_offers_only_the_good_run_and_says_which_are_damaged(runs):
    at = open_page("pages/6_Classify.py")
    choice = at.selectbox(key="w_classify_run")
    assert choice.value == runs["good"]
    assert choice.options[0].startswith("good run") and "test 0.45" in choice.options[0]
    assert not any("bad" in option for option in choice.options)
    lines = damaged_lines(at)
    expected = "test_accuracy must be a finite number from 0 to 1, got 'inf'"
    assert expected in lines[runs["metrics"]]
