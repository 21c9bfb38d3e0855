"""Scores a trained model the way the assignment's tables do, plus per-class detail."""

from __future__ import annotations

import numpy as np

RESULT_COLUMNS = [
    ("train_loss", "Train loss"),
    ("train_accuracy", "Train accuracy"),
    ("val_loss", "Validation loss"),
    ("val_accuracy", "Validation accuracy"),
    ("test_accuracy", "Test accuracy"),
]


def predict_probabilities(model, images: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """Class probabilities in inference mode (no dropout, no augmentation)."""
    if len(images) == 0:
        return np.zeros((0, model.output_shape[-1]), dtype=np.float32)
    return np.asarray(model.predict(images, batch_size=batch_size, verbose=0), dtype=np.float32)


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
