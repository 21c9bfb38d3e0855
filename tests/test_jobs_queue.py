"""The fair queue: round-robin across owners, positions, and the executor that uses it."""

from __future__ import annotations

import copy
import multiprocessing
import random

import pytest

from cnnapp.jobs import FairQueue, LocalExecutor
from tests.jobkinds import KINDS
from tests.test_jobs import wait_done, wait_for


def _queue(*jobs: str) -> FairQueue:
    """A queue from "owner:job" strings, added in that order."""
    queue = FairQueue()
    for item in jobs:
        owner, job_id = item.split(":")
        queue.add(job_id, owner)
    return queue


def _drain(queue: FairQueue) -> list[str]:
    started = []
    while (job_id := queue.pop_next()) is not None:
        started.append(job_id)
    return started


def test_order_takes_each_owners_first_job_before_anyones_second():
    queue = _queue("a:a1", "a:a2", "a:a3", "b:b1", "c:c1", "c:c2")
    assert queue.order() == ["a1", "b1", "c1", "a2", "c2", "a3"]
    assert [queue.position(j) for j in ["a1", "b1", "c1", "a2", "c2", "a3"]] == [1, 2, 3, 4, 5, 6]
    assert _drain(queue) == ["a1", "b1", "c1", "a2", "c2", "a3"]
    assert len(queue) == 0 and queue.pop_next() is None


def test_an_owner_who_just_started_goes_behind_the_others():
    queue = _queue("a:a1", "a:a2", "a:a3")
    assert queue.pop_next() == "a1"
    queue.add("b1", "b")  # b arrives after a's first job started: b goes before a's second
    assert queue.order() == ["b1", "a2", "a3"]
    assert queue.pop_next() == "b1"
    queue.add("b2", "b")
    assert queue.order() == ["a2", "b2", "a3"]


def test_an_owner_back_after_a_pause_is_the_least_recent():
    queue = _queue("a:a1", "b:b1", "c:c1", "b:b2", "c:c2")
    assert [queue.pop_next() for _ in range(4)] == ["a1", "b1", "c1", "b2"]
    queue.add("a2", "a")  # a's last start is older than c's
    assert queue.order() == ["a2", "c2"]


def test_never_started_owners_go_by_submission():
    queue = _queue("b:b1", "a:a1", "b:b2")
    assert queue.order() == ["b1", "a1", "b2"]


def test_skip_leaves_an_owner_waiting_without_losing_their_turn():
    queue = _queue("a:a1", "a:a2", "b:b1")
    assert queue.pop_next(skip={"a"}) == "b1"
    assert queue.pop_next(skip={"a"}) is None
    assert queue.pop_next() == "a1"


def test_remove_clear_and_errors():
    queue = _queue("a:a1", "a:a2", "b:b1")
    assert "a2" in queue and queue.remove("a2") and "a2" not in queue
    assert not queue.remove("a2") and queue.position("a2") is None
    assert queue.order() == ["a1", "b1"] and queue.position("b1") == 2
    with pytest.raises(ValueError, match="already queued"):
        queue.add("a1", "a")
    assert queue.clear() == ["a1", "b1"] and len(queue) == 0


def test_order_always_predicts_the_pops():
    rng = random.Random(7)
    queue, next_id = FairQueue(), 0
    for _ in range(300):
        action = rng.random()
        if action < 0.5:
            queue.add(f"j{next_id}", f"owner-{rng.randrange(5)}")
            next_id += 1
        elif action < 0.8:
            queue.pop_next()
        elif len(queue):
            queue.remove(rng.choice(queue.order()))
        predicted = queue.order()
        assert [queue.position(job_id) for job_id in predicted] == list(
            range(1, len(predicted) + 1)
        )
        assert _drain(copy.deepcopy(queue)) == predicted


# The executor with the fair queue (fake job kinds, no Keras)


def test_one_owners_five_jobs_do_not_hold_up_another():
    executor = LocalExecutor(max_jobs=1, gpus=[], kinds=KINDS)
    try:
        a_jobs = [executor.submit({"kind": "until_stopped"}, "a")]
        a_jobs += [executor.submit({"kind": "saves_run", "sleep_s": 0.05}, "a") for _ in range(4)]
        b_job = executor.submit({"kind": "saves_run", "sleep_s": 0.05}, "b")
        wait_for(lambda: executor.status(a_jobs[0], "a").state == "running")
        queued = [b_job, *a_jobs[1:]]
        owners = ["b"] + ["a"] * 4
        positions = [executor.status(j, o).position for j, o in zip(queued, owners, strict=True)]
        assert positions == [1, 2, 3, 4, 5]  # b's job starts second, right after a's first
        assert executor.cancel(a_jobs[0], "a")
        finished = [wait_done(executor, j, o) for j, o in zip(queued, owners, strict=True)]
        assert [s.state for s in finished] == ["completed"] * 5
        by_start = sorted(range(5), key=lambda i: finished[i].result["clock"])
        assert by_start == [p - 1 for p in positions]  # the positions shown were the real order
    finally:
        executor.shutdown()
    assert multiprocessing.active_children() == []


def test_per_owner_running_keeps_one_owners_second_job_waiting():
    executor = LocalExecutor(max_jobs=2, gpus=[], kinds=KINDS, per_owner_running=1)
    try:
        first = executor.submit({"kind": "until_stopped"}, "a")
        second = executor.submit({"kind": "quick"}, "a")
        wait_for(lambda: executor.status(first, "a").state == "running")
        other = executor.submit({"kind": "quick"}, "b")  # the free slot goes to b
        assert wait_done(executor, other, "b").state == "completed"
        status = executor.status(second, "a")
        assert (status.state, status.position) == ("queued", 1)
        assert executor.cancel(first, "a")
        assert wait_done(executor, second, "a").state == "completed"
    finally:
        executor.shutdown()


def test_per_owner_running_must_be_a_whole_number():
    with pytest.raises(ValueError, match="per_owner_running"):
        LocalExecutor(max_jobs=1, gpus=[], per_owner_running=0)
