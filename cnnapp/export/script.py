"""A complete, runnable Keras 3 script for one run (or the network being built), as text.

`keras3_script(settings)` writes one Python file that a student runs after `pip install keras
tensorflow`, importing nothing of CNN Lab: the same data and validation split, preprocessing,
network, optimizer and learning-rate schedule, callbacks and protocol as the run, scored in the
assignment's columns. Its last printed line is one JSON object (`RESULT_COLUMNS`, `params`,
`epochs_run`, `scored_epoch`, `history`). It takes `--data PATH`, `--epochs N` and `--batch-size N`.

Each section is one function from `ScriptSettings` to lines: `header`, `imports`, `constants`,
then `cnnapp.export.data.data_section`, `cnnapp.export.model.network_section`, `training_section`,
`scoring_section` and `main_section`.
"""

from __future__ import annotations

import textwrap

from cnnapp.export import modern
from cnnapp.export.data import data_section, needs_data_message
from cnnapp.export.model import network_section
from cnnapp.export.settings import CIFAR, NEEDS_DATA, ScriptSettings
from cnnapp.training.scoring import RESULT_COLUMNS

WIDTH = 99  # the script's longest line


def section_title(title: str) -> list[str]:
    """A `# Title ----` line as wide as the script."""
    return [f"# {title} ".ljust(WIDTH, "-"), "", ""]


def wrapped(text: str, indent: str = "", first: str = "") -> list[str]:
    """`text` wrapped to the script's width, the first line after `first`, the rest after
    `indent`."""
    return textwrap.wrap(
        text, WIDTH, initial_indent=first, subsequent_indent=indent, break_on_hyphens=False
    )


def describe_training(settings: ScriptSettings) -> str:
    """The optimizer, schedule, batch, epochs and early stopping in words."""
    c = settings.config
    if c.optimizer == "sgd":
        nesterov = ", Nesterov" if c.nesterov else ""
        text = f"SGD (learning rate {c.learning_rate:g}, momentum {c.momentum:g}{nesterov}"
    else:
        text = f"Adam (learning rate {c.learning_rate:g}"
    text += f", Keras 2 decay {c.decay:g})" if c.decay else ")"
    text += f", batch {c.batch_size}, {c.epochs} epochs"
    if c.early_stopping:
        restore = ", best weights restored" if c.restore_best_weights else ""
        text += f", early stopping on val_accuracy (patience {c.patience}{restore})"
    return text + f", seed {c.seed}"


def describe_protocol(protocol: str) -> str:
    if protocol == "assignment":
        return (
            'the assignment\'s ("assignment"): normalisation fitted on all training images, '
            "validation part included; validation images augmented like training ones; a "
            "fine-tuned backbone's batch norm trains"
        )
    return (
        'CNN Lab\'s ("ours"): normalisation fitted on the training part only; validation '
        "images not augmented; a fine-tuned backbone's batch norm stays in inference mode"
    )


