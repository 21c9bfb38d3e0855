"""The registered Keras layer a saved model with a "whitening" layer holds (imports Keras).

`Whitening` is a convolution without bias whose kernel is a non-trainable weight, saved with the
model, so a saved run loads (`safe_mode=True`) and classifies with the kernel computed when it
was trained (`cnnapp.nets.whitening.fit_whitening`). `cnnapp.nets.whitening` (which does not
import Keras) imports it when a model is built, and `RunStore.load_model` before a model is loaded.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops


def whitening_channels(kernel_size, channels: int) -> int:
    """Twice the values of one patch (`cnnapp.nets.whitening.whitening_channels`, which this
    module cannot import: that one imports this)."""
    kh, kw = kernel_size
    return 2 * kh * kw * channels


@keras.saving.register_keras_serializable(package="cnnapp")
class Whitening(keras.layers.Layer):
    """A frozen `kernel_size` convolution ("valid", stride 1, no bias) that whitens patches.

    Args:
        kernel_size: `(kh, kw)` patch size.
        epsilon: added to each eigenvalue when the kernel is computed.
    """

    def __init__(self, kernel_size=(2, 2), epsilon: float = 5e-4, **kwargs):
        super().__init__(**kwargs)
        self.kernel_size = tuple(int(n) for n in kernel_size)
        self.epsilon = float(epsilon)
        self.trainable = False  # computed from the data, never learned

    def build(self, input_shape):
        channels = int(input_shape[-1])
        filters = whitening_channels(self.kernel_size, channels)
        self.kernel = self.add_weight(
            name="kernel",
            shape=(*self.kernel_size, channels, filters),
            initializer="glorot_uniform",
            trainable=False,
        )

    def set_kernel(self, kernel: np.ndarray) -> None:
        """Replaces the kernel (`(kh, kw, channels, filters)`, see `whitening_kernel`)."""
        self.kernel.assign(np.asarray(kernel, dtype=self.kernel.dtype))

    def call(self, inputs):
        kernel = ops.cast(self.kernel, inputs.dtype)
        return ops.conv(inputs, kernel, strides=1, padding="valid")

    def compute_output_shape(self, input_shape):
        kh, kw = self.kernel_size
        height = None if input_shape[1] is None else input_shape[1] - kh + 1
        width = None if input_shape[2] is None else input_shape[2] - kw + 1
        channels = whitening_channels(self.kernel_size, int(input_shape[-1]))
        return (input_shape[0], height, width, channels)

    def get_config(self):
        return {
            **super().get_config(),
            "kernel_size": list(self.kernel_size),
            "epsilon": self.epsilon,
        }
