"""Datasets: CIFAR-100/25, CIFAR-10, image folders and zips, Caltech-UCSD Birds, and a procedural
dataset.

Example:
    >>> from cnnapp.data import load_dataset, split_validation
    >>> dataset = load_dataset({"name": "procedural"})
    >>> x_train, y_train, x_val, y_val = split_validation(dataset.x_train, dataset.y_train, 0.1)
"""

from cnnapp.data.base import Dataset, DatasetUnavailableError, split_validation
from cnnapp.data.loader import DATASET_CHOICES, default_dataset_name, load_dataset, normalize_ref

__all__ = [
    "DATASET_CHOICES",
    "Dataset",
    "DatasetUnavailableError",
    "default_dataset_name",
    "load_dataset",
    "normalize_ref",
    "split_validation",
]
