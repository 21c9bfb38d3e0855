"""Worker processes: starting one for a job, reading its messages, saying how it ended.

Each job runs in its own process started with "spawn" (TensorFlow does not survive a fork) and
talks back through its own one-way pipe; the worker holds the only writing end, so its death
closes the pipe. The job's final state is decided from the process's exit, never from its last
progress message. A warm worker (`start_warm`, see `cnnapp.jobs.pool`) is started before its
job and handed it later (`hand_over`); from then on it is the job's process like any other.
"""

from __future__ import annotations

import multiprocessing.spawn
import pickle
import signal
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from cnnapp.jobs.record import JobRecord
from cnnapp.jobs.worker import WARM_READY, StopFlag, warm_main, worker_main

_main_lock = threading.Lock()
PROCESS_PREFIX = "cnnapp-"  # the names of the processes this package starts


def _without_main(get_preparation_data: Any) -> Any:
    """Wraps spawn's `get_preparation_data` so that our processes never re-run `__main__`.

    `main_hidden` alone is not enough under Streamlit: every script run (each fragment redraw
    too) puts the page back as `sys.modules["__main__"]` from its own thread, and a worker that
    started in that moment re-ran the page in bare mode (~150 "missing ScriptRunContext" lines).
    """

    def prepared(name: str) -> dict:
        data = get_preparation_data(name)
        if str(name).startswith(PROCESS_PREFIX):
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data

    prepared.without_main = True
    return prepared


if not getattr(multiprocessing.spawn.get_preparation_data, "without_main", False):
    multiprocessing.spawn.get_preparation_data = _without_main(
        multiprocessing.spawn.get_preparation_data
    )


@contextmanager
def main_hidden() -> Iterator[None]:
    """Hides `__main__` from "spawn" while a worker starts, so the worker does not re-run it.

    Spawn re-imports the parent's main script in every child; under Streamlit that is the page
    being run (which imports Streamlit and more), and an unguarded script would start its own
    jobs. Workers need nothing from `__main__`: their target and arguments live in `cnnapp`.
    (Processes named `cnnapp-...` are also started without it whatever `__main__` is then.)
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


def start(
    context: Any, job: JobRecord, env: dict[str, str], warm: WarmWorker | None = None
) -> WarmWorker | None:
    """Starts `job`'s worker process; sets `job.process`, `job.conn` and `job.stop`.

    Args:
        context: a "spawn" multiprocessing context.
        job: the queued job (its `kind_path` and `spec`).
        env: extra environment variables for the worker (e.g. `CUDA_VISIBLE_DEVICES`).
        warm: a warm worker set up for `env`, to hand the job to; if it has died meanwhile,
            a worker is started for the job as without one.

    Returns:
        The warm worker that took the job, or None when a worker was started for it.

    Raises:
        Exception: whatever `Process.start` raised (the pipe is closed first).
    """
    if warm is not None:
        try:
            hand_over(warm, job)
            return warm
        except OSError:
            pass
    reader, writer = context.Pipe(duplex=False)
    job.stop = StopFlag(context)
    job.process = context.Process(
        target=worker_main,
        args=(job.id, job.kind_path, job.spec, writer, job.stop, env),
        name=f"{PROCESS_PREFIX}job-{job.id}",
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
    return None


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


@dataclass(eq=False)
class WarmWorker:
    """A worker process started before its job (see `cnnapp.jobs.pool`)."""

    process: Any
    events: Any  # the reading end of its event pipe: the job's `conn` once handed over
    jobs: Any  # the writing end of the pipe its one job is sent on
    stop: StopFlag
    env: dict[str, str]
    ready: bool = False  # it said it has set up (WARM_READY)

    def check_ready(self) -> bool:
        """Reads its "ready" message if it has come (nothing else is sent before a job)."""
        if self.ready:
            return True
        try:
            if self.events.poll():
                message = pickle.loads(self.events.recv_bytes())
                self.ready = isinstance(message, dict) and message.get("type") == WARM_READY
        except (EOFError, OSError, pickle.UnpicklingError):
            pass  # it died: its exit code says so
        return self.ready

    def close(self) -> None:
        """Ends it (it has no job) and closes its pipes."""
        for conn in (self.jobs, self.events):
            try:
                conn.close()
            except OSError:
                pass
        if self.process.exitcode is None:
            self.process.terminate()
            self.process.join(3)
        if self.process.exitcode is None:
            self.process.kill()
            self.process.join(3)
        self.process.close()


def start_warm(context: Any, env: dict[str, str], preload: list[str]) -> WarmWorker:
    """Starts a warm worker for a slot's environment `env`, preloading `preload`.

    Raises:
        Exception: whatever `Process.start` raised (the pipes are closed first).
    """
    events, events_writer = context.Pipe(duplex=False)
    jobs_reader, jobs = context.Pipe(duplex=False)
    stop = StopFlag(context)
    process = context.Process(
        target=warm_main,
        args=(events_writer, jobs_reader, stop, dict(env), list(preload)),
        name=f"{PROCESS_PREFIX}warm",
    )
    try:
        with main_hidden():
            process.start()
    except Exception:
        events.close()
        jobs.close()
        raise
    finally:
        events_writer.close()  # the worker holds the only writer: its death closes the pipe
        jobs_reader.close()
    return WarmWorker(process, events, jobs, stop, dict(env))


def hand_over(worker: WarmWorker, job: JobRecord) -> None:
    """Sends `job` to a warm worker; sets `job.process`, `job.conn` and `job.stop` as `start` does.

    Raises:
        OSError: if the worker is gone (its pipe is closed); the worker is closed first.
    """
    try:
        worker.jobs.send((job.id, job.kind_path, job.spec))
        worker.jobs.close()
    except (OSError, ValueError) as error:
        worker.close()
        raise OSError(f"the warm worker is gone ({error})") from None
    job.process, job.conn, job.stop = worker.process, worker.events, worker.stop
