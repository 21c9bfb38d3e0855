"""The procedural dataset, dataset references, `split_validation` and the class-balanced limit."""

from __future__ import annotations

import numpy as np
import pytest

from cnnapp.data import (
    DATASET_CHOICES,
    Dataset,
    default_dataset_name,
    load_dataset,
    normalize_ref,
    split_validation,
)
from cnnapp.data.base import balanced_indices
from cnnapp.data.procedural import CLASS_NAMES, TEST_PER_CLASS, TRAIN_PER_CLASS, generate


@pytest.fixture(scope="module")
def shapes() -> Dataset:
    return load_dataset({"name": "procedural"})


def test_default_sizes_shapes_and_balance(shapes):
    n_classes = len(CLASS_NAMES)
    assert shapes.x_train.shape == (TRAIN_PER_CLASS * n_classes, 32, 32, 3)
    assert shapes.x_test.shape == (TEST_PER_CLASS * n_classes, 32, 32, 3)
    assert shapes.x_train.dtype == np.uint8 and shapes.y_train.dtype == np.int64
    assert np.bincount(shapes.y_train).tolist() == [TRAIN_PER_CLASS] * n_classes
    assert np.bincount(shapes.y_test).tolist() == [TEST_PER_CLASS] * n_classes
    assert shapes.class_names == CLASS_NAMES and shapes.num_classes == 6
    assert shapes.input_shape == (32, 32, 3) and shapes.name == "procedural"
    assert len(set(shapes.y_train[:30].tolist())) > 3  # classes are interleaved


def test_same_seed_same_images_and_train_differs_from_test(shapes):
    again = load_dataset({"name": "procedural"})
    np.testing.assert_array_equal(shapes.x_train, again.x_train)
    np.testing.assert_array_equal(shapes.y_train, again.y_train)
    x1, _ = generate(2, 32, seed=1)
    x2, _ = generate(2, 32, seed=2)
    assert not np.array_equal(x1, x2)
    assert not np.array_equal(shapes.x_train[:10], shapes.x_test[:10])


def test_limit_and_image_size():
    dataset = load_dataset({"name": "procedural", "limit": 600, "image_size": 24})
    assert dataset.x_train.shape == (600, 24, 24, 3)
    assert np.bincount(dataset.y_train).tolist() == [100] * 6
    assert len(dataset.x_test) == 150  # limit // 4


def _features(x: np.ndarray) -> np.ndarray:
    """Colour-blind features: mean absolute gradients, along rows and columns, and their ratio."""
    gray = x.astype(np.float32).mean(axis=-1)
    dx = np.abs(np.diff(gray, axis=2)).mean(axis=(1, 2))
    dy = np.abs(np.diff(gray, axis=1)).mean(axis=(1, 2))
    return np.stack([dx, dy, dx / (dy + 1), gray.std(axis=(1, 2))], axis=1)


def test_classes_differ_a_nearest_centroid_beats_chance(shapes):
    train, test = _features(shapes.x_train), _features(shapes.x_test)
    mean, std = train.mean(axis=0), train.std(axis=0)
    train, test = (train - mean) / std, (test - mean) / std
    centroids = np.stack([train[shapes.y_train == c].mean(axis=0) for c in range(6)])
    distances = ((test[:, None, :] - centroids[None]) ** 2).sum(axis=-1)
    accuracy = (distances.argmin(axis=1) == shapes.y_test).mean()
    assert accuracy > 0.4  # chance is 1/6


# Dataset references ---------------------------------------------------------------------------


def test_choices_and_default():
    ids = [choice["id"] for choice in DATASET_CHOICES]
    assert ids == ["procedural", "cifar100_25", "cifar10", "folder", "cub200", "cub200_2011"]
    assert all(choice["name"] and choice["description"] for choice in DATASET_CHOICES)
    assert default_dataset_name() == "procedural"


def test_normalize_ref_fills_defaults():
    assert normalize_ref({"name": "cifar10"}) == {
        "name": "cifar10",
        "path": None,
        "test_path": None,
        "image_size": 32,
        "limit": None,
    }
    assert normalize_ref({"name": "folder", "path": "x.zip", "test_path": ""})["test_path"] is None
    assert normalize_ref({"name": "procedural", "limit": 60.0})["limit"] == 60


