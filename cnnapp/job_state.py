"""A job's state: the executor's record of one job and the snapshot the UI reads.

The worker's progress events (see docs/architecture.md) are folded into a `_Job` record here;
`JobStatus` is the frozen snapshot that pages and the command line poll.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from cnnapp.worker import STOP_ACK, StopFlag

DONE_STATES = ("completed", "stopped", "failed", "interrupted")
MAX_BATCH_POINTS = 2000  # per-batch points kept per job; thinned evenly beyond this


def _now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _fraction_done(epoch: int, batch: int, batches: int | None, epochs: int | None) -> float | None:
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

    @property
    def done(self) -> bool:
        """True once the job can change no more."""
        return self.state in DONE_STATES

    @property
    def progress(self) -> float | None:
        """Fraction of the epochs done (0 to 1), None before training starts."""
        if self.state == "completed":
            return 1.0
        return _fraction_done(self.epoch, self.batch, self.batches, self.epochs)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(eq=False)
class _Job:
    """The executor's mutable record of one job (guarded by the executor's lock)."""

    id: str
    owner: str
    kind: str
    kind_path: str
    spec: dict
    submitted_at: str = field(default_factory=_now_iso)
    state: str = "queued"
    device: str = ""
    phase: str | None = None
    message: str | None = None
    epoch: int = 0
    epochs: int | None = None
    batch: int = 0
    batches: int | None = None
    history: list[dict] = field(default_factory=list)
    points: list[tuple[int, dict]] = field(default_factory=list)  # (sequence number, point)
    stride: int = 1  # keep every stride-th batch point
    seen: int = 0
    last_point: dict | None = None
    early_stopping: dict | None = None
    has_result: bool = False
    result: Any = None
    error: str | None = None
    traceback: str | None = None
    bad_message: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    started_mono: float | None = None
    finished_mono: float | None = None
    reported_elapsed: float | None = None  # the last elapsed_s the job reported ...
    reported_mono: float | None = None  # ... and when it arrived
    process: Any = None
    conn: Any = None
    stop: StopFlag | None = None
    gpu: int | None = None
    stop_requested_mono: float | None = None
    acknowledged: bool = False  # the job saw the stop request
    terminated_mono: float | None = None  # set when the executor terminated the worker
    interrupted: bool = False  # terminated by shutdown()

    def fold(self, event: Any) -> None:
        """Updates the record with one message from the worker; malformed ones are ignored."""
        if not isinstance(event, dict):
            return
        try:
            self._fold(event)
        except (TypeError, ValueError, KeyError, AttributeError):
            pass

    def _fold(self, event: dict) -> None:
        kind = event.get("type")
        if kind == "phase":
            self.phase, self.message = str(event["phase"]), event.get("message")
        elif kind == "train_begin":
            self.epochs, self.batches = int(event["epochs"]), int(event["batches"])
            if self.gpu is None and event.get("device"):
                self.device = str(event["device"])
        elif kind == "batch":
            self.epoch, self.batch = int(event["epoch"]), int(event["batch"])
            self.batches = int(event.get("batches") or self.batches or 0) or None
            logs = _numbers(event.get("logs"))
            step = self.epoch - 1 + (self.batch / self.batches if self.batches else 0.0)
            point = {"epoch": self.epoch, "batch": self.batch, "step": step}
            self._add_point(point | {"loss": logs.get("loss"), "accuracy": logs.get("accuracy")})
            self._elapsed(event)
        elif kind == "epoch":
            self.epoch = int(event["epoch"])
            self.batch = self.batches or self.batch
            record = {"epoch": self.epoch, **_numbers(event.get("logs"))}
            if self.history and self.history[-1]["epoch"] == self.epoch:
                self.history[-1] = record
            else:
                self.history.append(record)
            self._elapsed(event)
        elif kind == "early_stopping":
            self.early_stopping = {
                "stopped_epoch": event.get("stopped_epoch"),
                "best_epoch": event.get("best_epoch"),
            }
        elif kind == STOP_ACK:
            self.acknowledged = True
        elif kind == "result":
            self.has_result, self.result = True, event.get("result")
        elif kind == "error":
            self.error = str(event.get("message") or "the job failed")
            self.traceback = event.get("traceback")

    def _add_point(self, point: dict) -> None:
        self.seen += 1
        self.last_point = point
        if self.seen % self.stride == 0:
            self.points.append((self.seen, point))
        if len(self.points) > MAX_BATCH_POINTS:
            self.stride *= 2
            self.points = [(seq, kept) for seq, kept in self.points if seq % self.stride == 0]

    def _elapsed(self, event: dict) -> None:
        if event.get("elapsed_s") is not None:
            self.reported_elapsed, self.reported_mono = float(event["elapsed_s"]), time.monotonic()

    def eta_s(self, now: float) -> float | None:
        fraction = _fraction_done(self.epoch, self.batch, self.batches, self.epochs)
        if self.state not in ("running", "stopping") or not fraction or self.reported_mono is None:
            return None
        left = self.reported_elapsed * (1 - fraction) / fraction - (now - self.reported_mono)
        return max(0.0, left)


def _numbers(logs: Any) -> dict[str, float]:
    """The numeric entries of a Keras `logs` dict, as Python floats."""
    numbers = {}
    for key, value in (logs or {}).items():
        try:
            numbers[str(key)] = float(value)
        except (TypeError, ValueError):
            pass
    return numbers
