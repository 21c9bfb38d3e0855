"""AppTest of the main path: train a tiny job live, see it on Compare, export it, classify a photo.

Also: Stop, a reload of the tab finds the job, and another browser session sees none of it.
Training runs in the executor's worker processes, never in the page script; the tests advance the
page with repeated `.run()` as the browser's once-a-second fragment would.
"""

import io
import re
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from ui import resources

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TINY = {"name": "procedural", "limit": 120, "image_size": 32}


@pytest.fixture(autouse=True)
def executor():
    """The app's executor, shut down after the test (its workers die with it)."""
    yield
    resources.shutdown_executor()


def open_page(page: str, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params or {})
    at.switch_page(page).run()
    assert not at.exception
    return at


def wait_until(at: AppTest, done, timeout: float = 150.0, seen: list | None = None) -> None:
    """Reruns the page (as the fragment would) until `done(at)`; records what it saw."""
    deadline = time.monotonic() + timeout
    while not done(at):
        assert time.monotonic() < deadline, [e.value for e in at.error]
        time.sleep(0.5)
        at.run()
        assert not at.exception
        if seen is not None:
            seen.append(
                {
                    "progress": [p.value for p in at.get("progress")],
                    "progress_text": [p.proto.text for p in at.get("progress")],
                    "sidebar": [c.value for c in at.sidebar.caption],
                    "charts": len(at.get("vega_lite_chart")),
                    "captions": [c.value for c in at.caption],
                }
            )


def table(at: AppTest, column: str):
    """The data frame shown with `column` among its columns (st.dataframe keys are not kept; a
    wide table is shown as several tables of the same data frame: see ui/tables.py)."""
    shown = [d.value for d in at.dataframe if column in d.value.columns]
    frames = [f for i, f in enumerate(shown) if not any(f.equals(g) for g in shown[:i])]
    assert len(frames) == 1, [list(d.value.columns) for d in at.dataframe]
    return frames[0]


def finished(at: AppTest) -> bool:
    return bool(at.success) or bool(at.warning) and any("Stopped" in w.value for w in at.warning)


