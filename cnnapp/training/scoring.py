"""Scores a trained model the way the assignment's tables do, plus per-class detail.

`RESULT_COLUMNS` names the assignment's five columns once for the whole project (the run's
`metrics.json`, the recipes' reported figures, exported tables, the CLI and the pages).
"""

from __future__ import annotations

from typing import Any

import numpy as np

# The assignment's results columns, in its order.
RESULT_COLUMNS = ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "test_accuracy")


def predict_probabilities(
    model, images: np.ndarray, batch_size: int = 256, tta_flip: bool = False
) -> np.ndarray:
    """Class probabilities in inference mode (no dropout, no augmentation).

    Args:
        model: a Keras model taking `(batch, height, width, channels)` images.
        images: the images.
        batch_size: images per prediction batch.
        tta_flip: test-time augmentation: the mean of the probabilities of each image and of
            its left-right mirror (`TrainConfig.tta_flip`).
    """
    if len(images) == 0:
        return np.zeros((0, model.output_shape[-1]), dtype=np.float32)
    probabilities = np.asarray(model.predict(images, batch_size=batch_size, verbose=0))
    if tta_flip:
        mirrored = np.asarray(images)[:, :, ::-1]
        probabilities = (
            probabilities + model.predict(mirrored, batch_size=batch_size, verbose=0)
        ) / 2
    return probabilities.astype(np.float32)


def accuracy(probabilities: np.ndarray, labels: np.ndarray) -> float | None:
    """Fraction of images whose most probable class is the label (None if there are none)."""
    if len(labels) == 0:
        return None
    return float(np.mean(np.argmax(probabilities, axis=1) == labels))


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, num_classes: int) -> np.ndarray:
    """`matrix[true, predicted]` counts."""
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (labels.astype(int), predicted.astype(int)), 1)
    return matrix


def per_class_accuracy(matrix: np.ndarray) -> list[float | None]:
    totals = matrix.sum(axis=1)
    return [float(matrix[i, i] / totals[i]) if totals[i] else None for i in range(matrix.shape[0])]


def misclassified(probabilities: np.ndarray, labels: np.ndarray, limit: int = 60) -> list[dict]:
    """The most confident mistakes first: `{index, true, pred, confidence}`."""
    predicted = np.argmax(probabilities, axis=1)
    wrong = np.flatnonzero(predicted != labels)
    confidence = probabilities[wrong, predicted[wrong]] if len(wrong) else np.array([])
    order = wrong[np.argsort(-confidence)][:limit]
    return [
        {
            "index": int(i),
            "true": int(labels[i]),
            "pred": int(predicted[i]),
            "confidence": float(probabilities[i, predicted[i]]),
        }
        for i in order
    ]


def detail(probabilities: np.ndarray, labels: np.ndarray, num_classes: int) -> dict:
    """Confusion matrix, per-class accuracy and the worst mistakes, as JSON-able values."""
    matrix = confusion_matrix(labels, np.argmax(probabilities, axis=1), num_classes)
    return {
        "confusion_matrix": matrix.tolist(),
        "per_class_accuracy": per_class_accuracy(matrix),
        "misclassified": misclassified(probabilities, labels),
    }


def score(
    model,
    outcome,
    train: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray | None, np.ndarray | None],
    num_classes: int,
    tta_flip: bool = False,
) -> dict[str, Any]:
    """The assignment's columns, defined as it computed them, plus detail for Compare.

    Args:
        model: the trained model (inference mode is used throughout).
        outcome: the `cnnapp.training.fit.FitOutcome` of its training.
        train: `(inputs, labels)` of the WHOLE training set, validation part included (the
            assignment's `train_accuracy` predicted them all).
        test: `(inputs, labels)` of the test set, or `(None, None)`.
        num_classes: for the confusion matrix.
        tta_flip: train and test accuracy average each image's and its mirror's probabilities
            (validation figures are Keras's, from the history, without it).

    Returns:
        `train_loss`, `val_loss` and `val_accuracy` of one epoch, `scored_epoch`: the last one, or
        with early stopping the restored best one (the weights the model holds, with which
        `train_accuracy` and `test_accuracy` are measured), and `epochs_run`, `best_epoch`,
        `restored`, `early_stopped_epoch`, `stopped`; with a test set also `confusion_matrix`,
        `per_class_accuracy`, `misclassified` and `detail_split`.
    """
    chosen = outcome.scored_epoch  # every column from one epoch: the restored one, or the last
    metrics = {
        "scored_epoch": chosen.get("epoch"),
        "train_loss": chosen.get("loss"),
        "train_accuracy": accuracy(
            predict_probabilities(model, train[0], tta_flip=tta_flip), train[1]
        ),
        "val_loss": chosen.get("val_loss"),
        "val_accuracy": chosen.get("val_accuracy"),
        "test_accuracy": None,
        "epochs_run": len(outcome.history),
        "best_epoch": outcome.best_epoch,
        "restored": outcome.restored,
        "early_stopped_epoch": outcome.early_stopped_epoch,
        "stopped": outcome.stopped,
    }
    x_test, y_test = test
    if x_test is not None and len(x_test):
        probabilities = predict_probabilities(model, x_test, tta_flip=tta_flip)
        metrics["test_accuracy"] = accuracy(probabilities, y_test)
        metrics.update(detail(probabilities, y_test, num_classes))
        metrics["detail_split"] = "test"
    return metrics
