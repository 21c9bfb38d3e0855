"""Training curves: one run live (train vs validation) and several runs overlaid."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from cnnapp.charts.base import (
    _HEIGHT,
    METRICS,
    OKABE_ITO,
    TRAIN_COLOUR,
    VAL_COLOUR,
    _is_number,
    _metric_label,
)
from cnnapp.i18n import t


def epoch_records(history: Any) -> list[dict[str, float]]:
    """One flat dict per finished epoch, whatever shape the history came in.

    Args:
        history: a list of epoch dicts (`{"epoch", "loss", ...}` or `{"epoch", "logs": {...}}`),
            Keras's `History.history` (`{"loss": [...], "val_loss": [...]}`), or a dict holding
            such a list under `"epochs"`.

    Returns:
        `[{"epoch": 1, "loss": ..., "accuracy": ..., "val_loss": ..., "val_accuracy": ...}, ...]`
        with 1-based epochs and only numeric values.
    """
    if isinstance(history, Mapping) and isinstance(history.get("epochs"), list):
        history = history["epochs"]
    records: list[dict[str, float]] = []
    if isinstance(history, Mapping):
        lengths = [len(v) for v in history.values() if isinstance(v, list)]
        for i in range(max(lengths, default=0)):
            row = {"epoch": i + 1}
            for key, values in history.items():
                if isinstance(values, list) and i < len(values) and _is_number(values[i]):
                    row[key] = float(values[i])
            records.append(row)
        return records
    for i, item in enumerate(history or []):
        if not isinstance(item, Mapping):
            continue
        flat = {**item, **(item.get("logs") or {})}
        row = {k: float(v) for k, v in flat.items() if _is_number(v) and k != "logs"}
        row["epoch"] = int(flat.get("epoch") or i + 1)
        records.append(row)
    return records


def curves_frame(history: Any, batch_points: Sequence[Mapping] | None = None) -> pd.DataFrame:
    """Loss and accuracy, train and validation, as a tidy frame for `training_chart`.

    Args:
        history: epoch records (see `epoch_records`).
        batch_points: optional `{"step", "loss", "accuracy"}` dicts from within epochs (`step` is
            a fractional epoch, e.g. 2.5 half-way through epoch 3).

    Returns:
        Columns `epoch` (float, the x axis), `metric` ("loss"/"accuracy"), `split`
        ("train"/"validation"), `source` ("epoch"/"batch") and `value`.
    """
    rows = []
    for record in epoch_records(history):
        for metric in METRICS:
            for split, key in (("train", metric), ("validation", f"val_{metric}")):
                if key in record:
                    rows.append((float(record["epoch"]), metric, split, "epoch", record[key]))
    for point in batch_points or []:
        for metric in METRICS:
            value = point.get(metric)
            if _is_number(value) and _is_number(point.get("step")):
                rows.append((float(point["step"]), metric, "train", "batch", float(value)))
    return pd.DataFrame(rows, columns=["epoch", "metric", "split", "source", "value"])


def training_chart(
    frame: pd.DataFrame, metric: str, lang: str = "en", marked_epoch: int | None = None
) -> alt.Chart:
    """Train vs validation curve of one metric, batches as a faint line, epochs as points.

    Args:
        frame: from `curves_frame`.
        metric: "loss" or "accuracy".
        lang: language of the labels.
        marked_epoch: an epoch to mark with a vertical rule (e.g. early stopping's best epoch).

    Returns:
        A layered Altair chart.
    """
    data = frame[frame["metric"] == metric].copy()
    data["series"] = [
        t(f"chart.split.{split}", lang) + (t("chart.within_epoch", lang) if src == "batch" else "")
        for split, src in zip(data["split"], data["source"], strict=True)
    ]
    domain = [
        t("chart.split.train", lang),
        t("chart.split.validation", lang),
        t("chart.split.train", lang) + t("chart.within_epoch", lang),
    ]
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=domain, range=[TRAIN_COLOUR, VAL_COLOUR, "#9ecae9"]),
        legend=alt.Legend(orient="bottom"),
    )
    x = alt.X("epoch:Q", title=t("chart.axis.epoch", lang), axis=alt.Axis(tickMinStep=1))
    y = alt.Y("value:Q", title=_metric_label(metric, lang), scale=alt.Scale(zero=False))
    tooltip = [
        alt.Tooltip("series:N", title=t("chart.axis.series", lang)),
        alt.Tooltip("epoch:Q", title=t("chart.axis.epoch", lang), format=".2f"),
        alt.Tooltip("value:Q", title=_metric_label(metric, lang), format=".4f"),
    ]
    base = alt.Chart(data).encode(x=x, y=y, color=colour, tooltip=tooltip)
    batches = base.transform_filter(alt.datum.source == "batch").mark_line(
        strokeWidth=1, opacity=0.7
    )
    epochs = base.transform_filter(alt.datum.source == "epoch").mark_line(point=True, strokeWidth=2)
    layers = [batches, epochs]
    if marked_epoch is not None:
        mark = pd.DataFrame({"epoch": [marked_epoch], "text": [t("chart.best_epoch", lang)]})
        rule = alt.Chart(mark).mark_rule(color="#000000", strokeDash=[4, 4]).encode(x="epoch:Q")
        label = (
            alt.Chart(mark)
            .mark_text(align="left", dx=4, dy=-4, baseline="top", color="#000000")
            .encode(x="epoch:Q", y=alt.value(0), text="text:N")
        )
        layers += [rule, label]
    return alt.layer(*layers).properties(
        title=_metric_label(metric, lang), height=_HEIGHT, width="container"
    )


def training_summary(frame: pd.DataFrame, metric: str, lang: str = "en") -> str:
    """One sentence: where validation (else training) `metric` was best, per epoch.

    Example:
        "validation accuracy peaked at 0.54 in epoch 12"
    """
    data = frame[(frame["metric"] == metric) & (frame["source"] == "epoch")]
    if data.empty:
        batches = frame[(frame["metric"] == metric) & (frame["source"] == "batch")]
        if batches.empty:
            return t("chart.summary.no_epochs", lang)
        last = batches.iloc[-1]
        return t(
            "chart.summary.batch_so_far",
            lang,
            metric=_metric_label(metric, lang).lower(),
            value=last["value"],
        )
    split = "validation" if (data["split"] == "validation").any() else "train"
    data = data[data["split"] == split]
    best = data.loc[data["value"].idxmin() if metric == "loss" else data["value"].idxmax()]
    key = "chart.summary.lowest" if metric == "loss" else "chart.summary.peaked"
    return t(
        key,
        lang,
        split=t(f"chart.split.{split}", lang).lower(),
        metric=_metric_label(metric, lang).lower(),
        value=best["value"],
        epoch=int(best["epoch"]),
    )


# Comparing runs


def overlay_frame(histories: Mapping[str, Any]) -> pd.DataFrame:
    """Epoch curves of several runs: `{run label: history}` -> tidy frame with a `run` column."""
    frames = []
    for label, history in histories.items():
        frame = curves_frame(history)
        frame["run"] = label
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["epoch", "metric", "split", "source", "value", "run"])
    return pd.concat(frames, ignore_index=True)


# Each run its own dash and marker as well as its colour: two runs with identical curves (the
# same seed) stay distinguishable, and so do runs for a reader who cannot tell colours apart.
RUN_DASHES = [[1, 0], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [12, 2], [2, 6], [6, 2, 2, 2]]
RUN_SHAPES = [
    "circle",
    "square",
    "triangle-up",
    "diamond",
    "cross",
    "triangle-down",
    "triangle-right",
    "triangle-left",
]


def overlay_chart(frame: pd.DataFrame, metric: str, lang: str = "en") -> alt.LayerChart:
    """Curves of several runs on one chart: colour, stroke dash and point marker per run (one
    legend), validation bold and training faint.

    Args:
        frame: from `overlay_frame`.
        metric: "loss" or "accuracy".
        lang: language of the labels.
    """
    data = frame[frame["metric"] == metric].copy()
    data["split_label"] = [t(f"chart.split.{s}", lang) for s in data["split"]]
    splits = [t(f"chart.split.{s}", lang) for s in ("validation", "train")]
    run_title, split_title = t("chart.axis.run", lang), t("chart.axis.split", lang)
    legend = alt.Legend(orient="bottom", columns=1, labelLimit=400, symbolStrokeWidth=2)
    runs = alt.Scale(domain=list(dict.fromkeys(data["run"])))  # the runs in the order given
    opacity = alt.Opacity(
        "split_label:N",
        title=split_title,
        scale=alt.Scale(domain=splits, range=[1.0, 0.45]),
        legend=alt.Legend(orient="bottom"),
    )
    lines = (
        alt.Chart()
        .mark_line(strokeWidth=2)
        .encode(
            strokeDash=alt.StrokeDash(
                "run:N", title=run_title, scale=alt.Scale(domain=runs.domain, range=RUN_DASHES)
            ),
            opacity=opacity,
            detail="split_label:N",
        )
    )
    points = (
        alt.Chart()
        .mark_point(filled=False, size=60, strokeWidth=1.5)
        .encode(
            shape=alt.Shape(
                "run:N", title=run_title, scale=alt.Scale(domain=runs.domain, range=RUN_SHAPES)
            ),
            opacity=opacity,
            tooltip=["run:N", "split_label:N", "epoch:Q", alt.Tooltip("value:Q", format=".4f")],
        )
    )
    return (
        alt.layer(lines, points, data=data)
        .encode(
            x=alt.X("epoch:Q", title=t("chart.axis.epoch", lang), axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("value:Q", title=_metric_label(metric, lang), scale=alt.Scale(zero=False)),
            color=alt.Color(
                "run:N",
                title=run_title,
                scale=alt.Scale(domain=runs.domain, range=OKABE_ITO),
                legend=legend,
            ),
        )
        .properties(title=_metric_label(metric, lang), height=_HEIGHT, width="container")
    )


def overlay_summary(frame: pd.DataFrame, metric: str, lang: str = "en") -> str:
    """Which run reached the best validation (else training) value of `metric`, and when."""
    data = frame[(frame["metric"] == metric) & (frame["source"] == "epoch")]
    if data.empty:
        return t("chart.summary.no_runs", lang)
    split = "validation" if (data["split"] == "validation").any() else "train"
    data = data[data["split"] == split]
    best = data.loc[data["value"].idxmin() if metric == "loss" else data["value"].idxmax()]
    return t(
        "chart.summary.best_run",
        lang,
        split=t(f"chart.split.{split}", lang).lower(),
        metric=_metric_label(metric, lang).lower(),
        run=best["run"],
        value=best["value"],
        epoch=int(best["epoch"]),
    )


# One run: per class
