"""Ready-to-use classifiers: a pretrained ImageNet network, or a saved run.

With no trained run at all, `imagenet_classifier("mobilenet_v2")` names a photo among ImageNet's
1000 classes (59 of them birds: `BIRD_CLASSES`), with the class index's labels (`bald_eagle`).
`run_classifier(run_id)` wraps a saved run the same way (a fine-tuned run names CUB species).
Both take a Pillow image and return the top classes. `class_label` shows a class name as words
("bald eagle"), and `imagenet_availability` says, without loading anything, whether an ImageNet
network's files are on this machine or would have to be downloaded.

Example:
    >>> classifier = imagenet_classifier("mobilenet_v2")
    >>> classifier.top(load_image("eagle.jpg"), k=1)
    [{'label': 'bald_eagle', 'index': 22, 'probability': 0.97}]
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from cnnapp.data.images import to_model_input
from cnnapp.nets.backbone_catalog import BACKBONES

IMAGENET_MODELS = ("mobilenet_v2", "resnet50")
IMAGENET_SIZE = 224
# ImageNet's bird classes: cock ... great_grey_owl, black_grouse ... black_swan, white_stork ...
# albatross (Keras's class indices).
BIRD_CLASSES = frozenset([*range(7, 25), *range(80, 101), *range(127, 147)])


@dataclass
class Classifier:
    """A model with its class names, ready to classify photos.

    Attributes:
        name: the backbone ("mobilenet_v2") or the run id.
        title: a human name, e.g. "MobileNetV2 (ImageNet)" or the run's label.
        model: the Keras model; it takes raw 0-255 images of `input_size`.
        class_names: one label per output.
        input_size: `(height, width)` the photo is resized to.
        kind: "imagenet" or "run".
        tta_flip: average the photo's and its mirror's probabilities (a run trained with
            `TrainConfig.tta_flip`, as its test accuracy was measured).
    """

    name: str
    title: str
    model: Any
    class_names: list[str]
    input_size: tuple[int, int]
    kind: str
    tta_flip: bool = False

    def model_input(self, image) -> np.ndarray:
        """One Pillow image as the model takes it: resized to `input_size`, shape
        `(1, height, width, 3)`, raw 0-255 values (what a page shows as "as the model sees it")."""
        return to_model_input(image, self.input_size)

    def probabilities(self, image) -> np.ndarray:
        """Class probabilities of one Pillow image, shape `(num_classes,)`."""
        x = self.model_input(image)
        if self.tta_flip:  # the photo and its mirror in one batch, averaged
            both = np.asarray(self.model.predict_on_batch(np.concatenate([x, x[:, :, ::-1]])))
            return both.astype(np.float64).mean(axis=0)
        return np.asarray(self.model.predict_on_batch(x), dtype=np.float64)[0]

    def top(self, image, k: int = 5) -> list[dict]:
        """The `k` most probable classes: `[{"label", "index", "probability"}, ...]`."""
        return top_k(self.probabilities(image), self.class_names, k)


def class_index() -> list[tuple[str, str]]:
    """ImageNet's 1000 classes as `(wordnet id, label)`, e.g. `("n01614925", "bald_eagle")`.

    Raises:
        WeightsUnavailableError: offline with no `imagenet_class_index.json`.
        ValueError: if the file is not Keras's class index.
    """
    from cnnapp.nets.weights import fetch_class_index

    path = fetch_class_index()
    try:
        data = json.loads(path.read_text())
        return [(str(data[str(i)][0]), str(data[str(i)][1])) for i in range(1000)]
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise ValueError(
            f"{path} is not Keras's ImageNet class index ({error}); delete it and download "
            "imagenet_class_index.json again."
        ) from None


def class_label(name: object) -> str:
    """A class name as words, the way pages show it: underscores become spaces.

    Example:
        >>> class_label("bald_eagle"), class_label("aquarium_fish"), class_label("Great Grey Owl")
        ('bald eagle', 'aquarium fish', 'Great Grey Owl')
    """
    text = str(name)
    return " ".join(text.replace("_", " ").split()) or text


def in_words(top: list[dict]) -> list[dict]:
    """`top_k`'s result with each `label` as words (`class_label`); indices and probabilities kept."""
    return [{**item, "label": class_label(item["label"])} for item in top]


@dataclass(frozen=True)
class ImagenetAvailability:
    """Whether a pretrained ImageNet network can classify here without downloading anything.

    Attributes:
        name: "mobilenet_v2" or "resnet50".
        missing: the files not on this machine (weights with their 1000-class top, class index);
            empty when the network is ready. Each can be put in `CNNAPP_WEIGHTS_DIR`.
    """

    name: str
    missing: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return not self.missing


