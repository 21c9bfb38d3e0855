"""The `Executor` interface: what pages and the command line call to run jobs.

A job is a plain-data spec (`cnnapp.training.make_job_spec`) run for an owner; its progress is
read as `JobStatus` snapshots. `cnnapp.jobs.local.LocalExecutor` runs jobs in worker processes on
this machine; another backend (a cluster) implements the same five methods.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

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
