"""Networks as data: validation, shape inference and parameter counts, checked against Keras."""

import json
import random

import pytest

from cnnapp.export.model import keras_code
from cnnapp.nets.build import build_model
from cnnapp.nets.presets import PRESETS, get_preset
from cnnapp.nets.registry import LAYER_TYPES
from cnnapp.nets.spec import NetworkError, normalize_spec, spec_from_json, spec_to_json, summarize

# The assignment's counts with 25 classes (and the non-trainable part).
EXPECTED_PARAMS = {
    "basenet": (24_197, 0),
    "mired_v1": (87_049, 0),
    "mired_v2": (1_615_705, 0),
    "mired_v3": (3_678_553, 0),
    "mired_v4": (1_781_913, 0),
    "mired_v5": (1_906_841, 0),
    "mired_bn_v1": (1_907_993, 576),
    "mired_bn_v2": (1_911_065, 2_112),
    "mired_bn_v3": (1_911_065, 2_112),
}


@pytest.mark.parametrize("preset_id", sorted(EXPECTED_PARAMS))
def test_preset_parameter_counts_match_the_assignment(preset_id):
    summary = summarize(get_preset(preset_id), (32, 32, 3), 25)
    total, frozen = EXPECTED_PARAMS[preset_id]
    assert summary.total_params == total
    assert summary.non_trainable_params == frozen


def _keras_shapes(model):
    import keras  # noqa: F401

    return {layer.name: tuple(layer.output.shape[1:]) for layer in model.layers[1:]}


# Presets starting with a pretrained backbone (ImageNet weights) are checked in test_nets_backbones.py.
@pytest.mark.parametrize(
    "preset_id", sorted(p for p in PRESETS if PRESETS[p].spec[0]["type"] != "backbone")
)
def test_inferred_shapes_and_counts_equal_keras(preset_id):
    spec = get_preset(preset_id)
    summary = summarize(spec, (32, 32, 3), 25)
    model = build_model(spec, (32, 32, 3), 25)
    assert model.count_params() == summary.total_params
    frozen = sum(int(w.numpy().size) for w in model.non_trainable_weights)
    assert frozen == summary.non_trainable_params
    keras_layers = model.layers[1:]
    assert len(keras_layers) == len(spec) + 1
    for (_, inferred), layer in zip(summary.shapes, keras_layers, strict=False):
        assert tuple(layer.output.shape[1:]) == inferred, layer.name
    assert tuple(model.output.shape[1:]) == (25,)


# Tables 1, 6 and 8 of the assignment: number, type, kernel, in/out size, in/out channels, dropout.
TABLE_1 = """
1 Conv2D 5 32 28 3 6 -
2 Relu - 28 28 - - -
3 MaxPooling2D 2 28 14 - - -
4 Conv2D 5 14 10 6 16 -
5 Relu - 10 10 - - -
6 MaxPooling2D 2 10 5 - - -
7 Linear - 400 50 - - -
8 Relu - 50 50 - - -
9 Linear - 50 25 - - -
"""
TABLE_6 = """
1 Conv2D 3 32 30 3 32 -
2 Relu - 30 30 - - -
3 Dropout - 30 30 - - 0.25
4 Conv2D 3 30 28 32 64 -
5 Relu - 28 28 - - -
6 MaxPooling2D 2 28 14 - - -
7 Conv2D 3 14 12 64 64 -
8 Relu - 12 12 - - -
9 Dropout - 12 12 - - 0.25
10 Conv2D 3 12 10 64 128 -
11 Relu - 10 10 - - -
12 MaxPooling2D 2 10 5 - - -
13 Linear - 3200 512 - - -
14 Relu - 512 512 - - -
15 Dropout - 512 512 - - 0.5
16 Linear - 512 256 - - -
17 Relu - 256 256 - - -
18 Dropout - 256 256 - - 0.5
19 Linear - 256 25 - - -
"""
TABLE_8 = """
1 Conv2D 3 32 30 3 32 -
2 BatchNormalization - 30 30 - - -
3 Relu - 30 30 - - -
4 Dropout - 30 30 - - 0.25
5 Conv2D 3 30 28 32 64 -
6 BatchNormalization - 28 28 - - -
7 Relu - 28 28 - - -
8 MaxPooling2D 2 28 14 - - -
9 Conv2D 3 14 12 64 64 -
10 BatchNormalization - 12 12 - - -
11 Relu - 12 12 - - -
12 Dropout - 12 12 - - 0.25
13 Conv2D 3 12 10 64 128 -
14 BatchNormalization - 10 10 - - -
15 Relu - 10 10 - - -
16 MaxPooling2D 2 10 5 - - -
17 Linear - 3200 512 - - -
18 BatchNormalization - 512 512 - - -
19 Relu - 512 512 - - -
20 Dropout - 512 512 - - 0.5
21 Linear - 512 256 - - -
22 BatchNormalization - 256 256 - - -
23 Relu - 256 256 - - -
24 Dropout - 256 256 - - 0.5
25 Linear - 256 25 - - -
"""


