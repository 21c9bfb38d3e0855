"""Training and preprocessing settings: frozen dataclasses with the assignment's defaults.

Both round-trip through plain dicts (`to_dict`/`from_dict`), which is how they travel to a worker
process and how they are saved beside a run.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from cnnapp.messages import CodedError, Message
from cnnapp.texts import TEXTS

OPTIMIZERS = ("sgd", "adam")
# "inverse_time": Keras 2's `decay=`; "warmup_cosine": linear warmup, then cosine decay
SCHEDULES = ("inverse_time", "warmup_cosine")
FILL_MODES = ("nearest", "reflect")  # how a translation fills the pixels it uncovers
# "ours": this project's protocol; "assignment": the assignment's (see TrainConfig.protocol)
PROTOCOLS = ("ours", "assignment")


def _from_dict(cls, data: dict[str, Any] | None):
    """Builds `cls` from a dict, refusing unknown keys and wrong types with a clear message."""
    data = dict(data or {})
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise CodedError(
            "config.unknown", owner=cls.__name__, unknown=str(unknown), allowed=str(sorted(fields))
        )
    kwargs = {}
    for name, value in data.items():
        default = getattr(cls(), name)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise CodedError("config.bool", owner=cls.__name__, name=name, value=repr(value))
        elif isinstance(default, int) and not isinstance(default, bool):
            if isinstance(value, bool) or not isinstance(value, int):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                else:
                    raise CodedError(
                        "config.whole", owner=cls.__name__, name=name, value=repr(value)
                    )
        elif isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise CodedError("config.number", owner=cls.__name__, name=name, value=repr(value))
            value = float(value)
        elif isinstance(default, str) and not isinstance(value, str):
            raise CodedError("config.text", owner=cls.__name__, name=name, value=repr(value))
        kwargs[name] = value
    return cls(**kwargs)


def _check_range(owner: str, name: str, value: float, low: float, high: float, hint: str) -> None:
    """Refuses `value` outside [low, high]; the message ends with `hint` (worded from the
    `msg.hint.<name>` text where there is one, so the interface can show it in Spanish)."""
    if not (low <= value <= high):
        raise CodedError(
            "config.range",
            owner=owner,
            name=name,
            low=low,
            high=high,
            value=repr(value),
            hint=Message(f"hint.{name}") if f"msg.hint.{name}" in TEXTS else hint,
        )


@dataclass(frozen=True)
class TrainConfig:
    """How a network is trained. Defaults are the assignment's (section 2)."""

    optimizer: str = "sgd"  # "sgd" (the assignment's) or "adam"
    learning_rate: float = 0.01  # SGD(lr=0.01)
    momentum: float = 0.9  # SGD momentum (ignored by Adam)
    nesterov: bool = True  # Nesterov momentum (SGD only)
    decay: float = 1e-6  # old Keras `decay=`: InverseTimeDecay(lr, decay_steps=1, decay_rate=decay)
    batch_size: int = 32  # images per gradient step
    epochs: int = 20  # maximum epochs (40 in the early-stopping recipes)
    validation_split: float = 0.1  # the FIRST fraction of the training images validates
    early_stopping: bool = False  # stop when val_accuracy stops improving
    patience: int = 4  # epochs without improvement before stopping
    restore_best_weights: bool = True  # keep the best epoch's weights when early stopping
    seed: int = 42  # starting weights, shuffling, augmentation and dropout
    # "ours" (normalisation fitted on the training part only, validation images not augmented, batch
    # norm frozen when fine-tuning) or "assignment" (each of those as the assignment's code did it)
    protocol: str = "ours"
    mixed_precision: bool = False  # bfloat16/float16 compute on a GPU (ignored on a CPU)
    # "inverse_time" (the assignment's, from `decay`) or "warmup_cosine": from 0.2 × the rate up
    # to it over the first `warmup_fraction` of the steps, then a cosine down to 0.07 × it
    schedule: str = "inverse_time"
    warmup_fraction: float = 0.2  # share of all training steps spent warming up (warmup_cosine)
    weight_decay: float = 0.0  # decoupled: each step w -= learning rate × weight_decay × w
    label_smoothing: float = 0.0  # the label's weight 1 - s, s spread evenly over all classes
    tta_flip: bool = False  # test-time augmentation: average the image's and its mirror's scores

    def __post_init__(self) -> None:
        name = type(self).__name__
        if self.optimizer not in OPTIMIZERS:
            raise CodedError(
                "config.choice",
                owner=name,
                name="optimizer",
                allowed=str(list(OPTIMIZERS)),
                value=repr(self.optimizer),
            )
        if self.protocol not in PROTOCOLS:
            raise CodedError("config.protocol", owner=name, value=repr(self.protocol))
        if self.schedule not in SCHEDULES:
            raise CodedError(
                "config.choice",
                owner=name,
                name="schedule",
                allowed=str(list(SCHEDULES)),
                value=repr(self.schedule),
            )
        _check_range(name, "learning_rate", self.learning_rate, 1e-7, 10.0, "0.01 is a good start")
        _check_range(name, "momentum", self.momentum, 0.0, 0.999, "use 0.9, or 0 for none")
        _check_range(name, "decay", self.decay, 0.0, 1.0, "use 1e-6 as the assignment, or 0")
        _check_range(name, "batch_size", self.batch_size, 1, 4096, "32 is the assignment's")
        _check_range(name, "epochs", self.epochs, 1, 1000, "20 is the assignment's")
        _check_range(
            name, "validation_split", self.validation_split, 0.0, 0.9, "0.1 keeps 10 % aside"
        )
        _check_range(name, "patience", self.patience, 0, 1000, "4 is the assignment's")
        _check_range(name, "seed", self.seed, 0, 2**31 - 1, "any whole number from 0 works")
        _check_range(name, "warmup_fraction", self.warmup_fraction, 0.0, 0.9, "try 0.2")
        _check_range(name, "weight_decay", self.weight_decay, 0.0, 0.1, "try 5e-4, or 0")
        _check_range(
            name, "label_smoothing", self.label_smoothing, 0.0, 0.9, "try 0.1 or 0.2, or 0"
        )

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> TrainConfig:
        return _from_dict(cls, data)


