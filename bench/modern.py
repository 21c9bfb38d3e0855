"""The modern preset (airbench's network and recipe) on the real CIFAR-10, through CNN Lab's engine.

Trains `--preset modern` with its own recipe (as `python -m cnnapp train --preset modern` does:
the same job spec, executor and training job) on the CIFAR-10 training zip in
`../shared/data`, tests on the whole test zip, and prints one JSON line with the test accuracy,
the wall time and the training images per second, beside the published figure (airbench94:
0.94 in 3.83 s on an A100). Without the data it says so and exits 0 (nothing to measure).

Usage:
    python bench/modern.py                              # all 50,000 images, the recipe's epochs
    python bench/modern.py --images 10000 --epochs 8    # a reduced run
    python bench/modern.py --images 600 --epochs 1      # a smoke test

`--images N` takes a class-balanced subset (`bench.section35.subset_zip`); the test split is
always the whole test zip. A progress line is printed every `--every` seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/modern.py` from anywhere
    sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data"
PUBLISHED = {"test_accuracy": 0.94, "seconds": 3.83, "device": "NVIDIA A100", "name": "airbench94"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--images", type=int, help="class-balanced training images (default all)")
    p.add_argument("--epochs", type=int, help="default: the recipe's")
    p.add_argument("--batch-size", type=int, help="default: the recipe's")
    p.add_argument("--data", type=Path, default=DATA, help="folder with the CIFAR-10 zips")
    p.add_argument("--every", type=float, default=60.0, help="seconds between progress lines")
    return p.parse_args(argv)


def job_spec(train: Path, test: Path, epochs: int | None, batch_size: int | None) -> dict:
    """The job `python -m cnnapp train --preset modern --data TRAIN --test-data TEST` makes."""
    from cnnapp.cli.main import build_parser
    from cnnapp.cli.train import config_from, preprocessing_from
    from cnnapp.nets.presets import PRESETS, get_preset, preset_recipe
    from cnnapp.training import make_job_spec

    argv = ["train", "--preset", "modern", "--data", str(train), "--test-data", str(test)]
    argv += ["--epochs", str(epochs)] if epochs else []
    argv += ["--batch-size", str(batch_size)] if batch_size else []
    args = build_parser().parse_args(argv)
    recipe = preset_recipe("modern")
    ref = {"name": "folder", "path": str(train), "test_path": str(test)}
    return make_job_spec(
        get_preset("modern"),
        ref,
        preprocessing_from(args, recipe["preprocessing"]),
        config_from(args, recipe["train"]),
        label="modern (bench)",
        network_name=PRESETS["modern"].name,
        owner="cli",
    )


def run(spec: dict, every_s: float) -> tuple[object, float]:
    """Submits the job and waits, printing progress every `every_s` seconds."""
    from cnnapp.cli.output import progress_line
    from cnnapp.jobs import LocalExecutor

    executor = LocalExecutor(max_jobs=1)
    started = time.monotonic()
    try:
        job_id = executor.submit(spec, "cli")
        last = 0.0
        while True:
            status = executor.status(job_id, "cli")
            if status.done:
                break
            if time.monotonic() - last >= every_s:
                last = time.monotonic()
                print(f"[{last - started:7.0f} s] {progress_line(status)}", flush=True)
            time.sleep(1.0)
    finally:
        executor.shutdown()
    return status, time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    train, test = args.data / "cifar10-train.zip", args.data / "cifar10-test.zip"
    if not (train.exists() and test.exists()):
        reason = f"skipped: the real CIFAR-10 ({train} and {test}) is absent; nothing to measure"
        print(json.dumps({"bench": "modern", "skipped": reason}))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-modern-") as folder:
        if args.images:
            from bench.section35 import subset_zip

            train = subset_zip(train, args.images, Path(folder))
        spec = job_spec(train, test, args.epochs, args.batch_size)
        config = spec["config"]
        print(
            f"modern: {args.images or 'all'} training images, {config['epochs']} epochs, "
            f"batch {config['batch_size']}, test on {test.name}",
            flush=True,
        )
        status, wall_s = run(spec, args.every)
    result = status.result or {}
    metrics = result.get("metrics") or {}
    line = {
        "bench": "modern",
        "state": status.state,
        "error": status.error,
        "images": args.images or "all",
        "epochs": metrics.get("epochs_run"),
        "batch_size": config["batch_size"],
        "test_accuracy": metrics.get("test_accuracy"),
        "val_accuracy": metrics.get("val_accuracy"),
        "train_wall_s": metrics.get("wall_time_s"),
        "wall_s": round(wall_s, 1),
        "images_per_s": metrics.get("images_per_s"),
        "device": metrics.get("device"),
        "run_id": result.get("run_id"),
        "published": PUBLISHED,
    }
    print(json.dumps(line))
    return 0 if status.state == "completed" else 2


if __name__ == "__main__":
    sys.exit(main())
