"""What an exported script repeats: one run's (or the Build page's) choices, as plain data.

`ScriptSettings` gathers the network, the dataset reference, the preprocessing and the training
settings of a saved run (`from_run`) or of the network being built with the current Data and
Train settings (`from_choices`). The script generators (`cnnapp.export.script`,
`cnnapp.export.keras2`) read nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from cnnapp.config import Preprocessing, TrainConfig
from cnnapp.data.loader import normalize_ref
from cnnapp.data.shapes import known_shape
from cnnapp.nets.spec import normalize_spec, summarize
from cnnapp.runs.info import validate_run_id
from cnnapp.training.jobspec import job_kind

CIFAR = ("cifar100_25", "cifar10")  # what `keras.datasets` downloads
BIRDS = ("cub200", "cub200_2011")
# Datasets a script cannot get by itself: `--data` must point to a folder of class subfolders.
NEEDS_DATA = ("procedural", "folder", *BIRDS)


def code_safe(text: object, limit: int = 120) -> str:
    """User-given text (a label, a file name) made safe to write into a comment or a docstring.

    One line, no backslashes or double quotes (which could end a docstring or start an escape),
    printable characters only, at most `limit` characters: the text can never become code.
    """
    cleaned = "".join(
        c if c.isprintable() else " " for c in str(text).replace("\\", "/").replace('"', "'")
    )
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 3] + "..."


@dataclass(frozen=True)
class ScriptSettings:
    """Everything an exported script needs to repeat a run.

    Attributes:
        network: the normalised layer spec (the output layer is not in it).
        dataset: the normalised dataset reference.
        preprocessing: rescaling, normalisation and augmentation.
        config: optimizer, schedule, epochs, early stopping, seed, protocol.
        kind: "train" (the whole model trains) or "extract" (backbone features, then the head).
        label: the run's label, or the network's name.
        network_name: the preset's name, or None.
        run_id: the saved run it comes from, or None for the network being built.
        input_shape: `(height, width, 3)` the run saw (the dataset's, or what the Build page
            assumes before a folder is loaded).
        num_classes: the run's classes (or the Build page's assumption).
        params: the parameter count of the whole model for that shape and those classes.
        class_names: the run's class names (empty when unknown).
    """

    network: list[dict[str, Any]]
    dataset: dict[str, Any]
    preprocessing: Preprocessing
    config: TrainConfig
    kind: str
    label: str
    network_name: str | None
    run_id: str | None
    input_shape: tuple[int, int, int]
    num_classes: int
    params: int
    class_names: list[str] = field(default_factory=list)

    @property
    def backbone(self) -> dict[str, Any] | None:
        """The network's first layer when it is a pretrained backbone, else None."""
        first = self.network[0] if self.network else {}
        return first if first.get("type") == "backbone" else None

    @property
    def data_name(self) -> str:
        """The dataset in words, without server folders (a folder shows its last name only)."""
        name = self.dataset["name"]
        if name == "folder":
            return f"your images ({code_safe(PurePath(self.dataset['path']).name, 60)})"
        return {
            "procedural": "CNN Lab's procedural shapes",
            "cifar100_25": "CIFAR-100, its first 25 classes",
            "cifar10": "CIFAR-10",
            "cub200": "Caltech-UCSD Birds 200 (2010)",
            "cub200_2011": "Caltech-UCSD Birds 200-2011",
        }[name]

    @property
    def file_stem(self) -> str:
        """A safe file name stem for the script, e.g. `train_basenet` or `train_r2026...`."""
        raw = self.run_id or self.network_name or self.label or "network"
        safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in raw)
        return f"train_{safe.strip('_').lower() or 'network'}"


def from_choices(
    network: list[dict[str, Any]],
    dataset: dict[str, Any] | None,
    preprocessing: Preprocessing | dict | None,
    config: TrainConfig | dict | None,
    *,
    input_shape: tuple[int, int, int] | None = None,
    num_classes: int | None = None,
    network_name: str | None = None,
    label: str = "",
) -> ScriptSettings:
    """The settings of a network not trained yet (the Build page, `cnnapp code --preset`).

    Args:
        network: the layer spec.
        dataset: a dataset reference (procedural when None).
        preprocessing: `Preprocessing` or its dict.
        config: `TrainConfig` or its dict.
        input_shape, num_classes: what the network is sized for; by default the dataset's,
            known without loading it, or 25 classes for a folder or the birds (200).
        network_name: the preset's name, if it is one.
        label: a name for the script's docstring.

    Raises:
        NetworkError: if the network is impossible for that shape.
        ValueError: for a bad dataset reference or settings.
    """
    if not isinstance(preprocessing, Preprocessing):
        preprocessing = Preprocessing.from_dict(preprocessing)
    if not isinstance(config, TrainConfig):
        config = TrainConfig.from_dict(config)
    ref = normalize_ref(dataset or {"name": "procedural"})
    known = known_shape(ref)
    size = ref["image_size"]
    default_classes = 200 if ref["name"] in BIRDS else 25
    shape = tuple(input_shape or (known[0] if known else (size, size, 3)))
    classes = int(num_classes or (known[1] if known else default_classes))
    summary = summarize(network, shape, classes)
    return ScriptSettings(
        network=summary.spec,
        dataset=ref,
        preprocessing=preprocessing,
        config=config,
        kind=job_kind(summary.spec, preprocessing),
        label=code_safe(label or network_name or "custom network"),
        network_name=code_safe(network_name) if network_name else None,
        run_id=None,
        input_shape=shape,
        num_classes=classes,
        params=summary.total_params,
    )


def from_run(
    run_id: str, spec: list[dict[str, Any]], config: dict[str, Any], metrics: dict | None = None
) -> ScriptSettings:
    """The settings of a saved run, from its `spec.json`, `config.json` and `metrics.json`.

    Raises:
        ValueError: if `run_id` is malformed, or the run's config lacks what a script needs
            (dataset, settings).
    """
    run_id = validate_run_id(run_id)
    try:
        ref = normalize_ref(config["dataset"])
        preprocessing = Preprocessing.from_dict(config.get("preprocessing"))
        train = TrainConfig.from_dict(config.get("train"))
    except (KeyError, TypeError) as error:
        raise ValueError(
            f"run {run_id!r} has no usable dataset or settings in config.json ({error}); "
            "a script can only be exported from a complete run."
        ) from None
    network = normalize_spec(spec)
    shape = tuple(config.get("input_shape") or (ref["image_size"], ref["image_size"], 3))
    names = [str(n) for n in config.get("class_names") or []]
    classes = len(names) or 25
    params = (metrics or {}).get("num_params")
    if not isinstance(params, int):
        params = summarize(network, shape, classes).total_params
    kind = config.get("kind") if config.get("kind") in ("train", "extract") else None
    return ScriptSettings(
        network=network,
        dataset=ref,
        preprocessing=preprocessing,
        config=train,
        kind=kind or job_kind(network, preprocessing),
        label=code_safe(config.get("label") or config.get("network_name") or run_id),
        network_name=code_safe(config["network_name"]) if config.get("network_name") else None,
        run_id=run_id,
        input_shape=(int(shape[0]), int(shape[1]), int(shape[2])),
        num_classes=classes,
        params=params,
        class_names=names,
    )
