"""The Ray backend: jobs run on a Ray cluster; their records live in a named detached actor.

`RayExecutor` is what a Streamlit server (or the command line) holds when `CNNAPP_EXECUTOR=ray`:
it connects to the cluster at `RAY_ADDRESS` and talks to the class's `JobBoard` actor
("cnnapp-jobs" in the namespace `CNNAPP_RAY_NAMESPACE`), creating it on the head node the first
time. Every server connected to the same cluster and namespace sees the same jobs, and a restarted
server finds them again; shutting a server's executor down leaves the class's jobs running.

Each job gets the submitting server's `CNNAPP_*` settings (so `CNNAPP_MODELS_DIR` must name
storage that every node sees, at the same path) and saves its run there, atomically as always.

Example:
    executor = RayExecutor(address="10.0.0.5:6379")
    job_id = executor.submit(spec, owner="session-1")
    executor.status(job_id, owner="session-1").state  # "queued", "running", ..., "completed"
"""

from __future__ import annotations

import os
from typing import Any

from cnnapp.jobs.executor import Executor, checked_submission
from cnnapp.jobs.ray_board import JobBoard
from cnnapp.jobs.status import JobStatus
from cnnapp.settings import get_settings

BOARD_NAME = "cnnapp-jobs"
BUILTIN_KINDS = {  # as cnnapp.jobs.local.BUILTIN_KINDS (not imported: no import of the local one)
    "train": "cnnapp.training.train_job:run_job",
    "extract": "cnnapp.training.extract_job:run_extract_job",
}
NOT_FORWARDED = ("CNNAPP_EXECUTOR", "CNNAPP_RAY_NAMESPACE")  # settings of the server, not the job


def jobs_per_gpu_setting() -> int:
    """`CNNAPP_JOBS_PER_GPU` (jobs sharing one GPU), 1 if unset: the nodes' GPUs are not seen
    from the server, so the default by memory (`cnnapp.jobs.slots`) cannot apply here."""
    return get_settings().jobs_per_gpu or 1


