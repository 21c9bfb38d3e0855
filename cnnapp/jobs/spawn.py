"""Worker processes: starting one for a job, reading its messages, saying how it ended.

Each job runs in its own process started with "spawn" (TensorFlow does not survive a fork) and
talks back through its own one-way pipe; the worker holds the only writing end, so its death
closes the pipe. The job's final state is decided from the process's exit, never from its last
progress message.
"""

from __future__ import annotations

import pickle
import signal
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cnnapp.jobs.record import JobRecord
from cnnapp.jobs.worker import StopFlag, worker_main

_main_lock = threading.Lock()


@contextmanager
def main_hidden() -> Iterator[None]:
    """Hides `__main__` from "spawn" while a worker starts, so the worker does not re-run it.

    Spawn re-imports the parent's main script in every child; under Streamlit that is the page
    being run (which imports Streamlit and more), and an unguarded script would start its own
    jobs. Workers need nothing from `__main__`: their target and arguments live in `cnnapp`.
    """
    main = sys.modules.get("__main__")
    stand_in = types.ModuleType("__main__")
    with _main_lock:
        sys.modules["__main__"] = stand_in
        try:
            yield
        finally:
            if sys.modules.get("__main__") is stand_in:  # unless someone replaced it meanwhile
                sys.modules["__main__"] = main


def describe_exit(code: int) -> str:
    if code >= 0:
        return f"the training process ended unexpectedly (exit code {code})."
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = "unknown signal"
    text = f"the training process ended unexpectedly (killed by signal {-code}, {name})"
    if -code == signal.SIGKILL:
        text += "; this often means the machine ran out of memory: try a smaller batch size"
    return text + "."


def start(context: Any, job: JobRecord, env: dict[str, str]) -> None:
    """Starts `job`'s worker process; sets `job.process`, `job.conn` and `job.stop`.

    Args:
        context: a "spawn" multiprocessing context.
        job: the queued job (its `kind_path` and `spec`).
        env: extra environment variables for the worker (e.g. `CUDA_VISIBLE_DEVICES`).

    Raises:
        Exception: whatever `Process.start` raised (the pipe is closed first).
    """
    reader, writer = context.Pipe(duplex=False)
    job.stop = StopFlag(context)
    job.process = context.Process(
        target=worker_main,
        args=(job.id, job.kind_path, job.spec, writer, job.stop, env),
        name=f"cnnapp-job-{job.id}",
    )
    try:
        with main_hidden():
            job.process.start()
    except Exception:
        reader.close()
        raise
    finally:
        writer.close()  # the worker holds the only writer: its death closes the pipe
    job.conn = reader


def drain(job: JobRecord, limit: int = 1000) -> tuple[list[Any], bool]:
    """Receives up to `limit` messages; also returns whether nothing is left to read."""
    messages: list[Any] = []
    if job.conn is None:
        return messages, True
    try:
        for _ in range(limit):
            if not job.conn.poll():
                return messages, True
            data = job.conn.recv_bytes()
            try:
                messages.append(pickle.loads(data))
            except Exception as error:  # e.g. a class the parent cannot import
                job.bad_message = f"a message from the worker could not be read ({error})"
    except (EOFError, OSError):
        job.conn.close()
        job.conn = None  # the worker closed the pipe or died
        return messages, True
    return messages, False
