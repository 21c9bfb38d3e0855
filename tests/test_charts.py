"""Charts: tidy frames, Altair specs with titled axes and the safe palette, one-line summaries."""

import altair as alt
import numpy as np
import pandas as pd
import pytest

from cnnapp import charts

HISTORY = [
    {"epoch": 1, "loss": 2.0, "accuracy": 0.30, "val_loss": 2.1, "val_accuracy": 0.28},
    {"epoch": 2, "loss": 1.5, "accuracy": 0.45, "val_loss": 1.8, "val_accuracy": 0.54},
    {"epoch": 3, "loss": 1.2, "accuracy": 0.60, "val_loss": 1.9, "val_accuracy": 0.50},
]
POINTS = [
    {"epoch": 1, "batch": 5, "step": 0.5, "loss": 2.2, "accuracy": 0.25},
    {"epoch": 1, "batch": 10, "step": 1.0, "loss": 2.0, "accuracy": 0.3},
]


def _spec(chart) -> dict:
    return chart.to_dict()


def _axis_titles(spec) -> list:
    """Every axis title in a (possibly layered) Vega-Lite spec."""
    titles = []
    for layer in [spec, *spec.get("layer", [])]:
        for channel in ("x", "y"):
            encoding = layer.get("encoding", {}).get(channel)
            if encoding and "title" in encoding:
                titles.append(encoding["title"])
    return titles


def test_epoch_records_accepts_every_history_shape():
    keras_style = {"loss": [2.0, 1.5], "val_accuracy": [0.2, 0.3]}
    assert charts.epoch_records(keras_style) == [
        {"epoch": 1, "loss": 2.0, "val_accuracy": 0.2},
        {"epoch": 2, "loss": 1.5, "val_accuracy": 0.3},
    ]
    assert charts.epoch_records({"epochs": HISTORY})[1]["val_accuracy"] == 0.54
    with_logs = [{"epoch": 4, "logs": {"loss": 1.0}, "elapsed_s": 3}]
    assert charts.epoch_records(with_logs) == [{"epoch": 4, "loss": 1.0, "elapsed_s": 3.0}]
    assert charts.epoch_records(None) == []


def test_curves_frame_is_tidy():
    frame = charts.curves_frame(HISTORY, POINTS)
    assert list(frame.columns) == ["epoch", "metric", "split", "source", "value"]
    assert len(frame) == 3 * 4 + 2 * 2
    assert set(frame["split"]) == {"train", "validation"}
    batch = frame[frame["source"] == "batch"]
    assert set(batch["split"]) == {"train"} and batch["epoch"].tolist() == [0.5, 0.5, 1.0, 1.0]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_training_chart_has_titles_colours_and_the_marked_epoch(lang):
    frame = charts.curves_frame(HISTORY, POINTS)
    spec = _spec(charts.training_chart(frame, "accuracy", lang, marked_epoch=2))
    assert len(spec["layer"]) == 4  # batches, epochs, rule, its label
    titles = _axis_titles(spec)
    assert ("Epoch" if lang == "en" else "Época") in titles
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert scale["range"][:2] == [charts.TRAIN_COLOUR, charts.VAL_COLOUR]
    assert set(charts.OKABE_ITO) >= {charts.TRAIN_COLOUR, charts.VAL_COLOUR}


def test_training_summary_says_where_validation_peaked():
    frame = charts.curves_frame(HISTORY)
    assert charts.training_summary(frame, "accuracy") == (
        "validation accuracy peaked at 0.54 in epoch 2"
    )
    assert charts.training_summary(frame, "loss") == "validation loss was lowest, 1.800, in epoch 2"
    assert "época 2" in charts.training_summary(frame, "accuracy", "es")
    train_only = charts.curves_frame([{"epoch": 1, "loss": 1.0, "accuracy": 0.4}])
    assert charts.training_summary(train_only, "accuracy").startswith("train accuracy")
    assert "last batch" in charts.training_summary(charts.curves_frame([], POINTS), "loss")
    assert charts.training_summary(charts.curves_frame([]), "loss") == "No points yet."


def test_overlay_of_several_runs():
    frame = charts.overlay_frame({"run A": HISTORY, "run B": HISTORY[:2]})
    assert set(frame["run"]) == {"run A", "run B"}
    spec = _spec(charts.overlay_chart(frame, "accuracy"))
    assert spec["encoding"]["color"]["field"] == "run"
    assert spec["encoding"]["y"]["title"] == "Accuracy"
    assert "Validation" in str(spec) and "Train" in str(spec)
    assert charts.overlay_summary(frame, "accuracy").startswith("Best validation accuracy: run A")
    empty = charts.overlay_frame({})
    assert charts.overlay_summary(empty, "loss") == "No curves to compare."


