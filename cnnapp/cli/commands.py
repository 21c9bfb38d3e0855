"""`python -m cnnapp`: presets, train, runs, reproduce and classify from the command line.

Runs made here belong to the owner "cli": the app lists them to every session, read-only (a
lecturer's runs prepared before class).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from cnnapp.cli import classify as cli_classify
from cnnapp.config import Preprocessing, TrainConfig
from cnnapp.nets.presets import PRESETS, get_preset
from cnnapp.nets.spec import NetworkError, spec_from_json, summarize
from cnnapp.training.scoring import RESULT_COLUMNS

BUILTIN_DATA = {"procedural", "cifar100_25", "cifar10", "cub200", "cub200_2011"}
BIRDS = ("cub200", "cub200_2011")  # also "cub200:PATH" for the archives or folder at PATH
TABLE_COLUMNS = [
    ("number", "#"),
    ("type", "Layer type"),
    ("kernel_size", "Kernel"),
    ("input_size", "In size"),
    ("output_size", "Out size"),
    ("input_channels", "In ch"),
    ("output_channels", "Out ch"),
    ("dropout_rate", "Dropout"),
    ("params", "Params"),
]


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def format_table(headers: list[str], rows: list[list]) -> str:
    """A plain text table with right-aligned columns."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(lines)


def dataset_ref(
    data: str, test_data: str | None, image_size: int | None, limit: int | None
) -> dict:
    """`--data` as a dataset reference: a built-in name, `cub200:PATH`, or a folder/zip path.

    `image_size` None keeps the dataset's default (32; 224 for the birds).
    """
    name, _, where = data.partition(":")
    if data in BUILTIN_DATA:
        ref = {"name": data}
    elif name in BIRDS and where:
        ref = {"name": name, "path": str(Path(where).expanduser().resolve())}
    else:
        path = Path(data).expanduser()
        if not path.exists():
            raise ValueError(
                f"--data {data!r} is neither a dataset name ({sorted(BUILTIN_DATA)}) nor an "
                f"existing folder or .zip file."
            )
        ref = {"name": "folder", "path": str(path.resolve())}
    if test_data:
        ref["test_path"] = str(Path(test_data).expanduser().resolve())
    if image_size:
        ref["image_size"] = image_size
    if limit:
        ref["limit"] = limit
    return ref


def cmd_presets(args) -> int:
    if not args.preset:
        rows = []
        for preset in PRESETS.values():
            summary = summarize(preset.spec, (32, 32, 3), args.classes)
            rows.append([preset.id, preset.name, preset.section, summary.total_params])
        print(format_table(["id", "name", "section", f"params ({args.classes} classes)"], rows))
        return 0
    summary = summarize(get_preset(args.preset), (args.size, args.size, 3), args.classes)
    rows = [[row[key] for key, _ in TABLE_COLUMNS] for row in summary.rows]
    print(format_table([title for _, title in TABLE_COLUMNS], rows))
    print(
        f"\n{PRESETS[args.preset].name}: {summary.total_params:,} parameters "
        f"({summary.non_trainable_params:,} non-trainable)"
    )
    return 0


def _config_from(args) -> TrainConfig:
    values = {
        "optimizer": args.optimizer,
        "learning_rate": args.lr,
        "momentum": args.momentum,
        "nesterov": not args.no_nesterov,
        "decay": args.decay,
        "batch_size": args.batch_size,
        "epochs": args.epochs,
        "validation_split": args.validation_split,
        "early_stopping": args.early_stopping,
        "patience": args.patience,
        "seed": args.seed,
    }
    return TrainConfig(**{k: v for k, v in values.items() if v is not None})


def _preprocessing_from(args) -> Preprocessing:
    return Preprocessing(
        normalize=args.normalize,
        horizontal_flip=args.flip,
        zoom_range=args.zoom,
        rotation_range=args.rotation,
        translation_range=args.translation,
        contrast_range=args.contrast,
    )


def _bar(status) -> str:
    if status.state == "queued":
        return f"queued (position {status.position})"
    if not status.epochs or not status.batches:
        return f"{status.phase or status.state}..."
    done = ((status.epoch or 1) - 1 + (status.batch or 0) / status.batches) / status.epochs
    filled = int(done * 30)
    last = status.batch_points[-1] if status.batch_points else {}
    eta = f" ETA {status.eta_s:.0f}s" if status.eta_s else ""
    return (
        f"epoch {status.epoch}/{status.epochs} [{'#' * filled}{'.' * (30 - filled)}] "
        f"batch {status.batch}/{status.batches} loss {last.get('loss', float('nan')):.4f} "
        f"acc {last.get('accuracy', float('nan')):.4f}{eta}"
    )


