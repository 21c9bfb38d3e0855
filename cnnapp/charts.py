"""Altair charts from tidy data frames, each with a one-line text summary (no Streamlit here).

Every chart uses the Okabe-Ito palette (safe for the common kinds of colour blindness), has axis
titles, and comes with a `*_summary` function that says in words what the chart shows, e.g.
"validation accuracy peaked at 0.54 in epoch 12". Pages only place them. Texts go through
`cnnapp.i18n.t`, so every function takes `lang`.

Example:
    frame = curves_frame(status.history, status.batch_points)
    chart = training_chart(frame, "accuracy", lang="en")
    text = training_summary(frame, "accuracy", lang="en")
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from cnnapp.i18n import t

# Okabe & Ito (2008), "Color Universal Design": distinguishable with any common colour blindness.
OKABE_ITO = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
]
TRAIN_COLOUR, VAL_COLOUR, TEST_COLOUR = OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[2]
METRICS = ("loss", "accuracy")
_HEIGHT = 260


def display_height(chart: alt.TopLevelMixin, legend_rows: int = 1) -> int:
    """The pixels a chart needs on a page: its plot height plus title, axes and a bottom legend.

    Streamlit does not take the height from the chart itself, so pages pass this one.

    Args:
        chart: an Altair chart from this module.
        legend_rows: lines its bottom legend takes (e.g. one per run in `overlay_chart`).
    """
    height = getattr(chart, "height", alt.Undefined)
    return (height if isinstance(height, int) else _HEIGHT) + 90 + 20 * legend_rows


# Tidy data


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


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.number)) and not isinstance(value, bool)


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


def _metric_label(metric: str, lang: str) -> str:
    return t(f"chart.metric.{metric}", lang)


# Training curves


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


def overlay_chart(frame: pd.DataFrame, metric: str, lang: str = "en") -> alt.Chart:
    """Curves of several runs on one chart: colour per run, dashed validation."""
    data = frame[frame["metric"] == metric].copy()
    data["split_label"] = [t(f"chart.split.{s}", lang) for s in data["split"]]
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("epoch:Q", title=t("chart.axis.epoch", lang), axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("value:Q", title=_metric_label(metric, lang), scale=alt.Scale(zero=False)),
            color=alt.Color(
                "run:N",
                title=t("chart.axis.run", lang),
                scale=alt.Scale(range=OKABE_ITO),
                legend=alt.Legend(orient="bottom", columns=1, labelLimit=400),
            ),
            strokeDash=alt.StrokeDash("split_label:N", title=t("chart.axis.split", lang)),
            tooltip=["run:N", "split_label:N", "epoch:Q", alt.Tooltip("value:Q", format=".4f")],
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
    """`cnnapp.classify.top_k` output as a frame with `label`, `probability`, `rank`."""
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


def class_counts_frame(
    y_train: np.ndarray, y_test: np.ndarray | None, class_names: Sequence[str]
) -> pd.DataFrame:
    """Images per class and split: columns `class_name`, `split` ("train"/"test"), `count`."""
    rows = []
    for split, labels in (("train", y_train), ("test", y_test)):
        if labels is None:
            continue
        counts = np.bincount(np.asarray(labels, dtype=np.int64), minlength=len(class_names))
        rows += [(name, split, int(counts[i])) for i, name in enumerate(class_names)]
    return pd.DataFrame(rows, columns=["class_name", "split", "count"])


def class_counts_chart(frame: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Bars of images per class, train and test side by side."""
    data = frame.copy()
    data["split_label"] = [t(f"chart.split.{s}", lang) for s in data["split"]]
    domain = [t("chart.split.train", lang), t("chart.split.test", lang)]
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("class_name:N", title=t("chart.axis.class", lang), sort=None),
            xOffset="split_label:N",
            y=alt.Y("count:Q", title=t("chart.axis.images", lang)),
            color=alt.Color(
                "split_label:N",
                title=None,
                scale=alt.Scale(domain=domain, range=[TRAIN_COLOUR, TEST_COLOUR]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["class_name:N", "split_label:N", "count:Q"],
        )
        .properties(height=_HEIGHT, width="container")
    )


def class_counts_summary(frame: pd.DataFrame, lang: str = "en") -> str:
    """ "25 classes; 45–55 training images per class"."""
    train = frame[frame["split"] == "train"]
    if train.empty:
        return t("chart.summary.no_classes", lang)
    return t(
        "chart.summary.class_counts",
        lang,
        classes=len(train),
        low=int(train["count"].min()),
        high=int(train["count"].max()),
    )


