"""AppTest: run labels and class names show as typed, never as Markdown or LaTeX.

A run labelled `**bold** $\\frac{a}{b}$` with a class named `**cls**` must not show bold text or
a fraction on Compare, Classify or Train's job panel. Streamlit renders Markdown in the browser,
so each element's value is rendered here with a CommonMark parser (markdown-it-py, which
Streamlit's own dependency `rich` installs) and the visible text must be the name as typed.
"""

import html
import io
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from cnnapp.jobs import JobStatus
from cnnapp.nets.presets import get_preset
from cnnapp.runs import RunStore
from ui import keys, resources

markdown_it = pytest.importorskip("markdown_it")

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ME = "0123456789abcdef" * 2
LABEL = r"**bold** $\frac{a}{b}$"
CLASSES = ["**cls**", "square", "1. [x](http://y)"]
MARKERS = ("bold", "cls", "frac", "[x]", "netz")  # in a value: it shows a user's name


def shown(value: str) -> str:
    """The text a browser shows for Markdown `value` (CommonMark with GFM tables and strike)."""
    rendered = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    out = rendered.render(value)
    for tag in ("<strong>", "<em>", "<a ", "<ol", "<code>", "<del>"):
        assert tag not in out, (value, out)
    assert not re.search(r"(?<!\\)\$", value), f"LaTeX would render in {value!r}"
    return html.unescape(re.sub(r"<[^>]+>", "", out)).strip()


def user_texts(block) -> list[str]:
    """What `block` shows with Markdown that holds a user's name: texts, captions, alerts,
    subheaders, expander labels, progress texts and image captions."""
    values = [
        element.value
        for kind in ("markdown", "caption", "info", "warning", "error", "success", "subheader")
        for element in getattr(block, kind)
    ]
    values += [expander.label for expander in block.expander]
    values += [p.proto.text for p in block.get("progress")]
    values += [img.caption for element in block.get("image") for img in element.proto.imgs]
    return [value for value in values if any(marker in value for marker in MARKERS)]


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"session": ME, "lang": "en"})
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def save_run(model=None) -> str:
    config = {
        "owner": ME,
        "label": LABEL,
        "network_name": "**netz**",
        "dataset": {"name": "procedural", "limit": 120},
        "class_names": CLASSES,
        "input_shape": [32, 32, 3],
    }
    metrics = {
        "val_accuracy": 0.5,
        "test_accuracy": 0.5,
        "epochs_run": 2,
        "per_class_accuracy": [0.9, 0.2, None],
        "confusion_matrix": [[9, 1, 0], [3, 5, 0], [0, 0, 0]],
        "misclassified": [{"index": 3, "true": 1, "pred": 0, "confidence": 0.8}],
    }
    history = [{"epoch": e, "loss": 1.0 / e, "val_accuracy": 0.2 * e} for e in (1, 2)]
    return RunStore().save(
        model=model or (lambda path: path.write_bytes(b"not a model")),
        spec=get_preset("basenet"),
        config=config,
        history={"epochs": history},
        metrics=metrics,
    )


def test_plain_escapes_what_markdown_and_latex_read():
    from ui.plain import plain

    for text in [LABEL, *CLASSES, "- a", "# b", "> c", "<b>d</b>", "a|b", "~~e~~", "`f`", "x\\y"]:
        assert shown(plain(text)) == text
    assert shown(plain(":red[g] :material/home: www.h.com i@j.com")) == (
        ":red[g] :material/home: www.h.com i@j.com"
    )
    assert plain("circle") == "circle" and plain("cifar-100-python.tar.gz").count("\\") == 0


def test_compare_shows_the_label_and_class_names_as_typed():
    run_id = save_run()
    at = open_page("pages/4_Compare.py")
    at.selectbox(key="w_compare_run").set_value(run_id).run()
    at.toggle(key="w_compare_mistakes").set_value(True).run()  # captions of the mistakes
    assert not at.exception
    texts = [shown(value) for value in user_texts(at.main)]
    assert any(LABEL in text for text in texts)  # the curves' summary names the run
    assert any("Best class: **cls** (0.90)" in text for text in texts)
    assert any("square taken for **cls**" in text for text in texts)
    assert any("**netz** on procedural (120)" in text for text in texts)
    assert any(text.startswith("square → **cls**") for text in texts)  # an image caption


def photo() -> bytes:
    pixels = np.random.default_rng(2).integers(0, 256, (40, 40, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


def test_classify_shows_the_class_names_as_typed():
    import keras

    from cnnapp.nets.build import build_model

    keras.utils.set_random_seed(0)
    run_id = save_run(build_model(get_preset("basenet"), (32, 32, 3), len(CLASSES)))
    at = open_page("pages/6_Classify.py")
    choice = at.selectbox(key="w_classify_run")
    assert choice.value == run_id and choice.options[0].startswith(LABEL)  # options: plain text
    at.file_uploader(key="w_classify_upload").set_value(("p.png", photo(), "image/png")).run()
    assert not at.exception and not at.error
    texts = [shown(value) for value in user_texts(at.main)]
    assert any(f"3 classes: {', '.join(CLASSES)}." in text for text in texts)
    summary = next(text for text in texts if text.startswith("The model says "))  # top 5
    assert sum(name in summary for name in CLASSES) == 2  # the first two, as typed


class FakeExecutor:
    """An executor holding one job snapshot (no worker processes)."""

    closed = False

    def __init__(self, status: JobStatus) -> None:
        self.job = status

    def status(self, job_id, owner):
        return self.job if (job_id, owner) == (self.job.id, self.job.owner) else None

    def list(self, owner):
        return [self.job] if owner == self.job.owner else []

    def cancel(self, job_id, owner):
        return False


def job(**changes) -> JobStatus:
    fields = dict(
        id="job-plain-text-1",
        owner=ME,
        kind="train",
        label=LABEL,
        state="failed",
        position=None,
        phase="loading data",
        message="reading the folder **cls**",
        epoch=1,
        epochs=None,
        batch=0,
        batches=None,
        elapsed_s=3.0,
        eta_s=None,
        history=[{"epoch": 1, "loss": 1.0, "accuracy": 0.5}],
        batch_points=[],
        early_stopping=None,
        result=None,
        error="the class folder **cls** has no images $x$",
        traceback=None,
        device="CPU",
        submitted_at="2026-11-28T09:00:00+00:00",
        started_at=None,
        finished_at=None,
    )
    return JobStatus(**{**fields, **changes})


@pytest.mark.parametrize("state", ["failed", "running"])
def test_trains_job_panel_shows_the_label_and_messages_as_typed(monkeypatch, state):
    fake = FakeExecutor(job(state=state))
    monkeypatch.setattr(resources, "executor", lambda: fake)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"session": ME, "lang": "en"})
    at.session_state[keys.JOB] = fake.job.id
    at.switch_page("pages/3_Train.py").run()
    assert not at.exception, [e.value for e in at.exception]
    texts = [shown(value) for value in user_texts(at.main)]
    assert LABEL in texts  # the job panel's subheader
    if state == "failed":
        assert "Training failed: the class folder **cls** has no images $x$" in texts
    else:
        assert any("reading the folder **cls** (" in text for text in texts)  # progress, its seconds
