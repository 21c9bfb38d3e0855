"""How a built model is trained fast: precision, where augmentation runs, the data that feeds it.

The saved model is always the whole model: rescaling, training-only augmentation, normalisation and
the network, taking raw 0-255 images. What `fit` trains is a `TrainingPlan` away from it, sharing
every variable with it:

- On the TensorFlow backend on a CPU, the model's leading preprocessing layers (rescaling and the
  random augmentation layers) run in a `tf.data` pipeline, prefetched while the network trains, and
  the training model skips them. On a GPU, or on another backend, they stay in the model (on a GPU
  they run there, on the images already on the device).
- On TensorFlow, batch normalisation trains with the fused kernel and dropout draws one random byte
  per value (`cnnapp.tf_backend`): the same functions, about twice as fast on a CPU.
- `steps_per_execution` runs several batches per call when batches are short, so Python and
  callbacks cost little; progress is then reported, and stop requests honoured, after each group.
- `TrainConfig.mixed_precision` trains in bfloat16 (float16 on GPUs without it), the output layer
  in float32, on a GPU, and on the TensorFlow backend on a CPU that computes bfloat16 natively
  (AMX or AVX512-BF16: about 1.6× faster there); elsewhere it is ignored. The saved model is
  float32 either way.
- Under the assignment's protocol the validation images are augmented too (`fit_data`'s
  `augment_validation`, see `cnnapp.training.protocol`).

Everything here uses the `keras` API; TensorFlow-only code lives in `cnnapp.tf_backend`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from cnnapp.config import TrainConfig
from cnnapp.data.preprocessing import is_augmentation

# steps_per_execution: aim for groups of batches that take about this long, at most MAX_STEPS.
TARGET_EXECUTION_S = 0.1
MAX_STEPS = 32
# Rough speeds for that estimate: per-batch overhead and sustained training FLOP/s.
STEP_OVERHEAD_S = {"CPU": 3e-3, "GPU": 3e-4}
FLOPS_PER_S = {"CPU": 4e10, "GPU": 2e13}


@dataclass(frozen=True)
class TrainingPlan:
    """How `fit` is fed and what it trains (see the module docstring)."""

    augment_in: str  # "data": tf.data pipeline; "model": the model's own layers
    fast_layers: bool  # TensorFlow's fused batch norm and byte dropout in training
    steps_per_execution: int  # batches per call of the compiled train step
    precision: str  # "float32", "mixed_bfloat16" or "mixed_float16"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def precision_for(config: TrainConfig, device: str) -> str:
    """The dtype policy to train with: mixed precision when asked for and the hardware gains."""
    if not config.mixed_precision:
        return "float32"
    if device.startswith("GPU"):
        return "mixed_bfloat16" if _gpu_supports_bfloat16() else "mixed_float16"
    import keras

    # TensorFlow's oneDNN kernels use the CPU's bfloat16 units; elsewhere bfloat16 is emulated.
    native = keras.backend.backend() == "tensorflow" and cpu_supports_bfloat16()
    return "mixed_bfloat16" if native else "float32"


def cpu_supports_bfloat16(cpuinfo: str = "/proc/cpuinfo") -> bool:
    """True when the CPU computes bfloat16 natively (Linux flags `amx_bf16` or `avx512_bf16`)."""
    try:
        with open(cpuinfo, encoding="utf-8", errors="replace") as file:
            flags = next((line for line in file if line.startswith("flags")), "").split()
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


def _gpu_supports_bfloat16() -> bool:
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        from cnnapp.tf_backend import gpu_supports_bfloat16

        return gpu_supports_bfloat16()
    if backend == "jax":
        import jax

        gpus = [d for d in jax.devices() if d.platform == "gpu"]
        capability = getattr(gpus[0], "compute_capability", "0") if gpus else "0"
        return float(capability) >= 8.0
    if backend == "torch":
        import torch

        return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())
    return False


def training_flops_per_image(model) -> float:
    """About 6 FLOPs per multiply-add of the forward pass (forward, and twice that backward)."""
    return 6.0 * _forward_macs(model)


def _forward_macs(model) -> float:
    import keras

    total = 0.0
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            total += _forward_macs(layer)
            continue
        kernel = getattr(layer, "kernel", None)
        if kernel is None or not isinstance(layer, keras.layers.Conv2D | keras.layers.Dense):
            continue
        try:
            positions = float(np.prod(layer.output.shape[1:-1]))
        except (AttributeError, ValueError):
            positions = 1.0
        total += positions * float(np.prod(kernel.shape))
    return total


def make_plan(model, config: TrainConfig, batches: int, device: str) -> TrainingPlan:
    """Chooses where augmentation runs, the fast layers and `steps_per_execution` for `model`.

    Args:
        model: the built (whole) model.
        config: the training settings (batch size).
        batches: batches per epoch.
        device: "CPU" or "GPU: <name>" (`cnnapp.devices.accelerator()`).

    The precision is the policy the model was built under (see `precision_for`).
    """
    import keras

    kind = "GPU" if device.startswith("GPU") else "CPU"
    tensorflow = keras.backend.backend() == "tensorflow"
    has_augmentation = any(is_augmentation(layer) for layer in model.layers)
    flops = training_flops_per_image(model) * config.batch_size
    step_s = STEP_OVERHEAD_S[kind] + flops / FLOPS_PER_S[kind]
    steps = int(max(1, min(MAX_STEPS, batches, TARGET_EXECUTION_S // step_s)))
    return TrainingPlan(
        augment_in="data" if tensorflow and kind == "CPU" and has_augmentation else "model",
        fast_layers=tensorflow,
        steps_per_execution=steps,
        precision=model.dtype_policy.name,
    )


def leading_layers(model) -> list:
    """The model's top-level layers from its input up to the last augmentation layer."""
    layers = [layer for layer in model.layers if layer.__class__.__name__ != "InputLayer"]
    last = max((i for i, layer in enumerate(layers) if is_augmentation(layer)), default=-1)
    return layers[: last + 1]


