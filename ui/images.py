"""Images shown at a size a student can see: small ones enlarged (sharp), large ones reduced."""

from __future__ import annotations

import numpy as np


def enlarge(image: np.ndarray, factor: int) -> np.ndarray:
    """Nearest-neighbour enlargement, so 32×32 images are visible (and stay sharp)."""
    return np.repeat(np.repeat(image, factor, axis=0), factor, axis=1)


def thumbnail(image: np.ndarray, size: int) -> np.ndarray:
    """A square image at about `size` pixels: small ones enlarged, large ones reduced."""
    if image.shape[0] <= size:
        return enlarge(image, max(1, size // image.shape[0]))
    from PIL import Image

    return np.asarray(Image.fromarray(image).resize((size, size), Image.Resampling.BILINEAR))