def job_env() -> dict[str, str]:
    """The environment a job gets on its node: this server's CNNAPP_* settings and Keras backend."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name.startswith("CNNAPP_") and name not in NOT_FORWARDED
    }
    env["CNNAPP_MODELS_DIR"] = str(get_settings().models_dir)
    if os.environ.get("KERAS_BACKEND"):
        env["KERAS_BACKEND"] = os.environ["KERAS_BACKEND"]
    return env


class RayExecutor(Executor):
    """Runs jobs on a Ray cluster, one fresh worker process each, in the class's fair order.

    Args:
        address: the cluster's address ("host:port"); default `RAY_ADDRESS`. Ignored when this
            process is already connected to Ray.
        namespace: the class's Ray namespace (one board per namespace); default
            `CNNAPP_RAY_NAMESPACE` ("cnnapp").
        kinds: more job kinds, `{"kind": "module:function"}`, besides "train" and "extract"
            (importable on every node).
        stop_timeout_s: how long a job may take to stop after `cancel` before it is ended.
        per_owner_running: at most this many of one owner's jobs run at once; None for no cap.
        jobs_per_gpu: jobs sharing one GPU; default `CNNAPP_JOBS_PER_GPU` (1). Only used when this
            executor creates the class's board (the first server to connect).
        cpus_per_job: CPUs one job takes on a node without GPUs (also only when creating the board).
        call_timeout_s: how long a call to the board may take before it is given up.

    Raises:
        ValueError: if no address is given and `RAY_ADDRESS` is unset.
        ImportError: if Ray is not installed.
    """

    def __init__(
        self,
        address: str | None = None,
        namespace: str | None = None,
        kinds: dict[str, str] | None = None,
        stop_timeout_s: float = 60.0,
        per_owner_running: int | None = None,
        jobs_per_gpu: int | None = None,
        cpus_per_job: float = 1.0,
        call_timeout_s: float = 30.0,
    ) -> None:
        try:
            import ray
        except ImportError:
            raise ImportError(
                "CNNAPP_EXECUTOR=ray needs Ray; install it with `pip install 'ray>=2.52'` "
                "(or set CNNAPP_EXECUTOR=local)."
            ) from None
        settings = get_settings()
        self.namespace = namespace or settings.ray_namespace
        self.kinds = {**BUILTIN_KINDS, **(kinds or {})}
        self.stop_timeout_s = float(stop_timeout_s)
        self.call_timeout_s = float(call_timeout_s)
        self._closed = False
        if not ray.is_initialized():
            address = address or settings.ray_address
            if not address:
                raise ValueError(
                    "CNNAPP_EXECUTOR=ray but no cluster address was given: set RAY_ADDRESS to the "
                    "head node's host:port (e.g. 10.0.0.5:6379), or CNNAPP_EXECUTOR=local."
                )
            ray.init(address=address, namespace=self.namespace, log_to_driver=False)
        board = ray.remote(JobBoard).options(
            name=BOARD_NAME,
            namespace=self.namespace,
            lifetime="detached",
            get_if_exists=True,
            num_cpus=0,
            max_concurrency=64,
            resources={"node:__internal_head__": 0.001},  # the head outlives the worker nodes
        )
        per_gpu = jobs_per_gpu_setting() if jobs_per_gpu is None else jobs_per_gpu
        self._board = board.remote(per_gpu, cpus_per_job, per_owner_running)
        self._per_owner_running = per_owner_running
        if per_owner_running is not None:
            self._call("set_per_owner_running", per_owner_running)

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def per_owner_running(self) -> int | None:
        return self._per_owner_running

    @per_owner_running.setter
    def per_owner_running(self, limit: int | None) -> None:
        """The class's cap (shared by every server); the Class page sets it."""
        if limit != self._per_owner_running:
            self._call("set_per_owner_running", limit)
        self._per_owner_running = limit

    def submit(self, spec: dict, owner: str) -> str:
        """Queues a job on the cluster (see `LocalExecutor.submit` for the arguments)."""
        if self._closed:
            raise RuntimeError("this executor has been shut down; use get_executor() again.")
        kind, data = checked_submission(spec, owner, self.kinds)
        job_id = data["job_id"]
        job = {
            "id": job_id,
            "owner": owner,
            "kind": kind,
            "kind_path": self.kinds[kind],
            "spec": data,
            "env": job_env(),
            "stop_timeout_s": self.stop_timeout_s,
        }
        self._call("submit", job)
        return job_id

    def status(self, job_id: str, owner: str) -> JobStatus | None:
        if not isinstance(job_id, str) or not isinstance(owner, str):
            return None
        return self._call("status", job_id, owner)

    def list(self, owner: str) -> list[JobStatus]:
        return self._call("list", owner) if isinstance(owner, str) else []

    def list_all(self) -> list[JobStatus]:
        return self._call("list", None)

    def cancel(self, job_id: str, owner: str) -> bool:
        if not isinstance(job_id, str) or not isinstance(owner, str):
            return False
        return self._call("cancel", job_id, owner)

    def cancel_any(self, job_id: str) -> bool:
        return self._call("cancel", job_id, None) if isinstance(job_id, str) else False

    def slots(self) -> dict[str, Any]:
        """The cluster's alive nodes, their slots and running jobs (for the lecturer and tests)."""
        return self._call("slots")

    def shutdown(self, wait: bool = False) -> None:
        """Lets go of the board; the class's jobs keep running on the cluster (other servers, or
        this one restarted, still see them). `wait` is accepted for the interface and unused."""
        self._closed = True

    def _call(self, method: str, *args: Any) -> Any:
        import ray

        try:
            return ray.get(getattr(self._board, method).remote(*args), timeout=self.call_timeout_s)
        except ray.exceptions.GetTimeoutError:
            raise RuntimeError(
                f"the Ray cluster did not answer {method} within {self.call_timeout_s:g} s; check "
                "that the head node is up (ray status) and RAY_ADDRESS points at it."
            ) from None
