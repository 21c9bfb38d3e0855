"""AppTest of the Reproduce page: the assignment's figures, and a scaled-down table run as jobs."""

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cnnapp.recipes import TABLES
from ui import resources

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture(autouse=True)
def executor():
    yield
    resources.shutdown_executor()


def open_reproduce(lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.switch_page("pages/5_Reproduce.py").run()
    assert not at.exception
    return at


def results(at: AppTest):
    return next(d.value for d in at.dataframe if "Modification" in d.value.columns)


@pytest.mark.parametrize("table_id", list(TABLES))
def test_every_table_shows_the_assignments_figures(table_id):
    at = open_reproduce()
    at.selectbox(key="w_repro_table").set_value(table_id).run()
    assert not at.exception
    frame = results(at)
    table = TABLES[table_id]
    assert list(frame["Modification"]) == [r.label for r in table.recipes]
    source = "published" if table.reference == "published" else "assignment"
    assert list(frame[f"Test accuracy ({source})"]) == [
        r.reported["test_accuracy"] for r in table.recipes
    ]
    assert set(frame["Ours"]) == {"not run yet"}
    assert any(c.value.endswith(f"rows: {len(table.recipes)}") for c in at.caption)


@pytest.mark.slow  # an end-to-end training run: with the slow tests (CI runs them)
def test_a_scaled_down_table_runs_as_jobs_and_fills_in_our_figures():
    at = open_reproduce()
    at.selectbox(key="w_repro_table").set_value("2").run()
    at.checkbox(key="w_repro_use_epochs").check().run()
    at.number_input(key="w_repro_epochs").set_value(1)
    at.checkbox(key="w_repro_use_limit").check().run()
    at.number_input(key="w_repro_limit").set_value(60)
    at.checkbox(key="w_repro_procedural").check().run()
    assert any("Scaled down" in w.value for w in at.warning)
    at.button(key="w_repro_run").click().run()
    assert not at.exception and not at.error
    assert at.button(key="w_repro_run").disabled  # no second copy while it runs
    jobs = at.session_state["reproduce_jobs"]
    assert list(jobs) == ["t2-1"]
    deadline = time.monotonic() + 150
    while results(at)["Ours"].item() != "completed":
        assert time.monotonic() < deadline, results(at).to_dict()
        time.sleep(0.5)
        at.run()
        assert not at.exception
    frame = results(at)
    ours = frame["Test accuracy (ours)"].item()
    assert 0.0 <= ours <= 1.0
    assert not at.button(key="w_repro_run").disabled
    assert any(c.value.startswith("1 of 1 rows done") for c in at.caption)
    status = resources.executor().status(jobs["t2-1"], at.session_state["owner"])
    assert status.result["metrics"]["epochs_run"] == 1


def test_the_transfer_tables_show_their_networks_and_epochs():
    at = open_reproduce()
    at.selectbox(key="w_repro_table").set_value("11").run()
    frame = results(at)
    assert list(frame["Epochs (assignment)"]) == [20, 20, 20, 14, 28]
    assert list(frame["Network"])[:3] == [
        "ResNet50 extractor V1",
        "ResNet50 extractor V2",
        "ResNet50 extractor V3",
    ]
    at.selectbox(key="w_repro_table").set_value("13").run()
    assert set(results(at)["Network"]) == {"ResNet50 fine-tuned V2"}
