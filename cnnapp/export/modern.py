"""What the modern recipe adds to an exported script: the whitening layer, the warmup-cosine
schedule, weight decay, label smoothing and test-time flip averaging (plain data to text).

Each function returns nothing (or the plain form) for a run that does not use its setting, so
the assignment's scripts stay as they were.
"""

from __future__ import annotations

from cnnapp.config import TrainConfig

WHITENING = '''@keras.saving.register_keras_serializable(package="script")
class Whitening(keras.layers.Layer):
    """A frozen convolution that whitens kernel_size patches (no bias, nothing trainable).

    Its kernel is computed from the training images by `fit_whitening`, as airbench does.
    """

    def __init__(self, kernel_size=(2, 2), epsilon=5e-4, **kwargs):
        super().__init__(**kwargs)
        self.kernel_size = tuple(kernel_size)
        self.epsilon = float(epsilon)
        self.trainable = False

    def build(self, input_shape):
        kh, kw = self.kernel_size
        channels = int(input_shape[-1])
        self.kernel = self.add_weight(
            name="kernel", shape=(kh, kw, channels, 2 * kh * kw * channels), trainable=False
        )

    def call(self, inputs):
        return keras.ops.conv(inputs, keras.ops.cast(self.kernel, inputs.dtype), padding="valid")

    def get_config(self):
        return {**super().get_config(), "kernel_size": self.kernel_size, "epsilon": self.epsilon}


def fit_whitening(model, images, limit=5000):
    """Sets each Whitening kernel from what it receives from the first `limit` images: the
    eigenvectors of the patches' (uncentred) covariance over the square roots of their
    eigenvalues, then the same negated."""
    for layer in [layer for layer in model.layers if isinstance(layer, Whitening)]:
        received = keras.Model(model.inputs, layer.input).predict(images[:limit], verbose=0)
        kh, kw = layer.kernel_size
        windows = np.lib.stride_tricks.sliding_window_view(received, (kh, kw), axis=(1, 2))
        patches = windows.transpose(0, 1, 2, 4, 5, 3).reshape(-1, kh * kw * received.shape[3])
        patches = patches.astype("float64")
        eigenvalues, eigenvectors = np.linalg.eigh(patches.T @ patches / len(patches))
        scaled = eigenvectors / np.sqrt(np.maximum(eigenvalues, 0) + layer.epsilon)
        kernel = np.concatenate([scaled, -scaled], axis=1)
        layer.kernel.assign(kernel.reshape(kh, kw, received.shape[3], -1).astype("float32"))


'''

SMOOTHED_LOSS = '''def smoothed_loss(y_true, y_pred):
    """Cross-entropy against labels smoothed by LABEL_SMOOTHING (Keras's sparse loss lacks it)."""
    labels = keras.ops.cast(keras.ops.reshape(y_true, (-1,)), "int32")
    one_hot = keras.ops.one_hot(labels, y_pred.shape[-1], dtype=y_pred.dtype)
    return keras.losses.categorical_crossentropy(
        one_hot, y_pred, label_smoothing=LABEL_SMOOTHING
    )


'''

PREDICT = "    probabilities = model.predict(images, batch_size=256, verbose=0)"
PREDICT_TTA = """    probabilities = model.predict(images, batch_size=256, verbose=0)
    # Test-time augmentation: the mean of each image's and its mirror's probabilities
    mirrored = model.predict(images[:, :, ::-1], batch_size=256, verbose=0)
    probabilities = (probabilities + mirrored) / 2"""


def uses_whitening(network: list[dict]) -> bool:
    return any(layer["type"] == "whitening" for layer in network)


def whitening_code(network: list[dict]) -> list[str]:
    """The `Whitening` layer and `fit_whitening`, when the network has one."""
    return WHITENING.splitlines() if uses_whitening(network) else []


def constants(config: TrainConfig) -> list[str]:
    return [f"LABEL_SMOOTHING = {config.label_smoothing:g}"] if config.label_smoothing else []


def schedule_lines(config: TrainConfig) -> list[str]:
    """The warmup-cosine schedule inside `make_optimizer(steps_per_epoch)`, as `learning_rate`."""
    if config.schedule != "warmup_cosine":
        return []
    return [
        f"    # From 0.2 x the rate up to it over the first {config.warmup_fraction:g} of the "
        "steps, then a cosine down to 0.07 x it",
        "    total = steps_per_epoch * EPOCHS",
        f"    warmup = round({config.warmup_fraction:g} * total)",
        "    learning_rate = keras.optimizers.schedules.CosineDecay(",
        f"        0.2 * {config.learning_rate:g}, decay_steps=max(1, total - warmup), alpha=0.07,",
        f"        warmup_target={config.learning_rate:g}, warmup_steps=warmup,",
        "    )",
    ]


def optimizer_extra(config: TrainConfig) -> str:
    """`, weight_decay=...` for the optimizer call, or nothing."""
    return f", weight_decay={config.weight_decay:g}" if config.weight_decay else ""


def loss_expression(config: TrainConfig) -> str:
    return "smoothed_loss" if config.label_smoothing else '"sparse_categorical_crossentropy"'


def loss_code(config: TrainConfig) -> list[str]:
    return SMOOTHED_LOSS.splitlines() if config.label_smoothing else []


def scoring(text: str, config: TrainConfig) -> str:
    """The scoring code, with test-time flip averaging when the run used it."""
    return text.replace(PREDICT, PREDICT_TTA) if config.tta_flip else text
