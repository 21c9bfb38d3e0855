"""The "whitening" layer type: a frozen first convolution that whitens small image patches.

As in the fast CIFAR-10 training records (Keller Jordan's airbench), the kernel is not learned:
it is computed once, when training starts, from the training images' patches. Each
`kernel_size` patch (2×2×3 = 12 values) is projected on the eigenvectors of the patches'
covariance, each divided by the square root of its eigenvalue (plus `epsilon`), so the
projections of the training patches have covariance close to the identity; the negated filters
follow, so a GELU after it keeps both signs. `kernel_size`×`kernel_size`×channels×2 output
channels, no bias, nothing trainable.

Importing this module registers the type and imports no Keras; `fit_whitening` imports it.
"""

from __future__ import annotations

import numpy as np

from cnnapp.nets.registry import Field, LayerType, pair, register

WHITENING_IMAGES = 5000  # airbench computes the patch covariance on 5,000 training images


def whitening_channels(kernel_size, channels: int) -> int:
    """Output channels of a whitening layer: twice the values of one patch."""
    kh, kw = pair(kernel_size)
    return 2 * kh * kw * channels


def patch_covariance(images: np.ndarray, kernel_size, chunk: int = 256) -> np.ndarray:
    """The uncentred covariance of every `kernel_size` patch of `images` (as airbench).

    Args:
        images: float array `(n, height, width, channels)`, what the layer receives.
        kernel_size: the patch size, `2` or `[2, 2]`.
        chunk: images per step.

    Returns:
        `(k, k)` float64 matrix with `k = kh * kw * channels`, in the order of a Keras
        `Conv2D` kernel `(kh, kw, channels)`.

    Raises:
        ValueError: for no images, or images smaller than a patch.
    """
    kh, kw = pair(kernel_size)
    if images.ndim != 4 or len(images) == 0 or images.shape[1] < kh or images.shape[2] < kw:
        raise ValueError(
            f"Whitening needs images (n, height, width, channels) of at least {kh}×{kw} pixels, "
            f"got an array of shape {images.shape}; give it some training images."
        )
    k = kh * kw * images.shape[3]
    total, count = np.zeros((k, k)), 0
    for start in range(0, len(images), chunk):
        part = np.asarray(images[start : start + chunk], dtype=np.float64)
        windows = np.lib.stride_tricks.sliding_window_view(part, (kh, kw), axis=(1, 2))
        # (n, h', w', channels, kh, kw) -> rows in Conv2D's kernel order (kh, kw, channels)
        flat = windows.transpose(0, 1, 2, 4, 5, 3).reshape(-1, k)
        total += flat.T @ flat
        count += len(flat)
    return total / count


def whitening_kernel(images: np.ndarray, kernel_size, epsilon: float) -> np.ndarray:
    """The frozen kernel `(kh, kw, channels, 2 * kh * kw * channels)` for `images`' patches.

    The first half of the filters are the covariance's eigenvectors over the square root of
    their eigenvalues (plus `epsilon`); the second half, the same negated.
    """
    kh, kw = pair(kernel_size)
    covariance = patch_covariance(images, kernel_size)
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    scaled = eigenvectors / np.sqrt(np.maximum(eigenvalues, 0.0) + epsilon)
    kernel = np.concatenate([scaled, -scaled], axis=1)
    return kernel.reshape(kh, kw, images.shape[3], -1).astype(np.float32)


def fit_whitening(model, images: np.ndarray, limit: int = WHITENING_IMAGES) -> int:
    """Sets every whitening layer of `model` from the first `limit` of `images`.

    Each layer's kernel comes from what it receives from those images in inference mode (after
    the model's rescaling and normalisation, without augmentation).

    Args:
        model: a built Keras model.
        images: the training images, raw as the model takes them.
        limit: how many images the covariance is computed on.

    Returns:
        How many whitening layers were set.
    """
    import keras

    from cnnapp.nets.whitening_layer import Whitening

    layers = [layer for layer in model.layers if isinstance(layer, Whitening)]
    for layer in layers:
        # The layer's last node is this model's: in a float32 job the seeded network's own layers
        # go into the whole model, so `layer.input` would be the seeded network's tensor.
        before = keras.Model(model.inputs, layer._inbound_nodes[-1].input_tensors[0])
        received = before.predict(images[:limit], batch_size=256, verbose=0)
        layer.set_kernel(whitening_kernel(np.asarray(received), layer.kernel_size, layer.epsilon))
    return len(layers)


def _infer(spec: dict, shape: tuple, where) -> tuple[tuple, int, int]:
    from cnnapp.nets.layers import _infer_conv

    filters = whitening_channels(spec["kernel_size"], shape[2])
    conv = {**spec, "filters": filters, "strides": 1, "padding": "valid", "use_bias": False}
    out, params, _ = _infer_conv(conv, shape, where)
    return out, 0, params  # all frozen


def _make(spec: dict, name: str):
    from cnnapp.nets.whitening_layer import Whitening

    return Whitening(pair(spec["kernel_size"]), spec["epsilon"], name=name)


WHITENING_TYPE = register(
    LayerType(
        "whitening",
        "Whitening",
        (
            Field("kernel_size", "size", 2, 1, 8, help="patch size"),
            Field("epsilon", "float", 5e-4, 0.0, 1.0, help="added to each eigenvalue"),
        ),
        _infer,
        _make,
        spatial_only=True,
        description="A frozen convolution computed from the training patches: whitens them.",
    )
)
