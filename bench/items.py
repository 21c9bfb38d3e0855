"""One benchmark measurement in a fresh process: `python -m bench.items ITEM --args JSON`.

Prints one JSON line with the result, last. `bench/run.py` starts these and gathers the lines.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _items() -> dict:
    from bench import app_start, cpu_speed, gpu, job_cost, latency, startup, train_compare

    return {
        "assignment": train_compare.assignment,
        "engine": train_compare.engine,
        "bare": train_compare.bare,
        "bare_limit": train_compare.bare_limit,
        "job": job_cost.job,
        "warm_worker": job_cost.warm_worker,
        "import_keras": _import_keras,
        "first_point": startup.first_point,
        "cold_process": startup.cold_process,
        "decoded_cache": startup.decoded_cache,
        "latency": latency.classify_latency,
        "app_start": app_start.app_start,
        "build_page": app_start.build_page_imports,
        "resnet50": gpu.resnet50_pair,
        "cpu_speed": cpu_speed.variant,
    }


def _import_keras() -> dict:
    """Seconds to import Keras (and its backend) in a fresh process."""
    import time

    started = time.perf_counter()
    import keras

    return {"seconds": time.perf_counter() - started, "backend": keras.backend.backend()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("item")
    parser.add_argument("--args", default="{}", help="keyword arguments as JSON")
    options = parser.parse_args(argv)
    items = _items()
    if options.item not in items:
        parser.error(f"unknown item {options.item!r}; choose one of {sorted(items)}")
    result = items[options.item](**json.loads(options.args))
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