def _parse(table):
    rows = []
    for line in table.strip().splitlines():
        values = [None if v == "-" else v for v in line.split()]
        number, type_, kernel, size_in, size_out, ch_in, ch_out, rate = values
        rows.append(
            (
                int(number),
                type_,
                None if kernel is None else int(kernel),
                int(size_in),
                int(size_out),
                None if ch_in is None else int(ch_in),
                None if ch_out is None else int(ch_out),
                None if rate is None else float(rate),
            )
        )
    return rows


@pytest.mark.parametrize(
    "preset_id, table", [("basenet", TABLE_1), ("mired_v5", TABLE_6), ("mired_bn_v3", TABLE_8)]
)
def test_layer_table_matches_the_assignment_row_by_row(preset_id, table):
    rows = summarize(get_preset(preset_id), (32, 32, 3), 25).rows
    ours = [
        (
            r["number"],
            r["type"],
            r["kernel_size"],
            r["input_size"],
            r["output_size"],
            r["input_channels"],
            r["output_channels"],
            r["dropout_rate"],
        )
        for r in rows
        if r["type"] not in ("Flatten", "Softmax")
    ]
    assert ours == _parse(table)
    assert (
        sum(r["params"] for r in rows)
        == summarize(get_preset(preset_id), (32, 32, 3), 25).total_params
    )


@pytest.mark.parametrize(
    "spec, index, words",
    [
        ([{"type": "conv2d", "filters": 8, "kernel_size": 40}, {"type": "flatten"}], 0, "40×40"),
        (
            [{"type": "flatten"}, {"type": "conv2d", "filters": 4}],
            1,
            "before the Flatten",
        ),
        ([{"type": "conv2d", "filters": 0}, {"type": "flatten"}], 0, "at least 1"),
        ([{"type": "flatten"}, {"type": "dropout", "rate": 1.0}], 1, "[0, 1)"),
        ([{"type": "flatten"}, {"type": "dropout", "rate": -0.1}], 1, "[0, 1)"),
        ([{"type": "dense", "units": 10}], 0, "Add a Flatten"),
        ([{"type": "conv2d", "filters": 4}], 0, "ends with an image-shaped"),
        ([{"type": "pooling"}], 0, "unknown type"),
        ([{"type": "conv2d", "filter": 4}], 0, "unknown setting"),
        ([{"type": "conv2d", "filters": "many"}], 0, "must be a number"),
        ([{"type": "conv2d", "padding": "full"}], 0, "padding must be one of"),
        (
            [
                {"type": "conv2d", "filters": 4, "kernel_size": 5},
                {"type": "maxpooling2d"},
                {"type": "conv2d", "filters": 4, "kernel_size": 5},
                {"type": "maxpooling2d"},
                {"type": "conv2d", "filters": 4, "kernel_size": 7},
                {"type": "flatten"},
            ],
            4,
            "7×7 needs at least 7×7 input, but it receives 5×5",
        ),
    ],
)
def test_impossible_networks_name_the_layer_and_the_fix(spec, index, words):
    with pytest.raises(NetworkError) as caught:
        summarize(spec, (32, 32, 3), 10)
    assert caught.value.layer_index == index
    assert words in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_kernel_larger_than_its_input_message():
    spec = get_preset("basenet")
    spec.insert(4, {"type": "conv2d", "filters": 8, "kernel_size": 7})
    with pytest.raises(
        NetworkError, match=r"Layer 5 \(Conv2D\).*7×7 needs at least 7×7 input.*5×5"
    ):
        summarize(spec, (32, 32, 3), 25)


