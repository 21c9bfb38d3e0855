"""Shared test setup: quiet TensorFlow, isolated settings folders, seeded Keras."""

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# Warm workers import Keras ahead of need: on 2 cores that would slow every executor the tests
# make. tests/test_jobs_warm.py turns them on explicitly, with a cheap preload.
os.environ.setdefault("CNNAPP_WARM_WORKERS", "0")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Each test gets its own models/ and data cache, so nothing real is touched."""
    monkeypatch.setenv("CNNAPP_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("CNNAPP_DATA_DIR", str(tmp_path / "data-cache"))
    yield
