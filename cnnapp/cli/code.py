"""`python -m cnnapp code RUN_ID | --preset ID`: a run (or a preset) as a runnable Keras 3 script.

    python -m cnnapp code RUN_ID > train.py          # the run's script (Keras 3, runnable)
    python -m cnnapp code RUN_ID --keras2            # the assignment's Keras 2 version
    python -m cnnapp code RUN_ID --zip run.zip       # the whole run, scripts included, as a zip
    python -m cnnapp code --preset mired_bn_v3 --dataset cifar100_25 --epochs 40

An unknown run or preset is an error (exit status 2), as in the other subcommands.
"""

from __future__ import annotations

import argparse
import sys

from cnnapp.nets.presets import PRESETS


def add_parser(sub) -> None:
    """Adds the `code` subcommand to the CLI's subparsers."""
    p = sub.add_parser(
        "code",
        help="print a run (or a preset) as a runnable Keras 3 script",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("run_id", nargs="?", metavar="RUN_ID", help="a saved run (see `runs`)")
    p.add_argument("--preset", choices=sorted(PRESETS), help="a preset instead of a run")
    p.add_argument(
        "--dataset", help="with --preset: procedural (default), cifar100_25, cifar10, ... or a path"
    )
    p.add_argument("--epochs", type=int, help="with --preset: epochs (default 20)")
    p.add_argument("--keras2", action="store_true", help="the assignment's Keras 2 version")
    p.add_argument("--zip", metavar="OUT.zip", help="write the whole run as a zip instead")
    p.set_defaults(func=cmd_code)


def _settings(args):
    from cnnapp.export.settings import from_choices, from_run

    if args.preset:
        from cnnapp.cli.train import dataset_ref
        from cnnapp.nets.presets import get_preset, preset_recipe

        ref = dataset_ref(args.dataset, None, None, None) if args.dataset else None
        recipe = preset_recipe(args.preset)  # a preset's own recipe (the modern one's)
        config = {**recipe["train"], **({"epochs": args.epochs} if args.epochs else {})}
        preset = PRESETS[args.preset]
        pre = recipe["preprocessing"] or None
        return from_choices(get_preset(preset.id), ref, pre, config, network_name=preset.name)
    from cnnapp.runs import RunStore

    run = RunStore().get(args.run_id)  # RunNotFound (a KeyError) or ValueError: exit status 2
    if run.status != "ok":
        raise ValueError(f"run {args.run_id!r} is damaged ({run.problem}); no script for it.")
    return from_run(run.run_id, run.spec, run.config, run.metrics)


def cmd_code(args) -> int:
    """Prints the script, or writes the run's zip; 2 for a bad request (see `main`)."""
    if bool(args.run_id) == bool(args.preset):
        raise ValueError("give either a RUN_ID (see `python -m cnnapp runs`) or --preset ID.")
    if args.preset is None and (args.dataset or args.epochs):
        raise ValueError("--dataset and --epochs go with --preset; a run keeps its own.")
    if args.zip:
        if args.preset:
            raise ValueError("--zip needs a RUN_ID: only a saved run has files to zip.")
        from cnnapp.export.bundle import write_run_zip
        from cnnapp.runs import RunStore

        path = write_run_zip(RunStore(), args.run_id, args.zip)
        print(f"wrote {path}", file=sys.stderr)
        return 0
    from cnnapp.export.keras2 import keras2_script
    from cnnapp.export.script import keras3_script

    settings = _settings(args)
    sys.stdout.write(keras2_script(settings) if args.keras2 else keras3_script(settings))
    return 0
