"""Build page widget groups: the preset picker, the layer editor, loading a saved network.

The network lives in `st.session_state[keys.SPEC]`. Field edits are written straight back into it;
structural edits (add, remove, move) run as button callbacks and bump `keys.SPEC_VERSION`, so the
layer widgets get fresh keys seeded from the new spec.
"""

from __future__ import annotations

import streamlit as st  # noqa: TID251 - ui/ is the app layer

from cnnapp.config import Preprocessing, TrainConfig
from cnnapp.data.uploads import UploadTooLargeError, check_size
from cnnapp.nets.presets import PRESETS, get_preset, preset_recipe
from cnnapp.nets.registry import LAYER_TYPES, Field, pair
from cnnapp.nets.spec import NetworkError, spec_from_json
from cnnapp.nets.table import field_help, field_label
from cnnapp.texts import TEXTS
from ui import keys, run_settings
from ui.plain import plain
from ui.text import lang, t

NONE = "__none__"  # the option standing for None in an optional choice (e.g. weights=None)
FIELDS_PER_ROW = 3  # a Conv2D's five fields take two rows, so choices stay readable
CUSTOM = ""  # the preset select's entry for a network that is not (or no longer) a preset
ADD_TYPE, ADD_POSITION = "w_build_add_type", "w_build_add_position"  # read by the Add callback

MAX_SPEC_BYTES = 1_000_000  # a network file is a few kilobytes
SPEC_HINT = "a network file is a few kilobytes: choose the JSON file saved from Build"


# Presets and files


def preset_ui() -> None:
    """A select of the assignment's networks; choosing one replaces the network."""
    widget = keys.lang_key("w_build_preset")
    # Set on every run: an edited preset shows as "Custom" at once, and choosing it again works.
    st.session_state[widget] = st.session_state[keys.PRESET]
    options = [CUSTOM, *PRESETS]
    custom = t("build.custom")
    st.selectbox(
        t("build.preset"),
        options,
        format_func=lambda p: PRESETS[p].name if p else custom,
        key=widget,
        on_change=_preset_chosen,
        args=(widget,),
        help=t("build.preset_help"),
    )
    preset = st.session_state[keys.PRESET]
    if preset in PRESETS:
        st.caption(
            t("build.preset_caption", section=preset_text(preset, "section"))
            + " "
            + preset_text(preset)
        )


def preset_text(preset_id: str, part: str = "description") -> str:
    """A preset's description (or `part="section"`) in the session's language; a preset the
    engine adds without a translation yet shows the engine's English text."""
    key = f"preset.{preset_id}" + (".section" if part == "section" else "")
    if key in TEXTS:
        return t(key)
    return str(getattr(PRESETS[preset_id], part))


def _preset_chosen(widget: str) -> None:
    preset = st.session_state[widget]
    if preset in PRESETS:
        previous = st.session_state[keys.PRESET]
        keys.set_network(get_preset(preset), PRESETS[preset].name, preset)
        if PRESETS[preset].recipe:  # a preset with its own recipe: Train starts from it
            recipe = preset_recipe(preset)
            run_settings.load_settings(recipe["preprocessing"], recipe["train"])
        elif previous in PRESETS and PRESETS[previous].recipe and _holds_recipe(previous):
            run_settings.load_settings({}, {})  # leaving an untouched recipe: the defaults again


def _holds_recipe(preset: str) -> bool:
    """True while Train's settings are still exactly `preset`'s own recipe."""
    recipe = preset_recipe(preset)
    state = st.session_state
    return state[keys.TRAIN_CONFIG] == TrainConfig.from_dict(recipe["train"]).to_dict() and (
        state[keys.PREPROCESSING] == Preprocessing.from_dict(recipe["preprocessing"]).to_dict()
    )


def load_json_ui() -> str | None:
    """Loads a network saved as JSON (once per file); returns an error message or None."""
    upload = st.file_uploader(t("build.load_json"), type=["json"], key="w_build_upload")
    if upload is None or upload.file_id == st.session_state[keys.SPEC_UPLOAD]:
        return None
    st.session_state[keys.SPEC_UPLOAD] = upload.file_id
    try:
        check_size(upload.size, upload.name, MAX_SPEC_BYTES, SPEC_HINT)  # before reading it
        spec = spec_from_json(upload.getvalue())
    except (NetworkError, UploadTooLargeError) as error:
        return t("build.load_failed", name=plain(upload.name), error=plain(error))
    name = upload.name.rsplit(".", 1)[0]
    keys.set_network(spec, name)
    return None


