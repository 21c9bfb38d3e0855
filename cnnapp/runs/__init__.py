"""Saved runs on disk: one folder per run (model, spec, config, history, metrics).

`RunStore` saves atomically, lists, loads and deletes runs; `RunInfo` describes one.
"""

from cnnapp.runs.store import (
    CLI_OWNER,
    FILE_NAMES,
    RunInfo,
    RunNotFound,
    RunStore,
    RunStoreError,
    new_run_id,
    validate_run_id,
)

__all__ = [
    "CLI_OWNER",
    "FILE_NAMES",
    "RunInfo",
    "RunNotFound",
    "RunStore",
    "RunStoreError",
    "new_run_id",
    "validate_run_id",
]
