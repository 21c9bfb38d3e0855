"""Job slots: where each running job goes (which GPU, or the CPU) and how much GPU memory it gets.

Several jobs share one GPU, each in its own worker process with its memory capped at its share,
so one large job cannot starve the others. The slots are planned once, from the device list and the
settings, before any job arrives, so a slot's worker environment (`Slot.env()`) is known in advance
(warm workers can be started with it).

How many jobs share a GPU (`CNNAPP_JOBS_PER_GPU`, unset: from the GPU's total memory):

    total memory      jobs per GPU   e.g.
    under 12 GB       2              a 8 GB laptop GPU: 2 jobs of 3.5 GB
    12 to 40 GB       4              a 24 GB card: 4 jobs of 5.5 GB
    40 GB and more    8              an 80 GB H100: 8 jobs of 9.5 GB; a 141 GB H200: 8 of 17 GB

Each job's cap is the GPU's memory / jobs per GPU, less `MARGIN_MB` for the process's own CUDA
context, which lives outside the cap. Running jobs = min(`CNNAPP_MAX_JOBS`, GPUs × jobs per GPU).

Example:
    >>> slots = plan_slots(8, [Gpu("NVIDIA H200", 143_771)])
    >>> len(slots), slots[0].label, slots[0].memory_mb
    (8, 'GPU 0: NVIDIA H200', 17459)
"""

from __future__ import annotations

from dataclasses import dataclass

from cnnapp.devices import Gpu

# (total memory below this many MB, jobs per GPU); larger GPUs get DEFAULT_JOBS_PER_GPU_LARGE.
JOBS_PER_GPU_BY_MEMORY = ((12_000, 2), (40_000, 4))
DEFAULT_JOBS_PER_GPU_LARGE = 8
UNKNOWN_MEMORY_JOBS_PER_GPU = 1  # nvidia-smi gave no memory: one uncapped job per GPU
MARGIN_MB = 512  # per job: its CUDA context and kernels, outside the allocator's cap
MIN_CAP_MB = 256
CAP_VARIABLE = "CNNAPP_GPU_MEMORY_MB"  # a worker's cap, read by the TensorFlow set-up
DEVICE_VARIABLE = "CNNAPP_GPU_LABEL"  # "GPU 0": named in the message of a job that does not fit


def default_jobs_per_gpu(memory_mb: int | None) -> int:
    """Jobs per GPU chosen from its total memory alone (the table in this module's docstring).

    Args:
        memory_mb: the GPU's total memory in MB, None when unknown.

    Returns:
        How many jobs share it.
    """
    if memory_mb is None:
        return UNKNOWN_MEMORY_JOBS_PER_GPU
    for below, jobs in JOBS_PER_GPU_BY_MEMORY:
        if memory_mb < below:
            return jobs
    return DEFAULT_JOBS_PER_GPU_LARGE


