"""What the Ray backend costs per job against the local one (a tiny job: the executor's own cost).

For each backend (local: `LocalExecutor`, 2 jobs at once; ray: `RayExecutor` on a two-node
cluster on 127.0.0.1 of one CPU each, started here unless `--address` is given):

- `first_event_s`: submit to the first event of the job's worker as `status()` shows it, one job
  at a time on an idle executor (median of `--jobs`);
- `per_job_s`: submit to done of that job (its function takes no time, so this is the overhead:
  starting a fresh worker process, on Ray also placing the task and reporting through the board);
- `batch_s`: `--jobs` jobs submitted at once, until all are done (2 run at a time);
- `status_ms`: one `status()` call (median of 200).

Usage:
    python -m bench.ray_overhead --jobs 5
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = {"tiny": "bench.ray_overhead:tiny_job"}


def tiny_job(spec, report, should_stop):
    """One phase event and one epoch, then a result: a job that costs nothing itself."""
    report({"type": "phase", "phase": "training", "message": "tiny"})
    report({"type": "train_begin", "epochs": 1, "batches": 1})
    report({"type": "epoch", "epoch": 1, "logs": {"loss": 1.0}})
    return {"status": "completed"}


def _wait(executor, job_id: str, started: float) -> tuple[float | None, float]:
    first = None
    while True:
        status = executor.status(job_id, "bench")
        now = time.perf_counter() - started
        if first is None and status.phase not in (None, "starting"):
            first = now
        if status.done:
            if status.state != "completed":
                raise RuntimeError(f"the bench job {status.state}: {status.error}")
            return first if first is not None else now, now
        time.sleep(0.005)


def measure(executor, jobs: int) -> dict[str, float]:
    """The figures of one backend (see the module's docstring)."""
    executor.submit({"kind": "tiny"}, "bench")  # warm-up: not counted
    time.sleep(0.5)
    firsts, totals = [], []
    for _ in range(jobs):
        started = time.perf_counter()
        first, total = _wait(executor, executor.submit({"kind": "tiny"}, "bench"), started)
        firsts.append(first)
        totals.append(total)
    started = time.perf_counter()
    ids = [executor.submit({"kind": "tiny"}, "bench") for _ in range(jobs)]
    for job_id in ids:
        _wait(executor, job_id, started)
    batch = time.perf_counter() - started
    calls = []
    for _ in range(200):
        begun = time.perf_counter()
        executor.status(ids[-1], "bench")
        calls.append((time.perf_counter() - begun) * 1000)
    return {
        "first_event_s": statistics.median(firsts),
        "per_job_s": statistics.median(totals),
        "batch_s": batch,
        "status_ms": statistics.median(calls),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=5, help="jobs per measurement (default 5)")
    parser.add_argument("--address", help="an existing Ray cluster (default: start one here)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from cnnapp.jobs import LocalExecutor

    results = {}
    local = LocalExecutor(max_jobs=2, gpus=[], kinds=KINDS, journal=False)
    try:
        results["local"] = measure(local, args.jobs)
    finally:
        local.shutdown()

    import ray

    from cnnapp.jobs.ray_executor import RayExecutor

    cluster, stack = None, contextlib.ExitStack()
    if not args.address:
        from tests.executor_backends import RayCluster, loopback_driver

        stack.enter_context(loopback_driver())  # the cluster and this driver stay on 127.0.0.1
        cluster = RayCluster()
    address = args.address or cluster.address
    try:
        ray.init(address=address, log_to_driver=False)
        while cluster is not None and len(cluster.node_ids()) < 2:
            time.sleep(0.2)
        executor = RayExecutor(namespace=f"bench-{time.time_ns()}", kinds=KINDS)
        results["ray"] = measure(executor, args.jobs)
    finally:
        ray.shutdown()
        if cluster is not None:
            cluster.stop()
        stack.close()
    print(f"{'backend':8} {'first_event_s':>14} {'per_job_s':>10} {'batch_s':>8} {'status_ms':>10}")
    for name, row in results.items():
        print(
            f"{name:8} {row['first_event_s']:14.3f} {row['per_job_s']:10.3f} "
            f"{row['batch_s']:8.2f} {row['status_ms']:10.2f}"
        )
    extra = results["ray"]["per_job_s"] - results["local"]["per_job_s"]
    print(f"ray_overhead jobs={args.jobs} extra_per_job_s={extra:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
