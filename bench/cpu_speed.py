"""CPU throughput beyond the bare limit: XLA and thread settings on the engine's training path.

Usage:
    python bench/cpu_speed.py --quick   # under ~6 minutes on 2 busy cores
    python bench/cpu_speed.py           # more images and epochs
    python bench/cpu_speed.py --quick --networks basenet --variants threads --repeats 3

For BaseNet and MiRed+BN V3 (the assignment's preprocessing, batch 32, SGD) it trains through
the engine's own path (`prepare_model`, `make_plan`, `training_model`, `compile_model`,
`fit_data`, `cnnapp.training.fit`, as `cnnapp.training.train_job.run_job` does) in variants:

- `default`: as the engine trains today;
- `xla`: the same, with the compiled train step XLA-compiled (`model.jit_compile = True`, what
  `model.compile(jit_compile=True)` sets); the tf.data augmentation stays outside the step;
- `threads`: TensorFlow's thread pools set to intra-op 2, inter-op 1 before anything runs.

Each run is its own fresh process (`bench.items`: thread settings are per process), the variants
alternate (default, xla, threads, default, ...) so a busier moment penalises all of them, and each
reports images/s over the epochs after the first (the first one traces and compiles: its
time to the first batch is reported apart, as `compile_s`). Every variant starts from the same
seed and sees the same batches, so their training losses after the same epochs should agree (XLA
only changes float rounding). The last line is
`cpu_speed basenet_xla=X.XX basenet_threads=Y.YY mired_bn_v3_xla=... mired_bn_v3_threads=...`:
each variant's median steady images/s over the default's.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/cpu_speed.py` from anywhere
    sys.path.insert(0, str(ROOT))

from bench.common import NETWORKS, data_ref, fmt, median, run_child, table  # noqa: E402

VARIANTS = {
    "default": {},
    "xla": {"jit_compile": True},
    "threads": {"intra_op": 2, "inter_op": 1},
}
# network -> (images, epochs); the first epoch is not in the steady figure
QUICK = {"basenet": (3000, 3), "mired_bn_v3": (1200, 2)}
FULL = {"basenet": (10000, 4), "mired_bn_v3": (5000, 3)}
REPEATS = 2


def variant(
    network: str,
    ref: dict,
    epochs: int,
    jit_compile: bool = False,
    intra_op: int | None = None,
    inter_op: int | None = None,
    seed: int = 42,
) -> dict:
    """One training run through the engine's path, in this (fresh) process.

    Args:
        network: a preset name.
        ref: the dataset reference (`bench.common.data_ref`).
        epochs: epochs to train (the first one compiles).
        jit_compile: XLA-compile the train step.
        intra_op, inter_op: TensorFlow's thread pools (None: TensorFlow's defaults).
        seed: the run's seed (weights, shuffling, augmentation, dropout).

    Returns:
        Steady images/s, `compile_s`, the epochs' losses and validation accuracies, the plan and
        the thread settings in force.
    """
    import tensorflow as tf  # the bench may: the thread pools must be set before any op runs

    if intra_op:
        tf.config.threading.set_intra_op_parallelism_threads(intra_op)
    if inter_op:
        tf.config.threading.set_inter_op_parallelism_threads(inter_op)

    from bench.common import PREPROCESSING
    from cnnapp.config import Preprocessing, TrainConfig
    from cnnapp.data import load_dataset, split_validation
    from cnnapp.devices import accelerator
    from cnnapp.nets.presets import get_preset
    from cnnapp.training import compile_model, fit, prepare_model
    from cnnapp.training import plan as pipeline

    config = TrainConfig(epochs=epochs, seed=seed)
    preprocessing = Preprocessing(**PREPROCESSING)
    dataset = load_dataset(ref)
    data = split_validation(dataset.x_train, dataset.y_train, config.validation_split)
    device = accelerator()
    precision = pipeline.precision_for(config, device)
    model = prepare_model(
        get_preset(network), dataset, data[0], preprocessing, config, precision
    ).model
    batches = -(-len(data[0]) // config.batch_size)
    plan = pipeline.make_plan(model, config, batches, device)
    trainer = pipeline.training_model(model, plan)
    compile_model(trainer, config, plan.steps_per_execution, steps_per_epoch=batches)
    if jit_compile:
        trainer.jit_compile = True  # what compile(jit_compile=True) sets; warns and stays off
    inputs = pipeline.fit_data(model, plan, data, config.batch_size, config.seed)
    marks: dict = {"epochs": [], "cpus": []}

    def report(event: dict) -> None:
        now = time.perf_counter()  # wall; process_time below: CPU seconds of all its threads
        if event["type"] == "train_begin":
            marks["begin"] = now
        elif event["type"] == "batch" and "first_batch" not in marks:
            marks["first_batch"] = now
        elif event["type"] == "epoch":
            marks["epochs"].append(now)
            marks["cpus"].append(time.process_time())

    outcome = fit(trainer, inputs, config, report, lambda: False, batches=batches, info={})
    ends, cpus, images = marks["epochs"], marks["cpus"], len(data[0]) * (len(marks["epochs"]) - 1)
    return {
        "steady_images_per_s": images / (ends[-1] - ends[0]),
        # CPU time per image: less sensitive than wall time to other processes on the machine
        "steady_cpu_ms_per_image": 1000 * (cpus[-1] - cpus[0]) / images,
        "compile_s": marks["first_batch"] - marks["begin"],
        "first_epoch_s": ends[0] - marks["begin"],
        "loss": [round(float(e["loss"]), 5) for e in outcome.history],
        "val_accuracy": [round(float(e["val_accuracy"]), 4) for e in outcome.history],
        "jit_compile": bool(trainer.jit_compile),
        "intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
        "inter_op": tf.config.threading.get_inter_op_parallelism_threads(),
        "plan": plan.to_dict(),
    }


def _say(line: str) -> None:
    print(line, flush=True)


def measure(
    network: str, images: int, epochs: int, repeats: int, variants: tuple = tuple(VARIANTS)
) -> dict[str, list[dict]]:
    """Each of `variants` `repeats` times for `network`, alternating, each in a fresh process."""
    ref, _ = data_ref(images)
    results: dict[str, list[dict]] = {name: [] for name in ("default", *variants)}
    for repeat in range(repeats):
        for name in results:
            settings = VARIANTS[name]
            kwargs = {"network": network, "ref": ref, "epochs": epochs, **settings}
            result = run_child(["cpu_speed", "--args", json.dumps(kwargs)], timeout_s=600)
            results[name].append(result)
            if "error" in result:
                _say(f"  ! {network} {name} #{repeat + 1}: {result['error']}")
                continue
            _say(
                f"  {network} {name} #{repeat + 1}: {result['steady_images_per_s']:.0f} images/s, "
                f"{result['steady_cpu_ms_per_image']:.2f} CPU ms/image, "
                f"compile {result['compile_s']:.1f} s, loss {result['loss']}, "
                f"val_accuracy {result['val_accuracy']}, jit {result['jit_compile']}, "
                f"threads {result['intra_op']}/{result['inter_op']}"
            )
    return results


def ratios(
    results: dict[str, list[dict]], key: str = "steady_images_per_s"
) -> dict[str, list[float | None]]:
    """Per variant and repeat, its `key` over the default's in the same repeat."""
    out: dict[str, list[float | None]] = {}
    for name in results:
        if name == "default":
            continue
        pairs = zip(results["default"], results[name], strict=True)
        out[name] = [
            b[key] / a[key] if "error" not in a and "error" not in b else None for a, b in pairs
        ]
    return out


