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


# "warmup_cosine": the rate starts at WARMUP_START × learning_rate and ends at COSINE_END × it
# (airbench's triangular schedule goes from 0.2 up to 1 and down to 0.07; this is its cosine twin)
WARMUP_START = 0.2
COSINE_END = 0.07


def learning_rate(config: TrainConfig, steps_per_epoch: int | None = None):
    """The optimizer's learning rate: a number or one of Keras's own schedules.

    Args:
        config: `learning_rate`, `schedule`, `decay`, `warmup_fraction`, `epochs`.
        steps_per_epoch: batches per epoch; needed by "warmup_cosine".

    Raises:
        ValueError: "warmup_cosine" without `steps_per_epoch`.
    """
    import keras

    schedules = keras.optimizers.schedules
    if config.schedule == "warmup_cosine":
        if not steps_per_epoch or steps_per_epoch < 1:
            raise ValueError(
                f"The warmup_cosine schedule needs the batches per epoch, got {steps_per_epoch!r}; "
                "pass steps_per_epoch=ceil(training images / batch size)."
            )
        total = steps_per_epoch * config.epochs
        warmup = int(round(config.warmup_fraction * total))
        return schedules.CosineDecay(
            WARMUP_START * config.learning_rate,
            decay_steps=max(1, total - warmup),
            alpha=COSINE_END,
            warmup_target=config.learning_rate,
            warmup_steps=warmup,
        )
    if config.decay:
        # Keras 2's SGD(decay=d) used lr / (1 + d * iterations): exactly InverseTimeDecay.
        return schedules.InverseTimeDecay(
            config.learning_rate, decay_steps=1, decay_rate=config.decay
        )
    return config.learning_rate


def make_optimizer(config: TrainConfig, steps_per_epoch: int | None = None):
    """SGD(lr, momentum, nesterov) or Adam, with the run's schedule and weight decay."""
    import keras

    rate = learning_rate(config, steps_per_epoch)
    decay = config.weight_decay or None
    if config.optimizer == "adam":
        return keras.optimizers.Adam(learning_rate=rate, weight_decay=decay)
    return keras.optimizers.SGD(
        learning_rate=rate, momentum=config.momentum, nesterov=config.nesterov, weight_decay=decay
    )


def smoothed_loss(label_smoothing: float, num_classes: int):
    """Sparse categorical cross-entropy against smoothed labels.

    The true class gets `1 - label_smoothing + label_smoothing / num_classes`, every other
    `label_smoothing / num_classes` (Keras's `label_smoothing`, which its sparse loss lacks).
    """
    import keras
    from keras import ops

    def loss(y_true, y_pred):
        labels = ops.cast(ops.reshape(y_true, (-1,)), "int32")
        one_hot = ops.one_hot(labels, num_classes, dtype=y_pred.dtype)
        return keras.losses.categorical_crossentropy(
            one_hot, y_pred, label_smoothing=label_smoothing
        )

    loss.__name__ = "smoothed_crossentropy"
    return loss


def compile_model(
    model,
    config: TrainConfig,
    steps_per_execution: int = 1,
    steps_per_epoch: int | None = None,
    smoothing: bool = True,
) -> None:
    """Compiles `model` with the run's optimizer, the loss and accuracy (as the assignment).

    Args:
        model: the Keras model.
        config: the optimizer, its schedule, label smoothing.
        steps_per_execution: batches per call of the train step.
        steps_per_epoch: batches per epoch (for the "warmup_cosine" schedule).
        smoothing: False compiles with the plain loss whatever `label_smoothing` says (a saved
            model: its loss is then one Keras can load by name).
    """
    loss = LOSS
    if smoothing and config.label_smoothing:
        loss = smoothed_loss(config.label_smoothing, int(model.output_shape[-1]))
    model.compile(
        optimizer=make_optimizer(config, steps_per_epoch),
        loss=loss,
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
    if model.built and not model.optimizer.built:
        # Eagerly: inside the first traced step Keras creates the slots ten times slower (about
        # a second for MiRed's 26 variables before the first batch point).
        model.optimizer.build(model.trainable_variables)
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
