"""Per-student limits of a class: what a student's job may ask for before it is queued.

The defaults come from the settings (`CNNAPP_MAX_QUEUED`, `CNNAPP_MAX_EPOCHS`, ...); a lecturer
can change them, and they are kept in `<data dir>/class/limits.json`. The executor knows nothing
of them: a page in class mode asks `admission_error` before it submits a student's job (and the
executor is started with `per_owner_running`, so a student's extra jobs wait in the queue).

Example:
    limits = load_limits()
    error = admission_error(spec, owner, executor.list(owner), limits, owner_disk_bytes(owner))
    # "This job asks for 150 epochs; the class limit is 100. Lower the epochs, or ask your lecturer."
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cnnapp.classroom.jsonfile import read_json, write_json
from cnnapp.config import TrainConfig
from cnnapp.data import procedural, shapes
from cnnapp.data.loader import BIRDS, DEFAULTS, normalize_ref
from cnnapp.i18n import t
from cnnapp.jobs.status import JobStatus
from cnnapp.nets.spec import summarize
from cnnapp.runs import RunStore
from cnnapp.settings import get_settings

# Training images of the built-in datasets (before `limit` and the validation split).
TRAIN_IMAGES = {
    "procedural": len(procedural.CLASS_NAMES) * procedural.TRAIN_PER_CLASS,
    "cifar100_25": 12_500,
    "cifar10": 50_000,
    "cub200": 3_000,
    "cub200_2011": 5_994,
}
ACTIVE_STATES = ("running", "stopping")


def _setting(name: str) -> Any:
    return field(default_factory=lambda: getattr(get_settings(), name))


def _default(item: dataclasses.Field) -> Any:
    return (
        item.default_factory() if item.default_factory is not dataclasses.MISSING else item.default
    )


@dataclass(frozen=True)
class ClassLimits:
    """What one student may ask for; the defaults are the settings' (read when made)."""

    max_queued_per_owner: int = _setting("max_queued_per_owner")  # jobs waiting in the queue
    max_running_per_owner: int = 1  # jobs running at once; the executor's `per_owner_running`
    max_epochs: int = _setting("max_epochs")  # epochs of one job
    max_params: int = _setting("max_params")  # parameters of one network, frozen ones included
    max_train_pixels: int = _setting("max_train_pixels")  # training images × height × width
    disk_quota_bytes: int = _setting("disk_quota_bytes")  # a student's saved runs and uploads
    session_hours: int = field(  # sign in again after this long (whole hours)
        default_factory=lambda: max(1, round(get_settings().session_hours))
    )

    def __post_init__(self) -> None:
        for item in dataclasses.fields(self):
            value, low = getattr(self, item.name), 0 if item.name == "max_queued_per_owner" else 1
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(
                    f"ClassLimits.{item.name} must be a whole number of at least {low}, got "
                    f"{value!r}; for example {_default(item)}."
                )

    def to_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ClassLimits:
        """Limits from plain data; missing fields take the settings' defaults.

        Raises:
            ValueError: for an unknown field or a value that is not a whole number in range.
        """
        data = dict(data or {})
        names = [item.name for item in dataclasses.fields(cls)]
        unknown = sorted(set(data) - set(names))
        if unknown:
            raise ValueError(f"Unknown class limit(s) {unknown}; expected some of {names}.")
        return cls(**data)


def _path(root: Path | str | None) -> Path:
    return Path(root or get_settings().data_dir / "class") / "limits.json"


def load_limits(root: Path | str | None = None) -> ClassLimits:
    """The class's limits from `<root>/limits.json` (root: default `<data dir>/class`); the
    settings' defaults when the file is missing or broken."""
    try:
        return ClassLimits.from_dict(read_json(_path(root), {}))
    except (TypeError, ValueError):
        return ClassLimits()


def save_limits(limits: ClassLimits, root: Path | str | None = None) -> Path:
    """Keeps `limits` in `<root>/limits.json` (written atomically); returns the file's path."""
    path = _path(root)
    write_json(path, limits.to_dict())
    return path


# Admission: may this job be queued?


def _number(value: int, lang: str) -> str:
    """`30,000,000` in English, `30.000.000` in Spanish."""
    text = f"{value:,}"
    return text.replace(",", ".") if lang == "es" else text


def _size(num_bytes: int, lang: str) -> str:
    """Bytes as MB or GB with one decimal, in the language's style (`2.5 GB`, `2,5 GB`)."""
    value, unit = (
        (num_bytes / 1024**3, "GB") if num_bytes >= 1024**3 else (num_bytes / 1024**2, "MB")
    )
    text = f"{value:.1f} {unit}"
    return text.replace(".", ",") if lang == "es" else text


