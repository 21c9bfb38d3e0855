"""AppTest of the Compare page on saved runs made up on disk (no training, no TensorFlow)."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cnnapp.nets.presets import get_preset
from cnnapp.runs import RunStore

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ME = "0123456789abcdef" * 2  # this browser session's owner id (as the URL carries it)
SOMEONE_ELSE = "fedcba9876543210" * 2
NAMES = ["circle", "square", "triangle"]


def save_run(
    owner: str,
    label: str,
    val_accuracy: float,
    epochs: int = 3,
    *,
    planned: int | None = None,
    ended: dict | None = None,
    **train,
) -> str:
    """A made-up run that trained `epochs` of `planned` (default: all of them); `ended` adds
    what the record says about how it ended (`status` to config.json, the rest to metrics)."""
    history = [
        {
            "epoch": e,
            "loss": 2.0 / e,
            "accuracy": 0.3 + 0.1 * e,
            "val_loss": 2.2 / e,
            "val_accuracy": val_accuracy - 0.05 * (epochs - e),
        }
        for e in range(1, epochs + 1)
    ]
    metrics = {
        "train_loss": 2.0 / epochs,
        "train_accuracy": 0.3 + 0.1 * epochs,
        "val_loss": 2.2 / epochs,
        "val_accuracy": val_accuracy,
        "test_accuracy": val_accuracy - 0.01,
        "epochs_run": epochs,
        "wall_time_s": 12.5,
        "device": "CPU",
        "per_class_accuracy": [0.9, 0.5, None],
        "confusion_matrix": [[9, 1, 0], [3, 5, 2], [0, 0, 0]],
        "misclassified": [{"index": 3, "true": 1, "pred": 0, "confidence": 0.8}],
        **{key: value for key, value in (ended or {}).items() if key != "status"},
    }
    config = {
        "owner": owner,
        "label": label,
        "dataset": {"name": "procedural", "limit": 120},
        "preprocessing": {"normalize": True, "horizontal_flip": True},
        "train": {"epochs": planned or epochs, "learning_rate": 0.05, **train},
        "network_name": "BaseNet",
        "class_names": NAMES,
        "input_shape": [32, 32, 3],
        **({"status": ended["status"]} if ended and "status" in ended else {}),
    }
    return RunStore().save(
        model=lambda path: path.write_bytes(b"not really a model"),
        spec=get_preset("basenet"),
        config=config,
        history={"epochs": history},
        metrics=metrics,
    )


@pytest.fixture
def runs():
    return {
        "mine": save_run(ME, "my run", 0.6, epochs=4, optimizer="adam"),
        "cli": save_run("cli", "lecturer's run", 0.7),
        "other": save_run(SOMEONE_ELSE, "someone else's run", 0.8),
    }


def open_compare(lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"session": ME, "lang": lang})
    at.switch_page("pages/4_Compare.py").run()
    assert not at.exception
    return at


def runs_table(at: AppTest):
    return next(
        d.value
        for d in at.dataframe
        if d.value.shape[0] and d.value.columns[0] in ("Run", "Ejecución")
    )


def pick(at: AppTest, run_id: str) -> None:
    at.selectbox(key="w_compare_run").set_value(run_id).run()
    assert not at.exception


def test_a_session_sees_its_runs_and_the_command_lines_only(runs):
    at = open_compare()
    table = runs_table(at)
    assert sorted(table["Run"]) == ["lecturer's run", "my run"]
    whose = dict(zip(table["Run"], table["Whose"], strict=True))
    assert whose == {"my run": "yours", "lecturer's run": "command line (read-only)"}
    mine = table[table["Run"] == "my run"].iloc[0]
    assert mine["Val. acc."] == 0.6 and mine["Epochs"] == 4
    assert mine["Preprocessing"] == "normalisation + flip"
    assert abs(mine["Train − val. acc."] - (0.7 - 0.6)) < 1e-9
    labels = [b.label for b in at.get("download_button")]
    assert {"Export CSV", "Export Markdown", "Export LaTeX"} <= set(labels)
    assert len(at.multiselect(key="w_compare_overlay").value) == 2


def test_one_run_in_detail_and_spanish_headers(runs):
    at = open_compare("es")
    assert runs_table(at).columns[0] == "Ejecución"
    pick(at, runs["mine"])
    captions = " ".join(c.value for c in at.caption)
    assert "Mejor clase: circle (0,90); peor: square (0,50)" in captions
    assert "Error más frecuente: square tomada por circle (3 veces)" in captions
    assert len(at.get("vega_lite_chart")) == 4  # loss and accuracy overlay, per class, confusion
    at.toggle(key="w_compare_mistakes").set_value(True).run()  # reloads the procedural dataset
    assert not at.exception
    assert any("square → circle (0,80)" in str(i.proto) for i in at.get("image"))


def test_own_runs_can_be_deleted_the_command_lines_cannot(runs):
    at = open_compare()
    pick(at, runs["cli"])
    assert not [b for b in at.button if b.key == "w_compare_delete"]
    assert any("read-only" in c.value for c in at.caption)
    pick(at, runs["mine"])
    assert at.button(key="w_compare_delete").disabled  # until confirmed
    at.checkbox(key=f"w_compare_sure_{runs['mine']}").check().run()
    at.button(key="w_compare_delete").click().run()
    assert not at.exception
    assert list(runs_table(at)["Run"]) == ["lecturer's run"]
    assert {run.run_id for run in RunStore().list()} == {runs["cli"], runs["other"]}


def test_damaged_runs_are_listed_as_damaged(runs):
    (RunStore().path(runs["mine"]) / "metrics.json").write_text("{ not json")
    at = open_compare()
    assert list(runs_table(at)["Run"]) == ["lecturer's run"]
    expander = next(e for e in at.expander if "damaged" in e.label)  # after "More columns"
    assert "1 damaged" in expander.label
    assert any("metrics.json cannot be read" in m.value for m in expander.markdown)


def test_train_again_loads_the_run_into_train(runs):
    at = open_compare()
    pick(at, runs["mine"])
    at.button(key="w_compare_again").click().run()
    assert not at.exception
    assert at.title[0].value == "Train"
    assert at.number_input(key="w_train_epochs").value == 4
    assert at.number_input(key="w_train_learning_rate").value == 0.05
    assert at.checkbox(key="w_pre_horizontal_flip").value is True
    assert at.checkbox(key="w_pre_normalize").value is True
    assert at.text_input(key="w_train_label").value == "my run (again)"
    assert at.session_state["dataset_ref"]["limit"] == 120
    assert at.session_state["network_spec"] == get_preset("basenet")


def test_runs_that_ended_early_say_how_in_the_table_and_the_overlay_legend():
    stopped = save_run(
        ME, "stopped", 0.5, 3, planned=60, ended={"status": "stopped", "stopped": True}
    )
    early = save_run(ME, "early", 0.6, 6, planned=40, ended={"early_stopped_epoch": 6})
    lost = save_run(ME, "lost", 0.4, 5, planned=20)  # fewer epochs, no stop, no early stopping
    done = save_run(ME, "done", 0.7, 4, ended={"status": "completed"})
    at = open_compare()
    table = runs_table(at)
    status = dict(zip(table["Run"], table["Status"], strict=True))
    assert status == {
        "stopped": "stopped at epoch 3 of 60",
        "early": "early stop at epoch 6 of 40",
        "lost": "interrupted at epoch 5 of 20",
        "done": "completed",
    }
    at.multiselect(key="w_compare_overlay").set_value([stopped, early, lost, done]).run()
    assert not at.exception
    charts = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")[:2]]
    for spec in charts:  # loss and accuracy
        dash = spec["layer"][0]["encoding"]["strokeDash"]
        shape = spec["layer"][1]["encoding"]["shape"]
        assert dash["field"] == shape["field"] == "run"
        legend = dash["scale"]["domain"]
        assert legend == shape["scale"]["domain"] and len(legend) == 4
        assert sum("(stopped at epoch 3 of 60)" in name for name in legend) == 1
        assert sum("(early stop at epoch 6 of 40)" in name for name in legend) == 1
        assert sum("(interrupted at epoch 5 of 20)" in name for name in legend) == 1
        assert sum("(" not in name for name in legend) == 1  # the completed run: no remark


def test_the_status_column_in_spanish():
    save_run(ME, "parada", 0.5, 3, planned=60, ended={"status": "stopped", "stopped": True})
    save_run(ME, "terminada", 0.6, 3)
    at = open_compare("es")
    table = runs_table(at)
    assert dict(zip(table["Ejecución"], table["Estado"], strict=True)) == {
        "parada": "detenida en la época 3 de 60",
        "terminada": "completada",
    }
