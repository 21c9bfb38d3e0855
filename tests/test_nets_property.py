"""Property-based: any layer list is either accepted (and matches Keras) or refused with ValueError.

Hypothesis generates random layer lists, including wrong types, unknown keys and nonsense values;
no exception other than `ValueError` (our `NetworkError`) may escape, and every accepted network
must build with exactly the shapes and parameter counts we inferred.
"""

import json

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cnnapp.config import Preprocessing, TrainConfig
from cnnapp.nets.build import build_model
from cnnapp.nets.spec import NetworkError, spec_from_json, summarize

small_int = st.integers(min_value=-2, max_value=9)
size = st.one_of(small_int, st.lists(small_int, min_size=1, max_size=3))
junk = st.one_of(
    st.none(), st.booleans(), st.text(max_size=4), st.floats(allow_nan=True), st.just([])
)

layer = st.one_of(
    st.fixed_dictionaries(
        {"type": st.just("conv2d")},
        optional={
            "filters": st.one_of(small_int, junk),
            "kernel_size": st.one_of(size, junk),
            "strides": size,
            "padding": st.sampled_from(["valid", "same", "full"]),
            "activation": st.sampled_from(["relu", "linear", "tanh", "nope"]),
        },
    ),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["maxpooling2d", "averagepooling2d", "MaxPooling2D"])},
        optional={
            "pool_size": size,
            "strides": st.one_of(st.none(), size),
            "padding": st.sampled_from(["valid", "same"]),
        },
    ),
    st.fixed_dictionaries(
        {"type": st.just("dense")},
        optional={
            "units": st.one_of(st.integers(-1, 40), junk),
            "activation": st.sampled_from(["relu", "sigmoid", 3]),
        },
    ),
    st.fixed_dictionaries(
        {"type": st.just("dropout")}, optional={"rate": st.one_of(st.floats(-0.5, 1.5), junk)}
    ),
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(
                [
                    "batchnormalization",
                    "flatten",
                    "globalaveragepooling2d",
                    "activation",
                    "softmax?",
                ]
            )
        }
    ),
    st.dictionaries(st.text(max_size=6), junk, max_size=3),
    junk,
)
clean_layer = st.one_of(
    st.builds(
        lambda f, k, s, p, a: {
            "type": "conv2d",
            "filters": f,
            "kernel_size": k,
            "strides": s,
            "padding": p,
            "activation": a,
        },
        st.integers(1, 8),
        st.integers(1, 4),
        st.integers(1, 2),
        st.sampled_from(["valid", "same"]),
        st.sampled_from(["relu", "linear"]),
    ),
    st.builds(
        lambda t, k: {"type": t, "pool_size": k},
        st.sampled_from(["maxpooling2d", "averagepooling2d"]),
        st.integers(1, 3),
    ),
    st.builds(lambda r: {"type": "dropout", "rate": r}, st.floats(0, 0.9)),
    st.sampled_from([{"type": "batchnormalization"}, {"type": "activation", "activation": "tanh"}]),
)
tail = st.sampled_from(
    [
        [],
        [{"type": "flatten"}],
        [{"type": "globalaveragepooling2d"}],
        [{"type": "flatten"}, {"type": "dense", "units": 4}, {"type": "batchnormalization"}],
    ]
)
# Mostly plausible networks (so that many are accepted and compared with Keras), some nonsense.
plausible = st.builds(lambda body, end: body + end, st.lists(clean_layer, max_size=5), tail)
network = st.one_of(
    plausible,
    plausible,
    plausible,
    st.lists(layer, max_size=7),
    junk,
    st.dictionaries(st.text(max_size=3), junk, max_size=2),
)


@pytest.mark.slow  # hundreds of Keras builds
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    spec=network,
    side=st.one_of(st.integers(8, 32), st.integers(8, 32), st.integers(1, 8)),
    classes=st.integers(min_value=-1, max_value=12),
)
def test_every_network_is_accepted_and_matches_keras_or_refused_with_value_error(
    spec, side, classes
):
    try:
        summary = summarize(spec, (side, side, 3), classes)
    except ValueError as error:
        event("refused")
        assert str(error)  # a message, always
        if isinstance(error, NetworkError) and error.layer_index is not None:
            assert 0 <= error.layer_index < max(1, len(spec))
        return
    event("accepted")
    model = build_model(spec, (side, side, 3), classes)
    assert model.count_params() == summary.total_params
    for (_, inferred), keras_layer in zip(summary.shapes, model.layers[1:], strict=False):
        assert tuple(keras_layer.output.shape[1:]) == inferred


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5)),
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(st.text(max_size=8), children, max_size=4),
        ),
        max_leaves=12,
    )
)
def test_any_json_file_loads_as_a_network_or_is_refused_with_value_error(data):
    try:
        text = json.dumps(data)
    except ValueError:
        return
    try:
        spec_from_json(text)
    except ValueError:
        pass
    try:
        spec_from_json(text[: len(text) // 2])  # a truncated file
    except ValueError:
        pass


settings_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "optimizer",
                "learning_rate",
                "momentum",
                "nesterov",
                "batch_size",
                "epochs",
                "validation_split",
                "patience",
                "seed",
                "decay",
                "unknown",
            ]
        ),
        settings_values,
        max_size=5,
    ),
    st.dictionaries(
        st.sampled_from(
            [
                "normalize",
                "horizontal_flip",
                "zoom_range",
                "rotation_range",
                "translation_range",
                "contrast_range",
                "other",
            ]
        ),
        settings_values,
        max_size=4,
    ),
)
def test_out_of_range_training_settings_are_refused_with_value_error(train, preprocessing):
    for cls, values in ((TrainConfig, train), (Preprocessing, preprocessing)):
        try:
            config = cls.from_dict(values)
        except ValueError as error:
            assert cls.__name__ in str(error)
        else:
            assert cls.from_dict(config.to_dict()) == config


@pytest.mark.slow  # hundreds of Keras builds
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=plausible, side=st.integers(4, 40), classes=st.integers(2, 30))
def test_plausible_networks_are_accepted_with_keras_shapes_or_refused_cleanly(spec, side, classes):
    try:
        summary = summarize(spec, (side, side, 3), classes)
    except NetworkError as error:
        event("refused")
        assert error.layer_index is None or 0 <= error.layer_index < len(spec)
        return
    event("accepted")
    model = build_model(spec, (side, side, 3), classes)
    assert model.count_params() == summary.total_params
    frozen = sum(int(w.numpy().size) for w in model.non_trainable_weights)
    assert frozen == summary.non_trainable_params
    for (_, inferred), keras_layer in zip(summary.shapes, model.layers[1:], strict=False):
        assert tuple(keras_layer.output.shape[1:]) == inferred
