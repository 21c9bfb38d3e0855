"""The assignment's section 3.5 in plain Keras 3: a check on CNN Lab's engine.

MiRed + BatchNormalization V3 (the assignment's table 8) trained as section 3.5 did: featurewise
normalisation, random horizontal flip and zoom 0.2, SGD(lr 0.01, momentum 0.9, Nesterov, decay
1e-6) with batch 32, early stopping on validation accuracy (patience 4, best weights restored), at
most 40 epochs, the FIRST 10 % of the training images validating. It imports nothing from `cnnapp`:
its data reading, preprocessing and augmentation are its own (Pillow and `tf.data`), so it can
check the engine's results (`bench/section35.py` runs both on the same images).

Usage:
    python bench/assignment35.py --train ../shared/data/cifar10-train.zip \
        --test ../shared/data/cifar10-test.zip [--images 10000] [--epochs 40]

A dataset is a folder or `.zip` of class folders: an image's class is the name of the folder it
sits in (`train/cat/0001.jpg` is a "cat"). The test set is used for the final figure only. The last
line printed is `assignment35 test_accuracy=X.XXX epochs=N seconds=Y` (seconds: the whole script).

Where it departs from the assignment's Keras 2 code (`--protocol ours`, the default, the same as the
engine's default `TrainConfig.protocol`): the normalisation is fitted on the training part only and
validation images are not augmented. `--protocol assignment` fits it on all training images and
augments validation images, as `ImageDataGenerator(validation_split=0.1).flow(subset=...)` did.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")  # the augmentation runs in tf.data

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp")
PROTOCOLS = ("ours", "assignment")

# The recipe (sections 2 and 3.5 of the assignment)
LEARNING_RATE, MOMENTUM, DECAY = 0.01, 0.9, 1e-6
BATCH_SIZE = 32
EPOCHS = 40
PATIENCE = 4
VALIDATION_SPLIT = 0.1
ZOOM_RANGE = 0.2


# Reading a dataset of class folders ---------------------------------------------------------------


def list_images(path: Path) -> list[tuple[str, str]]:
    """`(class name, member)` of every image under a folder or inside a `.zip`, sorted.

    Raises:
        ValueError: if `path` does not exist or holds no images in class folders.
    """
    if path.is_dir():
        members = [str(p.relative_to(path)) for p in path.rglob("*") if p.is_file()]
    elif path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [i.filename for i in archive.infolist() if not i.is_dir()]
    else:
        raise ValueError(f"{path} is neither a folder nor a .zip file; give a folder or .zip of "
                         "class folders (e.g. train/cat/0001.jpg).")  # fmt: skip
    found = []
    for member in members:
        parts = Path(member).parts
        if len(parts) >= 2 and member.lower().endswith(IMAGE_SUFFIXES):
            found.append((parts[-2], member))
    if len({name for name, _ in found}) < 2:
        raise ValueError(
            f"{path} holds images in {len({n for n, _ in found})} class folder(s); expected at "
            "least two class folders with images inside (e.g. cat/0001.jpg, dog/0001.jpg)."
        )
    return sorted(found)


def balanced(items: list[tuple[str, str]], images: int | None) -> list[tuple[str, str]]:
    """At most `images` items, classes taking turns (each class's first file, then its second)."""
    if images is None or images >= len(items):
        return list(items)
    by_class: dict[str, list] = {}
    for item in items:
        by_class.setdefault(item[0], []).append(item)
    turns = [group[i] for i in range(max(map(len, by_class.values())))
             for group in by_class.values() if i < len(group)]  # fmt: skip
    return sorted(turns[:images])


def read_images(path: Path, items: list[tuple[str, str]], size: int) -> np.ndarray:
    """The images as one uint8 array `(n, size, size, 3)`: RGB, resized to size × size."""

    def decode(blob: bytes) -> np.ndarray:
        with Image.open(io.BytesIO(blob)) as image:
            image = image.convert("RGB")
            if image.size != (size, size):
                image = image.resize((size, size), Image.BILINEAR)
            return np.asarray(image, dtype=np.uint8)

    out = np.empty((len(items), size, size, 3), dtype=np.uint8)
    if path.is_dir():
        for i, (_, member) in enumerate(items):
            out[i] = decode((path / member).read_bytes())
    else:
        with zipfile.ZipFile(path) as archive:
            for i, (_, member) in enumerate(items):
                out[i] = decode(archive.read(member))
    return out


def load(train: Path, test: Path, images: int | None, size: int, seed: int):
    """`(x_train, y_train, x_test, y_test, class_names)`, the training images in a mixed order."""
    train_items = balanced(list_images(train), images)
    test_items = list_images(test)
    class_names = sorted({name for name, _ in train_items})
    if sorted({name for name, _ in test_items}) != class_names:
        raise ValueError(
            f"The test set {test} has class folders {sorted({n for n, _ in test_items})}, the "
            f"training set {class_names}; both need the same class folders."
        )
    # A folder lists its images class by class: mix them, so the first 10 % hold every class
    # (the assignment's CIFAR arrays came mixed).
    order = np.random.default_rng(seed).permutation(len(train_items))
    train_items = [train_items[i] for i in order]
    index = {name: i for i, name in enumerate(class_names)}
    labels = [np.array([index[n] for n, _ in items], dtype=np.int64)
              for items in (train_items, test_items)]  # fmt: skip
    x_train, x_test = read_images(train, train_items, size), read_images(test, test_items, size)
    return x_train, labels[0], x_test, labels[1], class_names


# The network: MiRed + BatchNormalization V3 (table 8) ---------------------------------------------


def make_model(input_shape: tuple[int, int, int], num_classes: int):
    """MiRed+BN V3: batch normalisation before every ReLU, the dense layers' included."""
    import keras
    from keras import layers

    def conv_block(filters: int) -> list:
        return [layers.Conv2D(filters, 3), layers.BatchNormalization(), layers.Activation("relu")]

    def dense_block(units: int) -> list:
        return [layers.Dense(units), layers.BatchNormalization(), layers.Activation("relu")]

    return keras.Sequential(
        [
            keras.Input(input_shape),
            *conv_block(32),
            layers.Dropout(0.25),
            *conv_block(64),
            layers.MaxPooling2D(2),
            *conv_block(64),
            layers.Dropout(0.25),
            *conv_block(128),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            *dense_block(512),
            layers.Dropout(0.5),
            *dense_block(256),
            layers.Dropout(0.5),
            layers.Dense(num_classes, activation="softmax"),
        ],
        name="mired_bn_v3",
    )


# Preprocessing: ImageDataGenerator's featurewise normalisation, flip and zoom, in tf.data --------


def featurewise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and standard deviation of images scaled to [0, 1]."""
    x = x.astype(np.float64) / 255.0
    return x.mean(axis=(0, 1, 2)), x.std(axis=(0, 1, 2))


def flip_and_zoom(images, zoom: float):
    """A batch `(n, h, w, 3)` flipped left-right with probability 1/2 and zoomed as
    `ImageDataGenerator(zoom_range=zoom)`: x and y scales drawn independently from
    [1 - zoom, 1 + zoom] (above 1 zooms out), bilinear, edges filled with the nearest pixel."""
    import tensorflow as tf

    n, height, width = tf.shape(images)[0], tf.shape(images)[1], tf.shape(images)[2]
    flip = tf.random.uniform([n, 1, 1, 1]) < 0.5
    images = tf.where(flip, tf.reverse(images, axis=[2]), images)
    if not zoom:
        return images
    scale_x = tf.random.uniform([n], 1.0 - zoom, 1.0 + zoom)
    scale_y = tf.random.uniform([n], 1.0 - zoom, 1.0 + zoom)
    center_x = (tf.cast(width, tf.float32) - 1.0) / 2.0
    center_y = (tf.cast(height, tf.float32) - 1.0) / 2.0
    zeros = tf.zeros([n])
    # Each output pixel (x, y) samples the input at (sx (x - cx) + cx, sy (y - cy) + cy).
    transforms = tf.stack(
        [scale_x, zeros, center_x * (1 - scale_x), zeros, scale_y, center_y * (1 - scale_y),
         zeros, zeros],
        axis=1,
    )  # fmt: skip
    return tf.raw_ops.ImageProjectiveTransformV3(
        images=images,
        transforms=transforms,
        output_shape=tf.stack([height, width]),
        fill_value=0.0,
        interpolation="BILINEAR",
        fill_mode="NEAREST",
    )


def pipeline(x, y, mean, std, augment: bool, shuffle: bool, seed: int):
    """Batches of `(normalised images, labels)`: scaled to [0, 1], augmented if asked, then
    normalised (ImageDataGenerator applies the random transform before standardising)."""
    import tensorflow as tf

    mean32, std32 = tf.constant(mean, tf.float32), tf.constant(std + 1e-6, tf.float32)

    def prepare(images, labels):
        images = tf.cast(images, tf.float32) / 255.0
        if augment:
            images = flip_and_zoom(images, ZOOM_RANGE)
        return (images - mean32) / std32, labels

    data = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        data = data.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    data = data.batch(BATCH_SIZE).map(prepare, num_parallel_calls=tf.data.AUTOTUNE)
    return data.prefetch(tf.data.AUTOTUNE)


# Training -----------------------------------------------------------------------------------------


def train(args) -> dict:
    """Trains and tests the recipe; returns the figures."""
    import keras

    keras.utils.set_random_seed(args.seed)
    x, y, x_test, y_test, class_names = load(args.train, args.test, args.images, args.size,
                                             args.seed)  # fmt: skip
    n_val = int(len(x) * VALIDATION_SPLIT)  # the FIRST 10 % validate, as ImageDataGenerator did
    x_val, y_val, x_train, y_train = x[:n_val], y[:n_val], x[n_val:], y[n_val:]
    mean, std = featurewise(x if args.protocol == "assignment" else x_train)
    print(f"{len(x_train):,} training, {len(x_val):,} validation and {len(x_test):,} test images "
          f"in {len(class_names)} classes; protocol {args.protocol}", flush=True)  # fmt: skip

    model = make_model(x.shape[1:], len(class_names))
    print(f"MiRed+BN V3: {model.count_params():,} parameters", flush=True)
    # Keras 2's SGD(decay=1e-6) used lr / (1 + 1e-6 * iterations): an InverseTimeDecay.
    schedule = keras.optimizers.schedules.InverseTimeDecay(LEARNING_RATE, 1, DECAY)
    model.compile(
        optimizer=keras.optimizers.SGD(schedule, momentum=MOMENTUM, nesterov=True),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    stop = keras.callbacks.EarlyStopping(
        monitor="val_accuracy", mode="max", patience=PATIENCE, restore_best_weights=True
    )
    started = time.perf_counter()
    history = model.fit(
        pipeline(x_train, y_train, mean, std, augment=True, shuffle=True, seed=args.seed),
        validation_data=pipeline(x_val, y_val, mean, std, args.protocol == "assignment", False, 0),
        epochs=args.epochs,
        callbacks=[stop],
        shuffle=False,  # the pipeline reshuffles every epoch itself
        verbose=2,
    )
    fit_s = time.perf_counter() - started
    test = pipeline(x_test, y_test, mean, std, augment=False, shuffle=False, seed=0)
    _, test_accuracy = model.evaluate(test, verbose=0)
    return {
        "test_accuracy": float(test_accuracy),
        "epochs": len(history.history["loss"]),
        "best_epoch": int(stop.best_epoch) + 1,
        "early_stopped": bool(stop.stopped_epoch),
        "fit_s": fit_s,
    }


def parse(argv: list[str] | None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--train", type=Path, required=True, help="folder/.zip of class folders")
    parser.add_argument("--test", type=Path, required=True, help="the test images (final figure)")
    parser.add_argument("--images", type=int, help="a class-balanced subset of the training images")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help=f"at most (default {EPOCHS})")
    parser.add_argument("--size", type=int, default=32, help="images are resized to this")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--protocol", choices=PROTOCOLS, default="ours")
    args = parser.parse_args(argv)
    for name, low in (("images", 20), ("epochs", 1), ("size", 8)):
        value = getattr(args, name)
        if value is not None and value < low:
            parser.error(f"--{name} must be at least {low}, got {value}.")
    return args


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    args = parse(argv)
    try:
        result = train(args)
    except ValueError as error:
        print(f"assignment35: {error}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started
    stopped = f" (early stop, best epoch {result['best_epoch']})" if result["early_stopped"] else ""
    print(f"test accuracy {result['test_accuracy']:.4f}")
    print(f"epochs run {result['epochs']} of {args.epochs}{stopped}")
    print(f"wall time {seconds:.0f} s (training {result['fit_s']:.0f} s)")
    print(f"assignment35 test_accuracy={result['test_accuracy']:.3f} epochs={result['epochs']} "
          f"seconds={seconds:.0f}", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
