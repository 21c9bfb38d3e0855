"""Paths and limits of the app, with environment-variable overrides.

Every setting has a default that works in a fresh clone; set the variable named beside each field to
change it (see the README's "Settings" table).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(
            f"{name}={value!r} is not a whole number; set it to an integer such as {default}."
        ) from None


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise ValueError(
            f"{name}={value!r} is not a number; set it to a number such as {default}."
        ) from None


def _env_choice(name: str, choices: tuple[str, ...]) -> str:
    value = (os.environ.get(name) or choices[0]).strip().lower()
    if value not in choices:
        raise ValueError(
            f"{name}={value!r} is not one of {', '.join(choices)}; set it to one of them "
            f"(or unset it for {choices[0]})."
        )
    return value


def _env_switch(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "on", "yes"):
        return True
    if value in ("0", "false", "off", "no"):
        return False
    raise ValueError(f"{name}={value!r} is not a switch; set it to 1 (on) or 0 (off).")


@dataclass(frozen=True)
class Settings:
    """Where the app keeps things and how much it may do at once."""

    models_dir: Path  # CNNAPP_MODELS_DIR: saved runs (one folder each)
    data_dir: Path  # CNNAPP_DATA_DIR: data cache (decoded datasets, extracted archives)
    max_jobs: int  # CNNAPP_MAX_JOBS: training jobs that run at once; the rest queue
    cifar100_path: Path | None  # CNNAPP_CIFAR100: cifar-100-python.tar.gz or its extracted folder
    cifar10_path: Path | None  # CNNAPP_CIFAR10: cifar-10-python.tar.gz or its extracted folder
    weights_dir: Path | None  # CNNAPP_WEIGHTS_DIR: local pretrained weights (transfer learning)
    max_image_pixels: int  # CNNAPP_MAX_IMAGE_PIXELS: larger uploaded images are refused
    max_upload_bytes: int  # CNNAPP_MAX_UPLOAD_BYTES: larger uploaded files are refused
    # Class mode (a class server with sign-in): who teaches, and the default class limits, which
    # a lecturer can change on the Class page (kept in <data dir>/class/limits.json).
    lecturers: tuple[str, ...] = ()  # CNNAPP_LECTURERS: lecturers' emails, comma-separated
    data_roots: tuple[Path, ...] = ()  # CNNAPP_DATA_ROOTS: folders "a folder on the server" may use
    max_queued_per_owner: int = 3  # CNNAPP_MAX_QUEUED: a student's queued jobs (one runs at a time)
    max_epochs: int = 100  # CNNAPP_MAX_EPOCHS: epochs of one job
    max_params: int = 30_000_000  # CNNAPP_MAX_PARAMS: parameters of one network
    max_train_pixels: int = 400_000_000  # CNNAPP_MAX_TRAIN_PIXELS: training images × height × width
    disk_quota_bytes: int = 2 * 1024**3  # CNNAPP_DISK_QUOTA_MB: a student's runs and uploads
    max_decode_pixels: int = (
        400_000_000  # CNNAPP_MAX_DECODE_PIXELS: all the photos of a folder dataset
    )
    session_hours: float = 12.0  # CNNAPP_SESSION_HOURS: sign in again after this long
    # Where jobs run: "local" (worker processes on this machine) or "ray" (a Ray cluster).
    executor: str = "local"  # CNNAPP_EXECUTOR: local or ray
    ray_address: str | None = None  # RAY_ADDRESS: the cluster's head, e.g. 10.0.0.5:6379
    ray_namespace: str = "cnnapp"  # CNNAPP_RAY_NAMESPACE: one per class sharing a cluster
    # CNNAPP_JOBS_PER_GPU: jobs sharing one GPU, each capped at its share of the memory; unset:
    # chosen from the GPU's total memory (`cnnapp.jobs.slots.JOBS_PER_GPU_BY_MEMORY`).
    jobs_per_gpu: int | None = None
    warm_workers: bool = True  # CNNAPP_WARM_WORKERS: 1 keeps a worker per job slot started ahead


def get_settings() -> Settings:
    """Reads the settings from the environment (cheap; call it whenever needed)."""
    optional = {
        key: (Path(os.environ[var]).expanduser() if os.environ.get(var) else None)
        for key, var in [
            ("cifar100_path", "CNNAPP_CIFAR100"),
            ("cifar10_path", "CNNAPP_CIFAR10"),
            ("weights_dir", "CNNAPP_WEIGHTS_DIR"),
        ]
    }
    return Settings(
        models_dir=_env_path("CNNAPP_MODELS_DIR", PROJECT_ROOT / "models"),
        data_dir=_env_path("CNNAPP_DATA_DIR", Path.home() / ".cache" / "cnnapp"),
        max_jobs=max(1, _env_int("CNNAPP_MAX_JOBS", 1)),
        max_image_pixels=_env_int("CNNAPP_MAX_IMAGE_PIXELS", 40_000_000),
        max_upload_bytes=_env_int("CNNAPP_MAX_UPLOAD_BYTES", 200 * 1024 * 1024),
        lecturers=tuple(
            email.strip().lower()
            for email in os.environ.get("CNNAPP_LECTURERS", "").split(",")
            if email.strip()
        ),
        data_roots=tuple(
            Path(root).expanduser()
            for root in os.environ.get("CNNAPP_DATA_ROOTS", "").split(os.pathsep)
            if root.strip()
        ),
        max_queued_per_owner=max(0, _env_int("CNNAPP_MAX_QUEUED", 3)),
        max_epochs=max(1, _env_int("CNNAPP_MAX_EPOCHS", 100)),
        max_params=max(1, _env_int("CNNAPP_MAX_PARAMS", 30_000_000)),
        max_train_pixels=max(1, _env_int("CNNAPP_MAX_TRAIN_PIXELS", 400_000_000)),
        disk_quota_bytes=max(1, _env_int("CNNAPP_DISK_QUOTA_MB", 2048)) * 1024 * 1024,
        max_decode_pixels=max(1, _env_int("CNNAPP_MAX_DECODE_PIXELS", 400_000_000)),
        session_hours=max(0.1, _env_float("CNNAPP_SESSION_HOURS", 12.0)),
        executor=_env_choice("CNNAPP_EXECUTOR", ("local", "ray")),
        ray_address=os.environ.get("RAY_ADDRESS") or None,
        ray_namespace=os.environ.get("CNNAPP_RAY_NAMESPACE") or "cnnapp",
        jobs_per_gpu=(
            max(1, _env_int("CNNAPP_JOBS_PER_GPU", 1))
            if os.environ.get("CNNAPP_JOBS_PER_GPU")
            else None
        ),
        warm_workers=_env_switch("CNNAPP_WARM_WORKERS", True),
        **optional,
    )
