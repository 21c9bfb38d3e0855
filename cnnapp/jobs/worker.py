"""The entry point of a job's worker process (started by `LocalExecutor` with "spawn").

It sets the TensorFlow environment before anything heavy is imported, imports the job's function,
runs it, and sends every event, then the result or the error, through a one-way pipe to the parent.
The final state of the job is decided by the parent from this process's exit code.

A warm worker (`warm_main`, see `cnnapp.jobs.pool`) does the slow part first (the environment,
Keras and the device, the job kinds' modules), says it is ready, then waits for its one job.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import pickle
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

# Set before TensorFlow or JAX is imported: share a GPU instead of grabbing all of its memory
# (a slot's env, `cnnapp.jobs.slots.Slot.env`, may replace these with a fixed cap).
WORKER_ENV = {"TF_FORCE_GPU_ALLOW_GROWTH": "true", "XLA_PYTHON_CLIENT_PREALLOCATE": "false"}
STOP_ACK = "stop_ack"  # event sent the first time the job's should_stop() returns True
WORKER_EVENT = "worker"  # the first event of every job: {"warm": bool, "pid": int}
WARM_READY = "warm_ready"  # a warm worker has set up and waits for its job

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


def _set_environment(env: dict[str, str] | None) -> None:
    os.environ.update(WORKER_ENV)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.update(env or {})


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
    _set_environment(env)
    _exit_with_parent()
    run_one(job_id, kind_path, spec, conn, stop_event, warm=False)


def warm_main(events: Any, jobs: Any, stop_event: Any, env: dict[str, str], preload: list) -> None:
    """A warm worker: sets up everything a job needs first, then runs the one job it is sent.

    Args:
        events: the sending end of the worker's one-way event pipe (the job's pipe later).
        jobs: the receiving end of the pipe the parent sends `(job_id, kind_path, spec)` on;
            closed without a job (shutdown), the worker simply exits.
        stop_event: the `StopFlag` the job will poll.
        env: the slot's environment variables, set before anything heavy is imported.
        preload: "module" or "module:function" entries, imported (and called) while waiting; a
            failure is ignored here, so the job meets it again and reports it the usual way.

    Raises:
        SystemExit: with code 1 after sending an "error" message, when the job raised.
    """
    _set_environment(env)
    _exit_with_parent()
    started = time.monotonic()
    for entry in preload:
        module_name, _, function_name = entry.partition(":")
        try:
            module = importlib.import_module(module_name)
            if function_name:
                getattr(module, function_name)()
        except Exception:  # noqa: BLE001 - the job will raise it with its own report
            pass
    ready_s = time.monotonic() - started
    _send(events, {"type": WARM_READY, "pid": os.getpid(), "ready_s": ready_s})
    try:
        job_id, kind_path, spec = jobs.recv()
    except (EOFError, OSError):
        return  # shut down before a job came
    finally:
        jobs.close()
    run_one(job_id, kind_path, spec, events, stop_event, warm=True)


def warm_keras() -> None:
    """Imports Keras (and its backend), sets up the device, and runs one tiny training step.

    The step loads what the backend only loads on first use (graph tracing, kernels, thread
    pools); `clear_session` then forgets the tiny model, so the job starts from a clean state.
    """
    import keras
    import numpy as np

    from cnnapp.config import TrainConfig
    from cnnapp.devices import accelerator
    from cnnapp.training.fit import compile_model

    accelerator()
    layers = [keras.layers.Conv2D(2, 3), keras.layers.Flatten(), keras.layers.Dense(2)]
    model = keras.Sequential([keras.Input((4, 4, 3)), *layers])
    compile_model(model, TrainConfig())  # the jobs' own optimizer, loss and metric
    x, y = np.zeros((2, 4, 4, 3), "float32"), np.zeros((2,), "int32")
    model.fit(x, y, batch_size=2, epochs=1, verbose=0)
    keras.backend.clear_session()


def run_one(
    job_id: str, kind_path: str, spec: dict, conn: Any, stop_event: Any, warm: bool
) -> None:
    """Runs the job in this process: events, then the result or the error, through `conn`."""
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

    _send(conn, {"type": WORKER_EVENT, "warm": warm, "pid": os.getpid()})
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
