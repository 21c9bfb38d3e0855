"""The only TensorFlow-specific code: GPU discovery and memory growth.

Everything else in cnnapp uses the `keras` API and also runs under KERAS_BACKEND=jax.
"""

from __future__ import annotations


def configure_gpus() -> list[str]:
    """Turns on memory growth for every visible GPU (so jobs share one) and returns their names."""
    import tensorflow as tf

    names = []
    for gpu in tf.config.list_physical_devices("GPU"):
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError:  # already initialised: growth was set by the environment variable
            pass
        details = tf.config.experimental.get_device_details(gpu)
        names.append(details.get("device_name", gpu.name))
    return names


# --- Grad-CAM ---------------------------------------------------------------------------------


def grad_cam(forward, images: np.ndarray, class_index: int | None = None):
    """Grad-CAM's class activation map, with TensorFlow's gradient tape.

    Args:
        forward: `forward(x) -> (activations (1, h, w, channels), logits (1, classes))`
            (`cnnapp.explain` builds it from a model).
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