def summary(network: str, results: dict[str, list[dict]]) -> list[list[str]]:
    """Table rows: variant, median images/s and CPU ms/image, compile s, final loss and
    validation accuracy per repeat, and per repeat the images/s and CPU-time ratios."""
    rows, by = [], ratios(results)
    by_cpu = ratios(results, "steady_cpu_ms_per_image")
    for name, runs in results.items():
        good = [r for r in runs if "error" not in r]
        rows.append(
            [
                network,
                name,
                fmt(median([r["steady_images_per_s"] for r in good]), 0),
                fmt(median([r["steady_cpu_ms_per_image"] for r in good]), 2),
                fmt(median([r["compile_s"] for r in good])),
                " ".join(f"{r['loss'][-1]:.4f}" for r in good),
                " ".join(f"{r['val_accuracy'][-1]:.3f}" for r in good),
                " ".join(fmt(v, 2) for v in by.get(name, [])) or "1.00",
                " ".join(fmt(v, 2) for v in by_cpu.get(name, [])) or "1.00",
            ]
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer images and epochs (~6 min)")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--networks", nargs="+", choices=NETWORKS, default=list(NETWORKS))
    others = [name for name in VARIANTS if name != "default"]
    parser.add_argument("--variants", nargs="+", choices=others, default=others,
                        help="measured against the default")  # fmt: skip
    options = parser.parse_args(argv)
    sizes = QUICK if options.quick else FULL
    _say(f"cpu_speed: {data_ref(None)[1]}; sizes {sizes}, {options.repeats} repeats")
    rows, line = [], {}
    for network in options.networks:
        images, epochs = sizes[network]
        results = measure(network, images, epochs, options.repeats, tuple(options.variants))
        rows += summary(network, results)
        for name, values in ratios(results).items():
            line[f"{network}_{name}"] = median(values)
    header = ["network", "variant", "images/s", "CPU ms/img", "compile s", "final loss",
              "val acc", "images/s ratio", "CPU time ratio"]  # fmt: skip
    _say(table(rows, header))
    _say("cpu_speed " + " ".join(f"{k}={fmt(v, 2)}" for k, v in line.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
