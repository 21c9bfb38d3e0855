"""The entry point of a job's worker process (started by `LocalExecutor` with "spawn").

It sets the TensorFlow environment before anything heavy is imported, imports the job's function,
runs it, and sends every event, then the result or the error, through a one-way pipe to the parent.
The final state of the job is decided by the parent from this process's exit code.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import pickle
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any

# Set before TensorFlow or JAX is imported: share a GPU instead of grabbing all of its memory
# (a slot's env, `cnnapp.jobs.slots.Slot.env`, may replace these with a fixed cap).
WORKER_ENV = {"TF_FORCE_GPU_ALLOW_GROWTH": "true", "XLA_PYTHON_CLIENT_PREALLOCATE": "false"}
STOP_ACK = "stop_ack"  # event sent the first time the job's should_stop() returns True

JobFunction = Callable[[dict, Callable[[dict], None], Callable[[], bool]], Any]


class StopFlag:
    """A stop request shared with a worker: a byte of shared memory, written without a lock.

    Used instead of `multiprocessing.Event`, whose internal lock stays taken forever if the worker
    is killed while checking it, which would hang the parent's `set()`.

    Args:
        context: the multiprocessing context the worker is started with.
    """

    def __init__(self, context: Any) -> None:
        self._value = context.RawValue("b", 0)

    def set(self) -> None:
        self._value.value = 1

    def is_set(self) -> bool:
        return bool(self._value.value)


def load_kind(kind_path: str) -> JobFunction:
    """Imports a job function from a "module:function" path.

    Args:
        kind_path: e.g. "cnnapp.training.train_job:run_job".

    Returns:
        The function.

    Raises:
        ValueError: if the path is not of the form "module:function" or names nothing callable.
        ImportError: if the module cannot be imported.
    """
    module_name, _, function_name = kind_path.partition(":")
    if not module_name or not function_name:
        raise ValueError(f"job kind {kind_path!r} must look like 'package.module:function'.")
    function = getattr(importlib.import_module(module_name), function_name, None)
    if not callable(function):
        raise ValueError(f"job kind {kind_path!r}: {module_name} has no function {function_name}.")
    return function


def _exit_with_parent() -> None:
    """Ends this process if the parent dies (e.g. the server is killed), so no orphan trains on."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(3)

    threading.Thread(target=watch, name="cnnapp-parent-watch", daemon=True).start()


def _send(conn: Any, message: dict) -> None:
    try:
        conn.send(message)
    except (OSError, ValueError):
        pass  # the parent is gone or stopped listening; nothing left to tell


def worker_main(
    job_id: str,
    kind_path: str,
    spec: dict,
    conn: Any,
    stop_event: Any,
    env: dict[str, str],
) -> None:
    """Runs one job in this (spawned) process.

    Args:
        job_id: the job's id (for messages only).
        kind_path: "module:function" of the job function `f(spec, report, should_stop) -> result`.
        spec: the job spec (plain data).
        conn: the sending end of the job's one-way pipe.
        stop_event: a `StopFlag` (or `multiprocessing.Event`), set by the parent to ask the job to
            stop; the job sees it through `should_stop()`.
        env: extra environment variables (e.g. CUDA_VISIBLE_DEVICES), set before importing.

    Raises:
        SystemExit: with code 1 after sending an "error" message, when the job raised.
    """
    os.environ.update(WORKER_ENV)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.update(env or {})
    _exit_with_parent()
    acknowledged = False

    def report(event: dict) -> None:
        if not isinstance(event, dict):
            raise TypeError(f"report() takes an event dict, got {type(event).__name__}.")
        try:
            conn.send(event)
        except (TypeError, AttributeError) as error:  # pickling failed
            raise TypeError(
                f"report() got an event that cannot be sent ({error}); use plain data."
            ) from None

    def should_stop() -> bool:
        nonlocal acknowledged
        if not stop_event.is_set():
            return False
        if not acknowledged:
            acknowledged = True
            _send(conn, {"type": STOP_ACK})
        return True

    try:
        _cap_gpu_memory()
        function = load_kind(kind_path)
        result = function(spec, report, should_stop)
        conn.send({"type": "result", "result": result})
    except Exception as error:
        _send(conn, error_event(error))
        conn.close()
        sys.exit(1)
    conn.close()


def error_event(error: BaseException) -> dict:
    """The "error" message of a job that raised: out of memory becomes a coded message (no trace).

    Args:
        error: what the job raised.

    Returns:
        {"type": "error", "message": English text, "traceback": text or None, "coded": the
        `Message.to_dict()` of a coded error or None}.
    """
    from cnnapp.jobs.oom import memory_error
    from cnnapp.messages import CodedError

    translated = memory_error(error)
    if translated is not None:  # the allocator's trace helps no student
        return {
            "type": "error",
            "message": str(translated),
            "traceback": None,
            "coded": translated.message.to_dict(),
        }
    coded = error.message.to_dict() if isinstance(error, CodedError) else None
    try:
        pickle.dumps(coded)
    except Exception:  # values that cannot cross the pipe: the English text still does
        coded = None
    return {
        "type": "error",
        "message": str(error) or type(error).__name__,
        "traceback": traceback.format_exc(),
        "coded": coded,
    }


def _cap_gpu_memory() -> None:
    """Under TensorFlow with a slot's cap, makes the capped logical GPU before anything uses it."""
    from cnnapp.jobs.slots import CAP_VARIABLE

    if (
        not os.environ.get(CAP_VARIABLE, "").isdigit()
        or os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow"
    ):
        return  # JAX reads its cap from XLA_PYTHON_CLIENT_MEM_FRACTION itself
    from cnnapp.devices import probe_gpus

    if not probe_gpus():  # nvidia-smi sees none (a faked device list): nothing to cap
        return
    from cnnapp.tf_backend import configure_gpus

    configure_gpus(int(os.environ[CAP_VARIABLE]))
