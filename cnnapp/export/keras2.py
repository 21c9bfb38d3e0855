"""The same run in the assignment's own Keras 2 code (it does not run on Keras 3).

`keras2_script(settings)` writes the run as the assignment wrote its experiments (read
`/work/shared/seed/`, sections 2-4): `ImageDataGenerator(featurewise_center=...,
validation_split=0.1)`, `datagen.fit(x_train)`, `fit_generator`, `SGD(lr=0.01, decay=1e-6,
momentum=0.9, nesterov=True)`, one-hot labels with `categorical_crossentropy`, and, for the birds,
`ResNet50(include_top=False, weights='imagenet', pooling='avg')` with `preprocess_input`. It is for
reading beside the Keras 3 script, which runs; it is labelled so at its top.
"""

from __future__ import annotations

from cnnapp.export.layers import keras2_imports, layer_code
from cnnapp.export.settings import CIFAR, ScriptSettings
from cnnapp.nets.backbone_catalog import BACKBONES

LABEL = "Keras 2 (the assignment's code; does not run on Keras 3)"


def _header(s: ScriptSettings) -> list[str]:
    source = f"CNN Lab's run {s.run_id}" if s.run_id else "from CNN Lab, not trained there yet"
    lines = [
        f"# {LABEL}",
        f"# {s.label}: {source}, written as the assignment wrote its code.",
        "# To run it, use the Keras 3 script beside it (same data, network and settings).",
    ]
    if s.config.protocol == "ours":
        lines += [
            "# The run followed CNN Lab's protocol; this code does as the assignment did:",
            "# normalisation fitted on all of x_train (datagen.fit), validation images from the",
            "# same augmenting generator, a fine-tuned backbone's batch norm training.",
        ]
    if s.dataset["limit"]:
        lines.append(
            f"# The run used at most {s.dataset['limit']:,} training images; this uses all."
        )
    return [*lines, ""]


def _imports(s: ScriptSettings) -> list[str]:
    backbone = s.backbone
    layer_names = ", ".join(keras2_imports(s.network))
    lines = ["import numpy as np", "import keras", "from keras.models import Sequential, Model"]
    lines += [f"from keras.layers import {layer_names}", f"from keras.optimizers import {_opt(s)}"]
    lines += [
        "from keras.preprocessing.image import ImageDataGenerator",
        "from keras.callbacks import EarlyStopping",
        "from keras.utils import np_utils",
    ]
    if s.dataset["name"] in CIFAR:
        module = "cifar100" if s.dataset["name"] == "cifar100_25" else "cifar10"
        lines.append(f"from keras.datasets import {module}")
    else:
        lines += ["import os", "from keras.preprocessing.image import load_img, img_to_array"]
    if backbone is not None:
        info = BACKBONES[backbone["name"]]
        module = backbone["name"]
        lines.append(
            f"from keras.applications.{module} import {info.constructor}, preprocess_input"
        )
    c = s.config
    return [*lines, "", f"batch_size = {c.batch_size}", f"epochs = {c.epochs}", ""]


def _opt(s: ScriptSettings) -> str:
    return "Adam" if s.config.optimizer == "adam" else "SGD"


def _cifar(s: ScriptSettings, scale: bool) -> list[str]:
    name = s.dataset["name"]
    classes = 25 if name == "cifar100_25" else 10
    call = "cifar100.load_data(label_mode='fine')" if classes == 25 else "cifar10.load_data()"
    lines = [
        "def cargarImagenes():",
        f"    # {'CIFAR-100, its first 25 classes' if classes == 25 else 'CIFAR-10'}, as the "
        "assignment's template loaded them",
        f"    (x_train, y_train), (x_test, y_test) = {call}",
        "    x_train = x_train.astype('float32')",
        "    x_test = x_test.astype('float32')",
    ]
    if scale:
        lines += ["    x_train /= 255", "    x_test /= 255"]
    if classes == 25:
        lines += [
            "    train_idx = np.isin(y_train, np.arange(25))",
            "    train_idx = np.reshape(train_idx, -1)",
            "    x_train = x_train[train_idx]",
            "    y_train = y_train[train_idx]",
            "    test_idx = np.isin(y_test, np.arange(25))",
            "    test_idx = np.reshape(test_idx, -1)",
            "    x_test = x_test[test_idx]",
            "    y_test = y_test[test_idx]",
        ]
    return lines + [
        f"    y_train = np_utils.to_categorical(y_train, {classes})",
        f"    y_test = np_utils.to_categorical(y_test, {classes})",
        "    return x_train, y_train, x_test, y_test",
        "",
        "x_train, y_train, x_test, y_test = cargarImagenes()",
    ]


