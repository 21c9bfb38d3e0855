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
