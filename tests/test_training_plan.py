"""The fast training path: the plan, the training model, the input pipeline and the fast layers."""

import keras
import numpy as np
import pytest

from cnnapp.config import Preprocessing, TrainConfig
from cnnapp.nets.build import build_model
from cnnapp.nets.presets import get_preset
from cnnapp.runs import RunStore
from cnnapp.training import make_job_spec, run_job
from cnnapp.training import plan as pipeline
from cnnapp.training.progress import ProgressCallback

AUGMENT = Preprocessing(normalize=True, horizontal_flip=True, zoom_range=0.2)
NORM = ([0.5, 0.5, 0.5], [0.05, 0.05, 0.05])
TINY = {"name": "procedural", "limit": 240}


def _model(network="mired_bn_v1", preprocessing=AUGMENT):
    keras.utils.set_random_seed(0)
    return build_model(get_preset(network), (32, 32, 3), 6, preprocessing, NORM, seed=1)


def test_plan_puts_augmentation_in_the_input_pipeline_on_a_cpu_and_sizes_groups():
    config = TrainConfig()
    plan = pipeline.make_plan(_model("basenet"), config, batches=1000, device="CPU")
    assert plan.augment_in == "data" and plan.fast_layers and plan.precision == "float32"
    assert 2 <= plan.steps_per_execution <= pipeline.MAX_STEPS  # BaseNet's batches are short
    heavy = pipeline.make_plan(_model("mired_v2"), config, batches=1000, device="CPU")
    assert heavy.steps_per_execution < plan.steps_per_execution
    assert pipeline.make_plan(_model(), config, batches=3, device="CPU").steps_per_execution <= 3
    plain = pipeline.make_plan(_model(preprocessing=Preprocessing()), config, 100, "CPU")
    assert plain.augment_in == "model"  # nothing to move out of the model
    gpu = pipeline.make_plan(_model(), config, batches=1000, device="GPU: test")
    assert gpu.augment_in == "model"  # a GPU augments on the device