def png(size=(48, 64)) -> bytes:
    pixels = np.random.default_rng(1).integers(0, 256, (*size, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


def start_tiny_job(epochs: int = 2, limit: int = TINY["limit"]) -> AppTest:
    at = open_page("pages/3_Train.py")
    at.session_state["dataset_ref"] = {**TINY, "limit": limit}
    at.run()
    at.number_input(key="w_train_epochs").set_value(epochs)
    at.text_input(key="w_train_label").input("tiny BaseNet")
    at.run()
    at.button(key="w_train_start").click().run()
    assert not at.exception and not at.error
    return at


@pytest.mark.slow  # an end-to-end training run: with the slow tests (CI runs them)
def test_a_tiny_job_trains_live_and_shows_up_everywhere():
    # Long enough (10 epochs of 17 batches: seconds) for the page's polls to see it mid-epoch.
    at = start_tiny_job(epochs=10, limit=600)
    job_id = at.session_state["job_id"]
    assert at.query_params["job"] == job_id  # a reload of the tab finds it
    assert at.button(key="w_train_start").disabled  # no second job while this one runs
    assert not at.button(key="w_train_stop").disabled
    assert len(resources.executor().list(at.session_state["owner"])) == 1

    seen: list[dict] = []
    wait_until(at, lambda a: bool(a.success), seen=seen)
    assert any(s["progress"] for s in seen)  # a progress bar while it ran
    # One progress model: whenever the panel names an epoch and batch, the sidebar (drawn in the
    # same run, from the same snapshot) names the same ones.
    compared = 0
    for s in seen:
        for text in s["progress_text"]:
            found = re.match(r"Epoch (\d+) of (\d+) · batch (\d+) of (\d+)", text)
            if found:
                epoch, epochs, batch, batches = found.groups()
                line = f"epoch {epoch} of {epochs}, batch {batch} of {batches}"
                assert any(line in c for c in s["sidebar"]), (text, s["sidebar"])
                compared += 1
    assert compared, [s["progress_text"] for s in seen]
    assert not any("epoch 0 of" in c for s in seen for c in s["sidebar"])
    assert any(s["charts"] == 2 for s in seen)  # loss and accuracy, drawn as points arrived
    assert at.success[0].value.startswith("Finished in")
    results = table(at, "Test accuracy")
    assert list(results.columns) == [
        "Train loss",
        "Train accuracy",
        "Validation loss",
        "Validation accuracy",
        "Test accuracy",
    ]
    assert 0.0 <= results["Test accuracy"].item() <= 1.0
    captions = " ".join(c.value for c in at.caption)
    assert "validation accuracy peaked at" in captions and "Saved as run" in captions
    assert not at.button(key="w_train_start").disabled
    assert len(resources.executor().list(at.session_state["owner"])) == 1  # never duplicated

    # Reload of the tab: the URL brings back the session and its job.
    reload = open_page("pages/3_Train.py", dict(at.query_params))
    assert reload.success and table(reload, "Test accuracy").equals(results)

    # Compare: the run in the table, with exports and details.
    at.switch_page("pages/4_Compare.py").run()
    assert not at.exception
    runs = table(at, "Run")
    assert len(runs) == 1 and runs["Run"].item() == "tiny BaseNet"
    assert runs["Dataset"].item() == "procedural (600)" and runs["Epochs"].item() == 10
    labels = [b.label for b in at.get("download_button")]
    for label in ["Export CSV", "Export Markdown", "Export LaTeX", "Download model (.keras)"]:
        assert label in labels
    assert len(at.get("vega_lite_chart")) >= 4  # 2 overlay curves, per class, confusion
    at.toggle(key="w_compare_mistakes").set_value(True).run()
    assert not at.exception
    assert any("Most confident mistakes first" in c.value for c in at.caption)

    # Another browser session sees neither the run nor the job, even with the job's id.
    other = open_page("pages/4_Compare.py")
    assert any("No saved runs yet" in i.value for i in other.info)
    other = open_page("pages/3_Train.py", {"job": job_id})
    assert not other.success and not other.get("vega_lite_chart")
    assert any("no longer known" in i.value for i in other.info)

    # Classify: a photo through the model just trained.
    at.switch_page("pages/6_Classify.py").run()
    at.file_uploader(key="w_classify_upload").set_value(("photo.png", png(), "image/png")).run()
    assert not at.exception and not at.error
    assert len(at.get("vega_lite_chart")) == 1  # the top-5 bar chart
    assert any(c.value.startswith("The model says") for c in at.caption)
    assert any("6 classes: circle, square" in i.value for i in at.info)
    at.file_uploader(key="w_classify_upload").set_value(
        ("photo.png", b"GIF89a broken", "image/gif")
    )
    at.run()
    assert not at.exception
    assert "cannot be used" in at.error[0].value and "Traceback" not in at.error[0].value


@pytest.mark.slow  # an end-to-end training run: with the slow tests (CI runs them)
def test_stop_ends_a_job_and_keeps_the_partial_run():
    at = open_page("pages/3_Train.py")
    at.session_state["dataset_ref"] = {"name": "procedural", "limit": 1200, "image_size": 32}
    at.run()
    at.number_input(key="w_train_epochs").set_value(50).run()
    at.button(key="w_train_start").click().run()
    wait_until(at, lambda a: any("batch" in (p.proto.text or "") for p in a.get("progress")))
    at.button(key="w_train_stop").click().run()
    assert not at.exception
    wait_until(at, finished)
    assert any("Stopped" in w.value for w in at.warning)
    status = resources.executor().status(at.session_state["job_id"], at.session_state["owner"])
    assert status.state == "stopped" and status.result["status"] == "stopped"
    assert status.epoch < 50
    at.switch_page("pages/4_Compare.py").run()
    assert len(table(at, "Run")) == 1  # the partial run was saved


@pytest.mark.slow  # an end-to-end training run: with the slow tests (CI runs them)
def test_a_frozen_backbone_trains_its_head_on_features_computed_once():
    at = open_page("pages/3_Train.py")
    at.session_state["network_spec"] = [
        {"type": "backbone", "name": "mobilenet_v2", "weights": None, "input_size": 32},
        {"type": "dense", "units": 16},
    ]
    at.session_state["network_name"] = None
    at.session_state["dataset_ref"] = {"name": "procedural", "limit": 60, "image_size": 32}
    at.run()
    assert any("computed once" in i.value and "last 10 %" in i.value for i in at.info)
    at.checkbox(key="w_pre_horizontal_flip").check().run()  # augmentation: no feature cache
    assert any("cannot be computed once" in w.value for w in at.warning)
    at.checkbox(key="w_pre_horizontal_flip").uncheck().run()
    at.number_input(key="w_train_epochs").set_value(2).run()
    at.button(key="w_train_start").click().run()
    assert not at.exception and not at.error
    status = resources.executor().status(at.session_state["job_id"], at.session_state["owner"])
    assert status.kind == "extract"
    wait_until(at, lambda a: bool(a.success) or bool(a.error))
    assert at.success[0].value.startswith("Finished in"), [e.value for e in at.error]
