"""Training throughput: the assignment's ImageDataGenerator pipeline vs the engine's training path.

Both train the same network from the same starting weights on the same images for the same
epochs, with normalisation, horizontal flip and zoom 0.2, batch 32, SGD as the assignment. Each
call runs in its own process (`bench.items`), so thread pools and memory start fresh.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

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
    from cnnapp.nets.presets import get_preset
    from cnnapp.training import make_job_spec

    config = TrainConfig(epochs=epochs, seed=seed)
    preprocessing = Preprocessing(**PREPROCESSING)
    return make_job_spec(get_preset(network), ref, preprocessing, config), config, preprocessing


def engine(network: str, ref: dict, epochs: int, seed: int = 42) -> dict[str, Any]:
    """The engine's training job itself (`cnnapp.training.run_job`), timed from its own events.

    The run is saved in a temporary folder, removed afterwards; its scoring and saving come after
    the last epoch, so they are not in the figures.
    """
    from cnnapp.training import run_job

    spec, _, _ = _engine_setup(network, ref, epochs, seed)
    marks: dict[str, Any] = {"walls": [], "cpus": []}

    def report(event: dict) -> None:  # the job's own progress events, timed here
        if event.get("type") == "train_begin":
            marks["timer"], marks["images"] = Timer(), event["train_size"]
        elif event.get("type") == "epoch":
            marks["walls"].append(marks["timer"].wall())
            marks["cpus"].append(marks["timer"].cpu())

    with tempfile.TemporaryDirectory(prefix="cnnapp-bench-runs-") as models:
        os.environ["CNNAPP_MODELS_DIR"] = models  # this is the bench child's own process
        metrics = run_job(spec, report, lambda: False)["metrics"]
    return _result(
        marks["images"],
        marks["walls"],
        marks["cpus"],
        val_accuracy=metrics["val_accuracy"],
        plan=metrics["training_plan"],
        device=metrics["device"],
    )


def engine_trainer(network: list[dict], dataset, data: tuple, config, preprocessing):
    """The engine's model, plan and input pipeline, from the public API, ready for `fit`.

    Returns:
        `(trainer, fit inputs, plan)`: the compiled model `fit` trains (sharing every variable
        with the whole model) and `model.fit`'s data arguments.
    """
    from cnnapp.devices import accelerator
    from cnnapp.training import compile_model, prepare_model
    from cnnapp.training import plan as pipeline

    device = accelerator()
    precision = pipeline.precision_for(config, device)
    model = prepare_model(network, dataset, data[0], preprocessing, config, precision).model
    plan = pipeline.make_plan(model, config, -(-len(data[0]) // config.batch_size), device)
    trainer = pipeline.training_model(model, plan)
    compile_model(trainer, config, plan.steps_per_execution)
    return trainer, pipeline.fit_data(model, plan, data, config.batch_size, config.seed), plan


def bare(network: str, ref: dict, epochs: int, seed: int = 42) -> dict[str, Any]:
    """The engine's model and input pipeline under a bare `fit`: no callback, no job process."""
    spec, config, preprocessing = _engine_setup(network, ref, epochs, seed)
    dataset, data = _load(ref, config.validation_split)
    trainer, inputs, plan = engine_trainer(spec["network"], dataset, data, config, preprocessing)
    clock = _epoch_clock()
    trainer.fit(**inputs, epochs=config.epochs, callbacks=[clock], verbose=0)
    return _result(len(data[0]), clock.walls, clock.cpus, plan=plan.to_dict())


def bare_limit(network: str, ref: dict, epochs: int, seed: int = 42) -> dict[str, Any]:
    """The model's own compute limit: the network without preprocessing layers, `fit` on float32
    arrays in memory, batch 32, no callbacks, no validation.

    Each epoch is its own `fit(epochs=1)` call, timed around it (the compiled step is kept
    between calls), so no callback runs at all.
    """
    import keras

    from cnnapp.config import TrainConfig
    from cnnapp.nets.build import build_model
    from cnnapp.nets.presets import get_preset
    from cnnapp.training import initial_weights, make_optimizer

    config = TrainConfig(epochs=epochs, seed=seed)
    dataset, (x_train, y_train, _, _) = _load(ref, config.validation_split)
    spec = get_preset(network)
    x = x_train.astype("float32") / 255  # normalised beforehand: no layer does it in the model
    keras.utils.set_random_seed(seed)
    model = build_model(spec, dataset.input_shape, dataset.num_classes)
    for name, weights in initial_weights(
        spec, dataset.input_shape, dataset.num_classes, seed
    ).items():
        model.get_layer(name).set_weights(weights)
    model.compile(
        optimizer=make_optimizer(config),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    timer, walls, cpus = Timer(), [], []
    for _ in range(epochs):
        model.fit(x, y_train, batch_size=config.batch_size, epochs=1, shuffle=True, verbose=0)
        walls.append(timer.wall())
        cpus.append(timer.cpu())
    return _result(len(x), walls, cpus)
