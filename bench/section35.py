"""Section 3.5 twice: CNN Lab's engine (`python -m cnnapp train`) against a plain Keras script.

Both train MiRed+BN V3 with the assignment's section 3.5 recipe (featurewise normalisation,
horizontal flip, zoom 0.2, SGD 0.01 / momentum 0.9 / Nesterov / decay 1e-6, batch 32, early stopping
on validation accuracy with patience 4 and the best weights restored, the first 10 % of the training
images validating) on the same training images, one after the other, and are tested on the same
test images. The plain script is `bench/assignment35.py` (no `cnnapp` in it). Their test accuracies
should agree within 0.02 (different random draws, same recipe).

Usage:
    python bench/section35.py                               # all 50,000 images, 40 epochs (hours)
    python bench/section35.py --images 10000 --epochs 15    # the reduced pair
    python bench/section35.py --images 600 --epochs 2       # a smoke test, a few minutes

`--images N` picks a class-balanced subset of the training zip (classes taking turns) and writes it
to a temporary zip that both runs read, so both see exactly the same images. The last line is
`section35 cnnapp=X.XXX plain=Y.YYY diff=Z.ZZZ cnnapp_s=A plain_s=B` (diff: cnnapp minus plain;
seconds: each run's wall time, start and data decoding included). The exit status is 0 when both ran
and agree within 0.02, 1 when they disagree, 2 when a run failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/section35.py` from anywhere
    sys.path.insert(0, str(ROOT))

from bench.assignment35 import EPOCHS, balanced, list_images  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
TOLERANCE = 0.02
# Log lines TensorFlow writes before its logging starts; not worth echoing.
NOISE = ("I0000 ", "W0000 ", "WARNING: All log messages", "To enable the following")


def subset_zip(train: Path, images: int, folder: Path) -> Path:
    """A zip of `images` class-balanced training images, laid out `train/<class>/<file>`."""
    chosen = balanced(list_images(train), images)
    out = folder / f"train-{images}.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        if train.is_dir():
            for name, member in chosen:
                target.writestr(f"train/{name}/{Path(member).name}", (train / member).read_bytes())
        else:
            with zipfile.ZipFile(train) as source:
                for name, member in chosen:
                    target.writestr(f"train/{name}/{Path(member).name}", source.read(member))
    return out


def run_streamed(command: list[str], env: dict, tag: str, timeout_s: float) -> dict:
    """Runs `command`, echoing its output prefixed by `tag`; returns its lines, status and time."""
    started = time.perf_counter()
    lines: list[str] = []
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as child:
        watchdog = threading.Timer(timeout_s, child.kill)  # `cnnapp train --json` is silent
        watchdog.start()
        try:
            for line in child.stdout or ():
                line = line.rstrip("\n")
                lines.append(line)
                if not line.startswith(NOISE):
                    shown = line if len(line) <= 300 else f"{line[:300]} ..."
                    print(f"  [{tag}] {shown}", flush=True)
            code = child.wait()
        finally:
            watchdog.cancel()
    seconds = time.perf_counter() - started
    if code != 0 and seconds >= timeout_s:
        lines.append(f"timed out after {timeout_s:.0f} s")
    return {"code": code, "lines": lines, "seconds": seconds}


def plain_figures(lines: list[str]) -> dict | None:
    """`{"test_accuracy", "epochs"}` from assignment35's last line, or None without one (the
    accuracy with 4 decimals from its `test accuracy` line, where there is one)."""
    last = next((line for line in reversed(lines) if line.startswith("assignment35 ")), None)
    if last is None:
        return None
    fields = dict(part.split("=", 1) for part in last.split()[1:])
    precise = [line.split()[-1] for line in lines if line.startswith("test accuracy ")]
    accuracy = float(precise[-1] if precise else fields["test_accuracy"])
    return {"test_accuracy": accuracy, "epochs": int(fields["epochs"])}


def cnnapp_figures(lines: list[str]) -> dict | None:
    """`{"test_accuracy", "epochs", ...}` from `cnnapp train --json`'s last line, or None."""
    for line in reversed(lines):
        if line.startswith("{"):
            result = json.loads(line)
            metrics = result.get("metrics") or {}
            if result.get("state") != "completed" or metrics.get("test_accuracy") is None:
                return None
            return {
                "test_accuracy": float(metrics["test_accuracy"]),
                "epochs": int(metrics["epochs_run"]),
                "early_stopped_epoch": metrics.get("early_stopped_epoch"),
                "run": result.get("run_id"),
            }
    return None


