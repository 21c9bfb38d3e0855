"""AppTest of the Build page: presets, layer editing, impossible networks, JSON and Keras code."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from cnnapp.nets.presets import PRESETS, get_preset
from cnnapp.nets.spec import spec_to_json, summarize

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PROCEDURAL_SHAPE, PROCEDURAL_CLASSES = (32, 32, 3), 6


def open_build(lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.switch_page("pages/2_Build.py").run()
    assert not at.exception
    return at


def field(at: AppTest, index: int, name: str):
    """The widget of field `name` of layer `index` (keys carry a structure version)."""
    suffix = f"_{index}_{name}"
    found = [
        w
        for w in [*at.number_input, *at.selectbox, *at.text_input]
        if (w.key or "").endswith(suffix)
    ]
    assert len(found) == 1, [w.key for w in at.number_input]
    return found[0]


def button(at: AppTest, index: int, action: str):
    suffix = f"_{index}_{action}"
    return next(
        b for b in at.button if (b.key or "").endswith(suffix) and b.key.startswith("w_layer_")
    )


def spec(at: AppTest) -> list[dict]:
    return at.session_state["network_spec"]


def errors_inside(node, container_suffix: str, inside: bool = False):
    """Error texts inside any container whose id ends with `container_suffix`."""
    if isinstance(node, Block):
        here = inside or str(getattr(node.proto, "id", "")).endswith(container_suffix)
        for child in node.children.values():
            yield from errors_inside(child, container_suffix, here)
    elif inside and type(node).__name__ == "Error":
        yield node.value.replace("\\", "")  # as Markdown shows it (values are escaped)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_build_renders_in_both_languages(lang):
    at = open_build(lang)
    assert at.title[0].value == ("Build a network" if lang == "en" else "Construye una red")
    header = at.dataframe[0].value.columns[0]
    assert header == ("Layer" if lang == "en" else "Capa")
    assert any("Conv2D" in c.value for c in at.code)  # the Keras code of BaseNet


def _shown_for(network) -> tuple:
    """What Build sizes a network for before a dataset is chosen: the birds for a backbone
    network (the assignment's section 4), else the default procedural dataset."""
    from cnnapp.data.shapes import TRANSFER_SHAPE

    if network and network[0]["type"] == "backbone":
        return TRANSFER_SHAPE
    return PROCEDURAL_SHAPE, PROCEDURAL_CLASSES


@pytest.mark.parametrize("preset", list(PRESETS))
def test_presets_fill_the_layer_table(preset):
    at = open_build()
    at.selectbox(key="w_build_preset_en").set_value(preset).run()
    assert not at.exception
    expected = summarize(get_preset(preset), *_shown_for(get_preset(preset)))
    table = at.dataframe[0].value
    assert len(table) == len(expected.rows)
    assert table["Type"].tolist() == [row["type"] for row in expected.rows]
    assert at.metric[0].value == f"{expected.total_params:,}"
    assert at.session_state["network_name"] == PRESETS[preset].name


def test_an_impossible_network_shows_its_error_beside_the_layer_and_cannot_train():
    at = open_build()
    field(at, 2, "kernel_size").set_value(20).run()  # BaseNet's 2nd conv receives 14×14
    assert not at.dataframe  # no layer table for an impossible network
    beside = list(errors_inside(at.main, "w_layer_0_2"))
    assert len(beside) == 1 and "Layer 3 (Conv2D)" in beside[0] and "14×14" in beside[0]
    assert not list(errors_inside(at.main, "w_layer_0_0"))
    assert at.selectbox(key="w_build_preset_en").value == ""  # edited: now a custom network
    at.switch_page("pages/3_Train.py").run()
    assert any("cannot be trained" in e.value for e in at.error)
    assert at.button(key="w_train_start").disabled
    at.switch_page("pages/2_Build.py").run()
    assert field(at, 2, "kernel_size").value == 20  # the edit survived the page switch
    field(at, 2, "kernel_size").set_value(5).run()
    assert not at.error and at.dataframe


def test_add_move_and_remove_layers():
    at = open_build()
    count = len(spec(at))
    at.selectbox(key="w_build_add_type").set_value("dropout")
    at.number_input(key="w_build_add_position").set_value(2)
    at.button(key="w_build_add").click().run()
    assert len(spec(at)) == count + 1
    assert spec(at)[1] == {"type": "dropout", "rate": 0.5}
    field(at, 1, "rate").set_value(0.25).run()
    assert spec(at)[1]["rate"] == 0.25
    button(at, 1, "down").click().run()
    assert spec(at)[2]["type"] == "dropout" and spec(at)[1]["type"] == "maxpooling2d"
    button(at, 2, "up").click().run()
    assert spec(at)[1]["type"] == "dropout"
    button(at, 1, "remove").click().run()
    assert len(spec(at)) == count and all(layer["type"] != "dropout" for layer in spec(at))
    assert not at.exception
    assert len(at.dataframe[0].value) == len(
        summarize(spec(at), PROCEDURAL_SHAPE, PROCEDURAL_CLASSES).rows
    )


def test_the_network_loads_from_json_and_bad_files_are_refused():
    at = open_build()
    text = spec_to_json(get_preset("mired_v3"))
    at.file_uploader(key="w_build_upload").set_value(
        ("mine.json", text.encode(), "application/json")
    )
    at.run()
    assert not at.exception and not at.error
    assert spec(at) == json.loads(text)
    assert at.session_state["network_name"] == "mine"
    assert at.download_button(key="w_build_save").label == "Save the network (JSON)"
    bad = json.dumps([{"type": "conv2d", "filters": 0}]).encode()
    at.file_uploader(key="w_build_upload").set_value(("bad.json", bad, "application/json")).run()
    assert any("bad.json" in e.value and "filters" in e.value for e in at.error)
    assert spec(at) == json.loads(text)  # the network in the editor is untouched
    huge = b"[" + b" " * 2_000_000 + b"]"  # over the 1 MB a network file may take
    at.file_uploader(key="w_build_upload").set_value(("huge.json", huge, "application/json")).run()
    shown = [e.value.replace("\\", "") for e in at.error]
    assert any("huge.json is" in e and "allowed for an upload" in e for e in shown), shown
    assert spec(at) == json.loads(text)


def test_resnet_presets_are_shown_for_the_assignments_birds_until_a_dataset_is_chosen():
    at = open_build()
    at.selectbox(key="w_build_preset_en").set_value("resnet50_ft_v1").run()
    assert any("cub200" in c.value and "224×224×3" in c.value and "200 classes" in c.value
               for c in at.caption)  # fmt: skip
    table = at.dataframe[0].value
    assert table["Parameters"].iloc[-2] == "102,600"  # the output Linear 512 -> 200, not -> 25
    assert "24,739,400" in [m.value for m in at.metric]  # table 12's ResNet50 + head, 200 classes
    at.session_state["dataset_ref"] = {"name": "cifar10"}  # chosen on Data: its own shape
    at.run()
    assert not any("cub200" in c.value for c in at.caption)
    assert any("32×32×3" in c.value and "10 classes" in c.value for c in at.caption)


def test_a_backbone_layer_is_edited_with_its_own_widgets():
    at = open_build()
    at.selectbox(key="w_build_preset_en").set_value("resnet50_ft_v1").run()
    table = at.dataframe[0].value
    assert table["Type"].tolist()[0] == "ResNet50 (ImageNet, trainable)"
    assert any(
        "keras.applications.ResNet50(" in c.value and "include_top=False" in c.value
        for c in at.code
    )
    trainable = next(w for w in at.toggle if (w.key or "").endswith("_0_trainable"))
    assert trainable.value is True
    field(at, 0, "trainable_blocks").set_value(2).run()
    assert spec(at)[0]["trainable_blocks"] == 2
    assert (
        at.dataframe[0].value["Type"].tolist()[0] == "ResNet50 (ImageNet, top 2 blocks trainable)"
    )
    expected = summarize(spec(at), *_shown_for(spec(at)))
    assert at.metric[0].value == f"{expected.total_params:,}"
    field(at, 0, "weights").set_value("__none__").run()
    assert spec(at)[0]["weights"] is None and not at.exception
    trainable = next(w for w in at.toggle if (w.key or "").endswith("_0_trainable"))
    trainable.set_value(False).run()  # frozen with trainable_blocks set: explained, not a crash
    version = at.session_state["network_version"]
    beside = list(errors_inside(at.main, f"w_layer_{version}_0"))  # under the first layer
    assert len(beside) == 1 and "trainable_blocks" in beside[0]
    assert at.selectbox(key="w_build_preset_en").value == ""  # edited: now a custom network
    trainable = next(w for w in at.toggle if (w.key or "").endswith("_0_trainable"))
    trainable.set_value(True).run()
    assert not at.error and at.dataframe[0].value["Type"].tolist()[0] == (
        "ResNet50 (random weights, top 2 blocks trainable)"
    )


@pytest.mark.parametrize("preset", ["basenet", "mired_bn_v3", "resnet50_fe_v1"])
def test_the_table_numbers_layers_as_the_editor_does(preset):
    at = open_build()
    at.selectbox(key="w_build_preset_en").set_value(preset).run()
    network = get_preset(preset)
    table = at.dataframe[0].value
    shown = dict(zip(table["Layer"], table["Type"], strict=True))
    headers = [m.value for m in at.markdown if m.value.startswith("**") and ". " in m.value]
    assert len(headers) == len(network)
    same_name = {"Conv2D", "MaxPooling2D", "Dropout", "Flatten", "BatchNormalization"}
    for number, header in enumerate(headers, start=1):
        assert header.startswith(f"**{number}. ")  # the editor's number ...
        label = header.removeprefix(f"**{number}. ").removesuffix("**")
        renamed = {"Dense": "Linear", "Activation": "Relu"}.get(label)
        if label in same_name or renamed:  # ... is the table's, for that layer's own row
            assert shown[str(number)] == (renamed or label)
        assert str(number) in shown
    conv = [n for n, layer in enumerate(network, start=1) if layer["type"] == "conv2d"]
    for number in conv:
        assert shown[str(number)] == "Conv2D"
        if network[number - 1].get("activation") == "relu":
            assert shown[f"{number}b"] == "Relu"  # a derived row shares its layer's number
    output = len(network) + 1
    assert shown[str(output)] == "Linear" and shown[f"{output}b"] == "Softmax"
    assert any(c.value.startswith(f"{output}. Output layer") for c in at.caption)


@pytest.mark.parametrize(
    "lang, words, keras",
    [
        ("en", {"filters": "Filters", "kernel_size": "Kernel size", "padding": "Padding"},
         "Keras argument: `{}`."),
        ("es", {"filters": "Filtros", "kernel_size": "Tamaño del kernel", "padding": "Relleno"},
         "Argumento de Keras: `{}`."),
    ],
)  # fmt: skip
def test_field_labels_are_words_with_the_keras_name_in_the_help(lang, words, keras):
    at = open_build(lang)  # BaseNet: layer 0 is a Conv2D
    for name, label in words.items():
        widget = field(at, 0, name)
        assert widget.label == label
        assert widget.help.endswith(keras.format(name)) and len(widget.help) > len(keras)
    dense = next(i for i, layer in enumerate(spec(at)) if layer["type"] == "dense")
    assert field(at, dense, "units").label == ("Units" if lang == "en" else "Neuronas")
    labels = [w.label for w in [*at.number_input, *at.selectbox] if w.key.startswith("w_layer_")]
    assert labels and not [label for label in labels if "_" in label]  # no Keras names as labels
