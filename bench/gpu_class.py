"""GPU mode (`bench/run.py --gpu`): a class on one server, the table-9 recipe, ResNet50 fine-tuning.

One prepared script, sized for about 8 minutes on one H100-class GPU, printing each figure as soon
as it is measured (a run stopped early still shows what it measured). It runs where there is JAX
but no TensorFlow (`KERAS_BACKEND=jax`). Jobs go through the app's own `LocalExecutor`, with the
jobs-per-GPU slots (each job its own worker process, its memory capped at its share).

`--dry-run` exercises the same code on the CPU with tiny sizes and a faked GPU (the slot code
path, no real GPU): a smoke test, its figures mean nothing.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.common import PREPROCESSING

Say = Callable[[str], None]


@dataclass(frozen=True)
class GpuSizes:
    """How much each part of the GPU mode does, and how long it may take."""

    jobs_per_gpu: tuple[int, ...]  # the class throughput's settings, in the order measured
    basenet_jobs: int
    mired_jobs: int  # MiRed+BN V3
    epochs: int
    limit: int | None  # training images per job (None: the whole dataset)
    class_budget_s: float  # per setting: jobs still unfinished then are stopped
    table9_limit: int | None
    table9_epochs: int  # the recipe's 40 (early stopping, patience 4)
    table9_budget_s: float
    table9_runs: int  # the table's first rows (each a full recipe run)
    resnet_batches: tuple[int, ...]
    resnet_steps: int
    resnet_size: int


# About 8 minutes on one GPU: 3 × 90 s of class, 75 s of table 9, ResNet50 (2 compilations).
GPU_SIZES = GpuSizes((16, 4, 1), 16, 4, 3, 10_000, 90.0, None, 40, 75.0, 1, (128,), 20, 224)
# The dry run: one setting, one job of each network, 1 epoch; no ResNet50 (compiling it on a CPU
# takes minutes; tests/test_bench.py runs bench/gpu.py's ResNet50 tiny on its own).
DRY_RUN = GpuSizes((2,), 1, 1, 1, 64, 240.0, 64, 1, 180.0, 1, (), 2, 32)


def _job_specs(sizes: GpuSizes, ref: dict) -> list[dict]:
    from cnnapp.config import Preprocessing, TrainConfig
    from cnnapp.nets.presets import get_preset
    from cnnapp.training import make_job_spec

    data = dict(ref, limit=sizes.limit) if sizes.limit else dict(ref)
    config = TrainConfig(epochs=sizes.epochs)
    networks = ["basenet"] * sizes.basenet_jobs + ["mired_bn_v3"] * sizes.mired_jobs
    return [
        make_job_spec(get_preset(n), data, Preprocessing(**PREPROCESSING), config, label=n)
        for n in networks
    ]


def _wait(executor, jobs: dict[str, str], budget_s: float) -> tuple[list, float, bool]:
    """Polls until every job is done or the budget is spent (the rest are stopped)."""
    started = time.monotonic()
    while time.monotonic() - started < budget_s:
        statuses = [executor.status(job_id, owner) for job_id, owner in jobs.items()]
        if all(status.done for status in statuses):
            return statuses, time.monotonic() - started, False
        time.sleep(0.2)
    wall = time.monotonic() - started
    for job_id, owner in jobs.items():
        executor.cancel(job_id, owner)
    deadline = time.monotonic() + 30  # the stopped jobs' final states
    statuses = [executor.status(job_id, owner) for job_id, owner in jobs.items()]
    while not all(status.done for status in statuses) and time.monotonic() < deadline:
        time.sleep(0.2)
        statuses = [executor.status(job_id, owner) for job_id, owner in jobs.items()]
    return statuses, wall, True


def _speed(status) -> float | None:
    metrics = status.result.get("metrics", {}) if isinstance(status.result, dict) else {}
    return metrics.get("images_per_s")


def class_throughput(sizes: GpuSizes, ref: dict, gpus: list, say: Say) -> list[dict]:
    """Jobs per hour and each job's images/s with 1, 4 and 16 jobs sharing each GPU."""
    from cnnapp.jobs import LocalExecutor

    specs, figures = _job_specs(sizes, ref), []
    for per_gpu in sizes.jobs_per_gpu:
        executor = LocalExecutor(
            max_jobs=per_gpu * len(gpus), gpus=gpus, jobs_per_gpu=per_gpu, journal=False
        )
        try:
            jobs = {}
            for number, spec in enumerate(specs):
                owner = f"student-{number}"  # one job each, as a class would submit them
                jobs[executor.submit(spec, owner)] = owner
            statuses, wall, cut = _wait(executor, jobs, sizes.class_budget_s)
        finally:
            executor.shutdown()
        figures.append(_class_figure(per_gpu, statuses, wall, cut, executor.slots))
        say(_class_line(figures[-1]))
    return figures


