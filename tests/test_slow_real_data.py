"""Long runs on the real CIFAR-10 images in ../shared/data (marked slow: `pytest -m slow`)."""

from pathlib import Path

import pytest

from cnnapp.config import Preprocessing, TrainConfig
from cnnapp.nets.presets import get_preset
from cnnapp.training import make_job_spec, run_job

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TRAIN_ZIP = SHARED_DATA / "cifar10-train.zip"
TEST_ZIP = SHARED_DATA / "cifar10-test.zip"


@pytest.mark.slow
@pytest.mark.skipif(
    not TRAIN_ZIP.exists(), reason=f"real data absent: {TRAIN_ZIP} (see ../shared/data/README.md)"
)
def test_basenet_three_epochs_on_real_cifar10_reaches_45_percent():
    dataset = {"name": "folder", "path": str(TRAIN_ZIP)}
    if TEST_ZIP.exists():
        dataset["test_path"] = str(TEST_ZIP)
    spec = make_job_spec(
        get_preset("basenet"), dataset, Preprocessing(normalize=True), TrainConfig(epochs=3)
    )
    events = []
    result = run_job(spec, events.append, lambda: False)
    metrics = result["metrics"]
    print({k: metrics[k] for k in ("train_loss", "val_accuracy", "test_accuracy", "images_per_s")})
    assert metrics["val_accuracy"] >= 0.45
    begin = next(e for e in events if e["type"] == "train_begin")
    assert (begin["train_size"], begin["val_size"]) == (45_000, 5_000)