def test_training_model_shares_every_variable_and_leaves_augmentation_to_the_pipeline():
    model = _model()
    plan = pipeline.TrainingPlan("data", True, 4, "float32")
    trainer = pipeline.training_model(model, plan)
    assert {id(v) for v in trainer.weights} == {id(v) for v in model.weights}
    names = [layer.name for layer in trainer.layers]
    assert "pre_flip" not in names and "pre_zoom" not in names and "pre_rescale" not in names
    assert "pre_normalize" in names  # normalisation stays in the model
    assert any(type(layer).__name__ == "FusedBatchNorm" for layer in trainer.layers)
    assert any(type(layer).__name__ == "ByteDropout" for layer in trainer.layers)
    # The whole model keeps its preprocessing: it is what is saved.
    assert {"pre_rescale", "pre_flip", "pre_zoom"} <= {layer.name for layer in model.layers}
    x = np.random.default_rng(0).integers(0, 256, (4, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(
        trainer(x / 255.0, training=False), model(x, training=False), rtol=1e-4, atol=1e-5
    )


def test_input_pipeline_applies_the_leading_layers_and_augments_only_training_batches():
    model = _model("basenet")
    plan = pipeline.TrainingPlan("data", True, 1, "float32")
    x = np.random.default_rng(1).integers(0, 256, (40, 32, 32, 3)).astype("uint8")
    y = np.arange(40) % 6
    inputs = pipeline.fit_data(model, plan, (x[8:], y[8:], x[:8], y[:8]), 16, seed=3)
    train_batches = list(inputs["x"])
    assert [len(b[0]) for b in train_batches] == [16, 16]
    seen = np.sort(np.concatenate([b[1].numpy() for b in train_batches]))
    np.testing.assert_array_equal(seen, np.sort(y[8:]))  # shuffled, each image once
    images, labels = next(iter(inputs["validation_data"]))
    np.testing.assert_allclose(images.numpy(), x[:8] / 255.0, rtol=1e-6)  # rescaled, not augmented
    np.testing.assert_array_equal(labels.numpy(), y[:8])
    assert float(np.max(train_batches[0][0])) <= 1.0 + 1e-6


@pytest.mark.parametrize("shape", [(8, 6, 6, 5), (8, 7)])
def test_fused_batch_norm_computes_what_keras_batch_normalization_computes(shape):
    import tensorflow as tf

    from cnnapp.tf_backend import FusedBatchNorm, fast_layer

    rng = np.random.default_rng(0)
    inputs = keras.Input(shape[1:])
    reference, wrapped = (keras.layers.BatchNormalization(momentum=0.9) for _ in range(2))
    for layer in (reference, wrapped):
        layer(inputs)
        layer.gamma.assign(rng.uniform(0.5, 1.5, shape[-1]).astype("float32"))
        layer.beta.assign(np.linspace(-1, 1, shape[-1]).astype("float32"))
    wrapped.set_weights(reference.get_weights())
    fused = fast_layer(wrapped)
    assert isinstance(fused, FusedBatchNorm)
    x = tf.constant(rng.normal(1.0, 3.0, shape).astype("float32"))
    for training in (True, False):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            expected, got = reference(x, training=training), fused(x, training=training)
            loss_expected, loss_got = tf.reduce_sum(expected**2), tf.reduce_sum(got**2)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
        for a, b in zip(
            tape.gradient(loss_got, [x, wrapped.gamma, wrapped.beta]),
            tape.gradient(loss_expected, [x, reference.gamma, reference.beta]),
            strict=True,
        ):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)
        for a, b in zip(wrapped.get_weights(), reference.get_weights(), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)  # moving statistics too


def test_byte_dropout_keeps_the_expected_share_and_scales_it():
    from cnnapp.tf_backend import ByteDropout

    layer = keras.layers.Dropout(0.25, seed=3)
    fast = ByteDropout(layer)
    x = np.ones((1000, 100), dtype="float32")
    first, second = np.asarray(fast(x, training=True)), np.asarray(fast(x, training=True))
    np.testing.assert_allclose(np.unique(first), [0.0, 4 / 3], rtol=1e-6)
    assert first.mean() == pytest.approx(1.0, abs=0.01)  # unbiased
    assert (first != second).mean() > 0.3  # a fresh mask every batch
    np.testing.assert_array_equal(fast(x, training=False), x)


def test_precision_is_float32_unless_asked_for_and_supported(tmp_path):
    cpu = tmp_path / "cpuinfo"
    cpu.write_text("processor: 0\nflags\t: fpu sse avx512f amx_bf16\n")
    assert pipeline.cpu_supports_bfloat16(str(cpu))
    cpu.write_text("flags\t: fpu sse avx2\n")
    assert not pipeline.cpu_supports_bfloat16(str(cpu))
    assert not pipeline.cpu_supports_bfloat16(str(tmp_path / "missing"))
    assert pipeline.precision_for(TrainConfig(), "CPU") == "float32"
    expected = "mixed_bfloat16" if pipeline.cpu_supports_bfloat16() else "float32"
    assert pipeline.precision_for(TrainConfig(mixed_precision=True), "CPU") == expected


def test_mixed_precision_run_saves_a_float32_model_that_predicts_like_the_metrics_say():
    config = TrainConfig(epochs=1, mixed_precision=True)
    spec = make_job_spec(get_preset("mired_bn_v3"), TINY, AUGMENT, config, label="mixed")
    result = run_job(spec, lambda event: None, lambda: False)
    plan = result["metrics"]["training_plan"]
    assert plan["precision"] == pipeline.precision_for(config, "CPU")
    model = RunStore().load_model(result["run_id"])
    assert {layer.dtype_policy.name for layer in model.layers} == {"float32"}
    from cnnapp.data import load_dataset

    dataset = load_dataset(TINY)
    predictions = model.predict(dataset.x_test.astype("float32"), verbose=0)
    accuracy = float(np.mean(predictions.argmax(axis=1) == dataset.y_test))
    assert accuracy == pytest.approx(result["metrics"]["test_accuracy"], abs=1e-6)


def test_progress_reports_groups_of_batches_within_the_epoch():
    events = []
    callback = ProgressCallback(events.append, lambda: False, epochs=1, batches=17, every_s=0)
    callback.on_train_begin()
    callback.on_epoch_begin(0)
    for end_step in (15, 31):  # steps_per_execution=16: Keras names a group's would-be last batch
        callback.on_train_batch_end(end_step, {"loss": 1.0, "accuracy": 0.5})
    assert [e["batch"] for e in events if e["type"] == "batch"] == [16, 17]
