"""The one fit path every job kind trains through: optimizer, callbacks, early stopping, stops.

`fit` runs `model.fit` with the progress callback (events to `report`, stop requests from
`should_stop`) and, when configured, Keras's `EarlyStopping` on validation accuracy; it returns a
`FitOutcome` that says which epoch's figures the run reports. Keras is imported when `fit` runs. A training job passes images (or a
`tf.data` pipeline, see `cnnapp.training.plan`), a feature-extractor job passes cached features:
the rest is the same.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cnnapp.config import TrainConfig

LOSS = "sparse_categorical_crossentropy"
TENSORBOARD_BATCHES = 20  # batch scalars every this many batches (cheap; epochs always)


@dataclass
class FitOutcome:
    """How a `fit` went, in the terms the run is scored in.

    Attributes:
        history: one dict per completed epoch (`epoch`, `loss`, `accuracy`, `val_loss`, ...).
        stopped: True when a stop request ended training early.
        seconds: wall time spent in `fit`.
        best_epoch: 1-based epoch early stopping found best (the last epoch without it).
        restored: True when the model holds the restored best epoch's weights, not the last's.
        early_stopped_epoch: 1-based epoch at which early stopping ended training, or None.
    """

    history: list[dict] = field(default_factory=list)
    stopped: bool = False
    seconds: float = 0.0
    best_epoch: int | None = None
    restored: bool = False
    early_stopped_epoch: int | None = None

    @property
    def scored_epoch(self) -> dict:
        """The history entry whose validation figures the run reports (the restored one)."""
        if not self.history:
            return {}
        if self.restored and self.best_epoch:
            return self.history[self.best_epoch - 1]
        return self.history[-1]


def phase(report: Callable[[dict], None], name: str, message: str = "", **extra) -> None:
    """Reports a `phase` event ("loading data", "building", "training", ...)."""
    report({"type": "phase", "phase": name, "message": message or name, **extra})


def make_optimizer(config: TrainConfig):
    """SGD(lr, momentum, nesterov) with Keras 2's `decay=` as an InverseTimeDecay, or Adam."""
    import keras

    rate = config.learning_rate
    if config.decay:
        # Keras 2's SGD(decay=d) used lr / (1 + d * iterations): exactly InverseTimeDecay.
        rate = keras.optimizers.schedules.InverseTimeDecay(
            config.learning_rate, decay_steps=1, decay_rate=config.decay
        )
    if config.optimizer == "adam":
        return keras.optimizers.Adam(learning_rate=rate)
    return keras.optimizers.SGD(
        learning_rate=rate, momentum=config.momentum, nesterov=config.nesterov
    )


def compile_model(model, config: TrainConfig, steps_per_execution: int = 1) -> None:
    """Compiles `model` with the run's optimizer, the loss and accuracy (as the assignment)."""
    model.compile(
        optimizer=make_optimizer(config),
        loss=LOSS,
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
    )


def fit(
    model,
    inputs: dict[str, Any],
    config: TrainConfig,
    report: Callable[[dict], None],
    should_stop: Callable[[], bool],
    *,
    batches: int,
    info: dict[str, Any],
    log_dir: Any = None,
) -> FitOutcome:
    """Trains a compiled `model` for `config.epochs`, reporting progress; never raises on a stop.

    Args:
        model: the compiled Keras model.
        inputs: `model.fit`'s data arguments: `x`, `y`, `batch_size`, `validation_data`, `shuffle`.
        config: epochs and early stopping (`early_stopping`, `patience`, `restore_best_weights`).
        report: receives `train_begin`, `batch`, `epoch` and `early_stopping` events.
        should_stop: polled after each batch (group); True ends training, keeping what was done.
        batches: batches per epoch.
        info: extra fields of the `train_begin` event (`train_size`, `val_size`, `device`).
        log_dir: where Keras's `TensorBoard` callback writes scalars per epoch and every
            `TENSORBOARD_BATCHES` batches (TensorFlow backend only); None for none.

    Returns:
        The `FitOutcome`.
    """
    import keras

    from cnnapp.training.progress import ProgressCallback, StopRequested

    progress = ProgressCallback(report, should_stop, config.epochs, batches, info=info)
    callbacks: list = [progress]
    early = None
    if config.early_stopping:
        early = keras.callbacks.EarlyStopping(
            monitor="val_accuracy",
            mode="max",
            patience=config.patience,
            restore_best_weights=config.restore_best_weights,
        )
        callbacks.append(early)
    board = None
    if log_dir is not None and keras.backend.backend() == "tensorflow":
        board = keras.callbacks.TensorBoard(
            str(log_dir), update_freq=TENSORBOARD_BATCHES, write_graph=False, profile_batch=0
        )
        callbacks.append(board)
    started, stopped = time.monotonic(), False
    try:
        model.fit(**inputs, epochs=config.epochs, callbacks=callbacks, verbose=0)
    except StopRequested:
        stopped = True
        if board is not None:
            board.on_train_end()  # flushes and closes its event files, as a finished fit does
    outcome = FitOutcome(progress.completed_epochs, stopped, time.monotonic() - started)
    outcome.best_epoch = outcome.history[-1]["epoch"] if outcome.history else None
    if early is not None and not stopped and outcome.history:
        outcome.best_epoch = int(early.best_epoch) + 1
        restored = config.restore_best_weights and early.best_weights is not None
        outcome.restored = bool(restored) and outcome.best_epoch != len(outcome.history)
    if early is not None and early.stopped_epoch:
        outcome.early_stopped_epoch = int(early.stopped_epoch) + 1
        report(
            {
                "type": "early_stopping",
                "stopped_epoch": outcome.early_stopped_epoch,
                "best_epoch": int(early.best_epoch) + 1,
            }
        )
    return outcome
