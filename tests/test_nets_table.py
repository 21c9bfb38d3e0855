"""The layer table as text: the editor's layer numbers, and the fields' labels in words."""

import pytest

from cnnapp.nets.presets import get_preset
from cnnapp.nets.registry import LAYER_TYPES, Field
from cnnapp.nets.spec import summarize
from cnnapp.nets.table import field_help, field_label, layer_numbers, layer_table


def test_basenet_rows_are_numbered_as_its_layers():
    summary = summarize(get_preset("basenet"), (32, 32, 3), 25)
    rows = layer_table(summary, "en")
    numbered = [(row["Layer"], row["Type"]) for row in rows]
    assert numbered == [
        ("1", "Conv2D"),
        ("1b", "Relu"),  # Conv2D(activation="relu") adds it: layer 1's second row
        ("2", "MaxPooling2D"),
        ("3", "Conv2D"),
        ("3b", "Relu"),
        ("4", "MaxPooling2D"),
        ("5", "Flatten"),
        ("6", "Linear"),
        ("6b", "Relu"),
        ("7", "Linear"),  # the output layer the app appends
        ("7b", "Softmax"),
    ]
    assert list(layer_table(summary, "es")[0])[0] == "Capa"


def test_layer_numbers_letters_and_the_output():
    rows = [{"spec_index": 0}, {"spec_index": 0}, {"spec_index": 0}, {"spec_index": 1}]
    rows += [{"spec_index": None}, {"spec_index": None}]
    assert layer_numbers(rows, 2) == ["1", "1b", "1c", "2", "3", "3b"]
    assert layer_numbers([], 0) == []


@pytest.mark.parametrize(
    "name, en, es",
    [
        ("filters", "Filters", "Filtros"),
        ("kernel_size", "Kernel size", "Tamaño del kernel"),
        ("strides", "Strides", "Paso"),
        ("padding", "Padding", "Relleno"),
        ("activation", "Activation", "Activación"),
        ("units", "Units", "Neuronas"),
        ("rate", "Rate", "Tasa"),
        ("pool_size", "Pool size", "Tamaño de la ventana"),
        ("trainable_blocks", "Trainable blocks", "Bloques entrenables"),
    ],
)
def test_field_labels_in_both_languages(name, en, es):
    assert field_label(name, "en") == en and field_label(name, "es") == es


def test_a_new_field_falls_back_to_its_name_in_words():
    assert field_label("momentum") == "Momentum"
    assert field_label("depth_multiplier", "es") == "Depth multiplier"
    new = Field("depth_multiplier", "int", 1, 1, 8, help="channels per input channel")
    assert (
        field_help(new, "en") == "Channels per input channel. Keras argument: `depth_multiplier`."
    )
    assert field_help(Field("axis", "int", -1), "es") == "Argumento de Keras: `axis`."


def test_every_registered_field_has_a_label_in_words_and_its_keras_name_in_the_help():
    for layer_type in LAYER_TYPES.values():
        for f in layer_type.fields:
            for lang in ("en", "es"):
                label, help_text = field_label(f.name, lang), field_help(f, lang)
                assert "_" not in label and label[:1].isupper(), (layer_type.key, f.name, label)
                assert help_text.endswith(f"`{f.name}`."), (layer_type.key, f.name, help_text)
                assert len(help_text) > len(f"`{f.name}`.") + 20  # says what it does, too