def _folder(s: ScriptSettings, size: int, scale: bool) -> list[str]:
    divide = " / 255" if scale else ""
    return [
        "# The images: train/ and test/ folders of class subfolders (one folder per class)",
        "path = 'imagenes'",
        "",
        "def cargarDatos(folder, size):",
        "    class_names = sorted(os.listdir(folder))",
        "    x, y = [], []",
        "    for label, name in enumerate(class_names):",
        "        for file in sorted(os.listdir(os.path.join(folder, name))):",
        "            img = load_img(os.path.join(folder, name, file), target_size=(size, size))",
        "            x.append(img_to_array(img))",
        "            y.append(label)",
        "    order = np.random.RandomState(0).permutation(len(x))  # every class in validation",
        f"    x = np.array(x, dtype='float32')[order]{divide}",
        "    y = np_utils.to_categorical(np.array(y)[order], len(class_names))",
        "    return x, y",
        "",
        f"x_train, y_train = cargarDatos(os.path.join(path, 'train'), {size})",
        f"x_test, y_test = cargarDatos(os.path.join(path, 'test'), {size})",
    ]


def _data(s: ScriptSettings) -> list[str]:
    backbone = s.backbone
    scale = backbone is None  # a backbone's preprocess_input takes 0-255 pixels
    size = backbone["input_size"] if backbone is not None else s.dataset["image_size"]
    lines = _cifar(s, scale) if s.dataset["name"] in CIFAR else _folder(s, size, scale)
    shape = "x_train.shape[1:]" if backbone is None else f"({size}, {size}, 3)"
    return [*lines, f"input_shape = {shape}", "num_classes = y_train.shape[1]", ""]


def _generator_args(s: ScriptSettings, training: bool) -> list[str]:
    p, args = s.preprocessing, []
    if s.backbone is not None:
        args.append("preprocessing_function=preprocess_input")
    if p.normalize:
        args += ["featurewise_center=True", "featurewise_std_normalization=True"]
    if training:
        if p.horizontal_flip:
            args.append("horizontal_flip=True")
        if p.zoom_range:
            args.append(f"zoom_range={p.zoom_range:g}")
        if p.rotation_range:
            args.append(f"rotation_range={p.rotation_range:g}")
        if p.translation_range:
            t = f"{p.translation_range:g}"
            args += [f"width_shift_range={t}", f"height_shift_range={t}"]
        if s.config.validation_split:
            args.append(f"validation_split={s.config.validation_split:g}")
    return args


def _block_prefixes(backbone: dict) -> tuple[str, ...]:
    """Name prefixes of the layers in a backbone's top `trainable_blocks` blocks."""
    name, count = backbone["name"], backbone["trainable_blocks"]
    total = len(BACKBONES[name].block_params)
    if name == "resnet50":
        stages = [(stage, k) for stage, n in ((2, 3), (3, 4), (4, 6), (5, 3)) for k in range(n)]
        return tuple(f"conv{stage}_block{k + 1}_" for stage, k in stages[total - count :])
    prefixes = []
    for block in range(total - count, total):
        if block == 0:
            prefixes.append("expanded_conv")
        elif block == total - 1:
            prefixes += ["Conv_1", "out_relu"]
        else:
            prefixes.append(f"block_{block}_")
    return tuple(prefixes)


def _network(s: ScriptSettings) -> list[str]:
    backbone = s.backbone
    if backbone is None:
        lines = ["model = Sequential()"]
        for i, layer in enumerate(s.network):
            shape = "input_shape" if i == 0 else None
            lines.append(f"model.add({layer_code(layer, keras2=True, input_shape=shape)})")
        return [*lines, "model.add(Dense(num_classes, activation='softmax'))", ""]
    info = BACKBONES[backbone["name"]]
    weights = "'imagenet'" if backbone["weights"] == "imagenet" else "None"
    var = backbone["name"].replace("_", "")
    lines = [
        f"{var} = {info.constructor}(include_top=False, weights={weights}, "
        f"pooling='{backbone['pooling']}', input_shape=input_shape)"
    ]
    if not backbone["trainable"]:
        lines.append(f"{var}.trainable = False")
    elif backbone["trainable_blocks"] is not None:
        lines += [
            f"# Only its top {backbone['trainable_blocks']} blocks learn",
            f"for layer in {var}.layers:",
            f"    layer.trainable = layer.name.startswith({_block_prefixes(backbone)!r})",
        ]
    lines.append(f"x = {var}.output")
    for layer in s.network[1:]:
        lines.append(f"x = {layer_code(layer, keras2=True)}(x)")
    return lines + [
        "last = Dense(num_classes, activation='softmax')(x)",
        f"model = Model(inputs={var}.input, outputs=last)",
        "",
    ]


def _compile(s: ScriptSettings) -> list[str]:
    c = s.config
    if c.optimizer == "adam":
        opt = f"Adam(lr={c.learning_rate:g}, decay={c.decay:g})"
    else:
        nesterov = ", nesterov=True" if c.nesterov else ""
        opt = f"SGD(lr={c.learning_rate:g}, decay={c.decay:g}, momentum={c.momentum:g}{nesterov})"
    return [
        f"opt = {opt}",
        "model.compile(loss=keras.losses.categorical_crossentropy, optimizer=opt, metrics=['acc'])",
        "",
    ]


def _callbacks(s: ScriptSettings) -> str:
    c = s.config
    if not c.early_stopping:
        return ""
    return (
        f", callbacks=[EarlyStopping(monitor='val_acc', patience={c.patience}, "
        f"restore_best_weights={c.restore_best_weights})]"
    )