def _dataset(spec: dict[str, Any]) -> dict[str, Any]:
    ref = dict(spec.get("dataset") or {})
    try:
        return normalize_ref(ref)
    except ValueError:  # the worker reports a bad reference itself; use what can be read
        size = ref.get("image_size")
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            size = 224 if ref.get("name") in BIRDS else DEFAULTS["image_size"]
        return {**DEFAULTS, **ref, "image_size": size}


def _classes(ref: dict[str, Any]) -> int:
    known = shapes.known_shape(ref)
    if known is not None:
        return known[1]
    return shapes.BIRD_SPECIES if ref.get("name") in BIRDS else shapes.ASSUMED_CLASSES


def _train_images(ref: dict[str, Any], train_images: int | None) -> int | None:
    known = TRAIN_IMAGES.get(ref.get("name"), train_images)
    limit = ref.get("limit")
    if isinstance(limit, int) and limit > 0:
        return min(limit, known) if known else limit
    return known


def admission_error(
    spec: dict[str, Any],
    owner: str,
    jobs: list[JobStatus],
    limits: ClassLimits,
    used_bytes: int = 0,
    lang: str = "en",
    *,
    train_images: int | None = None,
) -> str | None:
    """Why a student's job may not be queued, in the student's language; None if it may.

    Args:
        spec: the job spec (`cnnapp.training.make_job_spec`).
        owner: the student's owner id.
        jobs: the student's job snapshots (`executor.list(owner)`); others' are ignored.
        limits: the class's limits (`load_limits()`).
        used_bytes: the student's disk use (`owner_disk_bytes(owner)`).
        lang: "en" or "es".
        train_images: the number of training images of a folder dataset, if the caller knows
            it; without it (and without a `limit`), a folder's pixels are not checked.

    Returns:
        The first limit the job breaks (queue, disk, epochs, parameters, training pixels), as a
        message that names the limit, its value, what was asked and what to do; or None.
    """
    ref = _dataset(spec)
    return (
        _queue_error([job for job in jobs if job.owner == owner], limits, lang)
        or _disk_error(used_bytes, limits, lang)
        or _epochs_error(spec, limits, lang)
        or _params_error(spec, ref, limits, lang)
        or _pixels_error(ref, _train_images(ref, train_images), limits, lang)
    )


def _queue_error(jobs: list[JobStatus], limits: ClassLimits, lang: str) -> str | None:
    queued = sum(job.state == "queued" for job in jobs)
    running = sum(job.state in ACTIVE_STATES for job in jobs)
    full = queued >= limits.max_queued_per_owner
    # With a limit of 0 queued, a job may still be submitted when nothing else of theirs is on.
    if full and (queued or running >= limits.max_running_per_owner):
        return t(
            "limit.queued", lang, running=running, queued=queued, limit=limits.max_queued_per_owner
        )
    return None


def _disk_error(used_bytes: int, limits: ClassLimits, lang: str) -> str | None:
    if used_bytes <= limits.disk_quota_bytes:
        return None
    asked, limit = _size(used_bytes, lang), _size(limits.disk_quota_bytes, lang)
    return t("limit.disk", lang, asked=asked, limit=limit)


def _epochs_error(spec: dict[str, Any], limits: ClassLimits, lang: str) -> str | None:
    epochs = (spec.get("config") or {}).get("epochs", TrainConfig.epochs)
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs <= limits.max_epochs:
        return None
    asked, limit = _number(epochs, lang), _number(limits.max_epochs, lang)
    return t("limit.epochs", lang, asked=asked, limit=limit)


def _params_error(
    spec: dict[str, Any], ref: dict[str, Any], limits: ClassLimits, lang: str
) -> str | None:
    size = ref["image_size"]
    try:
        params = summarize(spec.get("network") or [], (size, size, 3), _classes(ref)).total_params
    except ValueError:  # NetworkError: make_job_spec refuses it, with its own message
        return None
    if params <= limits.max_params:
        return None
    asked, limit = _number(params, lang), _number(limits.max_params, lang)
    return t("limit.params", lang, asked=asked, limit=limit)


def _pixels_error(
    ref: dict[str, Any], images: int | None, limits: ClassLimits, lang: str
) -> str | None:
    size = ref["image_size"]
    if images is None or images * size * size <= limits.max_train_pixels:
        return None
    return t(
        "limit.pixels",
        lang,
        images=_number(images, lang),
        size=size,
        asked=_number(images * size * size, lang),
        limit=_number(limits.max_train_pixels, lang),
    )


def owner_disk_bytes(owner: str, runs_root: Path | str | None = None) -> int:
    """Bytes of the saved runs that belong to `owner` (not the command line's runs they can see)."""
    total = 0
    for run in RunStore(runs_root).list(owner):
        if run.owner != owner:
            continue
        for path in Path(run.path).rglob("*"):
            try:
                total += path.stat().st_size if path.is_file() else 0
            except OSError:  # deleted meanwhile
                continue
    return total
