"""The executor suite on both backends: local worker processes and a two-node Ray cluster.

The same tests run against `LocalExecutor` and `RayExecutor` (fixture `backend` in
tests/executor_backends.py): submit, status, list, cancel, owner isolation, failed jobs, saved runs.
The Ray cases start a local cluster once per module (about 20 s on 2 cores).
"""

from __future__ import annotations

import pytest

from cnnapp.runs import RunStore
from tests import executor_backends
from tests.executor_backends import wait_done, wait_for

backend = executor_backends.backend  # the fixture: each test runs on both backends
ray_cluster = executor_backends.ray_cluster  # one cluster for this module

OWNER = "session-a"
OTHER = "session-b"


def test_completed_job_folds_events(backend):
    job_id = backend.submit({"kind": "quick", "label": "fake"}, OWNER)
    status = wait_done(backend, job_id, OWNER)
    assert status.state == "completed", status.error
    assert status.result == {"status": "completed", "owner": OWNER, "job_id": job_id}
    assert status.label == "fake"
    assert [row["epoch"] for row in status.history] == [1, 2, 3]
    assert status.history[1]["val_loss"] == 1.0
    assert len(status.batch_points) == 12
    assert status.early_stopping == {"stopped_epoch": 3, "best_epoch": 2}
    assert status.elapsed_s > 0 and status.finished_at


def test_status_and_list_are_per_owner(backend):
    mine = backend.submit({"kind": "quick", "epochs": 1}, OWNER)
    theirs = backend.submit({"kind": "quick", "epochs": 1}, OTHER)
    assert backend.status(mine, OTHER) is None
    assert backend.status("no-such-job", OWNER) is None
    assert backend.cancel(mine, OTHER) is False
    wait_done(backend, mine, OWNER)
    wait_done(backend, theirs, OTHER)
    assert [status.id for status in backend.list(OWNER)] == [mine]
    assert [status.id for status in backend.list(OTHER)] == [theirs]
    assert [status.id for status in backend.list_all()] == [theirs, mine]  # newest first
    assert backend.list("nobody") == []


def test_cancel_queued_and_running(backend):
    running = [backend.submit({"kind": "until_stopped"}, OWNER) for _ in range(2)]
    queued = backend.submit({"kind": "until_stopped"}, OWNER)  # two slots: this one waits
    wait_for(lambda: all(backend.status(j, OWNER).history for j in running))
    status = backend.status(queued, OWNER)
    assert status.state == "queued" and status.position == 1
    assert backend.cancel(queued, OWNER) is True
    assert backend.status(queued, OWNER).state == "stopped"
    assert backend.cancel(queued, OWNER) is False  # nothing left to stop
    assert backend.cancel(running[0], OWNER) is True
    assert backend.cancel_any(running[1]) is True  # a lecturer stops another's job
    for job_id in running:
        stopped = wait_done(backend, job_id, OWNER)
        assert stopped.state == "stopped", stopped.error
        assert [row["epoch"] for row in stopped.history] == [1]


def test_queue_is_fair_across_owners(backend):
    blockers = [backend.submit({"kind": "until_stopped"}, "blocker") for _ in range(2)]
    wait_for(lambda: all(backend.status(j, "blocker").state == "running" for j in blockers))
    many = [backend.submit({"kind": "quick", "epochs": 1}, OWNER) for _ in range(3)]
    one = backend.submit({"kind": "quick", "epochs": 1}, OTHER)
    assert backend.status(many[0], OWNER).position == 1
    assert backend.status(one, OTHER).position == 2  # ahead of the first owner's second job
    assert backend.status(many[1], OWNER).position == 3
    for job_id in blockers:
        backend.cancel(job_id, "blocker")
    for job_id in many:
        assert wait_done(backend, job_id, OWNER).state == "completed"
    assert wait_done(backend, one, OTHER).state == "completed"


def test_job_that_raises_fails_with_its_message(backend):
    status = wait_done(backend, backend.submit({"kind": "raises"}, OWNER), OWNER)
    assert status.state == "failed"
    assert status.error == "layer 3 needs at least 5x5 input"
    assert "ValueError" in status.traceback


def test_killed_worker_fails_and_keeps_partial_history(backend):
    status = wait_done(backend, backend.submit({"kind": "killed"}, OWNER), OWNER)
    assert status.state == "failed"
    assert "killed by signal 9" in status.error and "smaller batch size" in status.error
    assert [row["epoch"] for row in status.history] == [1]


def test_exit_without_result_is_not_completion(backend):
    status = wait_done(backend, backend.submit({"kind": "no_result"}, OWNER), OWNER)
    assert status.state == "failed"
    assert "without sending a result" in status.error


def test_submit_refuses_bad_specs(backend):
    with pytest.raises(ValueError, match="unknown job kind 'nope'"):
        backend.submit({"kind": "nope"}, OWNER)
    with pytest.raises(ValueError, match="plain data"):
        backend.submit({"kind": "quick", "data": object()}, OWNER)
    with pytest.raises(ValueError, match="owner must be a non-empty string"):
        backend.submit({"kind": "quick"}, "")
    assert backend.list(OWNER) == []


def test_job_saves_its_run_in_the_run_store(backend):
    job_id = backend.submit({"kind": "saves_run", "label": "saved"}, OWNER)
    status = wait_done(backend, job_id, OWNER)
    assert status.state == "completed", status.error
    runs = RunStore().list()
    assert [run.run_id for run in runs] == [status.result["run_id"]]
    assert runs[0].config["job"] == job_id


def test_per_owner_cap_lets_other_owners_start_first(backend):
    backend.per_owner_running = 1  # as the Class page sets it
    first = backend.submit({"kind": "until_stopped"}, OWNER)
    second = backend.submit({"kind": "until_stopped"}, OWNER)
    theirs = backend.submit({"kind": "quick", "epochs": 1}, OTHER)
    assert wait_done(backend, theirs, OTHER).state == "completed"
    assert backend.status(first, OWNER).state == "running"
    assert backend.status(second, OWNER).state == "queued"  # a free slot, but the owner is at cap
    assert backend.cancel(first, OWNER)
    wait_for(lambda: backend.status(second, OWNER).state == "running")
    assert backend.cancel(second, OWNER)
    assert wait_done(backend, second, OWNER).state == "stopped"
