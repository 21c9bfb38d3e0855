"""What a dataset reference will load as, without loading it: input shape and number of classes.

The built-in datasets know their classes in advance (the procedural shapes, CIFAR-100's first 25,
CIFAR-10); a folder, a zip or the birds (whose species are read from the archive) do not until
they are loaded. The numbers come from the dataset modules themselves, so they cannot drift.

Example:
    >>> known_shape({"name": "cifar10", "image_size": 32})
    ((32, 32, 3), 10)
    >>> known_shape({"name": "folder", "path": "photos/"}) is None
    True
"""

from __future__ import annotations

from typing import Any

from cnnapp.data import procedural
from cnnapp.data.cifar import SPECS as CIFAR_SPECS
from cnnapp.data.loader import DEFAULTS

# Classes of the built-in datasets, by name (from the modules that make them).
KNOWN_CLASSES = {
    "procedural": len(procedural.CLASS_NAMES),
    **{name: spec.num_classes for name, spec in CIFAR_SPECS.items()},
}
# What a network is checked against before a folder has been loaded: the assignment's dataset.
ASSUMED_CLASSES = CIFAR_SPECS["cifar100_25"].num_classes
# Both Caltech-UCSD Birds editions have 200 species (their names are read from the archive).
BIRD_SPECIES = 200
# The assignment's section 4 (ResNet50 on the birds): what a network that starts with a pretrained
# backbone is shown for until a dataset is chosen.
TRANSFER_DATASET = {"name": "cub200", "image_size": 224}
TRANSFER_SHAPE = ((224, 224, 3), BIRD_SPECIES)


def input_shape(ref: dict[str, Any]) -> tuple[int, int, int]:
    """`(height, width, channels)` of the reference's images: `image_size` squared, RGB."""
    size = int(ref.get("image_size") or DEFAULTS["image_size"])
    return (size, size, 3)


def known_shape(ref: dict[str, Any]) -> tuple[tuple[int, int, int], int] | None:
    """`(input_shape, num_classes)` of a built-in dataset; None when only loading can tell.

    Args:
        ref: a dataset reference (`{"name": ..., "image_size": ...}`; see `normalize_ref`).

    Returns:
        The shape and class count, or None for a folder, a zip or the birds.
    """
    classes = KNOWN_CLASSES.get(ref.get("name"))
    return None if classes is None else (input_shape(ref), classes)
