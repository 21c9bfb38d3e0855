"""Property-based: whatever a run's files hold, listing never raises, and an "ok" run never breaks
a page.

A good run is saved once; Hypothesis then replaces one of its JSON files with random JSON (near
misses of the real shape included: wrong types, NaN, infinities, huge numbers, ragged matrices)
or random bytes. `RunStore.list()` and `get()` must answer, the run must be "ok" or "damaged"
(with a problem in words and its owner kept when config.json names one), and every helper the
pages call on an "ok" run's files (the results row and its exports, the charts' frames and
summaries, the titles of Compare and Classify, "train again"'s settings) must not raise.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cnnapp import charts, report
from cnnapp.config import Preprocessing, TrainConfig
from cnnapp.nets.presets import get_preset
from cnnapp.runs import RunStore
from cnnapp.training.scoring import RESULT_COLUMNS

OWNER = "0123456789abcdef" * 2
NAMES = ["circle", "square", "triangle"]

# Random JSON, and values near what each field should hold.
leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.sampled_from(["inf", "nan", "x", "", "first", "procedural", "sgd"]),
)
json_value = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
number = st.one_of(st.floats(-2, 2), st.integers(-2, 5), leaf)
numbers = st.one_of(st.lists(number, max_size=4), json_value)
matrix = st.one_of(
    st.lists(st.lists(st.integers(-1, 9), min_size=2, max_size=4), min_size=1, max_size=4),
    json_value,
)
mistake = st.fixed_dictionaries(
    {}, optional={key: number for key in ("index", "true", "pred", "confidence")}
)
epoch = st.fixed_dictionaries(
    {},
    optional={
        "epoch": st.one_of(st.integers(-1, 4), leaf),
        "loss": number,
        "accuracy": number,
        "val_loss": number,
        "val_accuracy": number,
        "logs": st.one_of(st.dictionaries(st.sampled_from(["loss", "epoch"]), number), leaf),
    },
)
HISTORY = st.one_of(
    json_value,
    st.fixed_dictionaries({"epochs": st.one_of(st.lists(epoch, max_size=4), json_value)}),
    st.lists(epoch, max_size=3),
    st.dictionaries(st.sampled_from(["loss", "val_accuracy"]), numbers, max_size=2),
)
METRICS = st.one_of(
    json_value,
    st.fixed_dictionaries(
        {},
        optional={
            **{key: number for key in RESULT_COLUMNS},
            "epochs_run": number,
            "wall_time_s": number,
            "device": leaf,
            "per_class_accuracy": numbers,
            "confusion_matrix": matrix,
            "misclassified": st.one_of(st.lists(mistake, max_size=3), json_value),
        },
    ),
)
CONFIG = st.one_of(
    json_value,
    st.fixed_dictionaries(
        {"owner": st.one_of(st.just(OWNER), leaf)},
        optional={
            "label": leaf,
            "created_at": st.one_of(st.just("2026-11-28T09:00:00+00:00"), leaf),
            "dataset": st.one_of(
                st.fixed_dictionaries({"name": leaf}, optional={"limit": number}), json_value
            ),
            "preprocessing": st.one_of(
                st.dictionaries(st.sampled_from(["normalize", "zoom_range"]), number), json_value
            ),
            "train": st.one_of(
                st.dictionaries(st.sampled_from(["epochs", "learning_rate"]), number), json_value
            ),
            "network_name": leaf,
            "recipe": json_value,
            "class_names": st.one_of(st.lists(st.text(max_size=3), max_size=4), json_value),
        },
    ),
)
SPEC = st.one_of(
    json_value,
    st.lists(
        st.fixed_dictionaries(
            {"type": st.sampled_from(["conv2d", "dense", "flatten", "nope", 3])},
            optional={"filters": number, "units": number, "kernel_size": numbers},
        ),
        max_size=3,
    ),
)
CONTENTS = {
    "config.json": CONFIG,
    "metrics.json": METRICS,
    "history.json": HISTORY,
    "spec.json": SPEC,
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One good run (a callable writes the model file: no Keras), shared by every example."""
    store = RunStore(tmp_path_factory.mktemp("models"))
    run_id = store.save(
        model=lambda path: path.write_bytes(b"x"),
        spec=get_preset("basenet"),
        config={
            "owner": OWNER,
            "label": "good run",
            "dataset": {"name": "procedural", "limit": 120},
            "preprocessing": {"normalize": True},
            "train": {"epochs": 2},
            "class_names": NAMES,
        },
        history={"epochs": [{"epoch": 1, "loss": 1.0, "val_accuracy": 0.4}]},
        metrics={
            "val_accuracy": 0.4,
            "test_accuracy": 0.5,
            "epochs_run": 1,
            "per_class_accuracy": [0.5, None, 1.0],
            "confusion_matrix": [[1, 1, 0], [0, 0, 2], [0, 0, 3]],
            "misclassified": [{"index": 0, "true": 0, "pred": 1, "confidence": 0.7}],
        },
    )
    originals = {name: (store.path(run_id) / name).read_bytes() for name in CONTENTS}
    assert store.get(run_id).status == "ok"
    return store, run_id, originals


