"""A dataset drawn on the fly: coloured shapes and patterns, no download needed.

Six classes: circle, square, triangle, horizontal stripes, vertical stripes, checkerboard. Every
image has its own colours (a light shape on a darker, softly textured background), position, size,
tilt (up to about 20 degrees; patterns fill a random window) and pixel noise. BaseNet with the
assignment's SGD reaches about 30-55 % validation accuracy after 1 epoch, 60-80 % after 2 and
75-95 % after 5 (chance: 17 %), so there is room for better networks and augmentation.

By default 300 training and 60 test images per class (1,800 and 360), 32 × 32 RGB, generated in
a fraction of a second; the same seed always gives the same images. A process keeps the splits
it drew (a warm worker draws the default ones while it waits), and hands out copies.
"""

from __future__ import annotations

import functools

import numpy as np

CLASS_NAMES = [
    "circle",
    "square",
    "triangle",
    "horizontal stripes",
    "vertical stripes",
    "checkerboard",
]
TRAIN_PER_CLASS = 300
TEST_PER_CLASS = 60
SEED = 2024  # training images; the test images use SEED + 1
_SHAPE_TILT = np.radians(17)  # shapes turn by up to this angle either way
_PATTERN_TILT = np.radians(20)  # stripes and checkerboards too


def _uniform(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    """`n` random values shaped `(n, 1, 1)` to broadcast over an image grid."""
    return rng.uniform(low, high, n).astype(np.float32)[:, None, None]


def _rotated(xx, yy, rng, n, max_angle=_SHAPE_TILT):
    """Coordinates centred on a random point and turned by a random angle."""
    cx, cy = _uniform(rng, 0.22, 0.78, n), _uniform(rng, 0.22, 0.78, n)
    angle = _uniform(rng, -max_angle, max_angle, n)
    dx, dy = xx - cx, yy - cy
    return dx * np.cos(angle) + dy * np.sin(angle), -dx * np.sin(angle) + dy * np.cos(angle)


def _circle(xx, yy, rng, n):
    u, v = _rotated(xx, yy, rng, n)
    radius = _uniform(rng, 0.17, 0.42, n)
    return u**2 + v**2 < radius**2


def _square(xx, yy, rng, n):
    u, v = _rotated(xx, yy, rng, n)
    half = _uniform(rng, 0.14, 0.35, n)
    return (np.abs(u) < half) & (np.abs(v) < half)


def _triangle(xx, yy, rng, n):
    u, v = _rotated(xx, yy, rng, n)
    radius = _uniform(rng, 0.21, 0.45, n)
    inside = np.ones(np.broadcast_shapes(u.shape, radius.shape), dtype=bool)
    for k in range(3):  # inside all three edges of an equilateral triangle
        theta = np.pi / 2 + 2 * np.pi * k / 3
        inside &= u * np.cos(theta) + v * np.sin(theta) < radius / 2
    return inside


def _pattern(xx, yy, rng, n, kind):
    """Stripes or a checkerboard with a random period and phase, inside a random window."""
    u, v = _rotated(xx, yy, rng, n, max_angle=_PATTERN_TILT)
    period = _uniform(rng, 0.2, 0.42, n)
    phase_u, phase_v = _uniform(rng, 0, 2 * np.pi, n), _uniform(rng, 0, 2 * np.pi, n)
    wave_u = np.sin(2 * np.pi * u / period + phase_u)
    wave_v = np.sin(2 * np.pi * v / period + phase_v)
    wave = {"horizontal": wave_v, "vertical": wave_u, "checker": wave_u * wave_v}[kind]
    window = (np.abs(u) < _uniform(rng, 0.35, 0.7, n)) & (np.abs(v) < _uniform(rng, 0.35, 0.7, n))
    return (wave > 0) & window


_MASKS = [
    _circle,
    _square,
    _triangle,
    lambda xx, yy, rng, n: _pattern(xx, yy, rng, n, "horizontal"),
    lambda xx, yy, rng, n: _pattern(xx, yy, rng, n, "vertical"),
    lambda xx, yy, rng, n: _pattern(xx, yy, rng, n, "checker"),
]


def _background(rng, colour: np.ndarray, size: int, amplitude: float, grid: int = 4) -> np.ndarray:
    """Backgrounds `(n, size, size, 3)`: each colour plus a low-frequency texture (a random
    `grid` × `grid` field, bilinearly enlarged). Without the texture, large flat areas make SGD
    with momentum kill the first layer's ReLUs in some runs."""
    position = np.linspace(0, grid - 1, size, dtype=np.float32)
    weights = np.maximum(0, 1 - np.abs(position[:, None] - np.arange(grid, dtype=np.float32)))
    field = rng.normal(0, amplitude, (len(colour), grid, grid, 3)).astype(np.float32)
    field += colour[:, None, None]  # the weights of each pixel sum to 1, so this adds the colour
    return np.einsum("ij,njkc,lk->nilc", weights, field, weights, optimize=True)


def _colours(rng, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Foreground and background colours `(n, 3)`: a light shape on a darker background.

    The background is dark (0..115 per channel); the shape is 60..160 lighter, each channel
    jittered by up to 40. (With random polarity, BaseNet needed far more steps to learn.)
    """
    background = rng.uniform(0, 115, (n, 3)).astype(np.float32)
    delta = rng.uniform(60, 160, (n, 1)).astype(np.float32)
    foreground = background + delta + rng.uniform(-40, 40, (n, 3)).astype(np.float32)
    return np.clip(foreground, 0, 255), background


def generate(per_class: int, image_size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Draws `per_class` images of each class in a shuffled order.

    Args:
        per_class: images per class.
        image_size: height and width in pixels.
        seed: the same seed gives the same images.

    Returns:
        `(x, y)`: uint8 images `(6 * per_class, image_size, image_size, 3)` and int64 labels.
    """
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.repeat(np.arange(len(CLASS_NAMES)), per_class)).astype(np.int64)
    n = len(labels)
    coords = (np.arange(image_size, dtype=np.float32) + 0.5) / image_size
    yy, xx = np.meshgrid(coords, coords, indexing="ij")
    masks = np.zeros((n, image_size, image_size), dtype=bool)
    for label, draw in enumerate(_MASKS):
        chosen = np.flatnonzero(labels == label)
        masks[chosen] = draw(xx[None], yy[None], rng, len(chosen))
    foreground, background = _colours(rng, n)
    images = _background(rng, background, image_size, amplitude=25.0)
    np.add(images, (foreground - background)[:, None, None], out=images, where=masks[..., None])
    # Uniform pixel noise with a standard deviation of 3..18 (cheaper to draw than Gaussian).
    noise = rng.random(images.shape, dtype=np.float32)
    noise -= 0.5
    noise *= rng.uniform(3, 18, (n, 1, 1, 1)).astype(np.float32) * np.float32(np.sqrt(12))
    images += noise
    return np.clip(images, 0, 255).astype(np.uint8), labels


def make_procedural(
    image_size: int = 32,
    train_per_class: int = TRAIN_PER_CLASS,
    test_per_class: int = TEST_PER_CLASS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The procedural training and test splits: `(x_train, y_train, x_test, y_test)`."""
    return tuple(array.copy() for array in _drawn(image_size, train_per_class, test_per_class))


@functools.lru_cache(maxsize=2)
def _drawn(image_size: int, train_per_class: int, test_per_class: int) -> tuple:
    x_train, y_train = generate(train_per_class, image_size, SEED)
    x_test, y_test = generate(test_per_class, image_size, SEED + 1)
    return x_train, y_train, x_test, y_test
