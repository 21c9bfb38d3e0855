"""Shared pieces of the benchmark: which data, timing, child processes, the results table."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CIFAR10_ZIP = ROOT.parent / "shared" / "data" / "cifar10-train.zip"
MOBILENET_WEIGHTS = ROOT.parent / "shared" / "data" / "weights" / "mobilenet_v2_imagenet.weights.h5"
NETWORKS = ("basenet", "mired_bn_v3")
# The assignment's preprocessing in the comparison: normalisation, horizontal flip, zoom 0.2.
PREPROCESSING = {"normalize": True, "horizontal_flip": True, "zoom_range": 0.2}


def data_ref(limit: int | None, zip_path: Path = CIFAR10_ZIP) -> tuple[dict, str]:
    """The dataset reference to benchmark on and a sentence saying which one it is."""
    if zip_path.exists():
        ref = {"name": "folder", "path": str(zip_path), "limit": limit}
        count = f"{limit:,}" if limit else "all 50,000"
        return ref, f"real data: {count} CIFAR-10 training images from {zip_path}"
    ref = {"name": "procedural", "limit": limit}
    return ref, f"procedural dataset ({zip_path} is absent), limit {limit}"


def peak_rss_mb() -> float:
    """This process's resident-memory high-water mark, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Timer:
    """Wall and CPU (all threads of this process) seconds since creation."""

    wall0: float = field(default_factory=time.perf_counter)
    cpu0: float = field(default_factory=time.process_time)

    def wall(self) -> float:
        return time.perf_counter() - self.wall0

    def cpu(self) -> float:
        return time.process_time() - self.cpu0


def run_child(args: list[str], timeout_s: float, env: dict | None = None) -> dict[str, Any]:
    """Runs `python -m bench.items ARGS` in a fresh process; returns the JSON it prints last.

    A failure comes back as `{"error": ...}` so one broken item never stops the whole benchmark.
    """
    command = [sys.executable, "-m", "bench.items", *args]
    try:
        done = subprocess.run(
            command,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout_s:.0f} s: {' '.join(args)}"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return {"error": f"exit {done.returncode}: {' | '.join(tail)}"}
    return json.loads(lines[-1])


def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def table(rows: list[list[str]], header: list[str]) -> str:
    """A plain-text table with aligned columns."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)
