"""The snapshot of one job that pages and the command line poll: `JobStatus`, and the job states.

States: queued, running, stopping, then one of `DONE_STATES` (completed, stopped, failed,
interrupted). Every executor backend returns these snapshots.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

DONE_STATES = ("completed", "stopped", "failed", "interrupted")
UNFINISHED_STATES = ("queued", "running", "stopping")
MAX_BATCH_POINTS = 2000  # per-batch points kept per job; thinned evenly beyond this


def fraction_done(epoch: int, batch: int, batches: int | None, epochs: int | None) -> float | None:
    """Fraction of the planned epochs done at (`epoch`, `batch`), or None before training."""
    if not epochs:
        return None
    done = epoch - 1 + batch / batches if batches and epoch else float(epoch)
    return min(1.0, max(0.0, done / epochs))


@dataclass(frozen=True)
class JobStatus:
    """A snapshot of one job, safe to read without locks (its lists are copies)."""

    id: str
    owner: str
    kind: str
    label: str
    state: str  # queued, running, stopping, completed, stopped, failed, interrupted
    position: int | None  # 1-based place in the queue (all owners), None unless queued
    phase: str | None  # "loading data", "building", "training", "evaluating", "saving"
    message: str | None  # the last phase event's message
    epoch: int  # current epoch, 1-based (0 before training)
    epochs: int | None
    batch: int  # current batch in the epoch, 1-based
    batches: int | None  # batches per epoch
    elapsed_s: float | None  # wall time since the worker started
    eta_s: float | None  # estimated seconds of training left
    history: list[dict[str, Any]]  # one dict per epoch: {"epoch", "loss", "accuracy", ...}
    batch_points: list[dict[str, Any]]  # {"epoch", "batch", "step", "loss", "accuracy"}
    early_stopping: dict[str, Any] | None  # {"stopped_epoch", "best_epoch"}
    result: Any  # what the job function returned
    error: str | None  # why it failed, in words
    traceback: str | None  # the worker's traceback when the job raised
    device: str  # "CPU", "GPU 0: NVIDIA H200"
    submitted_at: str
    started_at: str | None
    finished_at: str | None
    error_message: dict[str, Any] | None = None  # a coded error (`messages.Message.to_dict()`)
    warm: bool | None = None  # ran in a warm (pre-started) worker; None until the worker says

    @property
    def done(self) -> bool:
        """True once the job can change no more."""
        return self.state in DONE_STATES

    @property
    def progress(self) -> float | None:
        """Fraction of the epochs done (0 to 1), None before training starts."""
        if self.state == "completed":
            return 1.0
        return fraction_done(self.epoch, self.batch, self.batches, self.epochs)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
