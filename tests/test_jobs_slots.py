"""Several jobs per GPU: the slot arithmetic, each slot's environment, placement with a faked device
list, the TensorFlow memory cap, and out-of-memory jobs failing with a message naming the cap."""

from __future__ import annotations

import time

import pytest

from cnnapp import devices
from cnnapp.devices import Gpu
from cnnapp.jobs import LocalExecutor, oom, slots
from cnnapp.jobs.worker import error_event
from cnnapp.messages import words
from cnnapp.settings import get_settings
from tests import executor_backends as backends
from tests.jobkinds import KINDS, XlaRuntimeError

OWNER = "slots-test"
H200 = 143_771  # MB, as nvidia-smi reports an H200's memory.total
NVIDIA_SMI_L = (
    "GPU 0: NVIDIA H200 (UUID: GPU-5b1c0a2e-1111-2222-3333-444455556666)\n"
    "GPU 1: NVIDIA GeForce RTX 4090 (UUID: GPU-77aa0a2e-1111-2222-3333-444455556666)\n"
)
NVIDIA_SMI_MEMORY = "0, 143771\n1, 24564\n"


def wait_done(executor, job_id, timeout=60.0):
    return backends.wait_done(executor, job_id, OWNER, timeout)


# The slot arithmetic


@pytest.mark.parametrize(
    ("memory_mb", "jobs"),
    [(None, 1), (4_000, 2), (11_999, 2), (12_000, 4), (24_564, 4), (39_999, 4), (40_000, 8),
     (81_559, 8), (H200, 8)],
)  # fmt: skip
def test_jobs_per_gpu_comes_from_its_memory_alone(memory_mb, jobs):
    assert slots.default_jobs_per_gpu(memory_mb) == jobs


def test_a_jobs_cap_is_its_share_less_the_margin():
    assert slots.memory_cap_mb(H200, 8) == H200 // 8 - slots.MARGIN_MB == 17_459
    assert slots.memory_cap_mb(8_000, 2) == 3_488
    assert slots.memory_cap_mb(1_000, 8) == slots.MIN_CAP_MB  # never below a usable floor
    assert slots.memory_cap_mb(None, 4) is None


def test_running_jobs_are_max_jobs_or_gpus_times_jobs_per_gpu_whichever_is_fewer():
    two = [Gpu("A", 24_000), Gpu("B", 24_000)]  # 4 jobs each from their memory
    assert len(slots.plan_slots(100, two)) == 8
    assert len(slots.plan_slots(5, two)) == 5
    assert len(slots.plan_slots(100, two, jobs_per_gpu=3)) == 6
    assert len(slots.plan_slots(3, [])) == 3  # no GPU: max_jobs on the CPU
    assert all(slot.gpu is None and slot.env() == {} for slot in slots.plan_slots(3, []))
    mixed = slots.plan_slots(100, [Gpu("big", H200), Gpu("small", 8_000)])
    assert [slot.gpu for slot in mixed].count(0) == 8 and [s.gpu for s in mixed].count(1) == 2
    assert [slot.gpu for slot in slots.plan_slots(5, two)] == [0, 1, 0, 1, 0]  # spread
    assert [slot.index for slot in mixed] == list(range(10))


def test_wrong_counts_are_refused_with_what_to_set():
    with pytest.raises(ValueError, match=r"jobs_per_gpu .* got 0 .*CNNAPP_JOBS_PER_GPU"):
        slots.plan_slots(4, [Gpu("A", 24_000)], jobs_per_gpu=0)
    with pytest.raises(ValueError, match="max_jobs"):
        slots.plan_slots(0, [])
    with pytest.raises(ValueError, match=r"Gpu\(name, memory_mb\).*got 24000"):
        slots.plan_slots(1, [24_000])


def test_the_setting_is_read_from_the_environment(monkeypatch):
    monkeypatch.delenv("CNNAPP_JOBS_PER_GPU", raising=False)
    assert get_settings().jobs_per_gpu is None  # chosen from the memory
    monkeypatch.setenv("CNNAPP_JOBS_PER_GPU", "3")
    assert get_settings().jobs_per_gpu == 3
    monkeypatch.setenv("CNNAPP_JOBS_PER_GPU", "many")
    with pytest.raises(ValueError, match="CNNAPP_JOBS_PER_GPU='many' is not a whole number"):
        get_settings()


