"""Jobs: the `Executor` interface, the local backend, job records and the worker process.

| module | owns |
| --- | --- |
| `executor` | `Executor`: submit, status, cancel, list, shutdown |
| `local` | `LocalExecutor`: worker processes on this machine, the queue, stop requests |
| `ray_executor` | `RayExecutor`: jobs on a Ray cluster (`CNNAPP_EXECUTOR=ray`, `RAY_ADDRESS`) |
| `ray_board` | `JobBoard`: the cluster's job records, fair queue and placement (a detached actor) |
| `ray_worker` | `supervise`: one job's supervisor task on a Ray node |
| `queue` | `FairQueue`: which queued job starts next, round-robin across owners |
| `spawn` | starting a worker process, reading its messages, describing how it exited |
| `pool` | `WarmPool`: workers started ahead of need, one per job slot |
| `worker` | the worker's entry point (`worker_main`) and the stop flag it polls |
| `record` | `JobRecord`: one job's events folded in, journal and snapshot conversions |
| `status` | `JobStatus` (the snapshot pages poll) and the job states |
| `readout` | `Readout`: the one progress model (stage, epoch, batch, fraction) every view shows |
| `journal` | `JobJournal`: job records on disk, adopted after a restart |

Example:
    executor = get_executor()
    job_id = executor.submit(spec, owner="session-1")
    executor.status(job_id, owner="session-1").state  # "queued", "running", ..., "completed"
"""

from __future__ import annotations

import threading

from cnnapp.jobs.executor import Executor
from cnnapp.jobs.local import BUILTIN_KINDS, LocalExecutor
from cnnapp.jobs.queue import FairQueue
from cnnapp.jobs.readout import Readout, cut_curves, readout
from cnnapp.jobs.status import DONE_STATES, MAX_BATCH_POINTS, JobStatus
from cnnapp.settings import get_settings

__all__ = [
    "BUILTIN_KINDS",
    "DONE_STATES",
    "MAX_BATCH_POINTS",
    "Executor",
    "FairQueue",
    "JobStatus",
    "LocalExecutor",
    "Readout",
    "cut_curves",
    "get_executor",
    "make_executor",
    "readout",
]

_executor: Executor | None = None
_executor_lock = threading.Lock()


def get_executor() -> Executor:
    """The process-wide executor for the app and the command line (created on first use)."""
    global _executor
    with _executor_lock:
        if _executor is None or getattr(_executor, "closed", False):
            _executor = make_executor()
        return _executor


def make_executor(**local_options) -> Executor:
    """A new executor of the backend `CNNAPP_EXECUTOR` names: "local" (with `local_options`,
    e.g. `max_jobs=1`) or "ray" (the cluster at `RAY_ADDRESS`; the local options do not apply)."""
    if get_settings().executor == "ray":
        from cnnapp.jobs.ray_executor import RayExecutor

        return RayExecutor()
    return LocalExecutor(**local_options)
