"""Keeps Streamlit from clearing Keras' session after every script run.

After each run of any page (each widget click, each poll of a live chart), Streamlit calls
`keras.backend.clear_session()` when Keras is imported. In Keras 3 that runs a full
`gc.collect()` and, on TensorFlow, empties the kernel cache: about half a second per run on 2
cores once a classifier is loaded, paid by every session at once, and the cached classifiers must
look up their kernels again. The app builds no models in a shared global graph (a job trains in
its own process; the server only counts parameters and classifies), so there is nothing to clear.
Matplotlib's figures are still closed, as Streamlit does.
"""

from __future__ import annotations

import sys
from typing import Any


def keep_keras_session() -> bool:
    """Replaces Streamlit's per-run clean-up by one without Keras' `clear_session`. Idempotent;
    False (and nothing changed) where this Streamlit has no such clean-up."""
    try:
        from streamlit.runtime.scriptrunner import script_runner  # noqa: TID251
    except ImportError:
        return False
    current = getattr(script_runner, "_clean_problem_modules", None)
    if current is None:
        return False
    if getattr(current, "keeps_keras_session", False):
        return True

    def clean_problem_modules() -> None:
        pyplot: Any = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            try:
                pyplot.close("all")
            except Exception:  # noqa: BLE001, S110 - as Streamlit: never break a page over it
                pass

    clean_problem_modules.keeps_keras_session = True  # type: ignore[attr-defined]
    script_runner._clean_problem_modules = clean_problem_modules
    return True