def test_each_slot_env_selects_its_gpu_and_caps_it():
    planned = slots.plan_slots(
        4, [Gpu("NVIDIA H200", H200), Gpu("NVIDIA H200", H200)], 2, ["GPU-5b1c", "GPU-77aa"]
    )
    first, second = planned[0].env(), planned[1].env()
    assert first == {
        "CUDA_VISIBLE_DEVICES": "GPU-5b1c",
        "CNNAPP_GPU_LABEL": "GPU 0",
        "CNNAPP_GPU_MEMORY_MB": str(H200 // 2 - 512),
        "XLA_PYTHON_CLIENT_PREALLOCATE": "false",
        "XLA_PYTHON_CLIENT_MEM_FRACTION": "0.496",
    }
    assert second["CUDA_VISIBLE_DEVICES"] == "GPU-77aa" and second["CNNAPP_GPU_LABEL"] == "GPU 1"
    assert planned[2].env() == first  # same GPU, same share: a warm worker fits either slot
    assert planned[1].label == "GPU 1: NVIDIA H200"
    unknown = slots.plan_slots(2, ["Fake GPU"])[0].env()  # memory unknown: no cap, growth
    assert unknown == {"CUDA_VISIBLE_DEVICES": "0", "CNNAPP_GPU_LABEL": "GPU 0"}


def test_a_job_the_cluster_put_on_a_gpu_share_gets_that_shares_cap():
    env = slots.assigned_slot_env(["1"], [Gpu("NVIDIA H200", H200)], 4)
    assert env == {
        "CUDA_VISIBLE_DEVICES": "1",
        "CNNAPP_GPU_LABEL": "GPU 1",
        "CNNAPP_GPU_MEMORY_MB": str(H200 // 4 - 512),
        "XLA_PYTHON_CLIENT_PREALLOCATE": "false",
        "XLA_PYTHON_CLIENT_MEM_FRACTION": f"{(H200 // 4 - 512) / H200:.3f}",
    }
    assert slots.assigned_slot_env([], [Gpu("NVIDIA H200", H200)], 4) == {}  # a CPU slot
    unknown = slots.assigned_slot_env(["0"], [], 4)  # nvidia-smi gave nothing: no cap
    assert unknown == {"CUDA_VISIBLE_DEVICES": "0", "CNNAPP_GPU_LABEL": "GPU 0"}


def test_the_ray_supervisor_passes_its_gpus_share_to_the_worker(monkeypatch):
    from cnnapp.jobs import ray_worker

    class Context:  # what ray.get_runtime_context() answers inside a task given GPU 0
        def __init__(self, gpus):
            self.gpus = gpus

        def get_accelerator_ids(self):
            return {"GPU": self.gpus}

    monkeypatch.setattr(devices, "probe_gpu_details", lambda: [Gpu("NVIDIA H200", H200)])
    env = ray_worker._slot_env(Context(["0"]), {"CNNAPP_JOBS_PER_GPU": "8"})
    assert env["CNNAPP_GPU_MEMORY_MB"] == str(H200 // 8 - 512)
    assert env["CUDA_VISIBLE_DEVICES"] == "0"
    assert ray_worker._slot_env(Context([]), {"CNNAPP_JOBS_PER_GPU": "8"}) == {}


def test_a_new_job_goes_to_the_least_busy_gpu():
    planned = slots.plan_slots(6, [Gpu("A", 24_000), Gpu("B", 24_000)], 3)
    assert slots.pick_free(planned, set()).index == 0
    assert slots.pick_free(planned, {0}).gpu == 1
    assert slots.pick_free(planned, {0, 2}).gpu == 1  # GPU 0 has two, GPU 1 none
    assert slots.pick_free(planned, {1, 3, 0}).gpu == 0
    assert slots.pick_free(planned, set(range(6))) is None


# The device list


def test_nvidia_smi_memory_is_read_per_gpu_and_follows_cuda_visible_devices():
    assert devices.parse_memory_query(NVIDIA_SMI_MEMORY + "2, [N/A]\n") == {0: 143771, 1: 24564}
    assert devices.gpus_from_nvidia_smi(NVIDIA_SMI_L, NVIDIA_SMI_MEMORY, None) == [
        Gpu("NVIDIA H200", 143771),
        Gpu("NVIDIA GeForce RTX 4090", 24564),
    ]
    assert devices.gpus_from_nvidia_smi(NVIDIA_SMI_L, NVIDIA_SMI_MEMORY, ["GPU-77aa"]) == [
        Gpu("NVIDIA GeForce RTX 4090", 24564)
    ]
    assert devices.gpus_from_nvidia_smi(NVIDIA_SMI_L, None, None)[0] == Gpu("NVIDIA H200", None)


def test_the_probe_runs_both_queries(monkeypatch):
    outputs = {"-L": NVIDIA_SMI_L, devices.QUERY[0]: NVIDIA_SMI_MEMORY}
    monkeypatch.setattr(devices.shutil, "which", lambda name: "/usr/bin/nvidia-smi")
    monkeypatch.setattr(devices, "_run", lambda exe, arguments: outputs[arguments[0]])
    monkeypatch.setattr(devices, "_cached", None)  # the real probe's answer comes back afterwards
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    assert devices.probe_gpu_details(refresh=True)[1] == Gpu("NVIDIA GeForce RTX 4090", 24564)
    assert devices.probe_gpus() == ["NVIDIA H200", "NVIDIA GeForce RTX 4090"]


# Placement by the executor (faked GPUs; the workers run on the CPU)


def test_jobs_spread_over_gpus_and_share_each_with_its_capped_env():
    gpus = [Gpu("Fake GPU A", 24_000), Gpu("Fake GPU B", 24_000)]
    executor = LocalExecutor(max_jobs=3, gpus=gpus, kinds=KINDS, journal=False, jobs_per_gpu=2)
    try:
        assert executor.capacity == 3  # min(3, 2 GPUs × 2)
        ids = [executor.submit({"kind": "slot_env", "sleep_s": 1.5}, OWNER) for _ in range(4)]
        time.sleep(0.3)
        running = [executor.status(i, OWNER) for i in ids]
        assert [s.state for s in running].count("running") == 3
        assert sorted(s.device for s in running[:3]) == [
            "GPU 0: Fake GPU A", "GPU 0: Fake GPU A", "GPU 1: Fake GPU B"
        ]  # fmt: skip
        assert running[3].state == "queued"
        done = [wait_done(executor, i) for i in ids]
        assert [s.state for s in done] == ["completed"] * 4
        envs = [s.result["env"] for s in done]
        assert {env["CUDA_VISIBLE_DEVICES"] for env in envs} == {"0", "1"}
        assert all(env["CNNAPP_GPU_MEMORY_MB"] == str(12_000 - 512) for env in envs)
        assert all(env["XLA_PYTHON_CLIENT_MEM_FRACTION"] == "0.479" for env in envs)
        assert all(env["TF_FORCE_GPU_ALLOW_GROWTH"] == "true" for env in envs)  # up to the cap
        assert done[0].device == "GPU 0: Fake GPU A"  # the worker's "CPU" does not replace it
    finally:
        executor.shutdown()


def test_the_default_jobs_per_gpu_comes_from_the_faked_memory(monkeypatch):
    monkeypatch.delenv("CNNAPP_JOBS_PER_GPU", raising=False)
    executor = LocalExecutor(max_jobs=100, gpus=[Gpu("Fake H200", H200)], journal=False)
    try:
        assert executor.capacity == 8
    finally:
        executor.shutdown()
    monkeypatch.setenv("CNNAPP_JOBS_PER_GPU", "16")
    executor = LocalExecutor(max_jobs=100, gpus=[Gpu("Fake H200", H200)], journal=False)
    try:
        assert executor.capacity == 16 and executor.slots[0].memory_mb == H200 // 16 - 512
    finally:
        executor.shutdown()


# Out of memory


TF_OOM = (
    "{{function_node __wrapped__Conv2D_device_/job:localhost/replica:0/task:0/device:GPU:0}} "
    "OOM when allocating tensor with shape[128,64,112,112] and type float on "
    "/job:localhost/replica:0/task:0/device:GPU:0 by allocator GPU_0_bfc [Op:Conv2D] name: "
)
CAPPED = {"CNNAPP_GPU_MEMORY_MB": "5000", "CNNAPP_GPU_LABEL": "GPU 0"}


def test_tensorflows_out_of_memory_error_becomes_a_message_naming_the_cap():
    import tensorflow as tf

    error = tf.errors.ResourceExhaustedError(None, None, TF_OOM)
    coded = oom.memory_error(error, CAPPED)
    assert str(coded) == (
        "This network needs more GPU memory than this job's share (5,000 MB of GPU 0): use a "
        "smaller batch size or network, or ask the lecturer to lower CNNAPP_JOBS_PER_GPU."
    )
    assert "(5.000 MB de GPU 0)" in words(coded, "es")


def test_jax_and_torch_and_numpy_out_of_memory_are_recognised_other_errors_are_not():
    jax_error = XlaRuntimeError("RESOURCE_EXHAUSTED: Out of memory while trying to allocate 5 GB")
    assert oom.memory_error(jax_error, CAPPED).code == "job.gpu_memory"
    torch_like = type("OutOfMemoryError", (RuntimeError,), {})("CUDA error")
    assert (
        oom.memory_error(torch_like, {"CNNAPP_GPU_LABEL": "GPU 1"}).code == "job.gpu_memory_whole"
    )
    assert oom.memory_error(MemoryError(), {}).code == "job.memory"  # the CPU: machine memory
    try:
        try:
            raise jax_error
        except XlaRuntimeError as inner:
            raise ValueError("training failed") from inner
    except ValueError as wrapped:
        assert oom.is_out_of_memory(wrapped)  # found through the cause
    assert oom.memory_error(ValueError("layer 3 needs at least 5x5 input"), CAPPED) is None
    assert oom.memory_error(RuntimeError("Graph execution error: NaN"), CAPPED) is None


def test_the_worker_sends_the_coded_message_without_the_allocator_trace(monkeypatch):
    for name, value in CAPPED.items():
        monkeypatch.setenv(name, value)
    try:
        raise XlaRuntimeError("RESOURCE_EXHAUSTED: Out of memory while trying to allocate 5 GB")
    except XlaRuntimeError as error:
        event = error_event(error)
    assert event["traceback"] is None and "5,000 MB of GPU 0" in event["message"]
    assert event["coded"]["code"] == "job.gpu_memory"
    try:
        raise ValueError("something else")
    except ValueError as error:
        other = error_event(error)
    assert other["message"] == "something else" and "ValueError" in other["traceback"]
    assert other["coded"] is None


def test_a_job_out_of_memory_fails_alone_and_the_other_on_its_gpu_completes():
    gpus = [Gpu("Fake GPU", 16_000)]  # 4 jobs of 3,488 MB
    executor = LocalExecutor(max_jobs=4, gpus=gpus, kinds=KINDS, journal=False)
    try:
        other = executor.submit({"kind": "slot_env", "sleep_s": 1.0}, OWNER)
        failing = executor.submit({"kind": "out_of_gpu_memory"}, OWNER)
        failed, completed = wait_done(executor, failing), wait_done(executor, other)
        assert failed.state == "failed" and failed.traceback is None
        assert failed.error == (
            "This network needs more GPU memory than this job's share (3,488 MB of GPU 0): use a "
            "smaller batch size or network, or ask the lecturer to lower CNNAPP_JOBS_PER_GPU."
        )
        assert "RESOURCE_EXHAUSTED" not in failed.error
        assert "3.488 MB de GPU 0" in words(failed.error_message, "es")
        assert completed.state == "completed" and completed.device == "GPU 0: Fake GPU"
    finally:
        executor.shutdown()


# The TensorFlow memory cap


class FakeConfig:
    """The parts of `tf.config` that `cap_memory` uses, recording what it is asked."""

    def __init__(self, initialised: bool = False) -> None:
        self.logical: dict[str, list] = {}
        self.growth: dict[str, bool] = {}
        self.initialised = initialised
        self.experimental = self

    class LogicalDeviceConfiguration:
        def __init__(self, memory_limit: int) -> None:
            self.memory_limit = memory_limit

    def set_memory_growth(self, gpu, enable):
        if self.logical.get(gpu):
            raise ValueError("Cannot set memory growth on device when virtual devices configured")
        self.growth[gpu] = enable

    def get_logical_device_configuration(self, gpu):
        return self.logical.get(gpu)

    def set_logical_device_configuration(self, gpu, configurations):
        if self.initialised:
            raise RuntimeError("Virtual devices cannot be modified after being initialized")
        self.logical[gpu] = configurations


def test_a_cap_makes_one_logical_device_of_that_size_instead_of_memory_growth():
    config = FakeConfig()
    assert slots_cap(config, ["GPU:0"], 5000) == "capped"
    assert [c.memory_limit for c in config.logical["GPU:0"]] == [5000] and not config.growth
    assert slots_cap(config, ["GPU:0"], 5000) == "already"  # the worker did it; the job again
    assert slots_cap(FakeConfig(), ["GPU:0"], None) == "growth"
    assert slots_cap(FakeConfig(initialised=True), ["GPU:0"], 5000) == "already"
    assert slots_cap(FakeConfig(), [], 5000) == "none"


def slots_cap(config, gpus, memory_mb):
    from cnnapp.tf_backend import cap_memory

    return cap_memory(config, gpus, memory_mb)


def test_configure_gpus_with_real_tensorflow_on_a_cpu():
    import tensorflow as tf

    from cnnapp.tf_backend import cap_memory, configure_gpus

    assert configure_gpus(5000) == []  # no GPU here: nothing to cap, and no error
    assert cap_memory(tf.config, tf.config.list_physical_devices("GPU"), 5000) == "none"
