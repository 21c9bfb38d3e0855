"""`python -m cnnapp classify IMAGE... --model RUN_ID|resnet50|mobilenet_v2 [--top 5] [--json]`.

Prints the top classes of each image. An unreadable image gets a one-line reason (on stderr, or
as `{"image": PATH, "error": REASON}` with `--json`) and the exit status 1, and the other images
are still classified. With `--json`, one object per image per line:
`{"image": PATH, "top": [{"label": NAME, "index": N, "probability": P}, ...]}`; ImageNet labels
are the class index's names (`bald_eagle`).
"""

from __future__ import annotations

import argparse
import json
import sys

IMAGENET_CHOICES = ("mobilenet_v2", "resnet50")


def add_parser(sub) -> None:
    """Adds the `classify` subcommand to the CLI's subparsers."""
    p = sub.add_parser(
        "classify",
        help="name the objects in photos with a saved run or a pretrained ImageNet network",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("images", nargs="+", metavar="IMAGE", help="image files (JPEG, PNG, BMP, ...)")
    p.add_argument(
        "--model",
        default="mobilenet_v2",
        help="a run id (see `runs`), or resnet50 / mobilenet_v2 pretrained on ImageNet "
        "(default: mobilenet_v2)",
    )
    p.add_argument("--top", type=int, default=5, help="how many classes per image (default 5)")
    p.add_argument("--json", action="store_true", help="one JSON object per image per line")
    p.set_defaults(func=cmd_classify)


def _classifier(model: str):
    from cnnapp.inspect.classify import imagenet_classifier, run_classifier
    from cnnapp.runs import validate_run_id

    if model in IMAGENET_CHOICES:
        return imagenet_classifier(model)
    try:
        validate_run_id(model)
    except ValueError:
        raise ValueError(
            f"--model {model!r} is neither a run id (like r20261128-0850-3fa1c2d4e5f60718, see "
            f"`python -m cnnapp runs`) nor one of {list(IMAGENET_CHOICES)}."
        ) from None
    return run_classifier(model)


def cmd_classify(args) -> int:
    """Classifies every image; returns 0, 1 (an image could not be read) or 2 (no model)."""
    from cnnapp.data.images import ImageError, load_image
    from cnnapp.nets.weights import WeightsUnavailableError
    from cnnapp.runs import RunStoreError

    if args.top < 1:
        raise ValueError(f"--top must be at least 1, got {args.top}.")
    try:
        classifier = _classifier(args.model)
    except (WeightsUnavailableError, RunStoreError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    failed = 0
    for path in args.images:
        try:
            top = classifier.top(load_image(path), args.top)
        except ImageError as error:
            failed += 1
            reason = " ".join(str(error).split())  # one line
            if args.json:
                print(json.dumps({"image": path, "error": reason}), flush=True)
            else:
                print(f"{path}: {reason}", file=sys.stderr, flush=True)
            continue
        if args.json:
            print(json.dumps({"image": path, "top": top}), flush=True)
        else:
            print(path)
            for rank, entry in enumerate(top, start=1):
                print(f"  {rank}. {entry['label']}  {entry['probability']:.1%}")
    return 1 if failed else 0
