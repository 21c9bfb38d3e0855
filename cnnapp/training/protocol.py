"""The assignment's protocol (`TrainConfig.protocol="assignment"`): its choices, one run at a time.

This project differs from the assignment on purpose in four places (README, "Where we differ from
the assignment, on purpose"). Under `protocol="assignment"` a run repeats each as the assignment's
Keras 2 code did it:

1. Normalisation statistics come from ALL the training images, validation part included
   (`datagen.fit(x_train)`): `normalization_images`.
2. Validation images are augmented like the training images (they came from the same augmenting
   `ImageDataGenerator(validation_split=0.1)`): `validation_batches` here, and the `tf.data`
   pipeline of `cnnapp.training.plan.fit_data`. The network still validates in inference mode
   (dropout off, batch norm on its moving statistics), as `fit_generator` did; early stopping
   then watches this augmented validation accuracy. Train and test accuracy are scored in
   inference mode on unaugmented images under both protocols.
3. A fine-tuned backbone's batch normalisation trains (its moving statistics follow the birds'
   batches): `cnnapp.nets.build.build_model(protocol=...)` sets `Backbone.train_batch_norm`.
4. With a backbone, normalisation subtracts the raw 0-255 images' mean and divides by their
   standard deviation after `preprocess_input`: `cnnapp.nets.backbone_catalog.raw_statistics`.

Importing this module does not import Keras.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from cnnapp.config import TrainConfig

ASSIGNMENT = "assignment"


def is_assignment(config: TrainConfig) -> bool:
    """True when the run follows the assignment's protocol."""
    return config.protocol == ASSIGNMENT


def normalization_images(x_all: np.ndarray, x_train: np.ndarray, config: TrainConfig) -> np.ndarray:
    """The images the normalisation is fitted on: the training part, or all of `x_train`.

    Args:
        x_all: every training image, validation part included.
        x_train: the training part (the validation part split off).
        config: the run's settings (its `protocol`).
    """
    return x_all if is_assignment(config) else x_train


def validation_batches(layers: Sequence, x: np.ndarray, y: np.ndarray, batch_size: int, seed: int):
    """Validation batches augmented afresh on every pass, for a model that augments itself.

    Each batch goes through `layers` (the model's leading layers: `Rescaling(1/255)` and its
    random layers) with `training=True`, and is scaled back to 0-255: the model's own rescaling
    then sees what it expects, and its random layers pass the images through in inference mode.
    Works on every Keras backend (a `keras.utils.PyDataset`).

    Args:
        layers: fresh copies of the model's leading layers, the first a `Rescaling`.
        x: uint8 validation images `(n, height, width, channels)`.
        y: their labels `(n,)`.
        batch_size: images per batch.
        seed: seeds the random layers' draws (given to each copy).

    Returns:
        A `keras.utils.PyDataset` of `(images, labels)` batches (float32 0-255 images).

    Raises:
        ValueError: if the first layer is not a `Rescaling` layer.
    """
    if not layers or type(layers[0]).__name__ != "Rescaling":
        raise ValueError(
            "validation_batches needs the model's leading layers, starting with its Rescaling "
            f"layer; got {[type(layer).__name__ for layer in layers]}."
        )
    return _batches_class()(list(layers), x, y, batch_size, seed)


@functools.cache
def _batches_class():
    """The `PyDataset` subclass (defined on first use, so importing this module needs no Keras)."""
    import keras

    class AugmentedValidation(keras.utils.PyDataset):
        def __init__(self, layers, x, y, batch_size, seed):
            super().__init__()
            self.layers = [_float32_copy(layer, seed) for layer in layers]
            self.scale = float(layers[0].scale)
            self.x, self.y, self.batch_size = x, y, int(batch_size)

        def __len__(self):
            return -(-len(self.x) // self.batch_size)

        def __getitem__(self, index):
            part = slice(index * self.batch_size, (index + 1) * self.batch_size)
            images = keras.ops.convert_to_tensor(self.x[part].astype("float32"))
            for layer in self.layers:
                images = layer(images, training=True)
            images = keras.ops.convert_to_numpy(images) / self.scale
            return images.astype("float32"), self.y[part]

    return AugmentedValidation


def _float32_copy(layer, seed: int):
    """A fresh float32 copy of a preprocessing layer (its random draws seeded with `seed`)."""
    config = {**layer.get_config(), "dtype": "float32"}
    if "seed" in config:
        config["seed"] = seed
    return type(layer).from_config(config)
