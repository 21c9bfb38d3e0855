"""Widget groups for the run's settings: preprocessing (`Preprocessing`) and training (`TrainConfig`).

Each returns plain values and writes them back to session state, so Data, Train and "train again"
on Compare all see the same settings.
"""

from __future__ import annotations

import streamlit as st  # noqa: TID251 - ui/ is the app layer

from cnnapp.config import FILL_MODES, OPTIMIZERS, SCHEDULES, Preprocessing, TrainConfig
from cnnapp.messages import words
from ui import keys
from ui.text import labeller, lang, t

PROTOCOL_WIDGET = f"{keys.TRAIN_WIDGETS}protocol"  # a toggle: on is the assignment's protocol


def _pre(name: str) -> dict:
    return keys.bind(f"{keys.PRE_WIDGETS}{name}", keys.PREPROCESSING, name)


def _cfg(name: str) -> dict:
    return keys.bind(f"{keys.TRAIN_WIDGETS}{name}", keys.TRAIN_CONFIG, name)


def augmentation_ui() -> Preprocessing:
    """Flip, zoom, rotation, translation and contrast (normalisation kept as it is)."""
    st.checkbox(t("pre.flip"), help=t("pre.flip_help"), **_pre("horizontal_flip"))
    for name, maximum, step in [
        ("zoom_range", 0.9, 0.05),
        ("rotation_range", 180.0, 5.0),
        ("translation_range", 0.5, 0.05),
        ("contrast_range", 1.0, 0.05),
    ]:
        st.slider(
            t(f"pre.{name}"),
            min_value=0.0,
            max_value=maximum,
            step=step,
            help=t(f"pre.{name}_help"),
            **_pre(name),
        )
    fill = keys.bind(
        keys.lang_key(f"{keys.PRE_WIDGETS}translation_fill"), keys.PREPROCESSING, "translation_fill"
    )
    st.selectbox(
        t("pre.translation_fill"),
        list(FILL_MODES),
        format_func=labeller("pre.translation_fill."),
        help=t("pre.translation_fill_help"),
        **fill,
    )
    return Preprocessing.from_dict(st.session_state[keys.PREPROCESSING])


def preprocessing_ui() -> Preprocessing:
    """Normalisation and augmentation."""
    st.checkbox(t("pre.normalize"), help=t("pre.normalize_help"), **_pre("normalize"))
    return augmentation_ui()


def train_config_ui() -> TrainConfig | str:
    """Optimizer, learning rate, momentum, Nesterov, batch size, epochs, validation, early
    stopping, patience, seed, protocol. Returns a `TrainConfig`, or the message of what is
    wrong."""
    saved = st.session_state[keys.TRAIN_CONFIG]
    left, right = st.columns(2)
    optimizer = keys.bind(
        keys.lang_key(f"{keys.TRAIN_WIDGETS}optimizer"), keys.TRAIN_CONFIG, "optimizer"
    )
    left.selectbox(
        t("cfg.optimizer"), list(OPTIMIZERS), format_func=labeller("cfg.optimizer."), **optimizer
    )
    right.number_input(
        t("cfg.learning_rate"),
        min_value=1e-6,
        max_value=1.0,
        format="%.4f",
        step=0.001,
        **_cfg("learning_rate"),
    )
    sgd = saved["optimizer"] == "sgd"
    left.number_input(
        t("cfg.momentum"),
        min_value=0.0,
        max_value=0.99,
        step=0.05,
        disabled=not sgd,
        **_cfg("momentum"),
    )
    right.checkbox(t("cfg.nesterov"), disabled=not sgd, **_cfg("nesterov"))
    left.number_input(
        t("cfg.batch_size"), min_value=1, max_value=4096, step=1, **_cfg("batch_size")
    )
    right.number_input(t("cfg.epochs"), min_value=1, max_value=1000, step=1, **_cfg("epochs"))
    left.slider(
        t("cfg.validation_split"),
        min_value=0.0,
        max_value=0.5,
        step=0.05,
        help=t("cfg.validation_split_help"),
        **_cfg("validation_split"),
    )
    right.number_input(t("cfg.seed"), min_value=0, max_value=2**31 - 1, step=1, **_cfg("seed"))
    left.checkbox(
        t("cfg.early_stopping"), help=t("cfg.early_stopping_help"), **_cfg("early_stopping")
    )
    right.number_input(
        t("cfg.patience"),
        min_value=0,
        max_value=100,
        step=1,
        disabled=not saved["early_stopping"],
        **_cfg("patience"),
    )
    recipe_ui()
    protocol_ui()
    try:
        return TrainConfig.from_dict(st.session_state[keys.TRAIN_CONFIG])
    except ValueError as error:
        return words(error, lang())


def recipe_ui() -> None:
    """The modern recipe's settings: schedule, warmup, weight decay, label smoothing, TTA."""
    left, right = st.columns(2)
    schedule = keys.bind(
        keys.lang_key(f"{keys.TRAIN_WIDGETS}schedule"), keys.TRAIN_CONFIG, "schedule"
    )
    left.selectbox(
        t("cfg.schedule"),
        list(SCHEDULES),
        format_func=labeller("cfg.schedule."),
        help=t("cfg.schedule_help"),
        **schedule,
    )
    right.number_input(
        t("cfg.warmup_fraction"),
        min_value=0.0,
        max_value=0.9,
        step=0.05,
        disabled=st.session_state[keys.TRAIN_CONFIG]["schedule"] != "warmup_cosine",
        **_cfg("warmup_fraction"),
    )
    left.number_input(
        t("cfg.weight_decay"),
        min_value=0.0,
        max_value=0.1,
        format="%.6f",
        step=1e-5,
        help=t("cfg.weight_decay_help"),
        **_cfg("weight_decay"),
    )
    right.slider(
        t("cfg.label_smoothing"),
        min_value=0.0,
        max_value=0.9,
        step=0.05,
        help=t("cfg.label_smoothing_help"),
        **_cfg("label_smoothing"),
    )
    left.checkbox(t("cfg.tta_flip"), help=t("cfg.tta_flip_help"), **_cfg("tta_flip"))


def protocol_ui() -> str:
    """The "Assignment protocol" toggle, bound to `TrainConfig.protocol`; returns the protocol."""
    state = st.session_state
    state[PROTOCOL_WIDGET] = state[keys.TRAIN_CONFIG].get("protocol") == "assignment"
    st.toggle(
        t("cfg.protocol"), help=t("cfg.protocol_help"), key=PROTOCOL_WIDGET, on_change=_protocol
    )
    return state[keys.TRAIN_CONFIG].get("protocol", "ours")


def _protocol() -> None:
    protocol = "assignment" if st.session_state[PROTOCOL_WIDGET] else "ours"
    st.session_state[keys.TRAIN_CONFIG] = {
        **st.session_state[keys.TRAIN_CONFIG],
        "protocol": protocol,
    }


def load_settings(preprocessing: dict, train: dict) -> None:
    """Puts a saved run's settings (or a preset's recipe) into the Train widgets (for "train
    again with a change", and a preset that carries its own recipe)."""
    st.session_state[keys.PREPROCESSING] = Preprocessing.from_dict(preprocessing).to_dict()
    st.session_state[keys.TRAIN_CONFIG] = TrainConfig.from_dict(train).to_dict()
    keys.forget_widgets(keys.PRE_WIDGETS)
    keys.forget_widgets(keys.TRAIN_WIDGETS)
