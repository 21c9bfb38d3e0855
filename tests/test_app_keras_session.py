"""Streamlit's per-run clean-up leaves Keras' session alone (no gc.collect() after every run)."""

from pathlib import Path

import keras
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_a_page_run_does_not_clear_keras_session(monkeypatch):
    calls = []
    monkeypatch.setattr(keras.backend, "clear_session", lambda *a, **k: calls.append(a))
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/2_Build.py").run()
    assert not at.exception
    at.run()  # a rerun, as after a widget click
    assert not at.exception
    assert calls == []