def _fit_generator(s: ScriptSettings) -> list[str]:
    """The generators, `datagen.fit(x_train)` and `fit_generator`, as in sections 2-3 and 4."""
    c, p = s.config, s.preprocessing
    train_args = ", ".join(_generator_args(s, training=True))
    test_args = ", ".join(_generator_args(s, training=False))
    lines = [f"datagen_train = ImageDataGenerator({train_args})"]
    lines.append(f"datagen_test = ImageDataGenerator({test_args})")
    if p.contrast_range:
        lines.append(
            f"# contrast_range {p.contrast_range:g}: ImageDataGenerator has no contrast option"
        )
    if p.normalize:
        lines += ["datagen_train.fit(x_train)", "datagen_test.fit(x_train)"]
    split = c.validation_split
    subset = ", subset='training'" if split else ""
    lines += [
        "",
        f"train = datagen_train.flow(x_train, y_train, batch_size=batch_size{subset})",
    ]
    fit = (
        f"histograma = model.fit_generator(train, steps_per_epoch=len(x_train)*{1 - split:g}"
        "/batch_size, epochs=epochs"
    )
    if split:
        lines.append(
            "validation = datagen_train.flow(x_train, y_train, batch_size=batch_size, "
            "subset='validation')"
        )
        fit += f", validation_data=validation, validation_steps=len(x_train)*{split:g}/batch_size"
    return [*lines, fit + _callbacks(s) + ")", ""]


def _extract(s: ScriptSettings) -> list[str]:
    """Section 4's feature extractor: features once, then the head trained on them."""
    backbone = s.backbone
    info = BACKBONES[backbone["name"]]
    var = backbone["name"].replace("_", "")
    weights = "'imagenet'" if backbone["weights"] == "imagenet" else "None"
    features = f"({info.features},)"  # the pooled features' size
    head = [
        f"model.add({layer_code(layer, keras2=True, input_shape=None if i else features)})"
        for i, layer in enumerate(s.network[1:])
    ]
    first = "" if head else f", input_shape={features}"
    head.append(f"model.add(Dense(num_classes, activation='softmax'{first}))")
    split = f", validation_split={s.config.validation_split:g}" if s.config.validation_split else ""
    return [
        "datagen_train = ImageDataGenerator(preprocessing_function=preprocess_input)",
        "datagen_test = ImageDataGenerator(preprocessing_function=preprocess_input)",
        f"{var} = {info.constructor}(include_top=False, weights={weights}, "
        f"pooling='{backbone['pooling']}', input_shape=input_shape)",
        "train = datagen_train.flow(x_train, y_train, batch_size=1, shuffle=False)",
        "test = datagen_test.flow(x_test, batch_size=1, shuffle=False)",
        f"train_features = {var}.predict_generator(train, steps=len(x_train))",
        f"test_features = {var}.predict_generator(test, steps=len(x_test))",
        "",
        "model = Sequential()",
        *head,
        "",
        *_compile(s),
        "histograma = model.fit(train_features, y_train, batch_size=batch_size, epochs=epochs"
        f"{split}{_callbacks(s)})",
        "",
    ]


def _scores(s: ScriptSettings) -> list[str]:
    """Test and train accuracy as the assignment computed them, and its results row."""
    lines = [
        "def calcularAccuracy(labels, preds):",
        "    labels = np.argmax(labels, axis=1)",
        "    preds = np.argmax(preds, axis=1)",
        "    return sum(labels == preds) / len(labels)",
        "",
    ]
    if s.kind == "extract":
        lines += [
            "preds = model.predict(test_features)",
            "test_accuracy = calcularAccuracy(y_test, preds)",
            "preds = model.predict(train_features)",
            "train_accuracy = calcularAccuracy(y_train, preds)",
        ]
    else:
        for split, images in (("test", "x_test"), ("train", "x_train")):
            lines += [
                f"preds = model.predict_generator(datagen_test.flow({images}, batch_size=1, "
                f"shuffle=False), steps=len({images}))",
                f"{split}_accuracy = calcularAccuracy(y_{split}, preds)",
            ]
    val = s.config.validation_split
    return lines + [
        'print("Test accuracy = " + str(test_accuracy))',
        'print("Train accuracy = " + str(train_accuracy))',
        "# The assignment's columns (validation: the last epoch's figures)",
        "print(histograma.history['loss'][-1], train_accuracy, "
        + ("histograma.history['val_loss'][-1], histograma.history['val_acc'][-1], " if val else "")
        + "test_accuracy)",
    ]


def keras2_script(settings: ScriptSettings) -> str:
    """The run in the assignment's Keras 2 code, labelled so (see the module docstring)."""
    s = settings
    lines = [*_header(s), *_imports(s), *_data(s)]
    if s.kind == "extract":
        lines += _extract(s)
    else:
        lines += [*_network(s), *_compile(s), *_fit_generator(s)]
    return "\n".join([*lines, *_scores(s)]) + "\n"
