"""Data: datasets, decoding, and the preprocessing and augmentation layers models start with.

| module | owns |
| --- | --- |
| `loader` | dataset references (`normalize_ref`, `DATASET_CHOICES`) and `load_dataset` |
| `base` | `Dataset`, `split_validation(take="first" or "last")`, the class-balanced limit |
| `procedural`, `cifar`, `cifar_pickle`, `folders`, `birds` | each dataset's own reader |
| `filetree`, `archives`, `decode` | zips and tar archives read in place (bounded listing, declared sizes and header pixels checked first), images decoded safely |
| `roots` | which server folders may be read: `allowed_roots`, `check_folder`, `DataPathError` |
| `sandbox` | `load_dataset_bounded`: `load_dataset` in a child process with a time budget |
| `uploads` | uploaded zips stored once by content hash, per-owner index, `prune_uploads` |
| `cache` | decoded datasets (and features) cached on disk |
| `images` | one uploaded photo: `load_image` (size limits, EXIF, modes) and `to_model_input` |
| `shapes` | a dataset's input shape and classes known without loading it |
| `preprocessing` | normalisation and augmentation as Keras layers (`preprocessing_layers`) |

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
