"""AppTest of the "Assignment protocol" switch: Train's and Reproduce's toggles, Compare's column.

The toggles are checked in the job specs the pages submit (the executor records them instead of
starting workers), and Compare on runs made up on disk.
"""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cnnapp.jobs.local import LocalExecutor
from cnnapp.nets.presets import get_preset
from cnnapp.runs import RunStore
from ui import resources

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ME = "0123456789abcdef" * 2


@pytest.fixture(autouse=True)
def submitted(monkeypatch):
    """The job specs the pages submit, in order (nothing is trained)."""
    specs: list[dict] = []

    def record(self, spec, owner):
        specs.append(spec)
        return f"job{len(specs)}"

    monkeypatch.setattr(LocalExecutor, "submit", record)
    yield specs
    resources.shutdown_executor()


def open_page(page: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"session": ME, "lang": lang})
    at.switch_page(page).run()
    assert not at.exception
    return at


def test_trains_toggle_sets_the_protocol_of_the_submitted_job(submitted):
    at = open_page("pages/3_Train.py")
    toggle = at.toggle(key="w_train_protocol")
    assert toggle.label == "Assignment protocol" and not toggle.value
    assert "validation images are augmented" in toggle.help
    at.button(key="w_train_start").click().run()
    assert not at.exception and submitted[-1]["config"]["protocol"] == "ours"
    at.toggle(key="w_train_protocol").set_value(True).run()
    assert at.session_state["train_config"]["protocol"] == "assignment"
    at.switch_page("pages/4_Compare.py").run()  # the setting survives a page switch
    at.switch_page("pages/3_Train.py").run()
    assert at.toggle(key="w_train_protocol").value
    at.button(key="w_train_start").click().run()
    assert not at.exception and not at.error
    assert len(submitted) == 2 and submitted[-1]["config"]["protocol"] == "assignment"


def _save(protocol: str | None, label: str, recipe: str | None = None, accuracy=0.5) -> str:
    train = {"epochs": 20} if protocol is None else {"epochs": 20, "protocol": protocol}
    metrics = {
        "train_loss": 1.0,
        "train_accuracy": 0.6,
        "val_loss": 1.2,
        "val_accuracy": accuracy,
        "test_accuracy": accuracy,
        "epochs_run": 20,
    }
    config = {
        "owner": ME,
        "label": label,
        "dataset": {"name": "cifar100_25"},
        "preprocessing": {},
        "train": train,
        "network_name": "BaseNet",
        "recipe": recipe,
        "class_names": ["a", "b"],
        "input_shape": [32, 32, 3],
    }
    return RunStore().save(
        model=lambda path: path.write_bytes(b"not really a model"),
        spec=get_preset("basenet"),
        config=config,
        history={"epochs": []},
        metrics=metrics,
    )


def _results(at: AppTest):
    return next(d.value for d in at.dataframe if "Modification" in d.value.columns)


def test_reproduces_toggle_runs_every_row_under_the_protocol_and_shows_its_runs(submitted):
    _save("assignment", "theirs", recipe="t3-1", accuracy=0.31)
    _save(None, "ours", recipe="t3-1", accuracy=0.42)  # saved before the switch: ours
    at = open_page("pages/5_Reproduce.py")
    at.selectbox(key="w_repro_table").set_value("3").run()
    assert _results(at)["Test accuracy (ours)"].tolist()[0] == 0.42
    assert any("with our protocol" in c.value for c in at.caption)
    at.toggle(key="w_repro_protocol").set_value(True).run()
    assert not at.exception
    assert _results(at)["Test accuracy (ours)"].tolist()[0] == 0.31
    assert _results(at)["Ours"].tolist() == ["from a saved run", "not run yet"]
    assert any("with the assignment's protocol" in c.value for c in at.caption)
    at.button(key="w_repro_run").click().run()
    assert not at.exception and not at.error
    assert [s["recipe"] for s in submitted] == ["t3-1", "t3-2"]
    assert {s["config"]["protocol"] for s in submitted} == {"assignment"}


def test_compare_shows_each_runs_protocol_in_both_languages():
    _save("assignment", "as the assignment")
    _save(None, "older run")
    _save("ours", "ours")
    words = {"en": ("assignment", "ours"), "es": ("práctica", "nuestro")}
    for lang, column in [("en", "Protocol"), ("es", "Protocolo")]:
        theirs, ours = words[lang]
        at = open_page("pages/4_Compare.py", lang)
        table = next(d.value for d in at.dataframe if column in d.value.columns)
        first = table.columns[0]
        protocols = dict(zip(table[first], table[column], strict=True))
        assert protocols == {"as the assignment": theirs, "older run": ours, "ours": ours}