@pytest.mark.parametrize("lang", ["en", "es"])
def test_overlay_runs_differ_by_dash_and_marker_not_colour_alone(lang):
    """Two runs with the same seed have identical curves: each still has its own line dash and
    point shape (one legend), so neither hides the other."""
    runs = ["seed 1 · a", "seed 1 · b", "other · c"]
    frame = charts.overlay_frame({run: HISTORY for run in runs})
    spec = _spec(charts.overlay_chart(frame, "loss", lang))
    lines, points = spec["layer"]
    assert lines["mark"]["type"] == "line" and points["mark"]["type"] == "point"
    dash, shape = lines["encoding"]["strokeDash"], points["encoding"]["shape"]
    assert dash["field"] == shape["field"] == spec["encoding"]["color"]["field"] == "run"
    for channel in (dash, shape, spec["encoding"]["color"]):
        assert channel["scale"]["domain"] == runs  # the order given, the same in every channel
        assert channel["title"] == ("Run" if lang == "en" else "Ejecución")
    dashes, shapes = dash["scale"]["range"], shape["scale"]["range"]
    assert len({str(d) for d in dashes[:3]}) == 3 and len(set(shapes[:3])) == 3
    assert points["mark"]["filled"] is False  # hollow markers: overlapping ones stay visible
    opacity = lines["encoding"]["opacity"]
    assert opacity["field"] == "split_label" and opacity["scale"]["range"] == [1.0, 0.45]
    assert charts.to_svg(charts.overlay_chart(frame, "loss", lang)).startswith("<svg")


def test_per_class_and_confusion():
    names = ["cat", "dog", "bird"]
    frame = charts.per_class_frame([0.8, None, 0.1], names)
    assert frame["class_name"].tolist() == ["cat", "bird"]  # no test image of "dog": left out
    assert charts.per_class_summary(frame) == "Best class: cat (0.80); worst: bird (0.10)"
    _spec(charts.per_class_chart(frame))
    matrix = [[8, 2, 0], [1, 5, 4], [0, 9, 1]]
    confusion = charts.confusion_frame(matrix, names)
    assert len(confusion) == 9
    assert (
        confusion.loc[(confusion["true"] == "bird") & (confusion["pred"] == "dog"), "share"].item()
        == 0.9
    )
    assert (
        charts.confusion_summary(confusion) == "Most frequent mistake: bird taken for dog (9 times)"
    )
    spec = _spec(charts.confusion_chart(confusion, names))
    assert spec["encoding"]["x"]["title"] == "Predicted class"
    perfect = charts.confusion_frame(np.eye(3, dtype=int) * 5, names)
    assert charts.confusion_summary(perfect) == "No mistakes on the test images."


def test_top_k():
    items = [
        {"label": "apple", "index": 0, "probability": 0.82},
        {"label": "bowl", "index": 1, "probability": 0.10},
    ]
    frame = charts.top_k_frame(items)
    assert (
        charts.top_k_summary(frame)
        == "The model says apple with probability 0.82 (next: bowl, 0.10)"
    )
    assert "probabilidad 0,82" in charts.top_k_summary(frame, "es")
    spec = _spec(charts.top_k_chart(frame))
    assert spec["layer"][0]["encoding"]["x"]["title"] == "Probability"


def test_class_counts_and_pixel_histograms():
    y_train = np.array([0, 0, 1, 1, 1, 2])
    frame = charts.class_counts_frame(y_train, np.array([0, 2]), ["a", "b", "c"])
    assert frame[frame["split"] == "train"]["count"].tolist() == [2, 3, 1]
    assert charts.class_counts_summary(frame) == "3 classes; 1–3 training images per class"
    _spec(charts.class_counts_chart(frame, "es"))
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (20, 8, 8, 3), dtype=np.uint8)
    hist = charts.pixel_histogram_frame(images, bins=16)
    assert set(hist["stage"]) == {"raw", "normalized"} and set(hist["channel"]) == set("RGB")
    for _, group in hist.groupby(["stage", "channel"]):
        assert abs(group["share"].sum() - 1) < 1e-9
    summary = charts.pixel_histogram_summary(hist)
    assert "normalised: mean 0.00" in summary or "normalised: mean -0.00" in summary
    spec = _spec(charts.pixel_histogram_chart(hist, "normalized"))
    assert spec["encoding"]["x"]["title"] == "Normalised value"


def test_reproduce_chart_and_summary():
    rows = [
        {"row": "BaseNet", "metric": "val_accuracy", "source": "assignment", "value": 0.3656},
        {"row": "BaseNet", "metric": "val_accuracy", "source": "ours", "value": 0.3856},
        {"row": "+ norm", "metric": "val_accuracy", "source": "assignment", "value": 0.3744},
        {"row": "+ norm", "metric": "val_accuracy", "source": "ours", "value": None},
    ]
    frame = charts.reproduce_frame(rows)
    assert len(frame) == 3
    text = charts.reproduce_summary(frame, "val_accuracy")
    assert text.startswith("1 of 2 rows done") and "0.020" in text
    _spec(charts.reproduce_chart(frame, "val_accuracy", "es"))
    none = charts.reproduce_frame(rows[::2])
    assert charts.reproduce_summary(none, "val_accuracy") == "No row has finished yet."


def test_charts_are_altair_objects():
    frame = charts.curves_frame(HISTORY)
    assert isinstance(charts.training_chart(frame, "loss"), alt.LayerChart)
    assert isinstance(charts.top_k_frame([]), pd.DataFrame)


def test_a_chart_saves_as_svg_for_a_report():
    frame = charts.top_k_frame([{"label": "eagle", "index": 0, "probability": 0.9}])
    svg = charts.to_svg(charts.top_k_chart(frame, "en"))
    assert svg.lstrip().startswith("<svg") and "eagle" in svg