# Editing layers


def _mark_custom() -> None:
    st.session_state[keys.PRESET] = CUSTOM
    st.session_state[keys.NETWORK_NAME] = None


def _structure_changed() -> None:
    _mark_custom()
    st.session_state[keys.SPEC_VERSION] += 1


def _move(index: int, offset: int) -> None:
    spec = st.session_state[keys.SPEC]
    other = index + offset
    if 0 <= other < len(spec):
        spec[index], spec[other] = spec[other], spec[index]
        _structure_changed()


def _remove(index: int) -> None:
    spec = st.session_state[keys.SPEC]
    if 0 <= index < len(spec):
        del spec[index]
        _structure_changed()


def _add() -> None:
    spec = st.session_state[keys.SPEC]
    type_key = st.session_state[ADD_TYPE]
    position = int(st.session_state.get(ADD_POSITION) or len(spec) + 1)
    position = max(1, min(position, len(spec) + 1))
    spec.insert(position - 1, {"type": type_key, **LAYER_TYPES[type_key].defaults()})
    st.session_state.pop(ADD_POSITION, None)
    _structure_changed()


def add_layer_ui() -> None:
    """Pick a layer type and a position, then add it."""
    spec = st.session_state[keys.SPEC]
    cols = st.columns([3, 2, 3], vertical_alignment="bottom")  # room for "Añadir capa"
    cols[0].selectbox(
        t("build.add_type"),
        list(LAYER_TYPES),
        format_func=lambda k: LAYER_TYPES[k].label,
        key=ADD_TYPE,
    )
    keys.seed(ADD_POSITION, len(spec) + 1)
    cols[1].number_input(
        t("build.add_position"),
        min_value=1,
        max_value=len(spec) + 1,
        step=1,
        key=ADD_POSITION,
    )
    cols[2].button(t("build.add"), key="w_build_add", on_click=_add, icon=":material/add:")


def layers_ui(num_classes: int | None = None) -> list:
    """One bordered box per layer with its fields and buttons; returns a slot per layer.

    Each slot is an empty placeholder under the layer, where the page puts that layer's error.
    With `num_classes`, a last line numbers the output layer the app appends, as the table does.
    """
    spec = st.session_state[keys.SPEC]
    version = st.session_state[keys.SPEC_VERSION]
    slots = []
    for index, layer in enumerate(spec):
        with st.container(border=True, key=f"w_layer_{version}_{index}"):
            _layer_header(index, layer, len(spec), version)
            _layer_fields(index, layer, version)
            slots.append(st.empty())
    if not spec:
        st.info(t("build.empty"))
    elif num_classes is not None:
        st.caption(t("build.output_layer", number=len(spec) + 1, classes=num_classes))
    return slots


def _layer_header(index: int, layer: dict, count: int, version: int) -> None:
    layer_type = LAYER_TYPES.get(layer.get("type"))
    label = layer_type.label if layer_type else str(layer.get("type"))
    cols = st.columns([6, 1, 1, 1], vertical_alignment="center")
    cols[0].markdown(f"**{index + 1}. {plain(label)}**")
    prefix = f"w_layer_{version}_{index}_"
    cols[1].button(
        "",
        icon=":material/arrow_upward:",
        key=prefix + "up",
        help=t("build.move_up"),
        on_click=_move,
        args=(index, -1),
        disabled=index == 0,
    )
    cols[2].button(
        "",
        icon=":material/arrow_downward:",
        key=prefix + "down",
        help=t("build.move_down"),
        on_click=_move,
        args=(index, 1),
        disabled=index == count - 1,
    )
    cols[3].button(
        "",
        icon=":material/delete:",
        key=prefix + "remove",
        help=t("build.remove"),
        on_click=_remove,
        args=(index,),
    )


def _layer_fields(index: int, layer: dict, version: int) -> None:
    layer_type = LAYER_TYPES.get(layer.get("type"))
    if layer_type is None:
        return
    if not layer_type.fields:
        st.caption(t(f"layer.{layer_type.key}"))
        return
    fields = layer_type.fields
    for start in range(0, len(fields), FIELDS_PER_ROW):
        row = fields[start : start + FIELDS_PER_ROW]
        for col, field in zip(st.columns(FIELDS_PER_ROW), row, strict=False):
            key = f"w_layer_{version}_{index}_{field.name}"
            with col:
                _field_widget(field, layer.get(field.name, field.default), key, index)


