"""The assignment's figures beside ours, for one results table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from cnnapp.charts.base import OKABE_ITO, _metric_label
from cnnapp.i18n import t


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