def training_model(model, plan: TrainingPlan):
    """The model `fit` trains: `model` itself, or a clone that shares all its variables.

    With `augment_in="data"` the leading preprocessing layers are replaced by identities (the
    pipeline applies them); with `fast_layers` batch norm and dropout train through the TensorFlow
    stand-ins. The output layer computes in float32 under mixed precision.
    """
    import keras

    if plan.precision != "float32":
        model.get_layer("output").dtype_policy = "float32"
    skipped = {id(layer) for layer in leading_layers(model)} if plan.augment_in == "data" else set()
    if not skipped and not plan.fast_layers:
        return model
    swap = _identity
    if plan.fast_layers:
        from cnnapp.tf_backend import fast_layer

        swap = fast_layer

    def clone(layer):
        return (
            keras.layers.Identity(name=f"{layer.name}_in_data")
            if id(layer) in skipped
            else swap(layer)
        )

    return keras.models.clone_model(model, clone_function=clone)


def _identity(layer):
    return layer


def fit_data(
    model,
    plan: TrainingPlan,
    data: tuple,
    batch_size: int,
    seed: int,
    augment_validation: bool = False,
) -> dict[str, Any]:
    """The `fit` arguments for `(x_train, y_train, x_val, y_val)`.

    With `augment_in="data"`, `tf.data` pipelines that apply the model's leading layers; otherwise
    the uint8 arrays themselves (Keras batches, shuffles and prefetches them).

    Args:
        augment_validation: augment the validation images too, afresh every epoch, as the
            assignment's generator did (`cnnapp.training.protocol`); the network still
            validates in inference mode.

    Returns:
        `{"x", "y", "batch_size", "validation_data", "shuffle"}` to pass to `model.fit`.
    """
    x_train, y_train, x_val, y_val = data
    has_val = len(x_val) > 0
    augment_validation = augment_validation and bool(leading_layers(model))
    if plan.augment_in != "data":
        val = (x_val, y_val) if has_val else None
        if has_val and augment_validation:
            from cnnapp.training.protocol import validation_batches

            val = validation_batches(_pipeline_layers(model), x_val, y_val, batch_size, seed + 1)
        return {
            "x": x_train,
            "y": y_train,
            "batch_size": batch_size,
            "validation_data": val,
            "shuffle": True,
        }
    from cnnapp.tf_backend import image_dataset

    layers = _pipeline_layers(model)
    train = image_dataset(x_train, y_train, batch_size, layers, training=True, seed=seed)
    val = None
    if has_val:  # training=True augments (and shuffles, which changes no metric)
        val = image_dataset(
            x_val, y_val, batch_size, _pipeline_layers(model), augment_validation, seed + 1
        )
    return {"x": train, "y": None, "batch_size": None, "validation_data": val, "shuffle": False}


def _pipeline_layers(model) -> list:
    """Fresh copies of the model's leading layers, for the input pipeline."""
    return [type(layer).from_config(layer.get_config()) for layer in leading_layers(model)]


def float32_copy(model, build):
    """`model`'s weights in a float32 model made by `build()` (for saving a mixed-precision run)."""
    import keras

    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("float32")
    try:
        copy = build()
    finally:
        keras.config.set_dtype_policy(previous)
    copy.set_weights(model.get_weights())
    return copy