def header(settings: ScriptSettings) -> list[str]:
    """The module docstring: what it repeats, how to run it, what it prints."""
    s, stem = settings, settings.file_stem
    source = f"CNN Lab's run {s.run_id}" if s.run_id else "from CNN Lab, not trained there yet"
    shape = "x".join(map(str, s.input_shape))
    data = s.data_name + (" (downloaded by Keras)" if s.dataset["name"] in CIFAR else "")
    where = "LAST" if s.kind == "extract" else "FIRST"
    split = f"the {where} {s.config.validation_split:.0%} of the training images validate"
    if s.dataset["name"] in NEEDS_DATA:
        data_help = needs_data_message(s).split(": give --data, ", 1)[-1]
        usage = f"    python {stem}.py --data PATH"
    else:
        data_help = "(optional) a folder or .zip of class subfolders instead of the run's data"
        usage = f"    python {stem}.py"
    network = s.network_name or "a custom network"
    bullets = [
        f"data: {data}; {split};",
        f"preprocessing: {s.preprocessing.describe()};",
        f"network: {network}, {s.params:,} parameters for {shape} images, {s.num_classes} classes;",
        f"training: {describe_training(s)};",
        f"protocol: {describe_protocol(s.config.protocol)}.",
    ]
    lines = [f'"""{s.label}: {source}, in plain Keras 3.', "", "It repeats that run:"]
    for bullet in bullets:
        lines += wrapped(bullet, "  ", "- ")
    if s.config.mixed_precision:
        lines.append("The run used mixed precision on its device; this script trains in float32.")
    columns = ", ".join(RESULT_COLUMNS)
    return [
        *lines,
        "It imports nothing of CNN Lab. Run it:",
        "",
        "    pip install keras tensorflow",
        usage,
        f"    python {stem}.py --data photos.zip --epochs 2 --batch-size 64",
        "",
        *wrapped(f"--data PATH: {data_help.rstrip('.')}."),
        *wrapped(
            f"The last line printed is one JSON object: the assignment's columns ({columns}; "
            "null without that split), params, epochs_run, scored_epoch and history (one entry "
            "per epoch)."
        ),
        '"""',
        "",
    ]


def imports(settings: ScriptSettings) -> list[str]:
    modules = ["argparse", "json", "math", "pathlib"]  # math: the batches per epoch
    backbone = settings.backbone
    if backbone is not None and backbone["trainable_blocks"] is not None:
        modules.append("re")
    modules += ["tempfile", "zipfile"]
    return [*(f"import {m}" for m in modules), "", "import keras", "import numpy as np"] + [
        "from keras import layers",
        "",
    ]


def constants(settings: ScriptSettings) -> list[str]:
    c, ref = settings.config, settings.dataset
    lines = [
        f"SEED = {c.seed}  # weights, shuffling, augmentation and dropout",
        f"EPOCHS = {c.epochs}",
        f"BATCH_SIZE = {c.batch_size}",
        f"VALIDATION_SPLIT = {c.validation_split:g}",
        f"IMAGE_SIZE = {ref['image_size']}  # images are resized to IMAGE_SIZE x IMAGE_SIZE",
    ]
    if ref["limit"]:
        lines.append(f"LIMIT = {ref['limit']}  # at most this many training images")
    lines += modern.constants(c)
    return ["", *lines, "", ""]


def _optimizer(settings: ScriptSettings) -> list[str]:
    c = settings.config
    lines = [
        "def make_optimizer(steps_per_epoch):",
        f'    """{describe_training(settings).split(", batch")[0]}."""',
    ]
    rate = f"{c.learning_rate:g}"
    if c.schedule == "warmup_cosine":
        lines += modern.schedule_lines(c)
        rate = "learning_rate"
    elif c.decay:
        lines += [
            f"    # Keras 2's decay={c.decay:g} used lr / (1 + decay * iterations): exactly this",
            "    learning_rate = keras.optimizers.schedules.InverseTimeDecay(",
            f"        {rate}, decay_steps=1, decay_rate={c.decay:g}",
            "    )",
        ]
        rate = "learning_rate"
    extra = modern.optimizer_extra(c)
    if c.optimizer == "adam":
        lines.append(f"    return keras.optimizers.Adam(learning_rate={rate}{extra})")
    else:
        lines += [
            f"    return keras.optimizers.SGD(learning_rate={rate}, momentum={c.momentum:g}, "
            f"nesterov={c.nesterov}" + ("," if extra else ")"),
            *([f"        {extra.lstrip(', ')})"] if extra else []),
        ]
    return [*lines, "", ""]