def wait_for(executor, job_ids: list[str], quiet: bool = False) -> list:
    """Polls jobs until all are done, drawing a one-line progress bar on stderr."""
    try:
        while True:
            statuses = [executor.status(job_id, "cli") for job_id in job_ids]
            running = [s for s in statuses if not s.done]
            if not quiet and running:
                line = _bar(running[0])
                prefix = (
                    f"[{len(statuses) - len(running) + 1}/{len(statuses)}] "
                    if len(job_ids) > 1
                    else ""
                )
                print(
                    f"\r{prefix}{running[0].label}: {line}"[:160].ljust(160),
                    end="",
                    file=sys.stderr,
                )
            if not running:
                if not quiet:
                    print(file=sys.stderr)
                return statuses
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping (the partial run is kept)...", file=sys.stderr)
        for job_id in job_ids:
            executor.cancel(job_id, "cli")
        return wait_for(executor, job_ids, quiet=True)


def _result_row(metrics: dict) -> list:
    return [metrics.get(k) for k in RESULT_COLUMNS]


RESULT_HEADERS = ["train loss", "train acc", "val loss", "val acc", "test acc"]


def cmd_train(args) -> int:
    from cnnapp.jobs import LocalExecutor
    from cnnapp.training import make_job_spec

    if args.spec:
        network, name = spec_from_json(Path(args.spec).read_text()), Path(args.spec).stem
    else:
        network, name = get_preset(args.preset), PRESETS[args.preset].name
    ref = dataset_ref(args.data, args.test_data, args.image_size, args.limit)
    preprocessing, names = _preprocessing_from(args), {"label": args.label or name}
    names.update(network_name=name, owner="cli")
    # A frozen backbone without augmentation or normalisation becomes a feature-extractor job.
    spec = make_job_spec(network, ref, preprocessing, _config_from(args), **names)
    executor = LocalExecutor(max_jobs=1)
    try:
        job_id = executor.submit(spec, "cli")
        status = wait_for(executor, [job_id], quiet=args.json)[0]
    finally:
        executor.shutdown()
    return _print_outcome(status, args.json)


def _print_outcome(status, as_json: bool) -> int:
    result = status.result or {}
    if as_json:
        print(
            json.dumps({"job": status.id, "state": status.state, "error": status.error, **result})
        )
    elif status.state in ("completed", "stopped") and result.get("run_id"):
        print(format_table(RESULT_HEADERS, [_result_row(result["metrics"])]))
        print(
            f"\n{status.state}: run {result['run_id']} ({result['metrics'].get('epochs_run')} epochs)"
        )
    else:
        print(f"{status.state}: {status.error or 'no run was saved'}", file=sys.stderr)
    return 0 if status.state == "completed" else 1


def cmd_runs(args) -> int:
    from cnnapp.runs import RunStore

    runs = RunStore().list()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "run_id": r.run_id,
                        "status": r.status,
                        "problem": r.problem,
                        "owner": r.owner,
                        "label": r.label,
                        "metrics": {k: r.metrics.get(k) for k in (*RESULT_COLUMNS, "epochs_run")},
                    }
                    for r in runs
                ]
            )
        )
        return 0
    rows = [[r.run_id, r.status, r.label, *_result_row(r.metrics)] for r in runs]
    print(
        format_table(["run", "status", "label", *RESULT_HEADERS], rows)
        if rows
        else "No saved runs."
    )
    return 0


