"""Shapes and class counts of dataset references, known without loading anything."""

from cnnapp.data import procedural
from cnnapp.data.cifar import CIFAR10_NAMES, CIFAR100_25_NAMES
from cnnapp.data.shapes import ASSUMED_CLASSES, input_shape, known_shape


def test_built_in_datasets_are_known_from_their_own_modules():
    assert known_shape({"name": "procedural", "image_size": 32}) == (
        (32, 32, 3),
        len(procedural.CLASS_NAMES),
    )
    assert known_shape({"name": "cifar100_25", "image_size": 32}) == ((32, 32, 3), 25)
    assert known_shape({"name": "cifar10", "image_size": 64}) == ((64, 64, 3), 10)
    assert len(CIFAR100_25_NAMES) == 25 and len(CIFAR10_NAMES) == 10


def test_folders_and_birds_are_known_only_once_loaded():
    assert known_shape({"name": "folder", "path": "photos", "image_size": 48}) is None
    assert known_shape({"name": "cub200", "image_size": 224}) is None
    assert known_shape({"name": "cub200_2011"}) is None


def test_the_image_size_defaults_to_32_and_the_assumed_classes_are_the_assignments():
    assert input_shape({"name": "folder"}) == (32, 32, 3)
    assert input_shape({"name": "folder", "image_size": None}) == (32, 32, 3)
    assert input_shape({"name": "cub200", "image_size": 224}) == (224, 224, 3)
    assert ASSUMED_CLASSES == 25