def commands(train: Path, test: Path, epochs: int, seed: int) -> dict[str, list[str]]:
    """The two runs: the engine's command line and the plain script, on the same files."""
    cnnapp = [
        sys.executable, "-m", "cnnapp", "train", "--preset", "mired_bn_v3",
        "--data", str(train), "--test-data", str(test),
        "--normalize", "--flip", "--zoom", "0.2", "--early-stopping", "--patience", "4",
        "--epochs", str(epochs), "--validation-split", "0.1", "--batch-size", "32",
        "--lr", "0.01", "--momentum", "0.9", "--decay", "1e-6", "--seed", str(seed), "--json",
    ]  # fmt: skip
    plain = [sys.executable, str(ROOT / "bench" / "assignment35.py"), "--train", str(train),
             "--test", str(test), "--epochs", str(epochs), "--seed", str(seed)]  # fmt: skip
    return {"cnnapp": cnnapp, "plain": plain}


def summary(cnnapp: dict, plain: dict, cnnapp_s: float, plain_s: float) -> list[str]:
    diff = cnnapp["test_accuracy"] - plain["test_accuracy"]
    verdict = "within" if abs(diff) <= TOLERANCE else "OUTSIDE"
    return [
        f"cnnapp test accuracy {cnnapp['test_accuracy']:.4f} after {cnnapp['epochs']} epochs "
        f"({cnnapp_s:.0f} s)",
        f"plain  test accuracy {plain['test_accuracy']:.4f} after {plain['epochs']} epochs "
        f"({plain_s:.0f} s)",
        f"difference {diff:+.4f}: {verdict} {TOLERANCE}",
        f"section35 cnnapp={cnnapp['test_accuracy']:.3f} plain={plain['test_accuracy']:.3f} "
        f"diff={diff:.3f} cnnapp_s={cnnapp_s:.0f} plain_s={plain_s:.0f}",
    ]


def parse(argv: list[str] | None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--train", type=Path, default=DATA / "cifar10-train.zip")
    parser.add_argument("--test", type=Path, default=DATA / "cifar10-test.zip")
    parser.add_argument("--images", type=int, help="a class-balanced subset (default: all)")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help=f"at most (default {EPOCHS})")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--timeout", type=float, default=6 * 3600, help="seconds per run")
    args = parser.parse_args(argv)
    for path in (args.train, args.test):
        if not path.exists():
            parser.error(f"{path} does not exist; give --train and --test as folders or .zip "
                         "files of class folders (CIFAR-10's are in ../shared/data).")  # fmt: skip
    if args.images is not None and args.images < 20:
        parser.error(f"--images must be at least 20, got {args.images}.")
    if args.epochs < 1:
        parser.error(f"--epochs must be at least 1, got {args.epochs}.")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    work = Path(tempfile.mkdtemp(prefix="cnnapp-section35-"))
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONUNBUFFERED": "1"}
    # The engine's runs and decoded images go to a temporary folder, removed at the end.
    env.update(CNNAPP_MODELS_DIR=str(work / "models"), CNNAPP_DATA_DIR=str(work / "data"))
    try:
        train = subset_zip(args.train, args.images, work) if args.images else args.train
        print(f"Section 3.5 on {args.images or 'all'} training images of {args.train} ({train}),"
              f" test images of {args.test}, at most {args.epochs} epochs", flush=True)  # fmt: skip
        runs, figures = {}, {}
        for name, command in commands(train, args.test, args.epochs, args.seed).items():
            print(f"{name}: {' '.join(command)}", flush=True)
            runs[name] = run_streamed(command, env, name, args.timeout)
            read = cnnapp_figures if name == "cnnapp" else plain_figures
            figures[name] = read(runs[name]["lines"])
            if figures[name] is None:
                print(f"{name} failed (exit {runs[name]['code']}): "
                      f"{' | '.join(runs[name]['lines'][-3:])}", flush=True)  # fmt: skip
                return 2
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for line in summary(figures["cnnapp"], figures["plain"], runs["cnnapp"]["seconds"],
                        runs["plain"]["seconds"]):  # fmt: skip
        print(line, flush=True)
    diff = figures["cnnapp"]["test_accuracy"] - figures["plain"]["test_accuracy"]
    return 0 if abs(diff) <= TOLERANCE else 1


if __name__ == "__main__":
    sys.exit(main())
