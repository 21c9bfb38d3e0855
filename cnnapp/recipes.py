"""One recipe per row of the assignment's results tables: what to train, and what it reported.

A recipe is data: dataset, preset, preprocessing, training settings and the figures the assignment
printed for it. All rows of a table share the seed, so rows with the same network start from
identical weights (the assignment's `get_weights`/`set_weights`). Tables 10-13 (section 4) use
ResNet50 on Caltech-UCSD Birds ("cub200"): rows whose network starts with a frozen backbone run as
feature-extractor jobs and the others as training jobs, as `cnnapp.training.make_job_spec` decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from cnnapp.config import Preprocessing, TrainConfig
from cnnapp.nets.presets import PRESETS, get_preset, preset_recipe
from cnnapp.training.jobspec import job_kind, make_job_spec
from cnnapp.training.scoring import RESULT_COLUMNS


@dataclass(frozen=True)
class Recipe:
    """One row of a results table."""

    id: str
    table: str
    label: str  # the assignment's "Modificación" text
    preset: str
    preprocessing: Preprocessing
    train: TrainConfig = field(default_factory=TrainConfig)
    dataset: str = "cifar100_25"
    reported: dict[str, float] = field(default_factory=dict)  # the assignment's figures

    def job_spec(
        self,
        owner: str = "cli",
        epochs: int | None = None,
        limit: int | None = None,
        dataset: dict | None = None,
        protocol: str | None = None,
    ) -> dict[str, Any]:
        """The recipe as a job spec; `epochs`, `limit` and `dataset` scale it down for a demo,
        `protocol` ("ours" or "assignment", see `TrainConfig.protocol`) overrides the recipe's.

        Raises:
            ValueError: for an unknown protocol (or an impossible network).
        """
        train = replace(self.train, epochs=epochs) if epochs else self.train
        if protocol is not None:
            train = replace(train, protocol=protocol)  # TrainConfig checks the value
        data = dict(dataset or {"name": self.dataset})
        if limit:
            data["limit"] = limit
        return make_job_spec(
            get_preset(self.preset),
            data,
            self.preprocessing,
            train,
            label=f"{self.table_label()}: {self.label}",
            network_name=PRESETS[self.preset].name,
            recipe=self.id,
            owner=owner,
        )

    @property
    def kind(self) -> str:
        """The job kind `make_job_spec` gives it: "extract" for a frozen backbone without
        augmentation or normalisation, else "train"."""
        return job_kind(PRESETS[self.preset].spec, self.preprocessing)

    def table_label(self) -> str:
        return TABLES[self.table].title if self.table in TABLES else self.table


@dataclass(frozen=True)
class Table:
    """A results table of the assignment and its rows."""

    id: str
    title: str
    section: str
    caption: str  # the assignment's own caption (Spanish)
    recipes: tuple[Recipe, ...]
    has_epochs: bool = False  # tables 9 and 11 report the epochs early stopping ran
    # whose figures `reported` holds: "assignment", or "published" (a paper's, for `modern`)
    reference: str = "assignment"
    has_time: bool = False  # the reference reports its time and device ("time_s", "device")


def _figures(*values: float, epochs: int | None = None) -> dict[str, float]:
    figures = dict(zip(RESULT_COLUMNS, values, strict=True))
    if epochs is not None:
        figures["epochs"] = epochs
    return figures


NONE = Preprocessing()
NORM = Preprocessing(normalize=True)


def _aug(flip: bool, zoom: float) -> Preprocessing:
    return Preprocessing(normalize=True, horizontal_flip=flip, zoom_range=zoom)


BASE = ("validation_split=0.1", "basenet", NONE, _figures(1.4456, 0.57824, 2.4225, 0.3656, 0.3724))
BASE_NORM = (
    "validation_split=0.1 + normalización",
    "basenet",
    NORM,
    _figures(1.2800, 0.6296, 2.7775, 0.3744, 0.3776),
)
BASE_BEST = _figures(1.5314, 0.54856, 2.0523, 0.4184, 0.4396)
EARLY = TrainConfig(epochs=40, early_stopping=True, patience=4)

_ROWS: dict[str, tuple[str, str, str, list[tuple]]] = {
    "2": ("Table 2", "2", "Tabla 2: BaseNet", [BASE]),
    "3": ("Table 3", "3.1", "Tabla 3: BaseNet con normalización", [BASE, BASE_NORM]),
    "4": (
        "Table 4",
        "3.2",
        "Tabla 4: aumento de datos en BaseNet (con normalización)",
        [
            (
                f"horizontal_flip={flip} + zoom_range={zoom}",
                "basenet",
                _aug(flip, zoom),
                figures,
            )
            for flip, zoom, figures in [
                (False, 0.0, _figures(1.3377, 0.59456, 2.7121, 0.3832, 0.3904)),
                (True, 0.0, _figures(1.5314, 0.54856, 2.0523, 0.4184, 0.4396)),
                (False, 0.2, _figures(1.6120, 0.53256, 2.4019, 0.3600, 0.4072)),
                (True, 0.2, _figures(1.7226, 0.47576, 2.1051, 0.3912, 0.4488)),
                (False, 0.5, _figures(1.9420, 0.44064, 2.2501, 0.3512, 0.44)),
                (True, 0.5, _figures(2.0033, 0.40728, 2.2559, 0.3552, 0.4128)),
            ]
        ],
    ),
    "5": (
        "Table 5",
        "3.2",
        "Tabla 5: tabla general de BaseNet",
        [
            BASE,
            BASE_NORM,
            ("zoom_range=0.0 + horizontal_flip=True (*)", "basenet", _aug(True, 0.0), BASE_BEST),
        ],
    ),
    "mired": (
        "MiRed (section 3.3)",
        "3.3",
        "Tabla de la sección 3.3: MiRed V1-V5 (con normalización)",
        [
            ("BaseNet best version", "basenet", _aug(True, 0.0), BASE_BEST),
            ("MiRed V1", "mired_v1", NORM, _figures(1.3058, 0.61288, 2.5128, 0.3744, 0.412)),
            ("MiRed V2", "mired_v2", NORM, _figures(0.5674, 0.80376, 3.3151, 0.4208, 0.4248)),
            ("MiRed V3", "mired_v3", NORM, _figures(0.0600, 0.9376, 3.8861, 0.4992, 0.5268)),
            ("MiRed V4", "mired_v4", NORM, _figures(0.4110, 0.85944, 2.3266, 0.4416, 0.472)),
            ("MiRed V5", "mired_v5", NORM, _figures(1.2051, 0.74104, 1.5410, 0.5392, 0.5444)),
        ],
    ),
    "7": (
        "Table 7",
        "3.4",
        "Tabla 7: MiRed + BatchNormalization (con normalización)",
        [
            (
                "MiRed+Batch V1",
                "mired_bn_v1",
                NORM,
                _figures(1.2199, 0.73984, 1.5360, 0.5592, 0.5716),
            ),
            (
                "MiRed+Batch V2",
                "mired_bn_v2",
                NORM,
                _figures(0.9632, 0.81912, 1.3856, 0.5848, 0.6056),
            ),
            (
                "MiRed+Batch V3",
                "mired_bn_v3",
                NORM,
                _figures(0.9184, 0.7912, 1.4110, 0.6112, 0.6124),
            ),
        ],
    ),
    "9": (
        "Table 9",
        "3.5",
        "Tabla 9: Early Stopping en MiRed+BatchNormalization V3 (40 épocas, paciencia 4)",
        [
            (
                "validation_split=0.1 + normalización",
                "mired_bn_v3",
                NORM,
                _figures(0.5253, 0.91736, 1.4150, 0.6200, 0.6424, epochs=31),
                EARLY,
            ),
            (
                "zoom_range=0.0 + horizontal_flip=True (*)",
                "mired_bn_v3",
                _aug(True, 0.0),
                _figures(0.9216, 0.7656, 1.2949, 0.6168, 0.644, epochs=27),
                EARLY,
            ),
            (
                "zoom_range=0.2 + horizontal_flip=True (*)",
                "mired_bn_v3",
                _aug(True, 0.2),
                _figures(1.0373, 0.7376, 1.2883, 0.6016, 0.672, epochs=34),
                EARLY,
            ),
        ],
    ),
}


_FE = ("resnet50_fe_v1", "resnet50_fe_v2", "resnet50_fe_v3")
_FE_FIGURES = [
    _figures(0.0325, 0.946, 2.1900, 0.4800, 0.4247),
    _figures(3.0521, 0.7163, 2.6553, 0.3300, 0.3168),
    _figures(1.7077, 0.844, 2.3460, 0.4133, 0.3653),
]
_FE_ROWS = [
    (f"Modelo V{n}", preset, NONE, figures)
    for n, preset, figures in zip((1, 2, 3), _FE, _FE_FIGURES, strict=True)
]
_BIRDS: dict[str, tuple[str, str, str, list[tuple]]] = {
    "10": (
        "Table 10",
        "4",
        "Tabla 10: Resultados utilizando ResNet50 como extractor de características",
        _FE_ROWS,
    ),
    "11": (
        "Table 11",
        "4",
        "Tabla 11: Tabla comparativa modelos usando ResNet como extractor (Early Stopping: 40 "
        "épocas, paciencia 4)",
        [
            *[(label, p, pre, {**figures, "epochs": 20}) for label, p, pre, figures in _FE_ROWS],
            (
                "Modelo V1 + EarlyStopping",
                "resnet50_fe_v1",
                NONE,
                _figures(0.0340, 0.94333, 2.0657, 0.4867, 0.4135, epochs=14),
                EARLY,
            ),
            (
                "Modelo V3 + EarlyStopping",
                "resnet50_fe_v3",
                NONE,
                _figures(1.2944, 0.8817, 2.3807, 0.4200, 0.3769, epochs=28),
                EARLY,
            ),
        ],
    ),
    "12": (
        "Table 12",
        "4",
        "Tabla 12: Resultados V1 modificaciones realizando ajuste fino a ResNet",
        [
            (
                "validation_split=0.1",
                "resnet50_ft_v1",
                NONE,
                _figures(0.1127, 0.951, 2.1577, 0.5233, 0.4566),
            ),
            (
                "validation_split=0.1 + normalización",
                "resnet50_ft_v1",
                NORM,
                _figures(0.0564, 0.9507, 2.2620, 0.5200, 0.4613),
            ),
            (
                "zoom_range=0.0 + horizontal_flip=True (*)",
                "resnet50_ft_v1",
                _aug(True, 0.0),
                _figures(0.0673, 0.9533, 2.2172, 0.5533, 0.4942),
            ),
            (
                "zoom_range=0.2 + horizontal_flip=True (*)",
                "resnet50_ft_v1",
                _aug(True, 0.2),
                _figures(0.1353, 0.9583, 2.1447, 0.5967, 0.4863),
            ),
        ],
    ),
    "13": (
        "Table 13",
        "4",
        "Tabla 13: Resultados V2 modificaciones realizando ajuste fino a ResNet",
        [
            (
                "validation_split=0.1 + normalización",
                "resnet50_ft_v2",
                NORM,
                _figures(0.4030, 0.9616, 2.0793, 0.6300, 0.5417),
            ),
            (
                "zoom_range=0.0 + horizontal_flip=True (*)",
                "resnet50_ft_v2",
                _aug(True, 0.0),
                _figures(0.4032, 0.9606, 2.0189, 0.6400, 0.5414),
            ),
            (
                "zoom_range=0.5 + horizontal_flip=True (*)",
                "resnet50_ft_v2",
                _aug(True, 0.5),
                _figures(0.7669, 0.911, 2.9293, 0.5300, 0.45862),
            ),
        ],
    ),
}


def _build_tables() -> dict[str, Table]:
    tables = {}
    for table_id, (title, section, caption, rows) in {**_ROWS, **_BIRDS}.items():
        recipes = []
        for number, row in enumerate(rows, start=1):
            label, preset, preprocessing, reported, *train = row
            recipes.append(
                Recipe(
                    id=f"t{table_id}-{number}",
                    table=table_id,
                    label=label,
                    preset=preset,
                    preprocessing=preprocessing,
                    train=train[0] if train else TrainConfig(),
                    dataset="cub200" if table_id in _BIRDS else "cifar100_25",
                    reported=reported,
                )
            )
        tables[table_id] = Table(
            table_id, title, section, caption, tuple(recipes), has_epochs=table_id in ("9", "11")
        )
    return tables


def _modern_table() -> Table:
    """Beyond the assignment: the modern preset with its own recipe on CIFAR-10, beside the
    published airbench94 figure (Keller Jordan, 2024: 94 % test accuracy in 3.83 s, A100)."""
    recipe = preset_recipe("modern")
    row = Recipe(
        id="tmodern-1",
        table="modern",
        label="airbench94 recipe",
        preset="modern",
        preprocessing=Preprocessing.from_dict(recipe["preprocessing"]),
        train=TrainConfig.from_dict(recipe["train"]),
        dataset="cifar10",
        reported={"test_accuracy": 0.94, "time_s": 3.83, "device": "NVIDIA A100"},
    )
    return Table(
        "modern",
        "Modern network",
        "beyond the assignment",
        "airbench94 (Jordan, 2024): 94 % CIFAR-10 test accuracy in 3.83 s on an NVIDIA A100",
        (row,),
        reference="published",
        has_time=True,
    )


TABLES: dict[str, Table] = {**_build_tables(), "modern": _modern_table()}
RECIPES: dict[str, Recipe] = {r.id: r for t in TABLES.values() for r in t.recipes}


def get_table(table_id: str) -> Table:
    """A results table by id ("2", "3", "4", "5", "mired", "7", "9", "10", "11", "12", "13",
    and "modern", beyond the assignment).

    Raises:
        KeyError: naming the known tables.
    """
    key = str(table_id).lower().removeprefix("table").strip()
    if key not in TABLES:
        raise KeyError(f"Unknown table {table_id!r}; choose one of {list(TABLES)}.")
    return TABLES[key]
