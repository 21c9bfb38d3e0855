"""What the current Keras backend runs on, asked without caring which backend it is."""

from __future__ import annotations

import os


def backend_name() -> str:
    """The Keras backend that will be used (read from the environment; imports nothing)."""
    return os.environ.get("KERAS_BACKEND", "tensorflow")


def accelerator() -> str:
    """'GPU: <name>' when the backend sees a GPU, else 'CPU'. Imports the backend."""
    import keras

    backend = keras.backend.backend()
    names: list[str] = []
    if backend == "tensorflow":
        from cnnapp.tf_backend import configure_gpus

        names = configure_gpus()
    elif backend == "jax":
        import jax

        names = [d.device_kind for d in jax.devices() if d.platform == "gpu"]
    elif backend == "torch":
        import torch

        if torch.cuda.is_available():
            names = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    return f"GPU: {names[0]}" if names else "CPU"