AUGMENTED_VALIDATION = '''class AugmentedImages(keras.utils.PyDataset):
    """Validation batches augmented afresh every epoch, as the assignment's validation images
    came from the same augmenting ImageDataGenerator(validation_split=0.1)."""

    def __init__(self, images, labels, batch_size, seed):
        super().__init__()
        self.images, self.labels, self.batch_size = images, labels, batch_size
        self.augmentation = augmentation_layers(seed)

    def __len__(self):
        return math.ceil(len(self.images) / self.batch_size)

    def __getitem__(self, index):
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        x = self.images[part].astype("float32") / 255.0
        for layer in self.augmentation:
            x = layer(x, training=True)
        return keras.ops.convert_to_numpy(x) * 255.0, self.labels[part]


'''


def training_section(settings: ScriptSettings) -> list[str]:
    """`make_optimizer()` and `train(...)`: compile and fit with the run's callbacks."""
    c = settings.config
    callbacks = "[]"
    early = ["    early_stopping = None"]
    if c.early_stopping:
        callbacks = "[early_stopping]"
        early = [
            "    early_stopping = keras.callbacks.EarlyStopping(",
            f'        monitor="val_accuracy", mode="max", patience={c.patience}, '
            f"restore_best_weights={c.restore_best_weights}",
            "    )",
        ]
    lines = _optimizer(settings)
    if settings.kind == "train" and c.protocol == "assignment" and settings.preprocessing.augments:
        lines += AUGMENTED_VALIDATION.splitlines()
    lines += modern.loss_code(c)
    return lines + [
        "def train(model, x_train, y_train, validation, epochs, batch_size):",
        '    """Compiles and fits the model; returns its History and the early stopping (or None)."""',
        "    model.compile(",
        "        optimizer=make_optimizer(math.ceil(len(x_train) / batch_size)),",
        f'        loss={modern.loss_expression(c)}, metrics=["accuracy"],',
        "    )",
        *early,
        "    history = model.fit(",
        "        x_train,",
        "        y_train,",
        "        batch_size=batch_size,",
        "        epochs=epochs,",
        "        validation_data=validation,",
        "        shuffle=True,",
        f"        callbacks={callbacks},",
        "        verbose=2,",
        "    )",
        "    return history, early_stopping",
        "",
        "",
    ]


SCORING = '''def accuracy(model, images, labels):
    """Fraction of images whose most probable class is the label, in inference mode."""
    if images is None or len(images) == 0:
        return None
    probabilities = model.predict(images, batch_size=256, verbose=0)
    return float(np.mean(np.argmax(probabilities, axis=1) == labels))


def results(model, history, early_stopping, train, test, params):
    """The assignment's columns, all of one epoch: the restored best one, else the last."""
    epochs = history.history
    scored = len(epochs["loss"]) - 1
    if early_stopping is not None and early_stopping.restore_best_weights:
        if early_stopping.best_weights is not None:
            scored = int(early_stopping.best_epoch)

    def at(name):
        return float(epochs[name][scored]) if name in epochs else None

    return {
        "train_loss": at("loss"),
        # Predicted on ALL training images, validation part included, as the assignment did
        "train_accuracy": accuracy(model, *train),
        "val_loss": at("val_loss"),
        "val_accuracy": at("val_accuracy"),
        "test_accuracy": accuracy(model, *test),
        "params": int(params),
        "epochs_run": len(epochs["loss"]),
        "scored_epoch": scored + 1,
        "history": [
            {"epoch": i + 1, **{name: float(values[i]) for name, values in epochs.items()}}
            for i in range(len(epochs["loss"]))
        ],
    }


'''


def scoring_section(settings: ScriptSettings) -> list[str]:
    return modern.scoring(SCORING, settings.config).splitlines()


ARGUMENTS = """    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="a folder or .zip of class subfolders (see above)")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help=f"default {EPOCHS}")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help=f"default {BATCH_SIZE}")
    args = parser.parse_args()
    if args.epochs < 1 or args.batch_size < 1:
        parser.error(f"--epochs and --batch-size must be at least 1: {args.epochs}, "
                     f"{args.batch_size}")
    keras.utils.set_random_seed(SEED)
    x, y, x_test, y_test, class_names = load_data(args.data)
"""


