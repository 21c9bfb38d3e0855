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

from cnnapp.charts.base import (
    METRICS,
    OKABE_ITO,
    TEST_COLOUR,
    TRAIN_COLOUR,
    VAL_COLOUR,
    display_height,
    to_svg,
)
from cnnapp.charts.data import (
    class_counts_chart,
    class_counts_frame,
    class_counts_summary,
    pixel_histogram_chart,
    pixel_histogram_frame,
    pixel_histogram_summary,
)
from cnnapp.charts.evaluation import (
    confusion_chart,
    confusion_frame,
    confusion_summary,
    per_class_chart,
    per_class_frame,
    per_class_summary,
    top_k_chart,
    top_k_frame,
    top_k_summary,
)
from cnnapp.charts.reproduce import reproduce_chart, reproduce_frame, reproduce_summary
from cnnapp.charts.training import (
    curves_frame,
    epoch_records,
    overlay_chart,
    overlay_frame,
    overlay_summary,
    training_chart,
    training_summary,
)

__all__ = [
    "METRICS",
    "TEST_COLOUR",
    "TRAIN_COLOUR",
    "VAL_COLOUR",
    "OKABE_ITO",
    "display_height",
    "to_svg",
    "class_counts_chart",
    "class_counts_frame",
    "class_counts_summary",
    "pixel_histogram_chart",
    "pixel_histogram_frame",
    "pixel_histogram_summary",
    "confusion_chart",
    "confusion_frame",
    "confusion_summary",
    "per_class_chart",
    "per_class_frame",
    "per_class_summary",
    "top_k_chart",
    "top_k_frame",
    "top_k_summary",
    "reproduce_chart",
    "reproduce_frame",
    "reproduce_summary",
    "curves_frame",
    "epoch_records",
    "overlay_chart",
    "overlay_frame",
    "overlay_summary",
    "training_chart",
    "training_summary",
]
