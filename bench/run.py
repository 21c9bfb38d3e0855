"""CNN Lab's benchmark: the engine against the assignment's pipeline, and the app's own speed.

Usage:
    python bench/run.py            # everything, on all of CIFAR-10's training zip (about an hour)
    python bench/run.py --quick    # a reduced run (fewer images and epochs), under 10 minutes
    python bench/run.py --gpu      # GPU mode (about 8 min): class throughput at 16, 4 and 1 jobs
                                   # per GPU, the table-9 recipe, ResNet50 (bench/gpu_class.py)
    python bench/run.py --gpu --dry-run   # the same, tiny, on the CPU under JAX (a smoke test)
    python bench/run.py --startup  # only Start -> first chart point, warm workers off and on

Every measurement runs in a fresh process (`bench/items.py`); the assignment's and the engine's
runs alternate, so a machine that is busier at one moment penalises both. The last line printed
is `speedup basenet=X.XX mired_bn_v3=Y.YY`: the engine's images/s over the assignment's, over
all epochs (the first one's compilation included); the line before it, `of_bare basenet=X.XX
mired_bn_v3=Y.YY`, is the engine's images/s over the bare limit's (the network without
preprocessing layers, `fit` on float32 arrays, no callbacks: the model's own compute). Before the
summary tables come
`startup first_point_s=X cold_process_s=Y` (Start to the first chart point with warm workers; a
fresh process importing Keras, building BaseNet and training one batch) and `startup_cold
first_point_s=Z poll_s=1` (the same first point before: no warm worker, the page polling every
second), then `startup_mired_bn_v3_cifar10 first_point_s=W` (MiRed+BN V3 on all of CIFAR-10's
training zip, its decoded cache warm, a warm worker; n/a without the zip). See README, "Benchmarks".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/run.py` from anywhere
    sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from bench.common import CIFAR10_ZIP, NETWORKS, data_ref, run_child  # noqa: E402


@dataclass(frozen=True)
class Sizes:
    """How much each part trains (images are CIFAR-10's, or procedural ones without the zip)."""

    train_limit: int | None  # images for the pipeline comparison (None: all 50,000)
    epochs: dict  # network -> epochs in the comparison
    repeats: dict  # network -> alternating (assignment, engine) pairs
    job_limit: int | None  # images for the live-progress cost
    job_epochs: int
    job_repeats: int
    memory_limit: int  # CIFAR-100/25's size: 12,500 training images
    memory_epochs: int
    latency_repeats: int
    app_repeats: int


QUICK = Sizes(5000, {"basenet": 3, "mired_bn_v3": 2}, {"basenet": 2, "mired_bn_v3": 1},
              5000, 3, 2, 12_500, 1, 50, 2)  # fmt: skip
FULL = Sizes(None, {"basenet": 5, "mired_bn_v3": 3}, {"basenet": 2, "mired_bn_v3": 1},
             None, 3, 2, 12_500, 2, 200, 3)  # fmt: skip


def _say(line: str) -> None:
    print(line, flush=True)


def _child(item: str, timeout_s: float, **kwargs) -> dict:
    result = run_child([item, "--args", json.dumps(kwargs)], timeout_s)
    if "error" in result:
        _say(f"  ! {item} {kwargs.get('network', '')}: {result['error']}")
    return result


def compare_pipelines(sizes: Sizes, ref: dict) -> dict:
    """(a)/(b): the assignment's pipeline and the engine's, alternating, per network."""
    results = {}
    for network in NETWORKS:
        runs = {"assignment": [], "engine": []}
        for repeat in range(sizes.repeats[network]):
            order = ["assignment", "engine"] if repeat % 2 == 0 else ["engine", "assignment"]
            for pipeline in order:
                kwargs = {"network": network, "ref": ref, "epochs": sizes.epochs[network]}
                result = _child(pipeline, 4 * 3600, **kwargs)
                runs[pipeline].append(result)
                _say(f"  {network:12s} {pipeline:10s} {report.one_line(result)}")
        kwargs = {"network": network, "ref": ref, "epochs": sizes.epochs[network]}
        runs["bare_limit"] = [_child("bare_limit", 4 * 3600, **kwargs)]
        _say(f"  {network:12s} bare_limit {report.one_line(runs['bare_limit'][0])}")
        results[network] = runs
    return results


def progress_cost(sizes: Sizes, ref: dict) -> dict:
    """(b2): bare `fit` against a job with live progress; time to the first event."""
    kwargs = {"network": "basenet", "ref": ref, "epochs": sizes.job_epochs}
    runs = {"bare": [], "job": []}
    for repeat in range(sizes.job_repeats):
        for kind in ["bare", "job"] if repeat % 2 == 0 else ["job", "bare"]:
            runs[kind].append(_child(kind, 3600, **kwargs))
            _say(f"  basenet      {kind:10s} {report.one_line(runs[kind][-1])}")
    runs["warm_worker"] = _child("warm_worker", 600, **kwargs)
    runs["import_keras"] = _child("import_keras", 300)
    return runs


def startup() -> dict:
    """(f): Start to the first chart point, warm workers off (before) and on (after); a cold process.

    BaseNet on the procedural data. "Before" is also the old page: it polled once a second.
    """
    results = {"cold": _child("first_point", 900, warm=False, poll_s=1.0) | {"poll_s": 1.0}}
    _say(f"  first point, cold worker: {results['cold'].get('first_point_s', '-')} s")
    results["warm"] = _child("first_point", 900, warm=True)
    _say(f"  first point, warm worker: {results['warm'].get('first_point_s', '-')} s")
    started = time.perf_counter()
    cold = _child("cold_process", 600)
    results["cold_process"] = cold | (
        {} if "error" in cold else {"seconds": time.perf_counter() - started}
    )
    _say(f"  a fresh process to its first batch: {results['cold_process'].get('seconds', '-')} s")
    if CIFAR10_ZIP.exists():  # MiRed+BN V3 on all of CIFAR-10's training zip, decoded cache warm
        ref = data_ref(None)[0]
        cache = _child("decoded_cache", 1800, ref=ref)
        results["mired_cifar"] = (
            cache if "error" in cache
            else _child("first_point", 900, warm=True, network="mired_bn_v3", ref=ref)
            | {"images": cache["images"]}
        )  # fmt: skip
        _say(f"  MiRed+BN V3 on CIFAR-10, warm worker: "
             f"{results['mired_cifar'].get('first_point_s', '-')} s")  # fmt: skip
    else:
        results["mired_cifar"] = {"error": f"{CIFAR10_ZIP} is absent"}
    return results


def memory(sizes: Sizes, ref_for) -> dict:
    """(e): a training job's worker on 12,500 images (CIFAR-100/25's size), MiRed+BN V3."""
    ref, source = ref_for(sizes.memory_limit)
    result = _child("job", 3600, network="mired_bn_v3", ref=ref, epochs=sizes.memory_epochs)
    _say(f"  mired_bn_v3  job        {report.one_line(result)}")
    return {"job": result, "source": source}


def machine() -> dict:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo") if "model name" in line),
        platform.processor(),
    )
    memory_kb = next((int(line.split()[1]) for line in _read("/proc/meminfo")
                      if line.startswith("MemTotal")), 0)  # fmt: skip
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 2**20, 1),
        "python": platform.python_version(),
        "keras_backend": os.environ.get("KERAS_BACKEND", "tensorflow"),
    }


