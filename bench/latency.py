"""Classifying one uploaded photo with a model already loaded, and loading a saved run.

For each model: decoding and resizing the photo (`cnnapp.data.images`), then the prediction three
ways: `model.predict(x)` (what the Classify page calls), `model.predict_on_batch(x)` and
`model(x, training=False)`. Medians of many repeats, after a warm-up.
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from bench.common import MOBILENET_WEIGHTS, PREPROCESSING, ROOT

PHOTO = ROOT.parent / "shared" / "data" / "birds" / "eagle.jpg"


def _photo_bytes() -> tuple[bytes, str]:
    if PHOTO.exists():
        return PHOTO.read_bytes(), f"{PHOTO.name} (real photo)"
    from PIL import Image

    pixels = np.random.default_rng(0).integers(0, 256, (512, 773, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG")
    return buffer.getvalue(), "a generated 773×512 JPEG (the real photo is absent)"


def median_ms(function: Callable[[], Any], repeats: int, warmup: int = 3) -> float:
    """Median wall time of `function()` in milliseconds."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def _model_latency(model, blob: bytes, repeats: int) -> dict[str, float]:
    from cnnapp.data.images import load_image, to_model_input

    size = tuple(int(n) for n in model.input_shape[1:3])
    x = to_model_input(load_image(blob), size)
    return {
        "decode_resize_ms": median_ms(lambda: to_model_input(load_image(blob), size), repeats),
        "predict_ms": median_ms(lambda: model.predict(x, verbose=0), repeats),
        "predict_on_batch_ms": median_ms(lambda: model.predict_on_batch(x), repeats),
        "call_ms": median_ms(lambda: model(x, training=False), repeats),
    }


def _saved_run(network: str) -> str:
    """A real saved run of `network` (1 epoch on a few procedural images)."""
    from cnnapp.config import Preprocessing, TrainConfig
    from cnnapp.nets.presets import get_preset
    from cnnapp.training import make_job_spec, run_job

    spec = make_job_spec(
        get_preset(network),
        {"name": "procedural", "limit": 120},
        Preprocessing(**PREPROCESSING),
        TrainConfig(epochs=1),
    )
    return run_job(spec, lambda event: None, lambda: False)["run_id"]


def classify_latency(network: str = "mired_bn_v3", repeats: int = 100) -> dict[str, Any]:
    """Latency of one photo with a saved CIFAR-size run and with MobileNetV2 (224×224)."""
    import keras

    from cnnapp.runs import RunStore

    blob, photo = _photo_bytes()
    run_id = _saved_run(network)
    store = RunStore()
    started = time.perf_counter()
    model = store.load_model(run_id)
    first_load_s = time.perf_counter() - started
    load_ms = median_ms(lambda: store.load_model(run_id), repeats=5, warmup=0)
    result: dict[str, Any] = {
        "photo": photo,
        "run_first_load_s": first_load_s,
        "run_load_ms": load_ms,
        "cifar": _model_latency(model, blob, repeats),
    }
    mobilenet = keras.applications.MobileNetV2(weights=None)
    if MOBILENET_WEIGHTS.exists():
        mobilenet.load_weights(str(MOBILENET_WEIGHTS))
    result["mobilenet_weights"] = "ImageNet" if MOBILENET_WEIGHTS.exists() else "random"
    result["mobilenet"] = _model_latency(mobilenet, blob, max(20, repeats // 4))
    return result
