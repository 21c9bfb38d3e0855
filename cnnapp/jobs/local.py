"""The local backend: jobs run in worker processes on this machine, `max_jobs` at a time.

The scheduler thread starts queued jobs as slots free up, round-robin across owners
(`cnnapp.jobs.queue.FairQueue`; optionally at most `per_owner_running` of an owner's at once),
reads their workers' events (`cnnapp.jobs.spawn`), folds them into each job's `JobRecord` and
writes the journal, so a restart reports cut-short jobs as interrupted. A job takes a warm
worker of its slot when one waits (`cnnapp.jobs.pool`); see `cnnapp.jobs` for an example.
"""

from __future__ import annotations

import atexit
import multiprocessing
import threading
import time
import weakref
from multiprocessing.connection import wait as wait_for_any

from cnnapp import devices
from cnnapp.jobs import slots as job_slots
from cnnapp.jobs import spawn
from cnnapp.jobs.executor import Executor, checked_submission
from cnnapp.jobs.journal import JobJournal
from cnnapp.jobs.pool import WARM_PRELOAD, WarmPool
from cnnapp.jobs.queue import FairQueue
from cnnapp.jobs.record import JobRecord, now_iso
from cnnapp.jobs.status import DONE_STATES, UNFINISHED_STATES, JobStatus
from cnnapp.settings import get_settings

BUILTIN_KINDS = {  # spec["kind"] -> "module:function"
    "train": "cnnapp.training.train_job:run_job",
    "extract": "cnnapp.training.extract_job:run_extract_job",  # frozen backbone features + head
}
MAX_FINISHED_JOBS = 200  # finished jobs remembered; the oldest are forgotten
WARM_DEFER_S = 30.0  # the warm worker behind a job starts at its first batch (importing Keras
# would take the CPU from the job's own start), or this long after it started


def _whole_number(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}.")
    return value


