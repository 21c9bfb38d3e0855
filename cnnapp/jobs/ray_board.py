"""`JobBoard`: the Ray backend's job records, queue and placement, in one named detached actor.

One board per class (a Ray namespace) holds every job's `JobRecord`, so every Streamlit server
connected to the cluster sees the same jobs, and a restarted server finds them again. Its
scheduler thread starts queued jobs in the local backend's fair order (`FairQueue`, at most
`per_owner_running` of an owner's at once) on nodes with a free slot: a GPU node has
GPUs × `jobs_per_gpu` slots (each job asks Ray for 1/`jobs_per_gpu` of a GPU), a CPU-only node
CPUs ÷ `cpus_per_job`. Each job runs as a `cnnapp.jobs.ray_worker.supervise` task
(`max_calls=1`: a fresh worker process, no retries) that reports the job's events here.
A node that dies fails its jobs with "the machine running it was lost"; their history stays.

The class is plain Python; `cnnapp.jobs.ray_executor` makes it a Ray actor.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from cnnapp import i18n
from cnnapp.jobs.queue import FairQueue
from cnnapp.jobs.record import JobRecord, now_iso
from cnnapp.jobs.status import DONE_STATES, UNFINISHED_STATES, JobStatus

MAX_FINISHED_JOBS = 500  # finished jobs remembered by a board; the oldest are forgotten
NODES_EVERY_S = 1.0  # how often the board reads the cluster's nodes (slots, deaths)
SUSPECT_S = 45.0  # a job whose supervisor died waits this long for its node to be marked dead


def machine_lost(node_id: str) -> str:
    """The error of a job whose node died (English: job errors are stored in English)."""
    return i18n.t("msg.job.machine_lost", "en", node=node_id[:8])


class JobBoard:
    """Job records, the fair queue and placement for one class on a Ray cluster.

    Args:
        jobs_per_gpu: jobs that share one GPU (each asks Ray for 1/jobs_per_gpu of it).
        cpus_per_job: CPUs each job takes on a node without GPUs.
        per_owner_running: at most this many of one owner's jobs run at once; None for no cap.
    """

    def __init__(
        self, jobs_per_gpu: int = 1, cpus_per_job: float = 1.0, per_owner_running: int | None = None
    ) -> None:
        self.jobs_per_gpu = max(1, int(jobs_per_gpu))
        self.cpus_per_job = float(cpus_per_job)
        self.per_owner_running = per_owner_running
        self._lock = threading.RLock()
        self._jobs: dict[str, JobRecord] = {}
        self._queue = FairQueue()
        self._running: dict[str, dict[str, Any]] = {}  # job id -> {"ref", "node_id"}
        self._waiting: dict[str, dict[str, Any]] = {}  # queued job id -> {"env", "stop_s"}
        self._nodes: dict[str, dict[str, Any]] = {}  # alive node id -> {"slots", "gpu"}
        self._nodes_read = 0.0
        self._thread = threading.Thread(target=self._loop, name="cnnapp-board", daemon=True)
        self._thread.start()

    # Called by the executors (clients)

    def submit(self, job: dict[str, Any]) -> None:
        """Queues a job: {"id", "owner", "kind", "kind_path", "spec", "env", "stop_timeout_s"}."""
        record = JobRecord(
            id=job["id"],
            owner=job["owner"],
            kind=job["kind"],
            kind_path=job["kind_path"],
            spec=job["spec"],
        )
        with self._lock:
            self._jobs[record.id] = record
            self._waiting[record.id] = {
                "env": job.get("env") or {},
                "stop_s": job["stop_timeout_s"],
            }
            self._queue.add(record.id, record.owner)
            self._forget_old()

    def set_per_owner_running(self, limit: int | None) -> None:
        with self._lock:
            self.per_owner_running = limit

    def status(self, job_id: str, owner: str | None) -> JobStatus | None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or (owner is not None and job.owner != owner):
                return None
            return self._snapshot(job, time.monotonic())

    def list(self, owner: str | None) -> list[JobStatus]:
        with self._lock:
            now = time.monotonic()
            jobs = [job for job in reversed(self._jobs.values()) if owner in (None, job.owner)]
            return [self._snapshot(job, now) for job in jobs]

    def cancel(self, job_id: str, owner: str | None) -> bool:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or owner not in (None, job.owner) or job.state not in UNFINISHED_STATES:
                return False
            if job.state == "queued":
                self._queue.remove(job.id)
                self._waiting.pop(job.id, None)
                self._finish(job, "stopped")
            elif job.state == "running":
                job.state, job.stop_requested_mono = "stopping", time.monotonic()
            return True

    def slots(self) -> dict[str, Any]:
        """The cluster as the board sees it: alive nodes' slots and the jobs running on each."""
        with self._lock:
            self._read_nodes(force=True)
            running: dict[str, int] = {}
            for entry in self._running.values():
                running[entry["node_id"]] = running.get(entry["node_id"], 0) + 1
            nodes = {
                node: info | {"running": running.get(node, 0)} for node, info in self._nodes.items()
            }
            return {"capacity": sum(info["slots"] for info in nodes.values()), "nodes": nodes}

    # Called by the jobs' supervisors (`ray_worker.supervise`)

    def report(self, job_id: str, messages: list, node: dict, end: dict | None) -> bool:
        """Folds a job's events in; `end` ({"state", "error"}) finishes it. Returns whether the
        job has been asked to stop."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return True  # forgotten: nobody is waiting for it
            if job.state in DONE_STATES:
                return True  # e.g. already failed as lost: keep that outcome
            for message in messages:
                job.fold(message)
            job.device = node.get("device") or job.device  # the node, not the job's guess
            if end is not None:
                if end["state"] == "failed":
                    job.error = end.get("error") or job.error
                self._finish(job, end["state"])
                return True
            return job.stop_requested_mono is not None

    # The scheduler thread

    def _loop(self) -> None:
        while True:
            try:
                self._step()
            except Exception:  # a hiccup reading the cluster must not end the scheduler
                time.sleep(0.5)

    def _step(self) -> None:
        import ray

        with self._lock:
            self._read_nodes()
            self._fail_lost()
            self._start_queued()
            refs = {e["ref"]: job_id for job_id, e in self._running.items() if e["ref"] is not None}
        if not refs:
            time.sleep(0.05)
            return
        ready, _ = ray.wait(list(refs), num_returns=len(refs), timeout=0.1)
        for ref in ready:
            try:
                ray.get(ref)
                error = None
            except Exception as exc:  # the supervisor or its node died
                error = exc
            with self._lock:
                self._ended(refs[ref], error)

    def _read_nodes(self, force: bool = False) -> None:
        import ray

        if not force and time.monotonic() - self._nodes_read < NODES_EVERY_S:
            return
        nodes = {}
        for node in ray.nodes():
            if not node.get("Alive"):
                continue
            resources = node.get("Resources") or {}
            gpus = int(resources.get("GPU", 0))
            if gpus:
                slots = gpus * self.jobs_per_gpu
            else:
                slots = int(resources.get("CPU", 0) // self.cpus_per_job)
            nodes[node["NodeID"]] = {"slots": slots, "gpu": bool(gpus)}
        self._nodes, self._nodes_read = nodes, time.monotonic()

    def _fail_lost(self) -> None:
        """Fails the running jobs whose node is no longer alive, and those whose supervisor died
        on a node that stayed alive for `SUSPECT_S` after (lock held)."""
        for job_id, entry in list(self._running.items()):
            job = self._jobs[job_id]
            if entry["node_id"] not in self._nodes:
                job.error = machine_lost(entry["node_id"])
                self._finish(job, "failed")
            elif entry.get("suspect_mono") and time.monotonic() - entry["suspect_mono"] > SUSPECT_S:
                job.error = f"the job's process on the cluster ended unexpectedly ({entry['why']})."
                self._finish(job, "failed")

    def _start_queued(self) -> None:
        """Starts queued jobs on nodes with free slots, in the fair order (lock held)."""
        while len(self._queue):
            node_id = self._free_node()
            if node_id is None:
                return
            job_id = self._queue.pop_next(skip=self._owners_at_cap())
            if job_id is None:
                return
            self._launch(self._jobs[job_id], node_id, self._waiting.pop(job_id))

    def _free_node(self) -> str | None:
        """The alive node with the most free slots (spreads jobs), or None if all are full."""
        used: dict[str, int] = {}
        for entry in self._running.values():
            used[entry["node_id"]] = used.get(entry["node_id"], 0) + 1
        free = {node: info["slots"] - used.get(node, 0) for node, info in self._nodes.items()}
        best = max(free, key=free.get, default=None)
        return best if best is not None and free[best] > 0 else None

    def _owners_at_cap(self) -> set[str]:
        if self.per_owner_running is None:
            return set()
        counts: dict[str, int] = {}
        for job_id in self._running:
            owner = self._jobs[job_id].owner
            counts[owner] = counts.get(owner, 0) + 1
        return {owner for owner, count in counts.items() if count >= self.per_owner_running}

    def _launch(self, job: JobRecord, node_id: str, waiting: dict[str, Any]) -> None:
        """Submits the job's supervisor task pinned to `node_id` (lock held)."""
        import ray
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        from cnnapp.jobs.ray_worker import supervise

        if self._nodes[node_id]["gpu"]:
            resources = {"num_gpus": 1 / self.jobs_per_gpu, "num_cpus": 0}
        else:
            resources = {"num_gpus": 0, "num_cpus": self.cpus_per_job}
        task = ray.remote(max_calls=1, max_retries=0)(supervise)
        strategy = NodeAffinitySchedulingStrategy(node_id=node_id, soft=False)
        board = ray.get_runtime_context().current_actor
        env = {**waiting["env"], "CNNAPP_JOBS_PER_GPU": str(self.jobs_per_gpu)}  # its GPU share
        ref = task.options(scheduling_strategy=strategy, **resources).remote(
            board, job.id, job.kind_path, job.spec, env, waiting["stop_s"]
        )
        self._running[job.id] = {"ref": ref, "node_id": node_id}  # later "suspect_mono", "why"
        job.state, job.device = "running", f"node {node_id[:8]}"
        job.phase, job.message = "starting", "starting the worker process on the cluster"
        job.started_at, job.started_mono = now_iso(), time.monotonic()

    def _ended(self, job_id: str, error: Exception | None) -> None:
        """The job's supervisor task returned or died (lock held)."""
        entry = self._running.get(job_id)
        job = self._jobs.get(job_id)
        if entry is None or job is None or job.state in DONE_STATES:
            self._running.pop(job_id, None)
            return
        import ray

        self._read_nodes(force=True)
        why = str(error).strip().splitlines()[0] if error is not None else "no outcome was sent"
        if entry["node_id"] not in self._nodes:
            job.error = machine_lost(entry["node_id"])
        elif error is not None and not isinstance(error, ray.exceptions.RayTaskError):
            # A system error (worker or raylet gone): the node may be dying; Ray marks it dead
            # after its health checks fail, so wait a moment before calling it a crash.
            entry.update(ref=None, suspect_mono=time.monotonic(), why=why)
            return
        else:
            job.error = f"the job's process on the cluster ended unexpectedly ({why})."
        self._finish(job, "failed")

    def _finish(self, job: JobRecord, state: str) -> None:
        job.state, job.finished_at, job.finished_mono = state, now_iso(), time.monotonic()
        self._running.pop(job.id, None)

    def _forget_old(self) -> None:
        finished = [job_id for job_id, job in self._jobs.items() if job.state in DONE_STATES]
        for job_id in finished[: max(0, len(finished) - MAX_FINISHED_JOBS)]:
            del self._jobs[job_id]

    def _snapshot(self, job: JobRecord, now: float) -> JobStatus:
        position = self._queue.position(job.id) if job.state == "queued" else None
        return job.snapshot(now, position)
