"""The engine trains under KERAS_BACKEND=jax too (the GPU machines have JAX, not TensorFlow)."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = """
import json
from cnnapp.config import Preprocessing, TrainConfig
from cnnapp.nets.presets import get_preset
from cnnapp.training import make_job_spec, run_job
spec = make_job_spec(get_preset("basenet"), {"name": "procedural", "limit": 600},
                     Preprocessing(normalize=True, horizontal_flip=True), TrainConfig(epochs=3, seed=1))
events = []
result = run_job(spec, events.append, lambda: False)
losses = [e["logs"]["loss"] for e in events if e["type"] == "epoch"]
print(json.dumps({"metrics": {k: result["metrics"][k] for k in ("backend", "val_accuracy")}, "losses": losses}))
"""


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed")
def test_training_runs_under_the_jax_backend(tmp_path):
    env = {
        **os.environ,
        "KERAS_BACKEND": "jax",
        "CNNAPP_MODELS_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["metrics"]["backend"] == "jax"
    assert out["losses"][-1] < out["losses"][0]
    assert out["metrics"]["val_accuracy"] > 1 / 6
