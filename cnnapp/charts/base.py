"""What every chart shares: the palette, the sizes, SVG export."""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np

from cnnapp.i18n import t

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


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.number)) and not isinstance(value, bool)


def _metric_label(metric: str, lang: str) -> str:
    return t(f"chart.metric.{metric}", lang)


# Training curves


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
