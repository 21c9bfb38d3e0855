"""The node side of the Ray backend: one job's supervisor, run as a Ray task on a node with a slot.

The task (`supervise`, started by `cnnapp.jobs.ray_board.JobBoard` with `max_calls=1`, so its
Ray worker process is not reused) starts the job in a fresh worker process exactly as the local
backend does (`cnnapp.jobs.spawn`: "spawn", a one-way pipe, a stop flag), forwards the worker's
events to the board in batches, and passes the board's stop request on. The job's final state is
decided here from the worker's exit, by the same rules as `LocalExecutor`, and sent last.

No Ray or Keras is imported at module import time.
"""

from __future__ import annotations

import multiprocessing
import time
from typing import Any

from cnnapp.jobs import spawn
from cnnapp.jobs.record import JobRecord

FLUSH_S = 0.2  # events are sent to the board at most this often (and at once on an epoch's end)


def final_state(job: JobRecord, code: int | None, stop_timeout_s: float) -> tuple[str, str | None]:
    """The job's final state and error from its worker's exit code (the local backend's rules).

    Args:
        job: the job's record with every worker event folded in.
        code: the worker's exit code (negative: killed by that signal).
        stop_timeout_s: the grace period the job had after a stop request.

    Returns:
        (state, error): state is "completed", "stopped" or "failed"; error None unless failed.
    """
    if code == 0 and job.has_result:
        status = job.result.get("status") if isinstance(job.result, dict) else None
        return ("stopped" if status == "stopped" else "completed"), None
    if job.terminated_mono is not None:
        if job.acknowledged:
            return "stopped", None
        return "failed", (
            f"the job did not stop within {stop_timeout_s:g} s of the stop request and was ended."
        )
    if code == 0:
        error = "the training process ended without sending a result"
        return "failed", error + (f"; {job.bad_message}." if job.bad_message else ".")
    return "failed", job.error or spawn.describe_exit(code if code is not None else -9)


def supervise(
    board: Any,
    job_id: str,
    kind_path: str,
    spec: dict,
    env: dict[str, str],
    stop_timeout_s: float,
) -> str:
    """Runs one job on this node and reports it to the board; returns the final state.

    Args:
        board: the `JobBoard` actor handle.
        job_id: the job's id.
        kind_path: "module:function" of the job function (importable on every node).
        spec: the job spec, with "owner" and "job_id".
        env: environment variables for the worker (e.g. CNNAPP_MODELS_DIR, CUDA_VISIBLE_DEVICES).
        stop_timeout_s: how long the job may take to stop after a stop request.
    """
    import ray

    context = ray.get_runtime_context()
    node = {"node_id": context.get_node_id(), "device": _device(context)}
    job = JobRecord(
        id=job_id, owner=str(spec.get("owner")), kind="", kind_path=kind_path, spec=spec
    )
    env = {**env, **_slot_env(context, env)}  # the GPU share's memory cap, as a local slot's
    try:
        spawn.start(multiprocessing.get_context("spawn"), job, env)
    except Exception as error:
        end = {"state": "failed", "error": f"the worker process could not be started: {error}."}
        ray.get(board.report.remote(job_id, [], node, end))
        return "failed"
    stop_requested = bool(ray.get(board.report.remote(job_id, [], node, None)))
    pending: list[Any] = []
    last_flush = time.monotonic()
    while True:
        exited = job.process.exitcode is not None
        messages, drained = spawn.drain(job)
        for message in messages:
            job.fold(message)
        pending.extend(messages)
        epoch_ended = any(isinstance(m, dict) and m.get("type") == "epoch" for m in messages)
        if pending and (epoch_ended or time.monotonic() - last_flush > FLUSH_S):
            stop_requested = bool(ray.get(board.report.remote(job_id, pending, node, None)))
            pending, last_flush = [], time.monotonic()
        elif time.monotonic() - last_flush > 1.0:  # nothing to send: still ask about stopping
            stop_requested = bool(ray.get(board.report.remote(job_id, [], node, None)))
            last_flush = time.monotonic()
        if exited and drained:
            break
        _handle_stop(job, stop_requested, stop_timeout_s)
        if job.conn is not None:
            job.conn.poll(0.05)
        else:
            job.process.join(0.05)
    job.process.join(1)
    state, error = final_state(job, job.process.exitcode, stop_timeout_s)
    ray.get(board.report.remote(job_id, pending, node, {"state": state, "error": error}))
    return state


def _handle_stop(job: JobRecord, requested: bool, stop_timeout_s: float) -> None:
    """Passes a stop request to the worker; ends it if it does not stop in time."""
    if not requested:
        return
    now = time.monotonic()
    if job.stop_requested_mono is None:
        job.stop.set()
        job.stop_requested_mono = now
    elif job.terminated_mono is None and now - job.stop_requested_mono > stop_timeout_s:
        job.terminated_mono = now
        job.process.terminate()
    elif job.terminated_mono is not None and now - job.terminated_mono > 5:
        job.process.kill()


def _slot_env(context: Any, env: dict[str, str]) -> dict[str, str]:
    """The worker's slot environment for the GPU Ray assigned to this task ({} on a CPU slot)."""
    from cnnapp.devices import probe_gpu_details
    from cnnapp.jobs.slots import assigned_slot_env

    gpu_ids = [str(i) for i in context.get_accelerator_ids().get("GPU") or []]
    if not gpu_ids:
        return {}
    try:
        jobs_per_gpu = int(env.get("CNNAPP_JOBS_PER_GPU") or 1)
    except ValueError:
        jobs_per_gpu = 1
    return assigned_slot_env(gpu_ids, probe_gpu_details(), jobs_per_gpu)


def _device(context: Any) -> str:
    """ "GPU 0 on <node>" or "CPU on <node>" (the node's short id)."""
    node = context.get_node_id()[:8]
    gpus = context.get_accelerator_ids().get("GPU") or []
    return f"GPU {','.join(map(str, gpus))} on node {node}" if gpus else f"CPU on node {node}"
