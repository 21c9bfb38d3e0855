"""`python -m cnnapp train`: a preset or a spec file, trained on a dataset, saved as a run."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cnnapp.cli.output import RESULT_HEADERS, format_table, result_row, wait_for
from cnnapp.config import FILL_MODES, PROTOCOLS, SCHEDULES, Preprocessing, TrainConfig
from cnnapp.nets.presets import PRESETS, get_preset, preset_recipe
from cnnapp.nets.spec import spec_from_json

BUILTIN_DATA = {"procedural", "cifar100_25", "cifar10", "cub200", "cub200_2011"}
BIRDS = ("cub200", "cub200_2011")  # also "cub200:PATH" for the archives or folder at PATH


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


def config_from(args, base: dict | None = None) -> TrainConfig:
    """The flags given, over `base` (a preset's own recipe), over the defaults."""
    values = {
        "optimizer": args.optimizer,
        "learning_rate": args.lr,
        "momentum": args.momentum,
        "nesterov": False if args.no_nesterov else None,
        "decay": args.decay,
        "batch_size": args.batch_size,
        "epochs": args.epochs,
        "validation_split": args.validation_split,
        "early_stopping": args.early_stopping,
        "patience": args.patience,
        "seed": args.seed,
        "protocol": args.protocol,
        "schedule": getattr(args, "schedule", None),
        "warmup_fraction": getattr(args, "warmup", None),
        "weight_decay": getattr(args, "weight_decay", None),
        "label_smoothing": getattr(args, "label_smoothing", None),
        "tta_flip": getattr(args, "tta_flip", None),
    }
    given = {k: v for k, v in values.items() if v is not None}
    return TrainConfig.from_dict({**(base or {}), **given})


def preprocessing_from(args, base: dict | None = None) -> Preprocessing:
    """The augmentation flags given, over `base` (a preset's own recipe), over the defaults."""
    values = {
        "normalize": args.normalize,
        "horizontal_flip": args.flip,
        "zoom_range": args.zoom,
        "rotation_range": args.rotation,
        "translation_range": args.translation,
        "contrast_range": args.contrast,
        "translation_fill": getattr(args, "translation_fill", None),
    }
    given = {k: v for k, v in values.items() if v is not None}
    return Preprocessing.from_dict({**(base or {}), **given})


def cmd_train(args) -> int:
    from cnnapp.jobs import make_executor
    from cnnapp.training import make_job_spec

    recipe = preset_recipe(None)
    if args.spec:
        network, name = spec_from_json(Path(args.spec).read_text()), Path(args.spec).stem
    else:
        network, name = get_preset(args.preset), PRESETS[args.preset].name
        recipe = preset_recipe(args.preset)  # its own recipe, under the flags given
    ref = dataset_ref(args.data, args.test_data, args.image_size, args.limit)
    preprocessing = preprocessing_from(args, recipe["preprocessing"])
    names = {"label": args.label or name, "network_name": name, "owner": "cli"}
    config = config_from(args, recipe["train"])
    # A frozen backbone without augmentation or normalisation becomes a feature-extractor job.
    spec = make_job_spec(network, ref, preprocessing, config, **names)
    executor = make_executor(max_jobs=1)
    try:
        job_id = executor.submit(spec, "cli")
        status = wait_for(executor, [job_id], quiet=args.json)[0]
    finally:
        executor.shutdown()
    return print_outcome(status, args.json)


def print_outcome(status, as_json: bool) -> int:
    result = status.result or {}
    if as_json:
        print(
            json.dumps({"job": status.id, "state": status.state, "error": status.error, **result})
        )
    elif status.state in ("completed", "stopped") and result.get("run_id"):
        print(format_table(RESULT_HEADERS, [result_row(result["metrics"])]))
        print(
            f"\n{status.state}: run {result['run_id']} ({result['metrics'].get('epochs_run')} epochs)"
        )
    else:
        print(f"{status.state}: {status.error or 'no run was saved'}", file=sys.stderr)
    return 0 if status.state == "completed" else 1


def add_train_flags(p: argparse.ArgumentParser) -> None:
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
        ("--epochs", int, "default 20 (a preset's own recipe may say otherwise)"),
        ("--batch-size", int, "default 32"),
        ("--lr", float, "learning rate, default 0.01"),
        ("--momentum", float, "default 0.9"),
        ("--decay", float, "Keras 2 decay, default 1e-6"),
        ("--validation-split", float, "default 0.1"),
        ("--patience", int, "default 4"),
        ("--seed", int, "default 42"),
        ("--warmup", float, "warmup_cosine: share of the steps warming up, default 0.2"),
        ("--weight-decay", float, "decoupled weight decay, default 0"),
        ("--label-smoothing", float, "default 0 (the modern preset: 0.2)"),
    ]:
        p.add_argument(flag, type=kind, help=help_)
    p.add_argument("--optimizer", choices=["sgd", "adam"])
    p.add_argument("--schedule", choices=list(SCHEDULES), help="default inverse_time")
    p.add_argument("--no-nesterov", action="store_true")
    p.add_argument("--early-stopping", action="store_true", default=None)
    p.add_argument(
        "--tta-flip",
        action=argparse.BooleanOptionalAction,
        help="average each test image's and its mirror's prediction",
    )
    p.add_argument(
        "--normalize", action="store_true", default=None, help="featurewise normalisation"
    )
    p.add_argument("--flip", action="store_true", default=None, help="random horizontal flip")
    p.add_argument("--zoom", type=float, help="zoom range, e.g. 0.2")
    p.add_argument("--rotation", type=float, help="degrees")
    p.add_argument("--translation", type=float, help="fraction of the size")
    p.add_argument("--translation-fill", choices=list(FILL_MODES), help="default nearest")
    p.add_argument("--contrast", type=float)
    add_protocol_flag(p)
    p.add_argument("--json", action="store_true", help="print one JSON object as the last line")


def protocol_value(text: str) -> str:
    """`--protocol`'s value: "ours" or "assignment" (argparse shows the message of a bad one)."""
    if text not in PROTOCOLS:
        raise argparse.ArgumentTypeError(
            f"got {text!r}; expected 'ours' (this project's, the default) or 'assignment' (the "
            "assignment's normalisation, augmented validation and batch norm), e.g. "
            "--protocol assignment"
        )
    return text


def add_protocol_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--protocol",
        type=protocol_value,
        metavar="{ours,assignment}",
        help="'assignment' repeats the assignment's choices: normalisation fitted on all "
        "training images, validation images augmented, a fine-tuned backbone's batch norm "
        "trained (default: ours)",
    )


def add_parser(sub) -> None:
    p = sub.add_parser("train", help="train a preset or a spec file and save the run")
    add_train_flags(p)
    p.set_defaults(func=cmd_train)