def cmd_reproduce(args) -> int:
    from cnnapp.jobs import LocalExecutor
    from cnnapp.recipes import get_table

    table = get_table(args.table)
    data = dataset_ref(args.data, None, None, None) if args.data else None
    specs = [
        r.job_spec("cli", epochs=args.epochs, limit=args.limit, dataset=data) for r in table.recipes
    ]
    executor = LocalExecutor()
    try:
        job_ids = [executor.submit(spec, "cli") for spec in specs]
        statuses = wait_for(executor, job_ids, quiet=args.json)
    finally:
        executor.shutdown()
    rows, out = [], []
    for recipe, status in zip(table.recipes, statuses, strict=True):
        metrics = (status.result or {}).get("metrics", {})
        out.append(
            {
                "recipe": recipe.id,
                "label": recipe.label,
                "state": status.state,
                "error": status.error,
                "ours": metrics and {k: metrics.get(k) for k in (*RESULT_COLUMNS, "epochs_run")},
                "assignment": recipe.reported,
                "run_id": (status.result or {}).get("run_id"),
            }
        )
        rows.append(
            [
                recipe.label,
                "assignment",
                *_result_row(recipe.reported),
                recipe.reported.get("epochs", recipe.train.epochs),
            ]
        )
        rows.append(
            ["", f"ours ({status.state})", *_result_row(metrics), metrics.get("epochs_run")]
        )
    if args.json:
        print(json.dumps({"table": table.id, "rows": out}))
    else:
        print(f"{table.title} ({table.caption})")
        print(format_table(["row", "source", *RESULT_HEADERS, "epochs"], rows))
    return 0 if all(s.state == "completed" for s in statuses) else 1


def _add_train_flags(p: argparse.ArgumentParser) -> None:
    source = p.add_mutually_exclusive_group()
    source.add_argument("--preset", default="basenet", choices=sorted(PRESETS))
    source.add_argument("--spec", help="a network spec JSON file (saved from Build)")
    p.add_argument(
        "--data",
        default="procedural",
        help="procedural, cifar100_25, cifar10, cub200[:PATH], cub200_2011[:PATH], or a "
        "folder/.zip of class folders",
    )
    p.add_argument(
        "--test-data", help="another folder/.zip whose accuracy is reported as test accuracy"
    )
    p.add_argument(
        "--image-size", type=int, help="images are resized to this (default 32; birds 224)"
    )
    p.add_argument("--limit", type=int, help="use at most this many training images (quick runs)")
    p.add_argument("--label", help="a name for the run")
    for flag, kind, help_ in [
        ("--epochs", int, "default 20"),
        ("--batch-size", int, "default 32"),
        ("--lr", float, "learning rate, default 0.01"),
        ("--momentum", float, "default 0.9"),
        ("--decay", float, "Keras 2 decay, default 1e-6"),
        ("--validation-split", float, "default 0.1"),
        ("--patience", int, "default 4"),
        ("--seed", int, "default 42"),
    ]:
        p.add_argument(flag, type=kind, help=help_)
    p.add_argument("--optimizer", choices=["sgd", "adam"])
    p.add_argument("--no-nesterov", action="store_true")
    p.add_argument("--early-stopping", action="store_true", default=None)
    p.add_argument("--normalize", action="store_true", help="featurewise normalisation")
    p.add_argument("--flip", action="store_true", help="random horizontal flip")
    p.add_argument("--zoom", type=float, default=0.0, help="zoom range, e.g. 0.2")
    p.add_argument("--rotation", type=float, default=0.0, help="degrees")
    p.add_argument("--translation", type=float, default=0.0, help="fraction of the size")
    p.add_argument("--contrast", type=float, default=0.0)
    p.add_argument("--json", action="store_true", help="print one JSON object as the last line")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cnnapp", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("presets", help="list the presets, or show one's layer table")
    p.add_argument("preset", nargs="?", choices=sorted(PRESETS))
    p.add_argument("--classes", type=int, default=25)
    p.add_argument("--size", type=int, default=32)
    p.set_defaults(func=cmd_presets)
    p = sub.add_parser("train", help="train a preset or a spec file and save the run")
    _add_train_flags(p)
    p.set_defaults(func=cmd_train)
    p = sub.add_parser("runs", help="list saved runs")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_runs)
    p = sub.add_parser("reproduce", help="run a results table of the assignment")
    p.add_argument("table", help="2, 3, 4, 5, mired, 7, 9, 10, 11, 12 or 13")
    p.add_argument("--epochs", type=int, help="fewer epochs than the assignment, for a demo")
    p.add_argument("--limit", type=int, help="at most this many training images")
    p.add_argument("--data", help="another dataset than the recipe's (e.g. procedural)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_reproduce)
    cli_classify.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (NetworkError, ValueError, KeyError, FileNotFoundError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"error: {message}", file=sys.stderr)
        return 2
