"""What a trained model gets right: per-class accuracy, confusion matrix, top-k."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from cnnapp.charts.base import TRAIN_COLOUR, _is_number
from cnnapp.i18n import t


def per_class_frame(per_class: Any, class_names: Sequence[str]) -> pd.DataFrame:
    """Per-class accuracy (a list aligned with `class_names`, or a `{name: accuracy}` dict).

    Classes without a value (None: no test image of that class) are left out.
    """
    if isinstance(per_class, Mapping):
        items = list(per_class.items())
    else:
        values = list(per_class or [])
        names = list(class_names)[: len(values)]
        names += [str(i) for i in range(len(names), len(values))]
        items = list(zip(names, values, strict=True))
    pairs = [(str(name), float(value)) for name, value in items if _is_number(value)]
    return pd.DataFrame(pairs, columns=["class_name", "accuracy"])


def per_class_chart(frame: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Horizontal bars of test accuracy per class, best first."""
    return (
        alt.Chart(frame)
        .mark_bar(color=TRAIN_COLOUR)
        .encode(
            x=alt.X(
                "accuracy:Q",
                title=t("chart.axis.test_accuracy", lang),
                scale=alt.Scale(domain=[0, 1]),
            ),
            y=alt.Y("class_name:N", title=t("chart.axis.class", lang), sort="-x"),
            tooltip=["class_name:N", alt.Tooltip("accuracy:Q", format=".3f")],
        )
        .properties(height=max(120, 16 * len(frame)), width="container")
    )


def per_class_summary(frame: pd.DataFrame, lang: str = "en") -> str:
    """ "Best class: apple (0.80); worst: bowl (0.12)."."""
    if frame.empty:
        return t("chart.summary.no_classes", lang)
    best = frame.loc[frame["accuracy"].idxmax()]
    worst = frame.loc[frame["accuracy"].idxmin()]
    return t(
        "chart.summary.per_class",
        lang,
        best=best["class_name"],
        best_value=best["accuracy"],
        worst=worst["class_name"],
        worst_value=worst["accuracy"],
    )


def confusion_frame(matrix: Any, class_names: Sequence[str]) -> pd.DataFrame:
    """Confusion matrix (`matrix[true][pred]` counts) as tidy rows `true, pred, count, share`."""
    counts = np.asarray(matrix, dtype=np.int64)
    names = list(class_names) or [str(i) for i in range(len(counts))]
    totals = counts.sum(axis=1, keepdims=True).clip(min=1)
    rows = [
        (names[i], names[j], int(counts[i, j]), float(counts[i, j] / totals[i, 0]))
        for i in range(counts.shape[0])
        for j in range(counts.shape[1])
    ]
    return pd.DataFrame(rows, columns=["true", "pred", "count", "share"])


def confusion_chart(frame: pd.DataFrame, class_names: Sequence[str], lang: str = "en") -> alt.Chart:
    """Heat map: rows are true classes, columns predictions, colour the share of the row."""
    order = list(class_names)
    size = max(200, 26 * len(order))
    return (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=alt.X("pred:N", title=t("chart.axis.predicted", lang), sort=order),
            y=alt.Y("true:N", title=t("chart.axis.true", lang), sort=order),
            color=alt.Color(
                "share:Q",
                title=t("chart.axis.share", lang),
                scale=alt.Scale(scheme="blues", domain=[0, 1]),
            ),
            tooltip=["true:N", "pred:N", "count:Q", alt.Tooltip("share:Q", format=".2f")],
        )
        .properties(width=size, height=size)
    )


def confusion_summary(frame: pd.DataFrame, lang: str = "en") -> str:
    """The most frequent mistake: "most often, 'bowl' was taken for 'apple' (12 times)"."""
    wrong = frame[(frame["true"] != frame["pred"]) & (frame["count"] > 0)]
    if wrong.empty:
        return t("chart.summary.no_confusion", lang)
    top = wrong.loc[wrong["count"].idxmax()]
    return t(
        "chart.summary.confusion", lang, true=top["true"], pred=top["pred"], count=int(top["count"])
    )


# Classify


def top_k_frame(items: Sequence[Mapping]) -> pd.DataFrame:
    """`cnnapp.data.images.top_k` output as a frame with `label`, `probability`, `rank`."""
    rows = [(str(i["label"]), float(i["probability"]), n + 1) for n, i in enumerate(items)]
    return pd.DataFrame(rows, columns=["label", "probability", "rank"])


def top_k_chart(frame: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Horizontal bars of the k most probable classes, most probable on top."""
    bars = (
        alt.Chart(frame)
        .mark_bar(color=TRAIN_COLOUR)
        .encode(
            x=alt.X(
                "probability:Q",
                title=t("chart.axis.probability", lang),
                scale=alt.Scale(domain=[0, 1]),
            ),
            y=alt.Y("label:N", title=t("chart.axis.class", lang), sort=alt.SortField("rank")),
            tooltip=["label:N", alt.Tooltip("probability:Q", format=".3f")],
        )
    )
    text = bars.mark_text(align="left", dx=3, color="#000000").encode(
        text=alt.Text("probability:Q", format=".2f")
    )
    return (bars + text).properties(height=max(100, 32 * len(frame)), width="container")


def top_k_summary(frame: pd.DataFrame, lang: str = "en") -> str:
    """ "The model says 'apple' with probability 0.82 (next: 'bowl', 0.10)"."""
    if frame.empty:
        return t("chart.summary.no_prediction", lang)
    first = frame.iloc[0]
    if len(frame) > 1:
        second = frame.iloc[1]
        return t(
            "chart.summary.top_k",
            lang,
            label=first["label"],
            value=first["probability"],
            next=second["label"],
            next_value=second["probability"],
        )
    return t("chart.summary.top_1", lang, label=first["label"], value=first["probability"])


# Data
