"""Saved runs on disk: one folder per run (model, spec, config, history, metrics).

| module | owns |
| --- | --- |
| `store` | `RunStore`: saves atomically, lists, loads (the only place models load) and deletes runs |
| `info` | `RunInfo`, run ids (`new_run_id`, `validate_run_id`), who may see a run, the errors |
| `validate` | reading a run's JSON files and checking them against what the pages read |
| `files` | durable writes: plain JSON (NaN as null), fsynced files and folders |
"""

from cnnapp.runs.info import (
    CLI_OWNER,
    FILE_NAMES,
    RunInfo,
    RunNotFound,
    RunStoreError,
    is_run_id,
    new_run_id,
    validate_run_id,
)
from cnnapp.runs.store import RunStore

__all__ = [
    "CLI_OWNER",
    "FILE_NAMES",
    "RunInfo",
    "RunNotFound",
    "RunStore",
    "RunStoreError",
    "is_run_id",
    "new_run_id",
    "validate_run_id",
]
