"""What the jobs run on: the GPUs this machine has, and what the Keras backend sees.

`probe_gpus` finds GPUs without importing TensorFlow (`nvidia-smi -L`) and `probe_gpu_details`
adds each one's total memory (`nvidia-smi --query-gpu`): the executor uses them to plan its job
slots (`cnnapp.jobs.slots`), and the app shows `describe_device(...)`. `accelerator()` asks
the Keras backend itself, inside a worker, whichever backend it is.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass

_GPU_LINE = re.compile(r"^GPU (\d+): (.+?) \(UUID: ([^)]+)\)\s*$")
_lock = threading.Lock()
_cached: list[Gpu] | None = None
QUERY = ["--query-gpu=index,memory.total", "--format=csv,noheader,nounits"]


@dataclass(frozen=True)
class Gpu:
    """One usable GPU: its name and total memory in MB (None when it could not be read)."""

    name: str
    memory_mb: int | None = None


def parse_nvidia_smi(text: str) -> list[tuple[int, str, str]]:
    """Parses `nvidia-smi -L` output into `(index, name, uuid)` per GPU (MIG lines are skipped).

    Args:
        text: the command's output, e.g. "GPU 0: NVIDIA H200 (UUID: GPU-5b1c...)".

    Returns:
        One tuple per GPU line, in order.
    """
    gpus = []
    for line in text.splitlines():
        match = _GPU_LINE.match(line.strip())
        if match:
            gpus.append((int(match.group(1)), match.group(2).strip(), match.group(3).strip()))
    return gpus


def parse_memory_query(text: str) -> dict[int, int]:
    """Parses `nvidia-smi --query-gpu=index,memory.total --format=csv,noheader,nounits` output.

    Args:
        text: one line per GPU, e.g. "0, 143771" (MiB); "[N/A]" values are skipped.

    Returns:
        `{index: total memory in MB}`.
    """
    memory = {}
    for line in text.splitlines():
        parts = [part.strip() for part in line.split(",")]
        if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
            memory[int(parts[0])] = int(parts[1])
    return memory


def _visible_tokens() -> list[str] | None:
    """The entries of CUDA_VISIBLE_DEVICES, or None when it is not set."""
    value = os.environ.get("CUDA_VISIBLE_DEVICES")
    if value is None:
        return None
    return [token.strip() for token in value.split(",") if token.strip()]


def filter_visible(gpus: list[tuple[int, str, str]], visible: list[str] | None) -> list[str]:
    """Names of the GPUs a process may use under CUDA_VISIBLE_DEVICES, in CUDA's order.

    Args:
        gpus: `(index, name, uuid)` tuples from `parse_nvidia_smi`.
        visible: the CUDA_VISIBLE_DEVICES entries (indices or UUID prefixes), None when unset.
            As CUDA does, the list ends at the first entry that names no GPU (e.g. "-1").

    Returns:
        The GPU names.
    """
    by_index = {index: name for index, name, _ in gpus}
    return [by_index[index] for index in _visible_indices(gpus, visible)]


def _visible_indices(gpus: list[tuple[int, str, str]], visible: list[str] | None) -> list[int]:
    """The nvidia-smi indices of the GPUs `filter_visible` keeps, in the same order."""
    if visible is None:
        return [index for index, _, _ in gpus]
    indices = []
    for token in visible:
        found = [
            index
            for index, _, uuid in gpus
            if (token.isdigit() and int(token) == index)
            or (token.startswith("GPU-") and uuid.startswith(token))
        ]
        if not found:
            break
        indices.append(found[0])
    return indices


def _run(executable: str, arguments: list[str]) -> str | None:
    """The command's output, or None when it could not run or failed."""
    try:
        completed = subprocess.run(
            [executable, *arguments], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return completed.stdout if completed.returncode == 0 else None


def gpus_from_nvidia_smi(listing: str, memory: str | None, visible: list[str] | None) -> list[Gpu]:
    """The usable GPUs, with their memory, from the outputs of `nvidia-smi -L` and its query.

    Args:
        listing: `nvidia-smi -L` output.
        memory: the `QUERY` output (None when it failed: memory unknown).
        visible: the CUDA_VISIBLE_DEVICES entries, None when unset.

    Returns:
        One `Gpu` per usable GPU, in CUDA's order.
    """
    parsed = parse_nvidia_smi(listing)
    names = {index: name for index, name, _ in parsed}
    sizes = parse_memory_query(memory or "")
    return [Gpu(names[index], sizes.get(index)) for index in _visible_indices(parsed, visible)]


def _probe() -> list[Gpu]:
    executable = shutil.which("nvidia-smi")
    if executable is None:
        return []
    listing = _run(executable, ["-L"])
    if listing is None:
        return []
    return gpus_from_nvidia_smi(listing, _run(executable, QUERY), _visible_tokens())


def probe_gpu_details(refresh: bool = False) -> list[Gpu]:
    """The usable GPUs with their total memory (cached for the life of the process).

    Args:
        refresh: probe again instead of using the cached answer.

    Returns:
        A new list of `Gpu`, in CUDA's order ([] on a CPU-only machine).
    """
    global _cached
    with _lock:
        if _cached is None or refresh:
            _cached = _probe()
        return list(_cached)


def probe_gpus(refresh: bool = False) -> list[str]:
    """Returns the names of the usable GPUs (e.g. `["NVIDIA H200"]`), or [] on a CPU-only machine.

    The result is cached for the life of the process; it honours CUDA_VISIBLE_DEVICES.

    Args:
        refresh: probe again instead of using the cached answer.

    Returns:
        A new list of GPU names, one per GPU, in CUDA's order.
    """
    return [gpu.name for gpu in probe_gpu_details(refresh)]


def visible_device_ids(count: int) -> list[str]:
    """The CUDA_VISIBLE_DEVICES value that selects each of the first `count` usable GPUs.

    Args:
        count: how many GPUs the executor schedules on.

    Returns:
        The parent's CUDA_VISIBLE_DEVICES entries when it lists enough of them, else "0", "1", ...
    """
    tokens = _visible_tokens()
    if tokens is not None and len(tokens) >= count:
        return tokens[:count]
    return [str(index) for index in range(count)]


def describe_device(gpus: list[str]) -> str:
    """A short label: "CPU", "GPU: NVIDIA H200" or "2 GPUs: NVIDIA H200".

    Args:
        gpus: GPU names as `probe_gpus` returns them.

    Returns:
        The label.
    """
    if not gpus:
        return "CPU"
    names = ", ".join(dict.fromkeys(gpus))
    return f"GPU: {names}" if len(gpus) == 1 else f"{len(gpus)} GPUs: {names}"


def backend_name() -> str:
    """The Keras backend that will be used (read from the environment; imports nothing)."""
    return os.environ.get("KERAS_BACKEND", "tensorflow")


def accelerator() -> str:
    """'GPU: <name>' when the backend sees a GPU, else 'CPU'. Imports the backend."""
    import keras

    backend = keras.backend.backend()
    names: list[str] = []
    if backend == "tensorflow":
        from cnnapp.tf_backend import configure_gpus

        names = configure_gpus()
    elif backend == "jax":
        import jax

        names = [d.device_kind for d in jax.devices() if d.platform == "gpu"]
    elif backend == "torch":
        import torch

        if torch.cuda.is_available():
            names = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    return f"GPU: {names[0]}" if names else "CPU"
