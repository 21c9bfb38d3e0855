"""`python -m cnnapp presets | runs | reproduce`: networks, saved runs and the assignment's tables."""

from __future__ import annotations

import json

from cnnapp.cli.output import RESULT_HEADERS, format_table, result_row, wait_for
from cnnapp.cli.train import add_protocol_flag, dataset_ref
from cnnapp.nets.presets import PRESETS, get_preset
from cnnapp.nets.spec import summarize
from cnnapp.nets.table import layer_table
from cnnapp.report import protocol_of
from cnnapp.training.scoring import RESULT_COLUMNS


def cmd_presets(args) -> int:
    if not args.preset:
        rows = []
        for preset in PRESETS.values():
            summary = summarize(preset.spec, (32, 32, 3), args.classes)
            rows.append([preset.id, preset.name, preset.section, summary.total_params])
        print(format_table(["id", "name", "section", f"params ({args.classes} classes)"], rows))
        return 0
    summary = summarize(get_preset(args.preset), (args.size, args.size, 3), args.classes)
    rows = layer_table(summary, "en", empty="-")
    print(format_table(list(rows[0]), [list(row.values()) for row in rows]))
    print(
        f"\n{PRESETS[args.preset].name}: {summary.total_params:,} parameters "
        f"({summary.non_trainable_params:,} non-trainable)"
    )
    return 0


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
                        "protocol": protocol_of(r.config),
                        "metrics": {k: r.metrics.get(k) for k in (*RESULT_COLUMNS, "epochs_run")},
                    }
                    for r in runs
                ]
            )
        )
        return 0
    rows = [
        [r.run_id, r.status, r.label, protocol_of(r.config), *result_row(r.metrics)] for r in runs
    ]
    print(
        format_table(["run", "status", "label", "protocol", *RESULT_HEADERS], rows)
        if rows
        else "No saved runs."
    )
    return 0


def cmd_reproduce(args) -> int:
    from cnnapp.jobs import make_executor
    from cnnapp.recipes import get_table

    table = get_table(args.table)
    data = dataset_ref(args.data, None, None, None) if args.data else None
    scale = {"epochs": args.epochs, "limit": args.limit, "dataset": data}
    protocol = args.protocol or "ours"
    specs = [r.job_spec("cli", protocol=protocol, **scale) for r in table.recipes]
    executor = make_executor()
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
                table.reference,
                *result_row(recipe.reported),
                recipe.reported.get("epochs", recipe.train.epochs),
            ]
        )
        rows.append(["", f"ours ({status.state})", *result_row(metrics), metrics.get("epochs_run")])
    if args.json:
        print(json.dumps({"table": table.id, "protocol": protocol, "rows": out}))
    else:
        print(f"{table.title} ({table.caption}), {protocol} protocol")
        print(format_table(["row", "source", *RESULT_HEADERS, "epochs"], rows))
    return 0 if all(s.state == "completed" for s in statuses) else 1


def add_parsers(sub) -> None:
    p = sub.add_parser("presets", help="list the presets, or show one's layer table")
    p.add_argument("preset", nargs="?", choices=sorted(PRESETS))
    p.add_argument("--classes", type=int, default=25)
    p.add_argument("--size", type=int, default=32)
    p.set_defaults(func=cmd_presets)
    p = sub.add_parser("runs", help="list saved runs")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_runs)
    p = sub.add_parser("reproduce", help="run a results table of the assignment")
    p.add_argument("table", help="2, 3, 4, 5, mired, 7, 9, 10, 11, 12, 13 or modern")
    p.add_argument("--epochs", type=int, help="fewer epochs than the assignment, for a demo")
    p.add_argument("--limit", type=int, help="at most this many training images")
    p.add_argument("--data", help="another dataset than the recipe's (e.g. procedural)")
    add_protocol_flag(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_reproduce)