def _read(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def load_average() -> float | None:
    lines = _read("/proc/loadavg")
    return float(lines[0].split()[0]) if lines else None


def run_cpu(sizes: Sizes, mode: str) -> dict:
    ref, source = data_ref(sizes.train_limit)
    job_ref, _ = data_ref(sizes.job_limit)
    results = {"mode": mode, "machine": machine(), "source": source, "sizes": asdict(sizes)}
    results["load_before"] = load_average()
    _say(f"CNN Lab benchmark ({mode}) on {results['machine']}")
    _say(f"Data: {source}")
    _say("(a)/(b) training throughput: the assignment's pipeline against the engine")
    results["training"] = compare_pipelines(sizes, ref)
    _say("(b2) the cost of live progress")
    results["progress"] = progress_cost(sizes, job_ref)
    _say("(c) classification latency and loading a run")
    results["latency"] = _child("latency", 1800, repeats=sizes.latency_repeats)
    _say("(d) app start")
    results["app"] = _child("app_start", 900, repeats=sizes.app_repeats)
    results["build_page"] = _child("build_page", 300)
    _say("(e) peak memory")
    results["memory"] = memory(sizes, data_ref)
    _say("(f) start-up")
    results["startup"] = startup()
    results["load_after"] = load_average()
    return results


def run_gpu(dry_run: bool = False) -> dict | None:
    """GPU mode (`bench/gpu_class.py`): class throughput, table 9, ResNet50; None without a GPU.

    `dry_run`: the same code on the CPU under JAX, tiny, with a faked GPU (skipped without JAX).
    """
    import importlib.util

    from bench import gpu_class
    from cnnapp.devices import Gpu, probe_gpu_details

    if dry_run:
        if importlib.util.find_spec("jax") is None:
            _say("GPU mode dry run: JAX is not installed here, so it was skipped.")
            return None
        os.environ["KERAS_BACKEND"] = "jax"  # the workers and children inherit it
        gpus, sizes = [Gpu("dry-run stand-in (CPU)", 16_000)], gpu_class.DRY_RUN
        ref, table9_ref = {"name": "procedural", "limit": 64}, {"name": "procedural"}
    else:
        gpus, sizes = probe_gpu_details(), gpu_class.GPU_SIZES
        if not gpus:
            _say("GPU mode: no GPU here (nvidia-smi lists none), so nothing was measured; run")
            _say("it on a GPU machine, e.g. `KERAS_BACKEND=jax python bench/run.py --gpu`.")
            return None
        ref, _ = data_ref(None)
        table9_ref = {"name": "cifar100_25"} if os.environ.get("CNNAPP_CIFAR100") else ref
    results = {"mode": "gpu dry run" if dry_run else "gpu", "machine": machine(), "ref": ref}
    results["machine"]["gpus"] = [f"{gpu.name} ({gpu.memory_mb} MB)" for gpu in gpus]
    _say(f"CNN Lab benchmark ({results['mode']}) on {results['machine']}")
    _say(f"Data: {ref} (table 9: {table9_ref}); figures print as they are measured")
    results.update(gpu_class.run(sizes, ref, table9_ref, gpus, _say, _child))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer images and epochs (<10 min)")
    parser.add_argument("--gpu", action="store_true", help="GPU mode (ResNet50 throughput too)")
    parser.add_argument("--dry-run", action="store_true", help="with --gpu: tiny, on the CPU")
    parser.add_argument("--startup", action="store_true", help="only (f) start-up (a few minutes)")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    options = parser.parse_args(argv)
    models = tempfile.mkdtemp(prefix="cnnapp-bench-models-")
    os.environ["CNNAPP_MODELS_DIR"] = models  # runs saved by the benchmark's jobs land here
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        if options.startup:
            results = {"mode": "startup", "machine": machine(), "startup": startup()}
        elif options.gpu:
            results = run_gpu(options.dry_run)
        else:
            results = run_cpu(
                QUICK if options.quick else FULL, "quick" if options.quick else "full"
            )
    finally:
        shutil.rmtree(models, ignore_errors=True)
    if results is None:
        _say("speedup basenet=n/a mired_bn_v3=n/a")
        return 0
    if options.json:
        options.json.write_text(json.dumps(results, indent=2, default=str))
    if options.gpu and not options.startup:
        from bench.gpu_class import summary_line

        _say(summary_line(results))
        return 0
    _say("")
    for line in report.startup_lines(results.get("startup")):
        _say(line)
    if options.startup:
        _say(report.startup_table(results["startup"]))
        _say("speedup basenet=n/a mired_bn_v3=n/a")  # not measured in this mode
        return 0
    _say(report.render(results))
    _say(report.of_bare_line(results["training"]))
    _say(report.speedup_line(results["training"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