def imagenet_availability(name: str) -> ImagenetAvailability:
    """Looks for `name`'s weights and the class index on disk (`CNNAPP_WEIGHTS_DIR`, Keras's
    cache); downloads nothing and imports no Keras.

    Raises:
        ValueError: for an unknown name.
    """
    from cnnapp.nets.weights import CLASS_INDEX_FILE, class_index_file, expected_file, find_weights

    missing = []
    if find_weights(name, include_top=True) is None:
        missing.append(expected_file(name, include_top=True))
    if class_index_file() is None:
        missing.append(CLASS_INDEX_FILE)
    return ImagenetAvailability(name, tuple(missing))


def is_bird(index: int) -> bool:
    """Whether ImageNet class `index` is one of its 59 bird species."""
    return int(index) in BIRD_CLASSES


def imagenet_model(name: str = "mobilenet_v2"):
    """The full pretrained network (with its 1000-class top) taking raw 224×224 images.

    Raises:
        ValueError: for an unknown name.
        WeightsUnavailableError: offline with no weights file.
    """
    if name not in IMAGENET_MODELS:
        raise ValueError(
            f"Unknown ImageNet model {name!r}; expected one of {list(IMAGENET_MODELS)}."
        )
    import keras

    from cnnapp.nets.backbone_layers import BackboneInput
    from cnnapp.nets.weights import load_pretrained

    network = getattr(keras.applications, BACKBONES[name].constructor)(
        include_top=True, weights=None, name=name
    )
    load_pretrained(network, name, include_top=True)
    inputs = keras.Input(shape=(IMAGENET_SIZE, IMAGENET_SIZE, 3), name="image")
    outputs = network(BackboneInput(name, IMAGENET_SIZE, name="backbone_input")(inputs))
    return keras.Model(inputs, outputs, name=f"{name}_imagenet")


def imagenet_classifier(name: str = "mobilenet_v2") -> Classifier:
    """A `Classifier` for the pretrained ImageNet network `name`.

    Raises:
        WeightsUnavailableError: offline with no weights or class index file.
    """
    labels = [label for _, label in class_index()]
    model = imagenet_model(name)
    title = f"{BACKBONES[name].label} (ImageNet)"
    return Classifier(name, title, model, labels, (IMAGENET_SIZE, IMAGENET_SIZE), "imagenet")


def run_classifier(run_id: str, owner: str | None = None, store=None) -> Classifier:
    """A `Classifier` for a saved run.

    Raises:
        ValueError, RunNotFound, RunStoreError: as `RunStore.load_model`.
    """
    from cnnapp.runs import RunStore

    store = store or RunStore()
    info = store.get(run_id, owner)
    model = store.load_model(run_id, owner)
    height, width = (int(n) for n in model.input_shape[1:3])
    names = [str(n) for n in info.config.get("class_names") or []]
    if len(names) != model.output_shape[-1]:
        names = [f"class {i}" for i in range(model.output_shape[-1])]
    title = info.label or run_id
    tta = bool((info.config.get("train") or {}).get("tta_flip"))
    return Classifier(run_id, title, model, names, (height, width), "run", tta_flip=tta)


def load_classifier(ref: str, owner: str | None = None) -> Classifier:
    """`"mobilenet_v2"` / `"resnet50"` for ImageNet, anything else a run id."""
    return imagenet_classifier(ref) if ref in IMAGENET_MODELS else run_classifier(ref, owner)


def top_k(probabilities: np.ndarray, class_names: list[str], k: int = 5) -> list[dict]:
    """The `k` most probable classes, most probable first.

    Args:
        probabilities: one probability per class, shape `(num_classes,)` or `(1, num_classes)`.
        class_names: one name per class.
        k: how many classes to return (fewer when there are fewer classes).

    Returns:
        A list of `{"label": str, "index": int, "probability": float}`, sorted by descending
        probability (ties keep the lower index first).

    Raises:
        ValueError: if the shapes disagree or `k` is below 1.

    Example:
        >>> top_k(np.array([0.1, 0.7, 0.2]), ["cat", "dog", "bird"], k=2)
        [{'label': 'dog', 'index': 1, 'probability': 0.7}, {'label': 'bird', ...}]
    """
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim == 2 and p.shape[0] == 1:
        p = p[0]
    if p.ndim != 1 or len(p) != len(class_names):
        raise ValueError(
            f"Got probabilities of shape {np.shape(probabilities)} for {len(class_names)} class "
            f"names; expected shape ({len(class_names)},) or (1, {len(class_names)})."
        )
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a whole number of at least 1, got {k!r}; try k=5.")
    order = np.argsort(-p, kind="stable")[: int(k)]
    return [
        {"label": str(class_names[i]), "index": int(i), "probability": float(p[i])} for i in order
    ]
