"""AppTest of the Reproduce page's exports: the table beside ours as CSV, Markdown and LaTeX."""

import csv
import io
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest, app_test

from cnnapp.nets.presets import get_preset
from cnnapp.runs import RunStore
from ui import resources

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ME = "0123456789abcdef" * 2  # this browser session's owner id (as the URL carries it)


class KeptStorage(MemoryMediaFileStorage):
    """AppTest's in-memory media storage, kept after the run so a download can be read."""

    latest = None

    def __init__(self, endpoint: str) -> None:
        super().__init__(endpoint)
        KeptStorage.latest = self


@pytest.fixture(autouse=True)
def kept_downloads(monkeypatch):
    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", KeptStorage)
    yield
    resources.shutdown_executor()


def save_recipe_run(recipe: str, epochs_run: int, epochs: int, test_accuracy: float, **facts):
    metrics = {
        "train_loss": 0.9,
        "train_accuracy": 0.7,
        "val_loss": 1.3,
        "val_accuracy": 0.6,
        "test_accuracy": test_accuracy,
        "epochs_run": epochs_run,
        **facts,
    }
    config = {
        "owner": ME,
        "label": recipe,
        "recipe": recipe,
        "dataset": {"name": "procedural", "limit": 600},
        "preprocessing": {"normalize": True},
        "train": {"epochs": epochs, "early_stopping": True, "patience": 4},
        "network_name": "MiRed + BatchNormalization V3",
        "class_names": ["a", "b"],
        "input_shape": [32, 32, 3],
    }
    history = [{"epoch": e, "loss": 1.0 / e, "val_accuracy": 0.5} for e in range(1, epochs_run + 1)]
    return RunStore().save(
        model=lambda path: path.write_bytes(b"not really a model"),
        spec=get_preset("mired_bn_v3"),
        config=config,
        history={"epochs": history},
        metrics=metrics,
    )


def open_table(table_id: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"session": ME, "lang": lang})
    at.switch_page("pages/5_Reproduce.py").run()
    at.selectbox(key="w_repro_table").set_value(table_id).run()
    assert not at.exception
    return at


def downloads(at: AppTest) -> dict[str, tuple[str, str]]:
    """{button key: (label, content)} of the page's export buttons."""
    found = {}
    for button in at.get("download_button"):
        key = button.proto.id.rsplit("-", 1)[-1]
        if "w_repro_export_" in button.proto.id:
            content = KeptStorage.latest.get_file(Path(button.proto.url).name).content
            found[key] = (button.proto.label, content.decode("utf-8"))
    return found


def test_the_three_exports_hold_the_assignments_figures_and_ours():
    save_recipe_run("t9-1", 12, 40, 0.6111, early_stopped_epoch=12, best_epoch=8)
    save_recipe_run("t9-2", 3, 3, 0.4321)  # scaled down to 3 epochs
    at = open_table("9")
    files = {key.rsplit("_", 1)[-1]: value for key, value in downloads(at).items()}
    assert [files[k][0] for k in ("csv", "markdown", "latex")] == [
        "Export CSV",
        "Export Markdown",
        "Export LaTeX",
    ]
    rows = list(csv.reader(io.StringIO(files["csv"][1])))
    header = rows[0]
    assert header[:4] == ["Modification", "Network", "Preprocessing", "Epochs"]
    assert header[-1] == "Epochs (assignment)"
    by_label = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [r["Modification"] for r in by_label] == [
        "validation_split=0.1 + normalización",
        "zoom_range=0.0 + horizontal_flip=True (*)",
        "zoom_range=0.2 + horizontal_flip=True (*)",
    ]
    first, second, third = by_label
    assert first["Epochs"] == "12 (early stop) of 40" and first["Epochs (assignment)"] == "31"
    assert float(first["Test acc. (assignment)"]) == 0.6424
    assert float(first["Test acc. (ours)"]) == 0.6111
    assert second["Epochs"] == "3 of 40" and float(second["Test acc. (ours)"]) == 0.4321
    assert third["Epochs"] == "" and third["Test acc. (ours)"] == ""  # not run yet
    assert float(third["Test acc. (assignment)"]) == 0.672
    markdown = files["markdown"][1]
    assert "| 12 (early stop) of 40 |" in markdown and "| 0.6111 |" in markdown
    latex = files["latex"][1]
    assert r"validation\_split=0.1 + normalización & MiRed + BatchNormalization V3" in latex
    assert r"\caption{Tabla 9: Early Stopping" in latex and "section 3.5" in latex


def test_exports_in_spanish_before_any_run():
    at = open_table("2", "es")
    files = {key.rsplit("_", 1)[-1]: value for key, value in downloads(at).items()}
    assert files["csv"][0] == "Exportar CSV"
    header, row = list(csv.reader(io.StringIO(files["csv"][1])))
    assert header[:4] == ["Modificación", "Red", "Preprocesado", "Épocas"]
    assert "Acc. test (práctica)" in header and "Acc. test (nuestra)" in header
    assert "Épocas (práctica)" not in header  # table 2 reports no epochs
    values = dict(zip(header, row, strict=True))
    assert float(values["Acc. test (práctica)"]) == 0.3724 and values["Acc. test (nuestra)"] == ""
    assert r"sección 2" in files["latex"][1]
