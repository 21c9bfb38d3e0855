"""A job that runs out of memory fails with a message naming its share, never an allocator trace.

TensorFlow raises `ResourceExhaustedError` ("OOM when allocating tensor ..."), JAX an
`XlaRuntimeError` whose text starts "RESOURCE_EXHAUSTED: Out of memory ...", PyTorch
`torch.OutOfMemoryError` ("CUDA out of memory"), NumPy a `MemoryError`. The worker turns any of them
into a `CodedError` that says which cap was hit (its slot's environment, `cnnapp.jobs.slots`) and
how to fix it. Only the job's own process fails: the other jobs on the GPU keep their own shares.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from cnnapp.jobs.slots import CAP_VARIABLE, DEVICE_VARIABLE
from cnnapp.messages import CodedError

OOM_TYPES = ("ResourceExhaustedError", "OutOfMemoryError", "MemoryError")
OOM_TEXTS = ("resource_exhausted", "resource exhausted", "out of memory", "oom when allocating")


def is_out_of_memory(error: BaseException) -> bool:
    """True when `error`, or an error it was raised from, says that memory ran out."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        names = {cls.__name__ for cls in type(current).__mro__}
        if names & set(OOM_TYPES):
            return True
        text = str(current).lower()
        if any(marker in text for marker in OOM_TEXTS):
            return True
        current = current.__cause__ or current.__context__
    return False


def memory_error(error: BaseException, env: Mapping[str, str] | None = None) -> CodedError | None:
    """The coded error that replaces an out-of-memory `error`, or None for any other error.

    Args:
        error: what the job raised.
        env: the worker's environment (default `os.environ`): its slot's cap and GPU.

    Returns:
        "job.gpu_memory" (a capped GPU share: names the cap and the GPU), "job.gpu_memory_whole"
        (a GPU without a cap) or "job.memory" (the CPU: the machine's memory).
    """
    if not is_out_of_memory(error):
        return None
    env = os.environ if env is None else env
    device = env.get(DEVICE_VARIABLE)
    cap = env.get(CAP_VARIABLE, "")
    if device and cap.isdigit():
        return CodedError("job.gpu_memory", cap=int(cap), device=device)
    if device:
        return CodedError("job.gpu_memory_whole", device=device)
    return CodedError("job.memory")
