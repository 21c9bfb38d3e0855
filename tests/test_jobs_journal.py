"""A server restart: saved runs survive, and jobs that were running are reported interrupted."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from cnnapp.jobs import LocalExecutor
from cnnapp.jobs.journal import JobJournal, is_alive, is_job_id, this_process

ROOT = Path(__file__).resolve().parent.parent
KINDS = {"sleepy": "tests.jobkinds:until_stopped", "quick": "tests.jobkinds:quick"}

SERVER = """
import sys, time
sys.path.insert(0, {root!r})
from cnnapp.jobs import LocalExecutor
executor = LocalExecutor(max_jobs=1, gpus=[], kinds={kinds!r})
done = executor.submit({{"kind": "quick"}}, "alice")
while not executor.status(done, "alice").done:
    time.sleep(0.1)
running = executor.submit({{"kind": "sleepy"}}, "alice")
while executor.status(running, "alice").state != "running" or not executor.status(running, "alice").history:
    time.sleep(0.1)
queued = executor.submit({{"kind": "sleepy"}}, "bob")  # after: round-robin would start bob first
print(done, running, queued, flush=True)
time.sleep(600)
"""


def test_jobs_cut_short_by_a_server_crash_are_reported_interrupted(tmp_path):
    script = SERVER.format(root=str(ROOT), kinds=KINDS)
    server = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=os.environ.copy()
    )
    try:
        done, running, queued = server.stdout.readline().split()
        records = JobJournal().recover()  # the server is alive: nothing is adopted
        assert records == []
    finally:
        server.send_signal(signal.SIGKILL)  # a crash: no atexit, no goodbye
        server.wait(10)
    time.sleep(0.5)  # its orphaned worker notices the parent is gone and exits

    executor = LocalExecutor(max_jobs=1, gpus=[], kinds=KINDS)
    try:
        first = executor.status(running, "alice")
        assert first.state == "interrupted"
        assert "restarted" in first.error
        assert first.history  # the partial history is kept
        assert executor.status(queued, "bob").state == "interrupted"
        assert executor.status(done, "alice").state == "completed"
        assert executor.status(running, "bob") is None  # still only its owner's
        assert [s.id for s in executor.list("alice")][:2] == [running, done]
    finally:
        executor.shutdown()


def test_a_graceful_shutdown_marks_queued_and_running_jobs_interrupted():
    executor = LocalExecutor(max_jobs=1, gpus=[], kinds=KINDS)
    running = executor.submit({"kind": "sleepy"}, "alice")
    queued = executor.submit({"kind": "sleepy"}, "alice")
    while executor.status(running, "alice").state != "running":
        time.sleep(0.05)
    executor.shutdown()
    again = LocalExecutor(max_jobs=1, gpus=[], kinds=KINDS)
    try:
        assert again.status(running, "alice").state == "interrupted"
        assert again.status(queued, "alice").state == "interrupted"
    finally:
        again.shutdown()


def test_liveness_and_damaged_records(tmp_path):
    assert is_alive(this_process())
    assert not is_alive("999999999:1") and not is_alive("garbage")
    journal = JobJournal(tmp_path)
    (tmp_path / "broken.json").write_text("{not json")
    journal.write({"id": "../../escape", "state": "running"})  # refused: not a job id
    assert not (tmp_path.parent.parent / "escape.json").exists()
    journal.write({"id": "abcdefgh1234", "state": "running", "owner": "a"})
    record = json.loads((tmp_path / "abcdefgh1234.json").read_text())
    record["executor"] = "999999999:1"
    (tmp_path / "abcdefgh1234.json").write_text(json.dumps(record))
    adopted = JobJournal(tmp_path).recover()
    assert [(r["id"], r["state"]) for r in adopted] == [("abcdefgh1234", "interrupted")]


def test_job_ids_with_a_trailing_newline_or_non_ascii_digits_are_refused(tmp_path):
    journal = JobJournal(tmp_path)
    for bad in ["abcdefgh1234\n", "abcdefgh١٢٣٤", "abcdefgh 1234", 12345678, None]:
        assert not is_job_id(bad)
        journal.write({"id": bad, "state": "running", "owner": "a"})
    assert list(tmp_path.iterdir()) == []  # nothing was written for any of them
    assert is_job_id("abcdefgh1234") and is_job_id("a_b-c" * 3)
    dead = {"executor": "999999999:1", "state": "running", "owner": "a"}
    (tmp_path / "planted.json").write_text(json.dumps({**dead, "id": "abcdefgh1234\n"}))
    (tmp_path / "digits.json").write_text(json.dumps({**dead, "id": "job٢٠٢٦٠٠٠٠"}))
    assert JobJournal(tmp_path).recover() == []  # records it could not have written are skipped
