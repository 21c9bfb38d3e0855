"""GPU mode: ResNet50 fine-tuning throughput, a plain Keras loop against the engine's job path.

Both train all of ResNet50 (`weights=None`, 224×224, 1000 classes) in mixed precision on
synthetic in-memory images, batch 64 and 128; the figure is images/s over the epochs after the
first (compilation excluded). Written for KERAS_BACKEND=jax (the GPU machines have no TensorFlow);
it also runs, tiny, on a CPU (the smoke test does that).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from bench.common import Timer


def gpu_names() -> list[str]:
    """The GPUs `nvidia-smi` lists (no framework imported); [] on a CPU-only machine."""
    from cnnapp.devices import probe_gpus

    return probe_gpus()


def _images(count: int, size: int, classes: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, (count, size, size, 3), dtype=np.uint8)
    return x, rng.integers(0, classes, count).astype("int64")


def _epoch_clock():
    import keras

    class EpochClock(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.timer, self.ends = Timer(), []

        def on_epoch_end(self, epoch, logs=None):
            self.ends.append(self.timer.wall())

    return EpochClock()


def _steady(images: int, ends: list[float]) -> float:
    return images * (len(ends) - 1) / (ends[-1] - ends[0])


def resnet50_plain(
    batch_size: int, steps: int = 20, size: int = 224, epochs: int = 3, precision="mixed_bfloat16"
) -> dict[str, Any]:
    """A plain Keras loop: `ResNet50(weights=None)`, SGD, `fit` on float32 arrays."""
    import keras

    keras.config.set_dtype_policy(precision)
    model = keras.applications.ResNet50(weights=None, input_shape=(size, size, 3))
    keras.config.set_dtype_policy("float32")
    model.compile(
        optimizer=keras.optimizers.SGD(0.01, momentum=0.9),
        loss="sparse_categorical_crossentropy",
    )
    x, y = _images(batch_size * steps, size, 1000)
    x = x.astype("float32")
    clock = _epoch_clock()
    model.fit(x, y, batch_size=batch_size, epochs=epochs, callbacks=[clock], verbose=0)
    return {"images_per_s": _steady(len(x), clock.ends), "backend": keras.backend.backend()}


def resnet50_engine(
    batch_size: int, steps: int = 20, size: int = 224, epochs: int = 3
) -> dict[str, Any]:
    """The engine's model, plan and fit path fine-tuning a ResNet50 backbone, mixed precision."""
    from bench.train_compare import engine_trainer
    from cnnapp.config import Preprocessing, TrainConfig
    from cnnapp.data import Dataset
    from cnnapp.nets.registry import LAYER_TYPES
    from cnnapp.training import fit

    if "backbone" not in LAYER_TYPES:
        return {"skipped": "this checkout has no 'backbone' layer type"}
    x, y = _images(batch_size * steps, size, 1000)
    dataset = Dataset("synthetic", x, y, None, None, [str(i) for i in range(1000)], "random")
    network = [{"type": "backbone", "name": "resnet50", "weights": None, "trainable": True}]
    network[0]["input_size"] = size
    config = TrainConfig(
        epochs=epochs, batch_size=batch_size, validation_split=0.0, mixed_precision=True
    )
    ends: list[float] = []
    marks: dict[str, Timer] = {}

    def report(event: dict) -> None:
        if event.get("type") == "train_begin":
            marks["timer"] = Timer()
        elif event.get("type") == "epoch":
            ends.append(marks["timer"].wall())

    data = (x, y, x[:0], y[:0])
    trainer, inputs, plan = engine_trainer(network, dataset, data, config, Preprocessing())
    fit(trainer, inputs, config, report, lambda: False, batches=steps, info={})
    return {"images_per_s": _steady(len(x), ends), "plan": plan.to_dict()}


def resnet50_pair(batch_size: int, steps: int = 20, size: int = 224) -> dict[str, Any]:
    """Both figures in one process (the same warm GPU) and their ratio."""
    started = time.perf_counter()
    plain = resnet50_plain(batch_size, steps, size)
    engine = resnet50_engine(batch_size, steps, size)
    ratio = None
    if engine.get("images_per_s") and plain.get("images_per_s"):
        ratio = engine["images_per_s"] / plain["images_per_s"]
    return {
        "batch_size": batch_size,
        "plain": plain,
        "engine": engine,
        "ratio": ratio,
        "seconds": time.perf_counter() - started,
    }
