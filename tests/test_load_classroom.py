"""A class at once: 30 students queue uneven numbers of jobs on 2 slots, one running each.

Marked slow (run by `.ci/run` separately). Fake jobs (`tests/jobkinds.py:saves_run`) each save a
tiny run, so it checks the fair queue, not training: jobs start round-robin across students (every
student's first job before anyone's second, and so on), no student runs two at once, the places in
the queue shown are a proper 1..n order, and every job ends with its own run, owned by its student.
Run it with `-s` to see its figures.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter

import pytest

from cnnapp.jobs import LocalExecutor
from cnnapp.runs import RunStore
from tests.jobkinds import KINDS

STUDENTS = 30
SLOTS = 2


@pytest.mark.slow
def test_thirty_students_share_two_slots_round_robin():
    owners = [f"u-{i:03d}" for i in range(STUDENTS)]
    counts = {owner: 3 if i % 3 == 0 else 1 for i, owner in enumerate(owners)}  # 50 jobs
    executor = LocalExecutor(max_jobs=SLOTS, gpus=[], kinds=KINDS, per_owner_running=1)
    started = time.monotonic()
    try:
        jobs = []  # (owner, k, job id): the student's k-th job, 1-based
        for owner in owners:
            for k in range(1, counts[owner] + 1):
                spec = {"kind": "saves_run", "sleep_s": 0.05, "label": f"{owner} job {k}"}
                jobs.append((owner, k, executor.submit(spec, owner)))

        first_seen: dict[str, int] = {}  # job id -> the poll at which it had left the queue
        most_running, polls = 0, 0
        deadline = time.monotonic() + 120
        while True:
            every = {s.id: s for s in executor.list_all()}  # one snapshot: the queue as it is
            states = {job_id: every[job_id] for _, _, job_id in jobs}
            running = [s for s in states.values() if s.state in ("running", "stopping")]
            most_running = max(most_running, len(running))
            assert max(Counter(s.owner for s in running).values(), default=0) <= 1
            positions = sorted(s.position for s in states.values() if s.state == "queued")
            assert positions == list(range(1, len(positions) + 1))
            for job_id, status in states.items():
                if status.state != "queued":
                    first_seen.setdefault(job_id, polls)
            if all(s.done for s in states.values()):
                break
            assert time.monotonic() < deadline, Counter(s.state for s in states.values())
            polls += 1
            time.sleep(0.01)
    finally:
        executor.shutdown()
    wall = time.monotonic() - started
    assert multiprocessing.active_children() == []
    assert 1 <= most_running <= SLOTS

    # Round-robin: a student's k-th job starts no earlier than everyone's (k - 1)-th, both as
    # polled and by the executor's started_at (to the second, set in the order jobs start).
    for owner, k, job_id in jobs:
        if k > 1:
            before = [j for _, kk, j in jobs if kk == k - 1]
            assert first_seen[job_id] >= max(first_seen[j] for j in before), (owner, k)
            assert states[job_id].started_at >= max(states[j].started_at for j in before)

    store = RunStore()
    for owner, k, job_id in jobs:
        status = states[job_id]
        assert status.state == "completed", status.error
        info = store.get(status.result["run_id"], owner)
        assert (info.owner, info.config["job"], info.label) == (owner, job_id, f"{owner} job {k}")
    assert len({states[job_id].result["run_id"] for _, _, job_id in jobs}) == len(jobs)
    print(f"\nclass load test: {STUDENTS} students, {len(jobs)} jobs, {SLOTS} slots, {wall:.0f} s")