class LocalExecutor(Executor):
    """Runs jobs in worker processes on this machine, `max_jobs` at a time (a fair queue).

    Queued jobs start round-robin across owners (`FairQueue`): when a slot frees, the owner who
    least recently had a job started goes next, so one owner's many jobs do not hold up the others.

    Each running job takes a slot (`cnnapp.jobs.slots`): with GPUs, `jobs_per_gpu` jobs share each
    one, each capped at its share of the memory (`CUDA_VISIBLE_DEVICES` and the cap reach the
    worker through its slot's `env()`), new jobs going to the least busy GPU, so at most
    min(max_jobs, GPUs × jobs_per_gpu) run at once; with none, max_jobs jobs use the CPU.

    Args:
        max_jobs: jobs that run at once; default `get_settings().max_jobs`.
        gpus: the GPUs, as `devices.Gpu(name, memory_mb)` or names (memory unknown: one uncapped
            job per GPU); default `devices.probe_gpu_details()` (tests pass a made-up list).
        jobs_per_gpu: jobs sharing one GPU; default `get_settings().jobs_per_gpu`, else chosen
            from each GPU's memory (`slots.default_jobs_per_gpu`).
        kinds: more job kinds, `{"kind": "module:function"}`, besides "train" and "extract".
        stop_timeout_s: how long a job may take to stop after `cancel` before it is terminated.
        journal: where job records are kept so that a restart reports cut-short jobs as
            interrupted (`JobJournal`); default `<data dir>/jobs`; False for none.
        per_owner_running: at most this many of one owner's jobs run at once (the others wait in
            the queue while other owners' jobs start); None for no cap.
        warm_workers: keep a worker per slot started ahead of need (`cnnapp.jobs.pool`);
            default `get_settings().warm_workers`. warm_preload: what it loads while waiting.

    Raises:
        ValueError: if `max_jobs` or `per_owner_running` is not a whole number of at least 1.
    """

    def __init__(
        self,
        max_jobs: int | None = None,
        gpus: list[str] | None = None,
        kinds: dict[str, str] | None = None,
        stop_timeout_s: float = 60.0,
        journal: JobJournal | bool | None = None,
        per_owner_running: int | None = None,
        jobs_per_gpu: int | None = None,
        warm_workers: bool | None = None,
        warm_preload: tuple[str, ...] | list[str] = WARM_PRELOAD,
    ) -> None:
        max_jobs = get_settings().max_jobs if max_jobs is None else max_jobs
        self.max_jobs = _whole_number("max_jobs", max_jobs)
        if per_owner_running is not None:
            per_owner_running = _whole_number("per_owner_running", per_owner_running)
        self.per_owner_running = per_owner_running
        found = devices.probe_gpu_details() if gpus is None else gpus
        jobs_per_gpu = get_settings().jobs_per_gpu if jobs_per_gpu is None else jobs_per_gpu
        self.slots = job_slots.plan_slots(
            self.max_jobs, list(found), jobs_per_gpu, devices.visible_device_ids(len(found))
        )
        self.gpus = [gpu if isinstance(gpu, str) else gpu.name for gpu in found]
        self.kinds = {**BUILTIN_KINDS, **(kinds or {})}
        self.stop_timeout_s = float(stop_timeout_s)
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.RLock()
        self._jobs: dict[str, JobRecord] = {}
        self._queue = FairQueue()
        self._running: list[JobRecord] = []
        self._closed = False
        warm = get_settings().warm_workers if warm_workers is None else bool(warm_workers)
        self._pool = WarmPool(self._context, warm_preload) if warm else None
        self._journal = (journal or JobJournal()) if journal is not False else None
        self._adopt()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="cnnapp-jobs", daemon=True)
        self._thread.start()
        this = weakref.ref(self)

        def shutdown_at_exit() -> None:  # no orphan workers when the app or CLI exits
            executor = this()
            if executor is not None:
                executor.shutdown()

        self._at_exit = shutdown_at_exit
        atexit.register(shutdown_at_exit)

    @property
    def capacity(self) -> int:
        """How many jobs may run at once: min(max_jobs, GPUs × jobs per GPU), or max_jobs on CPU."""
        return len(self.slots)

    @property
    def closed(self) -> bool:
        return self._closed

    def warm_workers_ready(self) -> int:
        """How many warm workers have set up and wait for a job (0 with warm workers off)."""
        with self._lock:
            return sum(w.check_ready() for w in self._pool.workers()) if self._pool else 0

    # The interface

    def submit(self, spec: dict, owner: str) -> str:
        """Queues a job; the worker receives `spec` plus "owner" and "job_id".

        Args:
            spec: plain data (JSON-able) with a "kind" among `self.kinds`, e.g. "train".
            owner: who submits it: a browser session's id or "cli".

        Returns:
            The job's id (unguessable).

        Raises:
            ValueError: if owner is empty, the kind unknown or the spec not plain data.
            RuntimeError: if the executor has been shut down.
        """
        kind, data = checked_submission(spec, owner, self.kinds)
        job_id = data["job_id"]
        job = JobRecord(id=job_id, owner=owner, kind=kind, kind_path=self.kinds[kind], spec=data)
        with self._lock:
            if self._closed:
                raise RuntimeError("this executor has been shut down; use get_executor() again.")
            self._jobs[job_id] = job
            self._queue.add(job_id, owner)
            self._forget_old()
            self._record(job)
        self._wake.set()
        return job_id

    def status(self, job_id: str, owner: str) -> JobStatus | None:
        with self._lock:
            job = self._jobs.get(job_id) if isinstance(job_id, str) else None
            if job is None or job.owner != owner:
                return None
            return self._snapshot(job, time.monotonic())

    def list(self, owner: str) -> list[JobStatus]:
        with self._lock:
            now = time.monotonic()
            jobs = [job for job in reversed(self._jobs.values()) if job.owner == owner]
            return [self._snapshot(job, now) for job in jobs]

    def list_all(self) -> list[JobStatus]:
        with self._lock:
            now = time.monotonic()
            return [self._snapshot(job, now) for job in reversed(self._jobs.values())]

    def cancel(self, job_id: str, owner: str) -> bool:
        return self._cancel(job_id, owner)

    def cancel_any(self, job_id: str) -> bool:  # a lecturer's: whoever owns it
        return self._cancel(job_id, None)

    def _cancel(self, job_id: str, owner: str | None) -> bool:
        with self._lock:
            job = self._jobs.get(job_id) if isinstance(job_id, str) else None
            mine = job is not None and (owner is None or job.owner == owner)
            if not mine or job.state not in UNFINISHED_STATES:
                return False
            if job.state == "queued":
                self._queue.remove(job.id)
                self._finish(job, "stopped")
            elif job.state == "running":
                job.stop.set()
                job.state, job.stop_requested_mono = "stopping", time.monotonic()
            return True

    def shutdown(self, wait: bool = False) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for job_id in self._queue.clear():
                self._jobs[job_id].error = "CNN Lab shut down before the job started."
                self._finish(self._jobs[job_id], "interrupted")
            for job in self._running:
                job.stop.set()
                job.state = "stopping"
        self._wake.set()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=10)
        if self._pool is not None:
            with self._lock:
                self._pool.shutdown()
        deadline = time.monotonic() + (self.stop_timeout_s if wait else 0.0)
        while self._running and time.monotonic() < deadline:
            for job in list(self._running):
                self._pump(job)
            time.sleep(0.05)
        for job in list(self._running):
            job.interrupted = True
            job.process.terminate()
        for job in list(self._running):
            job.process.join(3)
            if job.process.exitcode is None:
                job.process.kill()
                job.process.join(3)
            self._pump(job)
        with self._lock:
            for job in self._jobs.values():
                self._record(job, release=True)
        atexit.unregister(self._at_exit)

    # The scheduler thread

    def _loop(self) -> None:
        while True:
            self._wake.clear()
            with self._lock:
                if self._closed:
                    return
                while len(self._running) < self.capacity:
                    job_id = self._queue.pop_next(skip=self._owners_at_cap())
                    if job_id is None:
                        break
                    self._start(self._jobs[job_id])
                if self._pool is not None and not any(map(self._warming_up, self._running)):
                    self._pool.fill(slot.env() for slot in self.slots)
                running = list(self._running)
            if not running:
                self._wake.wait(0.25)
                continue
            waitables = [job.conn for job in running if job.conn is not None]
            try:
                wait_for_any(waitables + [job.process.sentinel for job in running], timeout=0.1)
            except (OSError, ValueError):
                time.sleep(0.05)
            for job in running:
                self._pump(job)

    def _warming_up(self, job: JobRecord) -> bool:
        """True until a job's first batch (at most `WARM_DEFER_S`): no warm worker starts then."""
        return job.seen == 0 and time.monotonic() - (job.started_mono or 0.0) < WARM_DEFER_S

    def _owners_at_cap(self) -> set[str]:
        """Owners already running `per_owner_running` jobs (called with the lock held)."""
        if self.per_owner_running is None:
            return set()
        counts: dict[str, int] = {}
        for job in self._running:
            counts[job.owner] = counts.get(job.owner, 0) + 1
        return {owner for owner, count in counts.items() if count >= self.per_owner_running}

    def _start(self, job: JobRecord) -> None:
        """Starts a queued job on a free slot: in a warm worker for it if there is one (lock held)."""
        slot = job_slots.pick_free(self.slots, {other.slot for other in self._running})
        job.slot, job.gpu, job.device = slot.index, slot.gpu, slot.label
        env = slot.env()
        warm = self._pool.take(env) if self._pool is not None else None
        try:
            warm = spawn.start(self._context, job, env, warm)
        except Exception as error:
            job.process, job.error = None, f"the worker process could not be started: {error}."
            self._finish(job, "failed")
            return
        job.state = "running"
        job.phase = "starting"  # until the worker's own events: importing Keras takes seconds
        job.message = "a warm worker takes the job" if warm else "starting the worker process"
        job.started_at, job.started_mono = now_iso(), time.monotonic()
        self._running.append(job)
        self._record(job)

    def _pump(self, job: JobRecord) -> None:
        """Reads a running job's messages; finalises it once its process has exited."""
        exited = job.process.exitcode is not None
        messages, drained = spawn.drain(job)
        with self._lock:
            for message in messages:
                job.fold(message)
            if any(isinstance(m, dict) and m.get("type") == "epoch" for m in messages):
                self._record(job)
            if job not in self._running:
                return
            if exited and drained:
                self._finalize(job)
            elif job.stop_requested_mono is not None and job.terminated_mono is None:
                if time.monotonic() - job.stop_requested_mono > self.stop_timeout_s:
                    job.terminated_mono = time.monotonic()
                    job.process.terminate()
            elif job.terminated_mono and time.monotonic() - job.terminated_mono > 5:
                job.process.kill()

    def _finalize(self, job: JobRecord) -> None:
        """Decides the final state from the exited process (called with the lock held)."""
        code = job.process.exitcode
        if code == 0 and job.has_result:
            result_status = job.result.get("status") if isinstance(job.result, dict) else None
            state = "stopped" if result_status == "stopped" else "completed"
        elif job.interrupted:
            state = "interrupted"
            job.error = job.error or "CNN Lab shut down while the job was running."
        elif job.terminated_mono is not None:
            state = "stopped" if job.acknowledged else "failed"
            if state == "failed":
                job.error = (
                    f"the job did not stop within {self.stop_timeout_s:g} s of the stop request "
                    "and was ended."
                )
        else:
            state = "failed"
            if code == 0:
                job.error = "the training process ended without sending a result"
                job.error += f"; {job.bad_message}." if job.bad_message else "."
            elif job.error is None:
                job.error = spawn.describe_exit(code)
        self._finish(job, state)

    def _finish(self, job: JobRecord, state: str) -> None:
        """Moves a job to a final state and frees its process and device (lock held)."""
        job.state, job.finished_at, job.finished_mono = state, now_iso(), time.monotonic()
        if job in self._running:
            self._running.remove(job)
        if job.conn is not None:
            job.conn.close()
        if job.process is not None:
            job.process.join(1)
            if job.process.exitcode is not None:
                job.process.close()
        job.conn = job.process = job.stop = None
        self._record(job)

    def _record(self, job: JobRecord, release: bool = False) -> None:
        """Writes the job's journal record (state, history, outcome)."""
        if self._journal is None:
            return
        write = self._journal.release if release else self._journal.write
        write(job.to_journal())

    def _adopt(self) -> None:
        """Lists the jobs of executors that have ended (a restart): cut-short ones interrupted."""
        if self._journal is None:
            return
        for record in self._journal.recover():
            kind_path = self.kinds.get(str(record.get("kind")), "")
            job = JobRecord.from_journal(record, kind_path)
            self._jobs[job.id] = job

    def _forget_old(self) -> None:
        finished = [job_id for job_id, job in self._jobs.items() if job.state in DONE_STATES]
        for job_id in finished[: max(0, len(finished) - MAX_FINISHED_JOBS)]:
            del self._jobs[job_id]

    def _snapshot(self, job: JobRecord, now: float) -> JobStatus:
        position = self._queue.position(job.id) if job.state == "queued" else None
        return job.snapshot(now, position)
