"""The assignment's Keras 2 version: valid Python, labelled, in the assignment's own style.

There is no Keras 2 here, so it is not run: these tests parse it and check what it says.
"""

from __future__ import annotations

import ast

import pytest

from cnnapp.config import Preprocessing
from cnnapp.export import from_choices, keras2_script
from cnnapp.export.keras2 import LABEL
from cnnapp.nets.presets import PRESETS, get_preset

AUGMENTED = Preprocessing(normalize=True, horizontal_flip=True, zoom_range=0.2)


def script(network, dataset=None, preprocessing=None, **config) -> str:
    settings = from_choices(network, dataset, preprocessing, config, network_name="net")
    return keras2_script(settings)


def calls(text: str) -> dict[str, list[ast.Call]]:
    """Every call in the code, by the called name (`fit_generator`, `SGD`, ...)."""
    found: dict[str, list[ast.Call]] = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            found.setdefault(name, []).append(node)
    return found


def keywords(call: ast.Call) -> dict:
    return {k.arg: ast.literal_eval(k.value) for k in call.keywords if _literal(k.value)}


def _literal(node) -> bool:
    try:
        ast.literal_eval(node)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_preset_parses_and_is_labelled(preset):
    network = PRESETS[preset].spec
    dataset = {"name": "cub200"} if network[0]["type"] == "backbone" else {"name": "cifar100_25"}
    text = script(network, dataset, AUGMENTED if preset != "resnet50_fe_v1" else None)
    ast.parse(text)
    assert text.splitlines()[0] == f"# {LABEL}"
    assert LABEL == "Keras 2 (the assignment's code; does not run on Keras 3)"
    assert "To run it, use the Keras 3 script beside it" in text


def test_a_cnn_is_trained_as_in_sections_2_and_3():
    text = script(
        get_preset("mired_bn_v3"), {"name": "cifar100_25"}, AUGMENTED, early_stopping=True
    )
    found = calls(text)
    assert keywords(found["SGD"][0]) == {
        "lr": 0.01,
        "decay": 1e-6,
        "momentum": 0.9,
        "nesterov": True,
    }
    train_generator, test_generator = found["ImageDataGenerator"]
    assert keywords(train_generator) == {
        "featurewise_center": True,
        "featurewise_std_normalization": True,
        "horizontal_flip": True,
        "zoom_range": 0.2,
        "validation_split": 0.1,
    }
    assert keywords(test_generator) == {
        "featurewise_center": True,
        "featurewise_std_normalization": True,
    }
    assert "datagen_train.fit(x_train)" in text and "datagen_test.fit(x_train)" in text
    assert {keywords(c).get("subset") for c in found["flow"] if "subset" in keywords(c)} == {
        "training",
        "validation",
    }
    assert len(found["fit_generator"]) == 1
    assert keywords(found["EarlyStopping"][0]) == {
        "monitor": "val_acc",
        "patience": 4,
        "restore_best_weights": True,
    }
    assert "cifar100.load_data(label_mode='fine')" in text and "np.arange(25)" in text
    assert "model.add(Conv2D(32, kernel_size=(3, 3), input_shape=input_shape))" in text
    assert text.count("model.add(BatchNormalization())") == 6
    assert "loss=keras.losses.categorical_crossentropy" in text
    assert "predict_generator(datagen_test.flow(x_test, batch_size=1, shuffle=False)" in text


def test_a_feature_extractor_is_written_as_in_section_4():
    text = script(PRESETS["resnet50_fe_v3"].spec, {"name": "cub200"})
    found = calls(text)
    assert "ImageDataGenerator(preprocessing_function=preprocess_input)" in text
    assert "from keras.applications.resnet50 import ResNet50, preprocess_input" in text
    assert keywords(found["ResNet50"][0])["pooling"] == "avg"
    assert "resnet50.predict_generator(train, steps=len(x_train))" in text
    assert "model.add(Dense(512, activation='relu', input_shape=(2048,)))" in text
    assert keywords(found["fit"][0]) == {"validation_split": 0.1}
    assert "fit_generator" not in text


def test_fine_tuning_builds_a_model_on_the_backbones_output():
    network = get_preset("resnet50_ft_v1")
    network[0]["trainable_blocks"] = 3
    text = script(network, {"name": "cub200"}, AUGMENTED, optimizer="adam", decay=0.0)
    assert "x = resnet50.output" in text
    assert "model = Model(inputs=resnet50.input, outputs=last)" in text
    assert "layer.trainable = layer.name.startswith(('conv5_block1_', 'conv5_block2_', " in text
    assert "Adam(lr=0.01, decay=0)" in text
    assert "preprocessing_function=preprocess_input, featurewise_center=True" in text


def test_it_says_where_the_runs_protocol_differs():
    ours = script(get_preset("basenet"), None, AUGMENTED)
    theirs = script(get_preset("basenet"), None, AUGMENTED, protocol="assignment")
    assert "The run followed CNN Lab's protocol; this code does as the assignment did" in ours
    assert "CNN Lab's protocol" not in theirs
    assert "ImageDataGenerator has no contrast option" in script(
        get_preset("basenet"), None, Preprocessing(contrast_range=0.2)
    )


def _code_only(text: str) -> str:
    """The program without its texts: every string constant blanked (comments are dropped)."""
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = ""
    return ast.dump(tree)


def test_user_given_names_never_become_code():
    """A label or a zip's name with quotes, backslashes and newlines stays inside the texts."""
    from cnnapp.export import keras3_script

    evil = 'net"""\nimport os\nos.system("echo owned")  # \\N{'

    def both(name: str) -> list[str]:
        ref = {"name": "folder", "path": f"/uploads/{name}.zip"}
        settings = from_choices(
            get_preset("basenet"), ref, None, None, network_name=name, label=name
        )
        return [keras3_script(settings), keras2_script(settings)]

    for evil_text, plain_text in zip(both(evil), both("net"), strict=True):
        assert _code_only(evil_text) == _code_only(plain_text)  # the same program
        assert "net''' import os os.system('echo owned') # /N{" in evil_text  # one line
