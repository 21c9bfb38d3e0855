"""The Keras callback that reports training progress to a plain function and honours stops.

It knows nothing of any UI: `report(event)` receives plain dicts (see docs/architecture.md) and
`should_stop()` is polled after every batch. A page, a CLI progress bar or a test decides what to
do with them.

With `steps_per_execution=n` Keras runs n batches per call and calls back once per group, with the
group's last batch: batch events then come, and stop requests are honoured, after each group (the
engine sizes groups to about 0.1 s, see `cnnapp.training.plan`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import keras


class StopRequested(Exception):
    """Raised inside `fit` when a stop was requested; training ends after the current batch."""


def _floats(logs: dict | None) -> dict[str, float]:
    return {key: float(value) for key, value in (logs or {}).items()}


class ProgressCallback(keras.callbacks.Callback):
    """Reports batch and epoch metrics to `report`, at most every `every_s` seconds for batches.

    Args:
        report: called with event dicts (`train_begin`, `batch`, `epoch`).
        should_stop: polled after each batch; when it returns True, `StopRequested` is raised.
        epochs: planned epochs.
        batches: batches per epoch.
        every_s: minimum time between two `batch` events (the last batch is always reported).
    """

    def __init__(
        self,
        report: Callable[[dict], None],
        should_stop: Callable[[], bool],
        epochs: int,
        batches: int,
        every_s: float = 0.25,
        info: dict | None = None,
    ):
        super().__init__()
        self.report = report
        self.should_stop = should_stop
        self.epochs = epochs
        self.batches = batches
        self.every_s = every_s
        self.info = info or {}
        self.epoch = 0
        self.started = time.monotonic()
        self.last_report = 0.0
        self.completed_epochs: list[dict] = []

    def on_train_begin(self, logs=None):
        self.started = time.monotonic()
        self.report(
            {"type": "train_begin", "epochs": self.epochs, "batches": self.batches, **self.info}
        )

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        if self.should_stop():
            raise StopRequested()
        # The last group of an epoch may be short: Keras still names its would-be last batch.
        done = min(batch + 1, self.batches)
        now = time.monotonic()
        if now - self.last_report >= self.every_s or done == self.batches:
            self.last_report = now
            self.report(
                {
                    "type": "batch",
                    "epoch": self.epoch,
                    "batch": done,
                    "batches": self.batches,
                    "logs": _floats(logs),
                    "elapsed_s": now - self.started,
                }
            )

    def on_epoch_end(self, epoch, logs=None):
        entry = {"epoch": epoch + 1, **_floats(logs)}
        self.completed_epochs.append(entry)
        self.report(
            {
                "type": "epoch",
                "epoch": epoch + 1,
                "logs": _floats(logs),
                "elapsed_s": time.monotonic() - self.started,
            }
        )