def _class_figure(per_gpu: int, statuses: list, wall: float, cut: bool, slots: list) -> dict:
    completed = [s for s in statuses if s.state == "completed"]
    speeds: dict[str, list[float]] = {}
    for status in completed:
        if _speed(status):
            speeds.setdefault(status.label, []).append(round(_speed(status), 1))
    return {
        "jobs_per_gpu": per_gpu,
        "cap_mb": slots[0].memory_mb if slots else None,
        "jobs": len(statuses),
        "completed": len(completed),
        "failed": [s.error for s in statuses if s.state == "failed"][:3],
        "wall_s": round(wall, 1),
        "cut_at_budget": cut,
        "jobs_per_hour": round(3600 * len(completed) / wall, 1) if wall else None,
        "images_per_s": speeds,
    }


def _class_line(figure: dict) -> str:
    medians = " ".join(
        f"{name} median {statistics.median(values):,.0f} img/s (each: {values})"
        for name, values in figure["images_per_s"].items()
    )
    cut = " (budget spent: the rest were stopped)" if figure["cut_at_budget"] else ""
    failed = f"; failed: {figure['failed']}" if figure["failed"] else ""
    return (
        f"class jobs_per_gpu={figure['jobs_per_gpu']} cap={figure['cap_mb']} MB: "
        f"{figure['completed']}/{figure['jobs']} jobs in {figure['wall_s']} s = "
        f"{figure['jobs_per_hour']} jobs/hour{cut}; {medians}{failed}"
    )


def table9(sizes: GpuSizes, ref: dict, gpus: list, say: Say) -> list[dict]:
    """The table-9 recipes (MiRed+BN V3, up to 40 epochs, early stopping): wall time per run."""
    from cnnapp.jobs import LocalExecutor
    from cnnapp.recipes import get_table

    figures = []
    executor = LocalExecutor(max_jobs=1, gpus=gpus, jobs_per_gpu=1, journal=False)
    try:
        for recipe in get_table("9").recipes[: sizes.table9_runs]:
            spec = recipe.job_spec(
                epochs=sizes.table9_epochs, dataset=ref, limit=sizes.table9_limit
            )
            job = executor.submit(spec, "lecturer")
            (status,), wall, cut = _wait(executor, {job: "lecturer"}, sizes.table9_budget_s)
            metrics = status.result.get("metrics", {}) if isinstance(status.result, dict) else {}
            figures.append({
                "recipe": recipe.id, "state": status.state, "wall_s": round(wall, 1),
                "epochs": len(status.history), "fit_s": metrics.get("fit_time_s"),
                "val_accuracy": metrics.get("val_accuracy"), "error": status.error,
            })  # fmt: skip
            say(
                f"table9 {recipe.id}: {status.state} in {wall:.1f} s (submit to done), "
                f"{len(status.history)} epochs, fit {metrics.get('fit_time_s') or 0:.1f} s, "
                f"val acc {metrics.get('val_accuracy') or 0:.3f}"
                + (" (budget spent)" if cut else "")
                + (f"; {status.error}" if status.error else "")
            )
    finally:
        executor.shutdown()
    return figures


def resnet50(sizes: GpuSizes, say: Say, child: Callable[..., dict]) -> list[dict]:
    """ResNet50 fine-tuning images/s, the engine against a plain Keras script (bench/gpu.py)."""
    figures = []
    if not sizes.resnet_batches:
        say("resnet50: not measured in this run (no batch size given)")
    for batch in sizes.resnet_batches:
        pair = child("resnet50", 1800, batch_size=batch, steps=sizes.resnet_steps,
                     size=sizes.resnet_size)  # fmt: skip
        figures.append(pair)
        if "error" in pair:
            continue
        engine = pair.get("engine", {})
        say(
            f"resnet50 batch={batch}: plain Keras {pair['plain'].get('images_per_s') or 0:,.0f} "
            f"img/s, engine {engine.get('images_per_s') or 0:,.0f} img/s, "
            f"engine/plain {pair.get('ratio') or 0:.2f}"
        )
    return figures


def run(
    sizes: GpuSizes, ref: dict, table9_ref: dict, gpus: list, say: Say, child: Callable[..., dict]
) -> dict:
    """The three parts in order, each printed as it is measured.

    Args:
        sizes: `GPU_SIZES` or `DRY_RUN`.
        ref: the class jobs' dataset reference; `table9_ref` the table-9 recipe's.
        gpus: `devices.Gpu`s for the executors' slots.
        say: prints one line at once.
        child: `bench.run._child` (a measurement in a fresh process).
    """
    results = {"class": class_throughput(sizes, ref, gpus, say)}
    results["table9"] = table9(sizes, table9_ref, gpus, say)
    results["resnet50"] = resnet50(sizes, say, child)
    return results


def summary_line(results: dict) -> str:
    """The last line: `gpu jobs_per_hour 16=.. 4=.. 1=.. table9_s=.. resnet50_ratio=..`."""
    per_hour = " ".join(
        f"{figure['jobs_per_gpu']}={figure['jobs_per_hour']}" for figure in results.get("class", [])
    )
    walls = [f["wall_s"] for f in results.get("table9", []) if f["state"] == "completed"]
    ratios = [p.get("ratio") for p in results.get("resnet50", []) if p.get("ratio")]
    return (
        f"gpu jobs_per_hour {per_hour or 'n/a'} "
        f"table9_s={walls[0] if walls else 'n/a'} "
        f"resnet50_ratio={f'{ratios[0]:.2f}' if ratios else 'n/a'}"
    )
