"""Training: one fit path for every job kind, scoring in the assignment's columns, the run record."""

from cnnapp.training.scoring import RESULT_COLUMNS
from cnnapp.training.train_job import (
    initial_weights,
    make_job_spec,
    make_optimizer,
    run_job,
    weights_fingerprint,
)

__all__ = [
    "RESULT_COLUMNS",
    "initial_weights",
    "make_job_spec",
    "make_optimizer",
    "run_job",
    "weights_fingerprint",
]