def pages_read(info) -> None:
    """What Compare, Classify and Reproduce do with an "ok" run's files."""
    from ui.views import classify, compare

    row = report.run_row(info.run_id, info.config, info.metrics)
    report.to_csv([row]), report.to_markdown([row]), report.to_latex([row])
    compare.run_title(info), classify._title(info)
    classify.class_names(classify.Choice(run=info))
    for metric in charts.METRICS:
        frame = charts.overlay_frame({compare.run_title(info): info.history})
        charts.overlay_summary(frame, metric), charts.overlay_chart(frame, metric)
        frame = charts.curves_frame(info.history)
        charts.training_summary(frame, metric), charts.training_chart(frame, metric)
    names = info.config.get("class_names") or []
    metrics = info.metrics
    if metrics.get("per_class_accuracy"):
        charts.per_class_summary(charts.per_class_frame(metrics["per_class_accuracy"], names))
    if metrics.get("confusion_matrix"):
        frame = charts.confusion_frame(metrics["confusion_matrix"], names)
        charts.confusion_summary(frame), charts.confusion_chart(frame, names)
    for item in metrics.get("misclassified") or []:
        int(item["index"]), compare._name(names, item["true"]), f"{float(item['confidence']):.2f}"
    for key in RESULT_COLUMNS:  # Reproduce rounds our figures
        assert metrics.get(key) is None or math.isfinite(round(metrics[key], 4))
    Preprocessing.from_dict(info.config.get("preprocessing") or {})  # "train again"
    TrainConfig.from_dict(info.config.get("train") or {})
    (info.config.get("dataset") or {}).get("limit")
    assert isinstance(info.spec, list)


def replaced(run, name: str, data: bytes):
    store, run_id, originals = run
    for original, content in originals.items():
        (store.path(run_id) / original).write_bytes(data if original == name else content)
    listed = store.list()
    assert [info.run_id for info in listed] == [run_id]
    info = store.get(run_id)
    assert info.status == listed[0].status and info.problem == listed[0].problem
    if info.status == "ok":
        assert info.problem is None
        pages_read(info)
    else:
        assert info.status == "damaged" and name in info.problem
        assert info.owner in (OWNER, None) or name == "config.json"
    return info


SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.parametrize("name", list(CONTENTS))
def test_any_json_in_a_run_file_lists_and_never_breaks_a_page(run, name):
    @SETTINGS
    @given(CONTENTS[name])
    def check(value):
        info = replaced(run, name, json.dumps(value).encode())
        event(info.status)
        if name != "config.json":
            assert info.owner == OWNER and info.can_delete(OWNER)  # its owner can delete it

    check()


@pytest.mark.parametrize("name", list(CONTENTS))
def test_any_bytes_in_a_run_file_list_as_damaged_or_ok(run, name):
    @SETTINGS
    @given(st.binary(max_size=64))
    def check(data):
        replaced(run, name, data)

    check()


def test_the_classroom_issues_two_files_are_damaged(run):
    info = replaced(run, "history.json", b'{"epochs":[{"epoch":"x"}]}')
    assert info.status == "damaged" and "epochs[0].epoch must be a whole number" in info.problem
    info = replaced(run, "metrics.json", b'{"test_accuracy": "inf"}')
    assert info.status == "damaged" and "test_accuracy must be a finite number" in info.problem
    info = replaced(run, "metrics.json", b'{"test_accuracy": 1e999}')  # parses as infinity
    assert info.status == "damaged"
    info = replaced(run, "history.json", b"[" * 100_000)  # too deep for json.loads
    assert info.status == "damaged" and "history.json cannot be read" in info.problem