@dataclass(frozen=True)
class Preprocessing:
    """What happens to an image inside the model before the network sees it.

    All of it is done by Keras preprocessing layers inside the saved model, so the model takes raw
    0-255 images, and augmentation only runs in training.
    """

    normalize: bool = False  # featurewise mean 0 / std 1, fitted on the training part only
    horizontal_flip: bool = False  # random left-right flip
    zoom_range: float = 0.0  # as ImageDataGenerator: zoom in [1 - z, 1 + z], x and y independent
    rotation_range: float = 0.0  # random rotation, in degrees either way
    translation_range: float = 0.0  # random shift, as a fraction of height/width
    # what fills the uncovered pixels: "nearest" (the edge repeated) or "reflect" (mirrored, and
    # whole-pixel shifts, as airbench's padded random crops)
    translation_fill: str = "nearest"
    contrast_range: float = 0.0  # random contrast factor in [1 - c, 1 + c]

    def __post_init__(self) -> None:
        name = type(self).__name__
        _check_range(name, "zoom_range", self.zoom_range, 0.0, 0.9, "0.2 is a common choice")
        _check_range(name, "rotation_range", self.rotation_range, 0.0, 180.0, "try 10 degrees")
        _check_range(name, "translation_range", self.translation_range, 0.0, 0.5, "try 0.1")
        _check_range(name, "contrast_range", self.contrast_range, 0.0, 1.0, "try 0.2")
        if self.translation_fill not in FILL_MODES:
            raise CodedError(
                "config.choice",
                owner=name,
                name="translation_fill",
                allowed=str(list(FILL_MODES)),
                value=repr(self.translation_fill),
            )

    @property
    def augments(self) -> bool:
        return bool(
            self.horizontal_flip
            or self.zoom_range
            or self.rotation_range
            or self.translation_range
            or self.contrast_range
        )

    def describe(self, lang: str = "en") -> str:
        """A short label in the assignment's words, e.g. 'normalisation + flip + zoom 0.2' (or
        'normalización + volteo + zoom 0,2' in Spanish); 'none' when nothing is applied."""
        from cnnapp.i18n import number, t

        parts = [t("pre.part.normalize", lang)] if self.normalize else []
        if self.horizontal_flip:
            parts.append(t("pre.part.flip", lang))
        for name, value in [
            ("zoom", self.zoom_range),
            ("rotation", self.rotation_range),
            ("translation", self.translation_range),
            ("contrast", self.contrast_range),
        ]:
            if value:
                parts.append(f"{t(f'pre.part.{name}', lang)} {number(value, lang, 'g')}")
        return " + ".join(parts) if parts else t("pre.part.none", lang)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Preprocessing:
        return _from_dict(cls, data)
