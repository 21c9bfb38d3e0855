"""Training throughput: the assignment's ImageDataGenerator pipeline vs the engine's training path.

Both train the same network from the same starting weights on the same images for the same
epochs, with normalisation, horizontal flip and zoom 0.2, batch 32, SGD as the assignment. Each
call runs in its own process (`bench.items`), so thread pools and memory start fresh.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bench.common import PREPROCESSING, Timer, peak_rss_mb


def _load(ref: dict, validation_split: float = 0.1):
    from cnnapp.data import load_dataset, split_validation

    dataset = load_dataset(ref)
    return dataset, split_validation(dataset.x_train, dataset.y_train, validation_split)


def _result(images: int, epoch_ends: list[float], cpu_ends: list[float], **extra) -> dict:
    """Images/s over all epochs and over the epochs after the first (no tracing, warm caches).

    `epoch_ends`/`cpu_ends`: wall and CPU seconds from the start of `fit` to each epoch's end.
    """
    epochs = len(epoch_ends)
    steady = epochs > 1
    return {
        "images_per_s": images * epochs / epoch_ends[-1],
        "steady_images_per_s": images * (epochs - 1) / (epoch_ends[-1] - epoch_ends[0])
        if steady
        else None,
        "cpu_ms_per_image": 1000 * cpu_ends[-1] / (images * epochs),
        "steady_cpu_ms_per_image": 1000 * (cpu_ends[-1] - cpu_ends[0]) / (images * (epochs - 1))
        if steady
        else None,
        "first_epoch_s": epoch_ends[0],
        "fit_s": epoch_ends[-1],
        "peak_rss_mb": peak_rss_mb(),
        **extra,
    }


def _epoch_clock():
    """A Keras callback that notes wall and CPU time at each epoch's end (no per-batch hook)."""
    import keras

    class EpochClock(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.timer, self.walls, self.cpus = Timer(), [], []

        def on_epoch_end(self, epoch, logs=None):
            self.walls.append(self.timer.wall())
            self.cpus.append(self.timer.cpu())

    return EpochClock()


def assignment(network: str, ref: dict, epochs: int, seed: int = 42) -> dict[str, Any]:
    """The assignment's pipeline: legacy ImageDataGenerator, `.flow(batch_size=32)`, `fit`."""
    import keras
    from keras.src.legacy.preprocessing.image import ImageDataGenerator

    from cnnapp.config import TrainConfig
    from cnnapp.nets.build import build_model
    from cnnapp.nets.presets import get_preset
    from cnnapp.training import initial_weights, make_optimizer

    dataset, (_, _, x_val, y_val) = _load(ref)
    spec = get_preset(network)
    x = dataset.x_train.astype("float32") / 255  # as the assignment's template
    generator = ImageDataGenerator(
        featurewise_center=True,
        featurewise_std_normalization=True,
        horizontal_flip=True,
        zoom_range=0.2,
        validation_split=0.1,
    )
    generator.fit(x)
    keras.utils.set_random_seed(seed)
    model = build_model(spec, dataset.input_shape, dataset.num_classes)
    for name, weights in initial_weights(
        spec, dataset.input_shape, dataset.num_classes, seed
    ).items():
        model.get_layer(name).set_weights(weights)
    model.compile(
        optimizer=make_optimizer(TrainConfig(epochs=epochs, seed=seed)),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    train = generator.flow(x, dataset.y_train, batch_size=32, subset="training", seed=seed)
    val = generator.flow(x, dataset.y_train, batch_size=32, subset="validation", seed=seed)
    clock = _epoch_clock()
    history = model.fit(train, validation_data=val, epochs=epochs, callbacks=[clock], verbose=0)
    # Its own val_accuracy is on augmented images (flow augments both subsets); score clean ones.
    clean = generator.standardize(x_val.astype("float32") / 255)
    val_accuracy = float(model.evaluate(clean, y_val, verbose=0)[1])
    return _result(
        train.n,
        clock.walls,
        clock.cpus,
        val_accuracy=val_accuracy,
        val_accuracy_augmented=float(history.history["val_accuracy"][-1]),
    )


def _engine_setup(network: str, ref: dict, epochs: int, seed: int):
    from cnnapp.config import Preprocessing, TrainConfig
    from cnnapp.devices import accelerator
    from cnnapp.nets.presets import get_preset
    from cnnapp.training import make_job_spec

    config = TrainConfig(epochs=epochs, seed=seed)
    preprocessing = Preprocessing(**PREPROCESSING)
    spec = make_job_spec(get_preset(network), ref, preprocessing, config)
    dataset, data = _load(ref, config.validation_split)
    return spec, dataset, data, config, preprocessing, accelerator()


def _val_accuracy(model, x_val: np.ndarray, y_val: np.ndarray) -> float:
    return float(model.evaluate(x_val.astype("float32"), y_val, verbose=0)[1])


def engine(network: str, ref: dict, epochs: int, seed: int = 42) -> dict[str, Any]:
    """The engine's training path (`cnnapp.training.train_job._train`, as `run_job` uses), nothing saved."""
    from cnnapp.training import _train

    spec, dataset, data, config, preprocessing, device = _engine_setup(network, ref, epochs, seed)
    marks: dict[str, Any] = {"walls": [], "cpus": []}

    def report(event: dict) -> None:  # the job's own progress events, timed here
        if event.get("type") == "train_begin":
            marks["timer"] = Timer()
        elif event.get("type") == "epoch":
            marks["walls"].append(marks["timer"].wall())
            marks["cpus"].append(marks["timer"].cpu())

    trained = _train(spec, dataset, data, config, preprocessing, report, lambda: False, device)
    return _result(
        len(data[0]),
        marks["walls"],
        marks["cpus"],
        val_accuracy=_val_accuracy(trained.model, data[2], data[3]),
        plan=trained.plan.to_dict(),
        device=device,
    )


def bare(network: str, ref: dict, epochs: int, seed: int = 42) -> dict[str, Any]:
    """The engine's model and input pipeline under a bare `fit`: no callback, no job process."""
    from cnnapp.training import _fit, _prepare_model
    from cnnapp.training import plan as pipeline

    spec, dataset, data, config, preprocessing, device = _engine_setup(network, ref, epochs, seed)
    model, _, _ = _prepare_model(spec, dataset, data[0], config, preprocessing)
    plan = pipeline.make_plan(model, config, -(-len(data[0]) // config.batch_size), device)
    clock = _epoch_clock()
    _fit(model, data, config, None, None, device, plan=plan, callbacks=[clock])
    return _result(len(data[0]), clock.walls, clock.cpus, plan=plan.to_dict())
