"""The only TensorFlow-specific code: GPU memory caps or growth, the `tf.data` input pipeline, and fast
training stand-ins for two Keras layers.

Everything else in cnnapp uses the `keras` API and also runs under KERAS_BACKEND=jax; the callers
(`cnnapp.training.plan`) fall back to plain Keras when the backend is not TensorFlow. This module is only
imported on the TensorFlow backend, so it imports TensorFlow at the top.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf


def configure_gpus(memory_mb: int | None = None) -> list[str]:
    """Caps or shares the visible GPUs' memory, once per process, and returns their names.

    With a cap (the job slot's share, which the worker passes before the job starts) each GPU
    becomes one logical device of that size, so the job cannot take the memory of the others
    sharing it; without one, memory growth (jobs take what they use). Once the runtime is set up
    (or capped), later calls change nothing.

    Args:
        memory_mb: the job's share of each GPU in MB; None for memory growth.

    Returns:
        The GPU names.
    """
    gpus = tf.config.list_physical_devices("GPU")
    cap_memory(tf.config, gpus, memory_mb)
    details = tf.config.experimental.get_device_details
    return [details(gpu).get("device_name", gpu.name) for gpu in gpus]


def cap_memory(config, gpus: Sequence, memory_mb: int | None) -> str:
    """Gives each GPU one logical device of `memory_mb` MB, or memory growth when None.

    Args:
        config: `tf.config` (tests pass a stand-in with the same methods).
        gpus: its physical GPU devices.
        memory_mb: the cap in MB, None for memory growth.

    Returns:
        "capped", "growth", "none" (no GPU), or "already" when the runtime was set up before.
    """
    done = "growth" if gpus else "none"
    for gpu in gpus:
        try:
            if memory_mb is None:
                config.experimental.set_memory_growth(gpu, True)
            elif config.get_logical_device_configuration(gpu):
                done = "already"  # configured earlier in this process (e.g. by the worker)
            else:
                limit = config.LogicalDeviceConfiguration(memory_limit=int(memory_mb))
                config.set_logical_device_configuration(gpu, [limit])
                done = "capped"
        except (RuntimeError, ValueError):  # already initialised: nothing can change now
            done = "already"
    return done


def gpu_supports_bfloat16() -> bool:
    """True when the first GPU computes bfloat16 natively (compute capability 8.0 or newer)."""
    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return False
    capability = tf.config.experimental.get_device_details(gpus[0]).get("compute_capability")
    return bool(capability) and tuple(capability) >= (8, 0)


# --- The input pipeline -----------------------------------------------------------------------


def _apply(layers: Sequence, images, training: bool):
    """Runs images (uint8 in the dataset) through `layers` as float32, as the model's first layers."""
    x = tf.cast(images, tf.float32)
    for layer in layers:
        x = layer(x, training=training)
    return x


def _interpolation(zoom, size: int):
    """Per image, the `(size, size)` matrix of linear interpolation weights of a centred zoom.

    Output pixel i samples the input at `(i - c) * zoom + c` (c the centre), clamped to the image
    (Keras's `fill_mode="nearest"`), between its two neighbouring pixels.
    """
    centre = (size - 1) / 2.0
    source = (tf.range(size, dtype=tf.float32)[None, :] - centre) * zoom[:, None] + centre
    source = tf.clip_by_value(source, 0.0, size - 1.0)
    low = tf.floor(source)
    weight = (source - low)[..., None]
    low = tf.cast(low, tf.int32)
    high = tf.minimum(low + 1, size - 1)
    return tf.one_hot(low, size) * (1.0 - weight) + tf.one_hot(high, size) * weight


def flip_zoom(images, seed, flip: bool, zoom: float):
    """Random horizontal flips and zooms of a float batch `(b, h, w, c)`, as two matrix products.

    The same random transformation as Keras's `RandomFlip("horizontal")` then
    `RandomZoom((-zoom, zoom), (-zoom, zoom), fill_mode="nearest")` (bilinear): each image flipped
    with probability 1/2, zoomed by independent factors in [1 - zoom, 1 + zoom] along each axis.
    An axis-aligned zoom is separable, so `rows @ image @ columns.T` applies it (and the flip,
    folded into the column matrix) with two small batched matrix products, instead of a
    per-pixel gather: a tenth of the cost on a CPU.

    Args:
        images: float32 `(batch, height, width, channels)`.
        seed: int64 `(2,)`, for the stateless random draws (reproducible, parallel-safe).
        flip: flip horizontally at random.
        zoom: the zoom range (0 for none).
    """
    count, height, width = tf.shape(images)[0], images.shape[1], images.shape[2]
    draws = tf.random.stateless_uniform([3, count], seed=seed)
    zoom_y = 1.0 + zoom * (2.0 * draws[0] - 1.0)
    zoom_x = 1.0 + zoom * (2.0 * draws[1] - 1.0)
    rows, columns = _interpolation(zoom_y, height), _interpolation(zoom_x, width)
    if flip:
        columns = tf.where((draws[2] < 0.5)[:, None, None], tf.reverse(columns, [1]), columns)
    return tf.einsum("bij,bjkc,blk->bilc", rows, images, columns)


def _fast_augmentation(layers: Sequence):
    """`(scale, flip, zoom)` when `layers` are only rescaling, a horizontal flip and a centred,
    symmetric bilinear zoom with nearest fill (the assignment's augmentation), else None."""
    scale, flip, zoom = 1.0, False, 0.0
    for layer in layers:
        name = type(layer).__name__
        if name == "Rescaling" and not layer.offset and zoom == 0 and not flip:
            scale = float(layer.scale)
        elif name == "RandomFlip" and layer.mode == "horizontal" and not flip and zoom == 0:
            flip = True
        elif name == "RandomZoom" and _symmetric_zoom(layer) and zoom == 0:
            zoom = float(layer.height_factor[1])
        else:
            return None
    return scale, flip, zoom


def _symmetric_zoom(layer) -> bool:
    low, high = layer.height_factor
    return (
        layer.width_factor is not None
        and tuple(layer.width_factor) == (low, high)
        and low == -high
        and layer.fill_mode == "nearest"
        and layer.interpolation == "bilinear"
    )


def image_dataset(
    x: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    layers: Sequence = (),
    training: bool = False,
    seed: int | None = None,
) -> tf.data.Dataset:
    """Batches of `(images, labels)` with `layers` applied, prepared while the model trains.

    The images stay uint8 in memory; a batch is gathered by index (one op per batch, not per image),
    cast to float32 and passed through `layers` (the model's leading preprocessing layers: with
    `training=True` the random ones augment). Batches are prefetched, so this work overlaps training.
    The assignment's flip and zoom run as `flip_zoom`, with one random seed per batch.

    Args:
        x: uint8 images `(n, height, width, channels)`.
        y: labels `(n,)`.
        batch_size: images per batch (the last batch may be smaller).
        layers: Keras layers to apply to each batch, in order.
        training: shuffle every epoch (with `seed`) and augment; else keep order, no augmentation.
        seed: seeds the shuffling and the augmentation.

    Returns:
        A `tf.data.Dataset` of one epoch, reshuffled every time it is iterated.
    """
    images = tf.constant(x)
    labels = tf.constant(y)
    indices = tf.data.Dataset.range(len(x))
    if training:
        indices = indices.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    batches = indices.batch(batch_size)
    fast = _fast_augmentation(layers) if training else None
    if fast is not None:
        scale, flip, zoom = fast
        seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)

        @tf.autograph.experimental.do_not_convert  # plain ops: converting costs ~1 s per job
        def augment(i, batch_seed):
            batch = tf.cast(tf.gather(images, i), tf.float32) * scale
            return flip_zoom(batch, batch_seed, flip, zoom), tf.gather(labels, i)

        batches = tf.data.Dataset.zip(batches, seeds).map(
            augment, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True
        )
    else:
        # Keras's random layers draw from their own state: one map at a time keeps it reproducible.
        @tf.autograph.experimental.do_not_convert  # a Python loop over layers: nothing to convert
        def apply(i):
            return _apply(layers, tf.gather(images, i), training), tf.gather(labels, i)

        batches = batches.map(apply)
    return batches.prefetch(tf.data.AUTOTUNE)


