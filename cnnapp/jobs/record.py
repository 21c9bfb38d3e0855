"""One job's record in an executor: worker events folded in, journal and snapshot conversions.

`JobRecord` is what an executor keeps per job (its process handles included); the worker's
progress events (see docs/architecture.md) are folded into it, and it turns into the frozen
`JobStatus` that pages poll and into the journal's JSON record.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cnnapp.jobs.status import MAX_BATCH_POINTS, JobStatus, fraction_done
from cnnapp.jobs.worker import STOP_ACK, WORKER_EVENT, StopFlag


def now_iso() -> str:
    """The current local time, ISO 8601 to the second (job timestamps)."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass(eq=False)
class JobRecord:
    """An executor's mutable record of one job (guarded by the executor's lock).

    The worker's events are folded in (`fold`); `to_journal` / `from_journal` convert it to and
    from the on-disk journal's record, and `snapshot` makes the `JobStatus` pages read.
    """

    id: str
    owner: str
    kind: str
    kind_path: str
    spec: dict
    submitted_at: str = field(default_factory=now_iso)
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
    gpu: int | None = None  # the GPU it runs on (index in the executor's list), None: CPU
    slot: int | None = None  # the executor's slot it runs in (`cnnapp.jobs.slots`)
    error_message: dict | None = None  # a coded error (`Message.to_dict()`), worded per language
    stop_requested_mono: float | None = None
    acknowledged: bool = False  # the job saw the stop request
    terminated_mono: float | None = None  # set when the executor terminated the worker
    interrupted: bool = False  # terminated by shutdown()
    warm: bool | None = None  # the job ran in a warm (pre-started) worker; None before it says

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
            if self.phase == "compiling":  # the compiled step has run: training proper
                self.phase, self.message = "training", "training"
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
        elif kind == WORKER_EVENT:
            self.warm = bool(event["warm"])
        elif kind == STOP_ACK:
            self.acknowledged = True
        elif kind == "result":
            self.has_result, self.result = True, event.get("result")
        elif kind == "error":
            self.error = str(event.get("message") or "the job failed")
            self.traceback = event.get("traceback")
            coded = event.get("coded")
            self.error_message = coded if isinstance(coded, dict) else None

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
        fraction = fraction_done(self.epoch, self.batch, self.batches, self.epochs)
        if self.state not in ("running", "stopping") or not fraction or self.reported_mono is None:
            return None
        left = self.reported_elapsed * (1 - fraction) / fraction - (now - self.reported_mono)
        return max(0.0, left)

    def to_journal(self) -> dict[str, Any]:
        """The job's journal record (state, history, outcome), plain JSON-able data."""
        return {
            "id": self.id,
            "owner": self.owner,
            "kind": self.kind,
            "label": str(self.spec.get("label") or ""),
            "state": self.state,
            "device": self.device,
            "submitted_at": self.submitted_at,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "epochs": self.epochs,
            "history": self.history,
            "early_stopping": self.early_stopping,
            "result": self.result if isinstance(self.result, dict) else None,
            "error": self.error,
            "error_message": self.error_message,
        }

    @classmethod
    def from_journal(cls, record: dict[str, Any], kind_path: str = "") -> JobRecord:
        """A finished job's record rebuilt from its journal record (see `JobJournal.recover`)."""
        job = cls(
            id=record["id"],
            owner=str(record.get("owner")),
            kind=str(record.get("kind")),
            kind_path=kind_path,
            spec={"label": record.get("label", "")},
            submitted_at=record.get("submitted_at") or now_iso(),
        )
        job.state, job.device = record["state"], record.get("device") or ""
        job.started_at, job.finished_at = record.get("started_at"), record.get("finished_at")
        job.finished_at = job.finished_at or now_iso()
        job.epochs, job.history = record.get("epochs"), list(record.get("history") or [])
        job.epoch = job.history[-1]["epoch"] if job.history else 0
        job.early_stopping, job.error = record.get("early_stopping"), record.get("error")
        coded = record.get("error_message")
        job.error_message = coded if isinstance(coded, dict) else None
        job.result, job.has_result = record.get("result"), record.get("result") is not None
        return job

    def snapshot(self, now: float, position: int | None = None) -> JobStatus:
        """The frozen `JobStatus` of this job at monotonic time `now` (lists copied).

        Args:
            now: `time.monotonic()`.
            position: the job's 1-based place in its executor's queue, when queued.
        """
        points = [point for _, point in self.points]
        if self.last_point is not None and (not points or points[-1] is not self.last_point):
            points.append(self.last_point)
        elapsed = None
        if self.started_mono is not None:
            elapsed = (self.finished_mono or now) - self.started_mono
        result = dict(self.result) if isinstance(self.result, dict) else self.result
        return JobStatus(
            id=self.id,
            owner=self.owner,
            kind=self.kind,
            label=str(self.spec.get("label") or ""),
            state=self.state,
            position=position if self.state == "queued" else None,
            phase=self.phase,
            message=self.message,
            epoch=self.epoch,
            epochs=self.epochs,
            batch=self.batch,
            batches=self.batches,
            elapsed_s=elapsed,
            eta_s=self.eta_s(now),
            history=list(self.history),
            batch_points=points,
            early_stopping=dict(self.early_stopping) if self.early_stopping else None,
            result=result,
            error=self.error,
            traceback=self.traceback,
            device=self.device,
            error_message=dict(self.error_message) if self.error_message else None,
            submitted_at=self.submitted_at,
            started_at=self.started_at,
            finished_at=self.finished_at,
            warm=self.warm,
        )


def _numbers(logs: Any) -> dict[str, float]:
    """The numeric entries of a Keras `logs` dict, as Python floats."""
    numbers = {}
    for key, value in (logs or {}).items():
        try:
            numbers[str(key)] = float(value)
        except (TypeError, ValueError):
            pass
    return numbers