def _normalization(settings: ScriptSettings) -> list[str]:
    if not settings.preprocessing.normalize:
        return []
    if settings.config.protocol == "assignment":
        lines = [
            "    # Fitted on ALL training images, validation part included, as the assignment's",
            "    # datagen.fit(x_train)",
            "    mean, variance = channel_statistics(x)",
        ]
    else:
        lines = [
            "    # Fitted on the training part only: the validation images stay unseen",
            "    mean, variance = channel_statistics(x_train)",
        ]
    if settings.backbone is not None:
        lines.append("    mean, variance = after_preprocess_input(mean, variance)")
    return [*lines, "    normalization = layers.Normalization(mean=mean, variance=variance)"]


def _main_train(settings: ScriptSettings) -> list[str]:
    normalize = settings.preprocessing.normalize
    args = "x.shape[1:], len(class_names)" + (", normalization" if normalize else "")
    validation = ["    validation = (x_val, y_val) if len(x_val) else None"]
    if settings.config.protocol == "assignment" and settings.preprocessing.augments:
        validation = [
            "    # Validation images augmented like the training ones, as in the assignment",
            "    validation = AugmentedImages(x_val, y_val, args.batch_size, SEED) if len(x_val) "
            "else None",
        ]
    return [
        "    x_train, y_train, x_val, y_val = split_validation(x, y, VALIDATION_SPLIT)",
        "    if len(x_train) == 0:",
        '        raise SystemExit("error: no training images are left after the validation split.")',
        *_normalization(settings),
        f"    model = make_model({args})",
        *(["    fit_whitening(model, x_train)"] if modern.uses_whitening(settings.network) else []),
        *validation,
        "    history, early_stopping = train(",
        "        model, x_train, y_train, validation, args.epochs, args.batch_size",
        "    )",
        "    scores = results(",
        "        model, history, early_stopping, (x, y), (x_test, y_test), model.count_params()",
        "    )",
    ]


def _main_extract() -> list[str]:
    return [
        "    extractor = make_extractor(x.shape[1:])",
        "    # Each image goes through the frozen backbone once (the assignment's predict_generator)",
        "    features = extractor.predict(x, batch_size=32, verbose=0)",
        "    test_features = None",
        "    if x_test is not None:",
        "        test_features = extractor.predict(x_test, batch_size=32, verbose=0)",
        "    head = make_head(features.shape[1], len(class_names))",
        "    f_train, y_train, f_val, y_val = split_validation(features, y, VALIDATION_SPLIT)",
        "    validation = (f_val, y_val) if len(f_val) else None",
        "    history, early_stopping = train(",
        "        head, f_train, y_train, validation, args.epochs, args.batch_size",
        "    )",
        "    params = extractor.count_params() + head.count_params()",
        "    scores = results(",
        "        head, history, early_stopping, (features, y), (test_features, y_test), params",
        "    )",
    ]


def main_section(settings: ScriptSettings) -> list[str]:
    body = _main_extract() if settings.kind == "extract" else _main_train(settings)
    return [
        "def main():",
        *ARGUMENTS.splitlines(),
        *body,
        "    print(json.dumps(scores))  # the last line: one JSON object",
        "",
        "",
        'if __name__ == "__main__":',
        "    main()",
    ]


def keras3_script(settings: ScriptSettings) -> str:
    """The whole runnable Keras 3 script for `settings` (see the module docstring)."""
    c = settings.config
    lines = [
        *header(settings),
        *imports(settings),
        *constants(settings),
        *section_title("Data"),
        *data_section(settings),
        *section_title("Preprocessing and the network"),
        *network_section(settings.network, settings.preprocessing, settings.kind, c.protocol),
        *section_title("Training"),
        *training_section(settings),
        *section_title("Scoring, in the assignment's columns"),
        *scoring_section(settings),
        *main_section(settings),
    ]
    return "\n".join(lines) + "\n"