# --- Fast training stand-ins ------------------------------------------------------------------


class FusedBatchNorm(keras.layers.Layer):
    """Trains a Keras `BatchNormalization` layer with TensorFlow's fused kernel.

    Keras 3 computes batch normalisation from separate moments and arithmetic (about 3× slower on a
    CPU); this computes the same function with one fused op and its fused gradient, and updates
    the wrapped layer's own variables, so the saved model is the untouched Keras layer.

    Args:
        layer: a built `keras.layers.BatchNormalization` (see `fast_layer` for which qualify).
    """

    def __init__(self, layer: keras.layers.BatchNormalization, **kwargs):
        super().__init__(name=f"{layer.name}_fused", dtype=layer.dtype_policy, **kwargs)
        self.layer = layer

    def call(self, inputs, training=None, mask=None):
        bn = self.layer
        shape = tf.shape(inputs)
        x = inputs if inputs.shape.rank == 4 else tf.reshape(inputs, [-1, 1, 1, shape[-1]])
        channels = bn.moving_mean.shape[0]
        gamma = bn.gamma.value if bn.scale else tf.ones([channels])
        beta = bn.beta.value if bn.center else tf.zeros([channels])
        if training and bn.trainable:
            y, mean, variance = tf.compat.v1.nn.fused_batch_norm(
                x, gamma, beta, epsilon=bn.epsilon, is_training=True
            )
            # The fused op returns the unbiased variance; Keras keeps the biased one.
            count = tf.cast(tf.size(x) // channels, tf.float32)
            variance = variance * (count - 1.0) / tf.maximum(count, 1.0)
            momentum = bn.momentum
            bn.moving_mean.assign(bn.moving_mean * momentum + mean * (1.0 - momentum))
            bn.moving_variance.assign(bn.moving_variance * momentum + variance * (1.0 - momentum))
        else:
            y, _, _ = tf.compat.v1.nn.fused_batch_norm(
                x,
                gamma,
                beta,
                mean=bn.moving_mean.value,
                variance=bn.moving_variance.value,
                epsilon=bn.epsilon,
                is_training=False,
            )
        return y if inputs.shape.rank == 4 else tf.reshape(y, shape)

    def compute_output_shape(self, input_shape):
        return input_shape


class ByteDropout(keras.layers.Layer):
    """Trains a Keras `Dropout` layer with a cheaper random mask: one random byte per value.

    Keras draws a float32 uniform per value; a byte is a quarter of the random bits, which is most
    of dropout's cost on a CPU. The keep probability is `1 - round(rate * 256) / 256` (exact for the
    usual 0.25 and 0.5) and kept values are scaled by its inverse, so the expected output is the
    input. Inference passes values through, as Keras's `Dropout`.

    Args:
        layer: a `keras.layers.Dropout` without `noise_shape`.
    """

    def __init__(self, layer: keras.layers.Dropout, **kwargs):
        super().__init__(name=f"{layer.name}_bytes", dtype=layer.dtype_policy, **kwargs)
        self.layer = layer
        self.threshold = min(255, round(layer.rate * 256))

    def call(self, inputs, training=None, mask=None):
        if not training or self.threshold == 0:
            return inputs
        size = tf.size(inputs)
        seed = tf.cast(self.layer.seed_generator.next(), tf.int64)
        words = tf.random.stateless_uniform(
            [(size + 3) // 4], seed=seed, minval=None, maxval=None, dtype=tf.uint32
        )
        random_bytes = tf.reshape(tf.bitcast(words, tf.uint8), [-1])[:size]
        keep = tf.reshape(random_bytes >= self.threshold, tf.shape(inputs))
        scale = tf.cast(256.0 / (256 - self.threshold), inputs.dtype)
        return tf.where(keep, inputs * scale, tf.zeros_like(inputs))

    def compute_output_shape(self, input_shape):
        return input_shape


def fast_layer(layer):
    """A fast training stand-in for `layer` that shares its variables, or `layer` itself.

    Only plain layers qualify: BatchNormalization on the last axis without renorm, synchronisation
    or regularizers; Dropout without `noise_shape`.
    """
    if isinstance(layer, keras.layers.BatchNormalization):
        try:
            rank = len(layer.input.shape)
        except (AttributeError, ValueError):  # not called yet, or called on several inputs
            return layer
        plain = (
            rank in (2, 4)
            and layer.axis in (-1, rank - 1)
            and not layer.renorm
            and not layer.synchronized
            and layer.gamma_regularizer is None
            and layer.beta_regularizer is None
        )
        return FusedBatchNorm(layer) if plain else layer
    if isinstance(layer, keras.layers.Dropout) and layer.noise_shape is None:
        return ByteDropout(layer)
    return layer


# --- Grad-CAM ---------------------------------------------------------------------------------


def grad_cam(forward, images: np.ndarray, class_index: int | None = None):
    """Grad-CAM's class activation map, with TensorFlow's gradient tape.

    Args:
        forward: `forward(x) -> (activations (1, h, w, channels), logits (1, classes))`
            (`cnnapp.inspect.explain` builds it from a model).
        images: a batch of one raw image, float32 `(1, height, width, 3)`.
        class_index: the class to explain; the most probable one when `None`.

    Returns:
        `(cam, probabilities, class_index)`: `cam` float32 `(h, w)` in [0, 1] (ReLU of the
        channels weighted by their mean gradient, divided by its peak), `probabilities`
        `(classes,)`.
    """
    import numpy as np
    import tensorflow as tf

    x = tf.convert_to_tensor(images, dtype=tf.float32)
    with tf.GradientTape() as tape:
        activations, logits = forward(x)
        probabilities = tf.nn.softmax(logits)[0]
        index = int(tf.argmax(probabilities)) if class_index is None else int(class_index)
        score = logits[0, index]
    gradients = tape.gradient(score, activations)
    weights = tf.reduce_mean(gradients, axis=(1, 2))  # one weight per channel
    cam = tf.nn.relu(tf.reduce_sum(activations * weights[:, tf.newaxis, tf.newaxis, :], axis=-1))
    cam = cam[0].numpy().astype(np.float32)
    peak = float(cam.max())
    return (cam / peak if peak > 0 else cam), probabilities.numpy(), index
