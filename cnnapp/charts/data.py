"""A dataset at a glance: class counts and pixel histograms."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from cnnapp.charts.base import _HEIGHT, OKABE_ITO, TEST_COLOUR, TRAIN_COLOUR
from cnnapp.i18n import t


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
