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


def _scan_installed_components_once() -> None:
    """Every new `AppTest` scans the metadata of every installed package for Streamlit
    components (about 0.3 s with Ray's dependencies installed, hundreds of times a run). The
    installed packages do not change during a test run, so the scan's result is kept; a running
    server scans once at start-up anyway."""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:  # a Streamlit without v2 components: nothing to scan
        return
    scan = manifest_scanner.scan_component_manifests
    if getattr(scan, "cache_info", None) is None:
        import functools

        manifest_scanner.scan_component_manifests = functools.lru_cache(maxsize=1)(scan)


_scan_installed_components_once()


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Each test gets its own models/ and data cache, so nothing real is touched."""
    monkeypatch.setenv("CNNAPP_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("CNNAPP_DATA_DIR", str(tmp_path / "data-cache"))
    yield
