"""From (network, dataset, preprocessing, config) to a job spec: the one place that decides its kind.

The Train page, the command line and the recipes all call `make_job_spec`. A network that starts
with a frozen backbone, trained without augmentation or normalisation, becomes a feature-extractor
job (`kind: "extract"`: each image's backbone features are computed once and cached, then only the
head trains); every other network, a frozen backbone with augmentation or normalisation included,
is a training job (`kind: "train"`), because augmented or normalised images change the features
every epoch.
"""

from __future__ import annotations

from typing import Any

from cnnapp.config import Preprocessing, TrainConfig
from cnnapp.nets.spec import normalize_spec, summarize

KINDS = ("train", "extract")


def is_feature_extractor(network: list[dict]) -> bool:
    """Whether a network starts with a frozen backbone, so its features could be computed once.

    Args:
        network: a layer spec (not validated here; an invalid one is simply not an extractor).
    """
    first = network[0] if network and isinstance(network[0], dict) else {}
    return first.get("type") == "backbone" and not first.get("trainable", False)


def job_kind(network: list[dict], preprocessing: Preprocessing | dict | None = None) -> str:
    """ "extract" for a frozen backbone trained without augmentation or normalisation, else "train".

    Args:
        network: the layer spec.
        preprocessing: `Preprocessing` or its dict; none means no preprocessing.
    """
    if not isinstance(preprocessing, Preprocessing):
        preprocessing = Preprocessing.from_dict(preprocessing)
    changes_images = preprocessing.augments or preprocessing.normalize
    return "extract" if is_feature_extractor(network) and not changes_images else "train"


def make_job_spec(
    network: list[dict],
    dataset: dict | None = None,
    preprocessing: Preprocessing | dict | None = None,
    config: TrainConfig | dict | None = None,
    *,
    label: str = "",
    network_name: str | None = None,
    recipe: str | None = None,
    owner: str = "cli",
) -> dict[str, Any]:
    """A job as plain data, validated, with its kind decided, ready for `Executor.submit`.

    Args:
        network: the layer spec (validated here).
        dataset: a dataset reference (`{"name": ..., ...}`); the procedural dataset by default.
        preprocessing: `Preprocessing` or its dict.
        config: `TrainConfig` or its dict.
        label: a short human name for the run.
        network_name: the preset's name, if it came from one.
        recipe: the recipe id, if it reproduces a row of the assignment.
        owner: who may see and stop it (a browser session id, or "cli").

    Returns:
        `{"kind": "train" | "extract", "owner", "label", "network", "network_name", "dataset",
        "preprocessing", "config", "recipe"}`.

    Raises:
        NetworkError: if the network is impossible.
        ValueError: for settings that cannot work together.
    """
    if not isinstance(preprocessing, Preprocessing):
        preprocessing = Preprocessing.from_dict(preprocessing)
    if not isinstance(config, TrainConfig):
        config = TrainConfig.from_dict(config)
    if config.early_stopping and config.validation_split == 0:
        raise ValueError(
            "Early stopping watches validation accuracy, but validation_split is 0. Set "
            "validation_split to 0.1, or turn early stopping off."
        )
    dataset = dict(dataset or {"name": "procedural"})
    size = int(dataset.get("image_size") or 32)
    summarize(network, (size, size, 3), 2)  # impossible networks never reach a worker
    kind = job_kind(network, preprocessing)
    default_label = "feature extractor" if kind == "extract" else "custom network"
    return {
        "kind": kind,
        "owner": owner,
        "label": label or network_name or default_label,
        "network": normalize_spec(network),
        "network_name": network_name,
        "dataset": dataset,
        "preprocessing": preprocessing.to_dict(),
        "config": config.to_dict(),
        "recipe": recipe,
    }