def test_huge_network_is_refused_before_building():
    spec = [{"type": "flatten"}, {"type": "dense", "units": 60000}]
    with pytest.raises(NetworkError, match="parameters"):
        summarize(spec, (64, 64, 3), 10)


def test_json_round_trip_and_defaults():
    spec = get_preset("mired_bn_v3")
    text = spec_to_json(spec)
    assert spec_from_json(text) == normalize_spec(spec)
    assert spec_from_json(json.dumps({"layers": spec})) == normalize_spec(spec)
    with pytest.raises(NetworkError, match="not valid JSON"):
        spec_from_json("{nope")
    assert normalize_spec([{"type": "Conv2D"}])[0] == {
        "type": "conv2d",
        "filters": 32,
        "kernel_size": 3,
        "strides": 1,
        "padding": "valid",
        "activation": "relu",
        "use_bias": True,
    }


def test_keras_code_builds_the_same_model():
    spec = get_preset("mired_bn_v1")
    code = keras_code(spec, (32, 32, 3), 25)
    namespace = {}
    exec(code, namespace)  # the code we show students must run as shown
    assert namespace["model"].count_params() == summarize(spec, (32, 32, 3), 25).total_params


def _random_valid_spec(rng):
    spec = []
    size = 32
    for _ in range(rng.randint(0, 4)):
        kind = rng.choice(["conv", "pool", "bn", "act", "drop"])
        if kind == "conv":
            k = rng.choice([1, 3, 5])
            padding = rng.choice(["valid", "same"])
            stride = rng.choice([1, 1, 2])
            if padding == "valid" and size < k:
                continue
            spec.append(
                {
                    "type": "conv2d",
                    "filters": rng.randint(1, 12),
                    "kernel_size": k,
                    "strides": stride,
                    "padding": padding,
                    "activation": rng.choice(["relu", "linear", "tanh"]),
                }
            )
            size = -(-size // stride) if padding == "same" else (size - k) // stride + 1
        elif kind == "pool" and size >= 2:
            layer_type = rng.choice(["maxpooling2d", "averagepooling2d"])
            spec.append({"type": layer_type, "pool_size": 2})
            size //= 2
        elif kind == "bn":
            spec.append({"type": "batchnormalization"})
        elif kind == "act":
            spec.append({"type": "activation", "activation": "sigmoid"})
        else:
            spec.append({"type": "dropout", "rate": 0.3})
    spec.append(rng.choice([{"type": "flatten"}, {"type": "globalaveragepooling2d"}]))
    for _ in range(rng.randint(0, 2)):
        spec.append(
            rng.choice(
                [
                    {"type": "dense", "units": rng.randint(1, 20)},
                    {"type": "batchnormalization"},
                    {"type": "dropout", "rate": 0.1},
                ]
            )
        )
    return spec


def test_random_valid_specs_match_keras():
    rng = random.Random(1)
    for _ in range(12):
        spec = _random_valid_spec(rng)
        summary = summarize(spec, (32, 32, 3), 7)
        model = build_model(spec, (32, 32, 3), 7)
        assert model.count_params() == summary.total_params, spec
        for (_, inferred), layer in zip(summary.shapes, model.layers[1:], strict=False):
            assert tuple(layer.output.shape[1:]) == inferred, spec


def test_every_layer_type_is_documented():
    for layer_type in LAYER_TYPES.values():
        assert layer_type.description
        assert layer_type.label
