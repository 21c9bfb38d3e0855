"""`FairQueue`: the order in which queued jobs start, round-robin across owners.

The rule: when a slot frees, the next job started belongs to the owner who least recently had a
job started (an owner who never had one counts as least recent; among those, the owner whose
waiting job was submitted first goes first). Owners with nothing queued are skipped, and one
owner's jobs keep their submission order. So one student's five queued jobs do not hold up the
class: everyone else's first job starts before that student's second.

The order of the whole queue (`order()`, and `position()` from it) is the round-robin simulated
from the current state: the owners sorted by the rule, then round 1 takes each owner's first job,
round 2 each owner's second, and so on (after starting a job an owner is the most recent, so the
owners keep their places from round to round).

Example:
    queue = FairQueue()
    for job_id in ["a1", "a2", "a3"]:
        queue.add(job_id, owner="alice")
    queue.add("b1", owner="bob")
    queue.order()  # ["a1", "b1", "a2", "a3"]
    queue.pop_next()  # "a1"; then bob's "b1", as alice just had one started
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Collection


class FairQueue:
    """Queued job ids per owner, started round-robin across owners (not thread-safe: the caller
    holds its own lock)."""

    def __init__(self) -> None:
        self._jobs: dict[str, deque[str]] = {}  # owner -> their queued job ids, oldest first
        self._owner_of: dict[str, str] = {}  # job id -> owner
        self._submitted: dict[str, int] = {}  # job id -> submission number (ties between owners)
        self._last_started: dict[str, int] = {}  # owner -> number of their latest start
        self._counter = itertools.count()
        self._places: dict[str, int] | None = None  # job id -> position, until the queue changes

    def __len__(self) -> int:
        return len(self._owner_of)

    def __contains__(self, job_id: object) -> bool:
        return job_id in self._owner_of

    def add(self, job_id: str, owner: str) -> None:
        """Queues `job_id` behind `owner`'s other queued jobs.

        Raises:
            ValueError: if the job is already queued.
        """
        if job_id in self._owner_of:
            raise ValueError(f"job {job_id!r} is already queued; add each job once.")
        self._jobs.setdefault(owner, deque()).append(job_id)
        self._owner_of[job_id] = owner
        self._submitted[job_id] = next(self._counter)
        self._places = None

    def remove(self, job_id: str) -> bool:
        """Takes a job out of the queue without starting it; False if it was not queued."""
        owner = self._owner_of.pop(job_id, None)
        if owner is None:
            return False
        self._jobs[owner].remove(job_id)
        if not self._jobs[owner]:
            del self._jobs[owner]
        del self._submitted[job_id]
        self._places = None
        return True

    def pop_next(self, skip: Collection[str] = ()) -> str | None:
        """Takes out the job to start now and marks its owner as the most recently started.

        Args:
            skip: owners whose jobs may not start now (e.g. at their limit of running jobs).

        Returns:
            The job id, or None if no owner outside `skip` has a job queued.
        """
        owners = [owner for owner in self._jobs if owner not in skip]
        if not owners:
            return None
        owner = min(owners, key=self._turn)
        job_id = self._jobs[owner][0]
        self.remove(job_id)
        self._last_started[owner] = next(self._counter)
        return job_id

    def order(self) -> list[str]:
        """Every queued job id, in the order they will start (the round-robin simulated)."""
        owners = sorted(self._jobs, key=self._turn)
        rounds = itertools.zip_longest(*(self._jobs[owner] for owner in owners))
        return [job_id for row in rounds for job_id in row if job_id is not None]

    def position(self, job_id: str) -> int | None:
        """The job's 1-based place in `order()` (1 starts next), or None if it is not queued."""
        if self._places is None:  # computed once per change, as pages poll every job's status
            self._places = {job: place for place, job in enumerate(self.order(), start=1)}
        return self._places.get(job_id)

    def clear(self) -> list[str]:
        """Empties the queue; returns the job ids that were in it, in `order()`."""
        job_ids = self.order()
        for job_id in job_ids:
            self.remove(job_id)
        return job_ids

    def _turn(self, owner: str) -> tuple[int, int]:
        """Sort key of an owner with queued jobs: least recently started, then first submitted."""
        return (self._last_started.get(owner, -1), self._submitted[self._jobs[owner][0]])