def pixel_histogram_frame(
    images: np.ndarray,
    normalization: tuple[Sequence[float], Sequence[float]] | None = None,
    bins: int = 40,
) -> pd.DataFrame:
    """Histograms of pixel values per channel, raw (scaled to [0, 1]) and normalised.

    Args:
        images: uint8 `(n, height, width, 3)`.
        normalization: `(mean, variance)` per channel (as `fit_normalization` returns); computed
            from `images` when None.
        bins: bins per histogram.

    Returns:
        Columns `stage` ("raw"/"normalized"), `channel` ("R"/"G"/"B"), `value` (bin centre),
        `share` (fraction of the pixels in that bin).
    """
    x = np.asarray(images, dtype=np.float64) / 255.0
    flat = x.reshape(-1, x.shape[-1])
    if normalization is None:
        mean, variance = flat.mean(axis=0), flat.var(axis=0)
    else:
        mean, variance = np.asarray(normalization[0]), np.asarray(normalization[1])
    std = np.sqrt(np.maximum(variance, 1e-12))
    rows = []
    for stage, values in (("raw", flat), ("normalized", (flat - mean) / std)):
        for c, channel in enumerate("RGB"[: flat.shape[1]]):
            counts, edges = np.histogram(values[:, c], bins=bins)
            centres = (edges[:-1] + edges[1:]) / 2
            share = counts / max(1, counts.sum())
            rows += [
                (stage, channel, float(v), float(s)) for v, s in zip(centres, share, strict=True)
            ]
    return pd.DataFrame(rows, columns=["stage", "channel", "value", "share"])


def pixel_histogram_chart(frame: pd.DataFrame, stage: str, lang: str = "en") -> alt.Chart:
    """Per-channel pixel histogram of one stage ("raw" or "normalized")."""
    data = frame[frame["stage"] == stage]
    return (
        alt.Chart(data)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("value:Q", title=t(f"chart.axis.pixel_{stage}", lang)),
            y=alt.Y("share:Q", title=t("chart.axis.share_pixels", lang)),
            color=alt.Color(
                "channel:N",
                title=t("chart.axis.channel", lang),
                scale=alt.Scale(
                    domain=["R", "G", "B"], range=[OKABE_ITO[5], OKABE_ITO[2], OKABE_ITO[0]]
                ),
            ),
            tooltip=[
                "channel:N",
                alt.Tooltip("value:Q", format=".2f"),
                alt.Tooltip("share:Q", format=".3f"),
            ],
        )
        .properties(title=t(f"chart.stage.{stage}", lang), height=200, width="container")
    )


def pixel_histogram_summary(frame: pd.DataFrame, lang: str = "en") -> str:
    """Mean and spread of the pixels before and after normalisation, in one sentence."""
    parts = {}
    for stage in ("raw", "normalized"):
        data = frame[frame["stage"] == stage]
        if data.empty:
            return t("chart.summary.no_pixels", lang)
        weights = data["share"] / max(1e-12, data["share"].sum())
        mean = float((data["value"] * weights).sum())
        std = float(np.sqrt(((data["value"] - mean) ** 2 * weights).sum()))
        parts[stage] = (mean, std)
    return t(
        "chart.summary.pixels",
        lang,
        raw_mean=parts["raw"][0],
        raw_std=parts["raw"][1],
        norm_mean=parts["normalized"][0],
        norm_std=parts["normalized"][1],
    )


# Reproduce


def reproduce_frame(rows: Sequence[Mapping]) -> pd.DataFrame:
    """`[{"row": label, "metric": ..., "source": "assignment"/"ours", "value": ...}]` as a frame."""
    frame = pd.DataFrame(list(rows), columns=["row", "metric", "source", "value"])
    return frame.dropna(subset=["value"])


def reproduce_chart(frame: pd.DataFrame, metric: str, lang: str = "en") -> alt.Chart:
    """Bars of one metric per recipe row: the assignment's beside ours."""
    data = frame[frame["metric"] == metric].copy()
    data["source_label"] = [t(f"chart.source.{s}", lang) for s in data["source"]]
    domain = [t("chart.source.assignment", lang), t("chart.source.ours", lang)]
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("row:N", title=None, sort=None, axis=alt.Axis(labelLimit=300)),
            yOffset="source_label:N",
            x=alt.X("value:Q", title=t(f"chart.metric.{metric}", lang)),
            color=alt.Color(
                "source_label:N",
                title=None,
                scale=alt.Scale(domain=domain, range=[OKABE_ITO[4], OKABE_ITO[1]]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["row:N", "source_label:N", alt.Tooltip("value:Q", format=".4f")],
        )
        .properties(height=max(120, 44 * data["row"].nunique()), width="container")
    )


def reproduce_summary(frame: pd.DataFrame, metric: str, lang: str = "en") -> str:
    """How many rows finished and how far ours are from the assignment's, on average."""
    data = frame[frame["metric"] == metric]
    ours = data[data["source"] == "ours"].set_index("row")["value"]
    theirs = data[data["source"] == "assignment"].set_index("row")["value"]
    both = ours.index.intersection(theirs.index)
    if len(both) == 0:
        return t("chart.summary.reproduce_none", lang)
    diff = (ours[both] - theirs[both]).abs()
    return t(
        "chart.summary.reproduce",
        lang,
        done=len(both),
        total=len(theirs),
        metric=_metric_label(metric, lang).lower(),
        mean=float(diff.mean()),
        largest=float(diff.max()),
    )


def to_svg(chart) -> str:
    """The chart as an SVG document (for a report), rendered without a browser.

    Raises:
        RuntimeError: if vl-convert-python is not installed.
    """
    try:
        import vl_convert
    except ImportError as error:  # pragma: no cover - it is in requirements.txt
        raise RuntimeError(
            "Saving charts as SVG needs vl-convert-python (pip install it)."
        ) from error
    return vl_convert.vegalite_to_svg(chart.to_json())
