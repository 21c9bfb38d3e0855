"""One progress model for a job: what the sidebar, the Train panel and both charts show.

`readout(status)` turns a `JobStatus` snapshot into a `Readout`: the stage, one epoch and batch,
one fraction and one estimate. Every view reads the same `Readout` of the same snapshot, so they
cannot disagree ("epoch 0 of 3" beside "epoch 1 of 3"), and `cut_curves` keeps the charts to that
same point.

Stages:
    queued     waiting for a free slot (`position` says where)
    starting   the worker is up but no batch has been trained: `phase` says what it does
               ("starting", "loading data", "building", "compiling") and `elapsed_s` counts
    training   between the first and the last batch: `epoch`/`batch` and `eta_s`
    finishing  after the last batch: validating the last epoch, scoring, saving (no estimate)
    completed, stopped, failed, interrupted: the job has ended

Example:
    >>> r = readout(status)
    >>> r.stage, r.epoch, r.epochs, round(r.fraction, 2)
    ('training', 2, 3, 0.52)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cnnapp.jobs.status import DONE_STATES, JobStatus

FINISHING_PHASES = ("evaluating", "saving")
COMPILING = "compiling"  # the worker's phase from compiling the model until its first batch


@dataclass(frozen=True)
class Readout:
    """Where a job is, in the one form every view shows."""

    stage: str  # queued, starting, training, finishing, or one of DONE_STATES
    phase: str | None  # the worker's phase ("loading data", "building", "evaluating", ...)
    message: str | None  # the phase's message (e.g. "decoding 12,000 images")
    epoch: int  # 1-based while training or finishing; 0 before
    epochs: int | None
    batch: int  # batches done in `epoch`
    batches: int | None
    fraction: float  # 0 to 1: what every progress bar shows
    eta_s: float | None  # seconds of training left; None unless training
    elapsed_s: float | None  # seconds since the worker started
    position: int | None  # place in the queue while queued

    @property
    def step(self) -> float:
        """The point in fractional epochs (2.5 = half-way through epoch 3), as the charts' x."""
        if not self.epoch:
            return 0.0
        return self.epoch - 1 + (self.batch / self.batches if self.batches else 1.0)


def readout(status: JobStatus) -> Readout:
    """The `Readout` of one snapshot."""
    epochs = status.epochs or None
    batches = status.batches or None
    fraction = status.progress if status.progress is not None else 0.0
    common: dict[str, Any] = {
        "phase": status.phase,
        "message": status.message,
        "epochs": epochs,
        "batches": batches,
        "elapsed_s": status.elapsed_s,
        "position": status.position,
    }
    if status.state in DONE_STATES:
        epoch = min(status.epoch, epochs) if epochs else status.epoch
        return Readout(
            stage=status.state,
            epoch=epoch,
            batch=status.batch,
            fraction=1.0 if status.state == "completed" else fraction,
            eta_s=None,
            **common,
        )
    if status.state == "queued":
        return Readout(stage="queued", epoch=0, batch=0, fraction=0.0, eta_s=None, **common)
    first_batch_pending = status.phase == COMPILING and not (status.epoch or status.batch)
    if not epochs or first_batch_pending:  # loading data, building, compiling the model
        finishing = status.phase in FINISHING_PHASES
        return Readout(
            stage="finishing" if finishing else "starting",
            epoch=0,
            batch=0,
            fraction=1.0 if finishing else 0.0,
            eta_s=None,
            **common,
        )
    epoch = max(1, min(status.epoch, epochs))
    batch = min(status.batch, batches) if batches else status.batch
    last_batch_done = epoch == epochs and batches is not None and batch >= batches
    if status.phase in FINISHING_PHASES or last_batch_done:
        return Readout(
            stage="finishing", epoch=epoch, batch=batch, fraction=1.0, eta_s=None, **common
        )
    return Readout(
        stage="training",
        epoch=epoch,
        batch=batch,
        fraction=fraction,
        eta_s=status.eta_s,
        **common,
    )


def cut_curves(
    history: list[dict[str, Any]], batch_points: list[dict[str, Any]], r: Readout
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """History and batch points up to the readout's point, so every chart ends where it says.

    The status lists can be a step ahead of the point the text shows only when they come from
    another snapshot; this keeps the loss and the accuracy chart at the same epoch whatever
    their source.
    """
    if r.stage in ("queued", "starting"):
        return [], []
    if r.stage != "training":  # finishing or ended: everything there is
        return list(history), list(batch_points)
    ended = r.epoch if r.batches and r.batch >= r.batches else r.epoch - 1  # last epoch with an end
    kept_history = [h for h in history if _number(h.get("epoch")) <= ended]
    kept_points = [p for p in batch_points if _number(p.get("step")) <= r.step + 1e-9]
    return kept_history, kept_points


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("inf")