def _field_changed(key: str, index: int, name: str, rectangular: bool) -> None:
    """Copies an edited field into the network before the script runs (so it shows as custom)."""
    layer = st.session_state[keys.SPEC][index]
    value = st.session_state[key]
    if value == NONE:  # the "None" option of an optional choice
        value = None
    layer[name] = _parse_size(value, layer.get(name)) if rectangular else value
    _mark_custom()


def _field_widget(field: Field, value, key: str, index: int) -> None:
    """One widget for one layer field, by its kind."""
    rectangular = isinstance(value, (list, tuple)) and pair(value)[0] != pair(value)[1]
    common = {
        "key": key,
        "help": field_help(field, lang()),  # what it does, and its Keras name
        "on_change": _field_changed,
        "args": (key, index, field.name, rectangular),
    }
    label = field_label(field.name, lang())  # "Kernel size", from the one table of labels
    if field.kind == "bool":
        keys.seed(key, bool(value))
        st.toggle(label, **common)
    elif field.kind == "optional_choice":  # e.g. weights: "imagenet" or None
        options = [*field.choices, NONE]
        keys.seed(key, NONE if value is None else value)
        st.selectbox(
            label, options, format_func=lambda v: t("field.none") if v == NONE else v, **common
        )
    elif field.kind == "choice":
        options = list(field.choices)
        if value not in options:
            options.append(value)
        keys.seed(key, value)
        st.selectbox(label, options, **common)
    elif field.kind == "float":
        keys.seed(key, float(value))
        if field.name == "rate":  # dropout: below 1
            st.number_input(label, min_value=0.0, max_value=0.95, step=0.05, **common)
        else:  # BN momentum, a scale factor, epsilon: the field's own range
            low, high = float(field.minimum or 0.0), float(field.maximum or 1e6)
            step = 0.01 if high <= 1.0 else 0.1
            st.number_input(
                label, min_value=low, max_value=high, step=step, format="%.6g", **common
            )
    elif rectangular:  # a rectangular window: edited as text, "3x5"
        h, w = pair(value)
        keys.seed(key, f"{h}x{w}")
        st.text_input(label, **common)
    else:
        if isinstance(value, (list, tuple)):
            value = pair(value)[0]
        keys.seed(key, None if value is None else int(value))
        placeholders = {"optional_size": "field.same_as_pool", "optional_int": "field.all"}
        st.number_input(
            label,
            min_value=int(field.minimum if field.minimum is not None else 1),
            max_value=int(field.maximum or 4096),
            step=1,
            placeholder=t(placeholders[field.kind]) if field.kind in placeholders else None,
            **common,
        )


def _parse_size(text: str, fallback):
    parts = text.lower().replace("×", "x").replace(",", "x").split("x")
    try:
        numbers = [int(part) for part in parts]
    except ValueError:
        return fallback
    if len(numbers) == 1:
        return numbers[0]
    return numbers[:2] if len(numbers) == 2 else fallback


# Downloads: the network as a runnable script


def downloads_ui(spec: list[dict], input_shape: tuple, num_classes: int) -> None:
    """The network with the current Data and Train settings, as a Keras 3 script and in the
    assignment's Keras 2 code (a backbone network shown for the birds is exported for them)."""
    from cnnapp.config import Preprocessing, TrainConfig
    from cnnapp.data.shapes import TRANSFER_DATASET
    from cnnapp.export import from_choices
    from ui.dataset import build_shape, dataset_label
    from ui.export import script_buttons

    transfer = build_shape(spec)[2] == "build.shape_transfer"
    try:
        settings = from_choices(
            spec,
            TRANSFER_DATASET if transfer else st.session_state[keys.DATASET],
            Preprocessing.from_dict(st.session_state[keys.PREPROCESSING]),
            TrainConfig.from_dict(st.session_state[keys.TRAIN_CONFIG]),
            input_shape=input_shape,
            num_classes=num_classes,
            network_name=st.session_state[keys.NETWORK_NAME],
        )
    except ValueError as error:  # NetworkError included: a dataset without its path, ...
        st.caption(t("export.build_failed", error=plain(error)))
        return
    row = st.container(horizontal=True)  # each button as wide as its label: none is cut
    script_buttons(settings, "w_build", [row, row])
    st.caption(
        t(
            "export.build_caption",
            dataset=plain(dataset_label(settings.dataset["name"])),
            preprocessing=plain(settings.preprocessing.describe()),
            epochs=settings.config.epochs,
        )
    )
