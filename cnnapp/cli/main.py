"""`python -m cnnapp`: presets, train, runs, reproduce, classify and code from the command line.

Runs made here belong to the owner "cli": the app lists them to every session, read-only (a
lecturer's runs prepared before class).
"""

from __future__ import annotations

import argparse
import sys

from cnnapp.cli import classify, code, results, train
from cnnapp.nets.spec import NetworkError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cnnapp", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    results.add_parsers(sub)
    train.add_parser(sub)
    classify.add_parser(sub)
    code.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (NetworkError, ValueError, KeyError, FileNotFoundError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"error: {message}", file=sys.stderr)
        return 2
