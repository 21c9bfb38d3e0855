"""The `Executor` interface: what pages and the command line call to run jobs.

A job is a plain-data spec (`cnnapp.training.make_job_spec`) run for an owner; its progress is
read as `JobStatus` snapshots. `cnnapp.jobs.local.LocalExecutor` runs jobs in worker processes on
this machine; another backend (a cluster) implements the same five methods.
"""

from __future__ import annotations

import json
import secrets
from abc import ABC, abstractmethod
from typing import Any

from cnnapp.jobs.status import JobStatus


class Executor(ABC):
    """Runs jobs described by plain-data specs for owners (browser sessions or "cli")."""

    @abstractmethod
    def submit(self, spec: dict, owner: str) -> str:
        """Queues a job; returns its unguessable id. Raises ValueError for a bad spec."""

    @abstractmethod
    def status(self, job_id: str, owner: str) -> JobStatus | None:
        """A snapshot of the job, or None if unknown or not `owner`'s. Never blocks."""

    @abstractmethod
    def cancel(self, job_id: str, owner: str) -> bool:
        """Stops a queued or running job of `owner`; False if there was nothing to stop."""

    @abstractmethod
    def list(self, owner: str) -> list[JobStatus]:
        """Snapshots of `owner`'s jobs, newest first."""

    @abstractmethod
    def list_all(self) -> list[JobStatus]:
        """Snapshots of every owner's jobs, newest first (a lecturer's view of the class)."""

    @abstractmethod
    def cancel_any(self, job_id: str) -> bool:
        """Stops a queued or running job whoever owns it (a lecturer); False if nothing to stop."""

    @abstractmethod
    def shutdown(self, wait: bool = False) -> None:
        """Stops everything; `wait` lets running jobs stop cleanly first."""


def checked_submission(spec: Any, owner: Any, kinds: dict[str, str]) -> tuple[str, dict]:
    """What every backend's `submit` checks: returns the kind and a plain-data copy of `spec`
    with `owner` and a new unguessable `job_id` added.

    Raises:
        ValueError: if owner is empty, the kind unknown or the spec not plain data.
    """
    if not isinstance(owner, str) or not owner:
        raise ValueError(f"owner must be a non-empty string, got {owner!r}.")
    kind = spec.get("kind") if isinstance(spec, dict) else None
    if kind not in kinds:
        raise ValueError(
            f"unknown job kind {kind!r}; expected a dict spec with 'kind' one of "
            f"{sorted(kinds)} (make one with cnnapp.training.make_job_spec)."
        )
    try:
        data = json.loads(json.dumps(spec))
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"a job spec must be plain data (dicts, lists, numbers, text): {error}."
        ) from None
    data.update(owner=owner, job_id=secrets.token_urlsafe(12))
    return kind, data
