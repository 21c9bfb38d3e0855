"""fit_normalization: per-channel mean and variance of images scaled to [0, 1]."""

import numpy as np
import pytest

from cnnapp.data.preprocessing import fit_normalization


@pytest.mark.parametrize("chunk", [7, 4096])
def test_uint8_images_give_numpys_mean_and_variance_exactly(chunk):
    images = np.random.default_rng(3).integers(0, 256, (50, 6, 5, 3), dtype=np.uint8)
    images[:, 0, 0, 2] = 255  # a channel with extreme values too
    mean, variance = fit_normalization(images, chunk=chunk)
    scaled = images.astype(np.float64) / 255.0
    np.testing.assert_allclose(mean, scaled.mean(axis=(0, 1, 2)), rtol=1e-12)
    np.testing.assert_allclose(variance, scaled.var(axis=(0, 1, 2)), rtol=1e-10)


def test_float_and_uint8_copies_of_the_same_images_agree():
    images = np.random.default_rng(4).integers(0, 256, (20, 4, 4, 1), dtype=np.uint8)
    np.testing.assert_allclose(
        fit_normalization(images), fit_normalization(images.astype(np.float32)), rtol=1e-9
    )


def test_no_images_is_an_error_that_says_so():
    with pytest.raises(ValueError, match="0 images"):
        fit_normalization(np.zeros((0, 4, 4, 3), np.uint8))