def memory_cap_mb(memory_mb: int | None, jobs_per_gpu: int) -> int | None:
    """One job's share of a GPU's memory in MB (None when the memory is unknown)."""
    if memory_mb is None:
        return None
    return max(MIN_CAP_MB, memory_mb // jobs_per_gpu - MARGIN_MB)


@dataclass(frozen=True)
class Slot:
    """A place for one running job: a GPU (or the CPU) and its memory cap.

    Attributes:
        index: the slot's number, 0-based.
        gpu: the GPU's index in the executor's device list, None for the CPU.
        gpu_id: the CUDA_VISIBLE_DEVICES entry that selects that GPU ("0", "GPU-5b1c...").
        gpu_name: e.g. "NVIDIA H200".
        memory_mb: the job's cap in MB, None for no cap (the CPU, or a GPU of unknown memory).
        total_mb: the GPU's total memory in MB, None when unknown.
    """

    index: int
    gpu: int | None = None
    gpu_id: str | None = None
    gpu_name: str = ""
    memory_mb: int | None = None
    total_mb: int | None = None

    @property
    def label(self) -> str:
        """What the app shows: "GPU 0: NVIDIA H200" or "CPU"."""
        return "CPU" if self.gpu is None else f"GPU {self.gpu}: {self.gpu_name}"

    def env(self) -> dict[str, str]:
        """The environment variables of this slot's worker process (set before Keras loads).

        A capped GPU slot gets CUDA_VISIBLE_DEVICES, `CAP_VARIABLE` (TensorFlow makes a logical
        device of that size, see `cnnapp.tf_backend.configure_gpus`), and JAX's
        XLA_PYTHON_CLIENT_PREALLOCATE=false with XLA_PYTHON_CLIENT_MEM_FRACTION (its share);
        the CPU slot gets none. Memory growth stays on (the worker's default): each process takes
        what it uses, up to its cap.
        """
        if self.gpu is None:
            return {}
        env = {"CUDA_VISIBLE_DEVICES": str(self.gpu_id), DEVICE_VARIABLE: f"GPU {self.gpu}"}
        if self.memory_mb is not None and self.total_mb:
            env[CAP_VARIABLE] = str(self.memory_mb)
            env["XLA_PYTHON_CLIENT_PREALLOCATE"] = "false"
            env["XLA_PYTHON_CLIENT_MEM_FRACTION"] = f"{self.memory_mb / self.total_mb:.3f}"
        return env


def _as_gpu(gpu: Gpu | str) -> Gpu:
    if isinstance(gpu, Gpu):
        return gpu
    if isinstance(gpu, str):
        return Gpu(gpu)
    raise ValueError(
        f"a GPU must be a devices.Gpu(name, memory_mb) or a name, got {gpu!r}; "
        "pass e.g. Gpu('NVIDIA H200', 143771)."
    )


def plan_slots(
    max_jobs: int,
    gpus: list[Gpu | str],
    jobs_per_gpu: int | None = None,
    gpu_ids: list[str] | None = None,
) -> list[Slot]:
    """The slots of an executor: min(max_jobs, GPUs × jobs per GPU) on GPUs, else max_jobs CPU.

    Slots alternate between GPUs (slot 0 on GPU 0, slot 1 on GPU 1, ...), so filling them in order
    spreads the jobs.

    Args:
        max_jobs: at most this many jobs run at once (`CNNAPP_MAX_JOBS`).
        gpus: the usable GPUs (`devices.probe_gpu_details()`; names alone: memory unknown).
        jobs_per_gpu: jobs sharing one GPU; None: `default_jobs_per_gpu` of each GPU's memory.
        gpu_ids: the CUDA_VISIBLE_DEVICES entry of each GPU; default "0", "1", ...

    Returns:
        The slots, indexed 0, 1, ...

    Raises:
        ValueError: if max_jobs or jobs_per_gpu is not a whole number of at least 1.
    """
    for name, value in (("max_jobs", max_jobs), ("jobs_per_gpu", jobs_per_gpu)):
        if value is None and name == "jobs_per_gpu":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(
                f"{name} must be a whole number of at least 1, got {value!r} "
                "(set CNNAPP_MAX_JOBS / CNNAPP_JOBS_PER_GPU to e.g. 4)."
            )
    devices = [_as_gpu(gpu) for gpu in gpus]
    if not devices:
        return [Slot(index) for index in range(max_jobs)]
    ids = list(gpu_ids) if gpu_ids is not None else [str(i) for i in range(len(devices))]
    per_gpu = [jobs_per_gpu or default_jobs_per_gpu(gpu.memory_mb) for gpu in devices]
    places = [
        (gpu, share) for share in range(max(per_gpu)) for gpu in range(len(devices))
    ]  # round-robin
    places = [(gpu, share) for gpu, share in places if share < per_gpu[gpu]][:max_jobs]
    return [
        Slot(
            index=index,
            gpu=gpu,
            gpu_id=ids[gpu],
            gpu_name=devices[gpu].name,
            memory_mb=memory_cap_mb(devices[gpu].memory_mb, per_gpu[gpu]),
            total_mb=devices[gpu].memory_mb,
        )
        for index, (gpu, _) in enumerate(places)
    ]


def assigned_slot_env(gpu_ids: list[str], gpus: list[Gpu], jobs_per_gpu: int) -> dict[str, str]:
    """The slot environment of a job that a cluster scheduler put on a GPU (the Ray backend).

    Ray gives the job's task `1 / jobs_per_gpu` of a GPU and makes only that GPU visible to it;
    the job's worker gets that GPU's share of memory as its cap, as a local slot would.

    Args:
        gpu_ids: the GPU ids assigned to the task (Ray's `get_accelerator_ids()["GPU"]`); [] on
            a CPU slot.
        gpus: the GPUs the task sees (`devices.probe_gpu_details()`, the assigned one first).
        jobs_per_gpu: how many jobs share one GPU.

    Returns:
        `Slot.env()` of that slot ({} on the CPU).

    Example:
        >>> env = assigned_slot_env(["1"], [Gpu("NVIDIA H200", 143_771)], 8)
        >>> env["CUDA_VISIBLE_DEVICES"], env[CAP_VARIABLE]
        ('1', '17459')
    """
    if not gpu_ids:
        return {}
    gpu_id = str(gpu_ids[0])
    device = gpus[0] if gpus else Gpu("GPU")
    return Slot(
        index=0,
        gpu=int(gpu_id) if gpu_id.isdigit() else 0,
        gpu_id=gpu_id,
        gpu_name=device.name,
        memory_mb=memory_cap_mb(device.memory_mb, max(1, jobs_per_gpu)),
        total_mb=device.memory_mb,
    ).env()


def pick_free(slots: list[Slot], busy: set[int]) -> Slot | None:
    """A free slot on the least busy GPU (lowest index on a tie), None when all are taken.

    Args:
        slots: the executor's slots.
        busy: the indices of the slots running a job.
    """
    load: dict[int | None, int] = {}
    for slot in slots:
        if slot.index in busy:
            load[slot.gpu] = load.get(slot.gpu, 0) + 1
    free = [slot for slot in slots if slot.index not in busy]
    if not free:
        return None
    return min(free, key=lambda slot: (load.get(slot.gpu, 0), slot.index))