@pytest.mark.parametrize(
    "ref, message",
    [
        ({"name": "mnist"}, "Unknown dataset 'mnist'"),
        ({"name": "procedural", "seed": 1}, r"Unknown dataset setting\(s\) \['seed'\]"),
        ({"name": "procedural", "image_size": 4}, "image_size must be a whole number ≥ 8"),
        ({"name": "procedural", "image_size": 1024}, "image_size must be at most 512"),
        ({"name": "procedural", "limit": 0}, "limit must be a whole number ≥ 1"),
        ({"name": "procedural", "limit": True}, "limit must be a whole number"),
        ({"name": "folder"}, "needs a path"),
        ({"name": "cifar10", "test_path": "t.zip"}, "test_path only applies"),
        ({"name": "procedural", "path": "x"}, "takes no path"),
        ({"name": "folder", "path": 3}, "must be a path"),
    ],
)
def test_bad_references_are_refused_with_a_clear_message(ref, message):
    with pytest.raises(ValueError, match=message):
        load_dataset(ref)


# split_validation and the balanced limit -------------------------------------------------------


def test_split_validation_takes_the_first_fraction():
    x = np.arange(20).reshape(20, 1, 1, 1).astype(np.uint8)
    y = np.arange(20)
    x_train, y_train, x_val, y_val = split_validation(x, y, 0.25)
    assert y_val.tolist() == [0, 1, 2, 3, 4] and y_train.tolist() == list(range(5, 20))
    assert x_val[:, 0, 0, 0].tolist() == [0, 1, 2, 3, 4]
    x_train, y_train, x_val, y_val = split_validation(x, y, 0.0)
    assert len(x_val) == 0 and len(y_val) == 0 and x_val.shape[1:] == (1, 1, 1)
    assert len(x_train) == 20
    assert len(split_validation(x[:9], y[:9], 0.1)[2]) == 0  # int(0.9) == 0, as Keras


@pytest.mark.parametrize("fraction", [-0.1, 1.0, True])
def test_split_validation_refuses_bad_fractions(fraction):
    with pytest.raises(ValueError, match="Validation fraction"):
        split_validation(np.zeros((4, 1, 1, 3)), np.zeros(4), fraction)


def test_split_validation_refuses_mismatched_lengths():
    with pytest.raises(ValueError, match="4 images but 3 labels"):
        split_validation(np.zeros((4, 1, 1, 3)), np.zeros(3), 0.5)


def test_balanced_indices_take_classes_in_turn_and_keep_order():
    y = np.array([0, 0, 0, 0, 1, 2, 2, 0, 1])
    assert balanced_indices(y, 3).tolist() == [0, 4, 5]
    assert balanced_indices(y, 6).tolist() == [0, 1, 4, 5, 6, 8]  # class 1 has only two
    assert balanced_indices(y, 7).tolist() == [0, 1, 2, 4, 5, 6, 8]
    assert balanced_indices(y, None).tolist() == list(range(9))
    assert balanced_indices(y, 100).tolist() == list(range(9))


def test_dataset_checks_its_arrays():
    with pytest.raises(ValueError, match="uint8 with shape"):
        Dataset("x", np.zeros((2, 4, 4, 3)), np.zeros(2), None, None, ["a"], "test")
    with pytest.raises(ValueError, match="2 images in x_train but 3 labels"):
        Dataset("x", np.zeros((2, 4, 4, 3), np.uint8), np.zeros(3), None, None, ["a"], "test")
    dataset = Dataset("x", np.zeros((2, 4, 4, 3), np.uint8), [0, 1], None, None, ["a", "b"], "t")
    assert dataset.y_train.dtype == np.int64 and dataset.empty_classes == [] and not dataset.skipped


def test_the_kept_splits_are_handed_out_as_copies():
    from cnnapp.data.procedural import make_procedural

    first = make_procedural(16, 2, 1)
    first[0][:] = 0  # a job that changes its arrays in place
    again = make_procedural(16, 2, 1)
    assert again[0].any() and again[0] is not first[0]
    np.testing.assert_array_equal(again[1], first[1])
