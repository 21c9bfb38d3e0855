"""Classify page widget groups: the model (a saved run or a pretrained ImageNet network), and what
the network looked at (Grad-CAM, feature maps, first-layer filters)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st  # noqa: TID251 - ui/ is the app layer

from cnnapp.inspect.classify import (
    IMAGENET_MODELS,
    Classifier,
    ImagenetAvailability,
    class_label,
    imagenet_availability,
    is_bird,
)
from cnnapp.inspect.explain import ExplainError
from cnnapp.nets.backbone_catalog import BACKBONES
from cnnapp.nets.weights import CLASS_INDEX_FILE, OFFLINE, WeightsUnavailableError
from ui import keys, resources
from ui.images import enlarge
from ui.plain import plain
from ui.text import num, t

IMAGENET_PREFIX = "imagenet:"  # choices "imagenet:mobilenet_v2", "imagenet:resnet50"
RUN_WIDGET = "w_classify_run"  # the model select (seeded from `keys.CLASSIFY_RUN`)


@dataclass
class Choice:
    """What classifies: a saved run (`run`) or a pretrained ImageNet network (`imagenet`)."""

    run: Any = None  # a RunInfo
    imagenet: str | None = None  # "mobilenet_v2" or "resnet50"


def saved_runs() -> list:
    """The runs this session may classify with: its own and the command line's."""
    return resources.run_store().list(keys.owner())


def availability() -> dict[str, ImagenetAvailability]:
    """Whether each ImageNet network's files are on this server (looked up on disk, every run:
    a file put in CNNAPP_WEIGHTS_DIR counts at once)."""
    return {name: imagenet_availability(name) for name in IMAGENET_MODELS}


def model_choice_ui(runs, available: dict[str, ImagenetAvailability] | None = None) -> Choice:
    """The session's and the command line's runs first, then the pretrained ImageNet networks
    (marked when their weights would have to be downloaded)."""
    titles = {run.run_id: _title(run) for run in runs}
    for name in IMAGENET_MODELS:
        title = t("classify.imagenet", network=BACKBONES[name].label)
        if available is not None and not available[name].ready:
            title += f" · {t('classify.needs_download')}"
        titles[IMAGENET_PREFIX + name] = title
    saved = st.session_state[keys.CLASSIFY_RUN]
    keys.seed(RUN_WIDGET, saved if saved in titles else next(iter(titles)))
    if st.session_state[RUN_WIDGET] not in titles:
        st.session_state[RUN_WIDGET] = next(iter(titles))
    chosen = st.selectbox(t("classify.model"), list(titles), format_func=titles.get, key=RUN_WIDGET)
    st.session_state[keys.CLASSIFY_RUN] = chosen
    if chosen.startswith(IMAGENET_PREFIX):
        return Choice(imagenet=chosen.removeprefix(IMAGENET_PREFIX))
    return Choice(run=next(run for run in runs if run.run_id == chosen))


def _title(run) -> str:
    accuracy = run.metrics.get("test_accuracy")
    score = "" if accuracy is None else f" · test {num(accuracy, '.2f')}"
    when = run.created_at[5:16].replace("T", " ")
    return f"{run.label or run.config.get('network_name') or run.run_id} · {when}{score}"


def availability_ui(runs: list, available: dict[str, ImagenetAvailability]) -> None:
    """Which classifiers this server has (before any photo): trained runs, and each ImageNet
    network ready or needing a download; with none ready, how to provide the weights."""
    items = [t("classify.available_runs", count=len(runs))]
    for name, found in available.items():
        state = t("classify.ready" if found.ready else "classify.needs_download")
        items.append(t("classify.available_net", network=BACKBONES[name].label, state=state))
    st.caption(t("classify.available", items="; ".join(items)))
    if not any(found.ready for found in available.values()):
        st.info(
            t("classify.provide_weights", files=_files_text(available)), icon=":material/wifi_off:"
        )


def _files_text(available: dict[str, ImagenetAvailability]) -> str:
    """ "`a.h5` (MobileNetV2) or `b.h5` (ResNet50), and `imagenet_class_index.json`"."""
    weights = [
        f"`{file}` ({BACKBONES[name].label})"
        for name, found in available.items()
        for file in found.missing
        if file != CLASS_INDEX_FILE
    ]
    text = t("classify.or").join(weights)
    if any(CLASS_INDEX_FILE in found.missing for found in available.values()):
        text += (t("classify.and") if text else "") + f"`{CLASS_INDEX_FILE}`"
    return text


def weights_error_ui(choice: Choice, error: WeightsUnavailableError) -> None:
    """A short message for ImageNet weights that are missing and cannot be downloaded: which file
    to put in CNNAPP_WEIGHTS_DIR, or to use a trained run (never the download's own error)."""
    key = "classify.weights_offline" if error.code == OFFLINE else "classify.weights_failed"
    network = BACKBONES[choice.imagenet].label if choice.imagenet else ""
    st.error(t(key, network=network, file=f"`{error.file_name}`"), icon=":material/wifi_off:")


def damaged_ui(runs: list) -> None:
    """Saved runs that cannot be used, and why (their owners delete them on Compare)."""
    if not runs:
        return
    with st.expander(t("compare.damaged", count=len(runs)), icon=":material/warning:"):
        for run in runs:
            st.markdown(f"`{run.run_id}`: {plain(run.problem)}")


def class_names(choice: Choice) -> list[str] | None:
    """The run's class names; None for ImageNet (its 1000 labels are loaded with the model)."""
    if choice.imagenet:
        return None
    return [str(name) for name in choice.run.config.get("class_names") or []]


def classifier(choice: Choice) -> Classifier:
    """The chosen model with its class names and input size (loads it once: imports Keras).

    Raises:
        WeightsUnavailableError: ImageNet weights offline with no local file.
        RunNotFound, RunStoreError, ValueError: as `RunStore.load_model`.
    """
    if choice.imagenet:
        return resources.imagenet_classifier(choice.imagenet)
    return resources.run_classifier(choice.run.run_id, keys.owner())


def knows_ui(choice: Choice, names: list[str], top: list[dict]) -> None:
    """What the model can answer: a run's classes, or ImageNet's (and whether it saw a bird)."""
    if choice.imagenet:
        st.info(t("classify.imagenet_knows"), icon=":material/lightbulb:")
        if top:
            key = "classify.is_bird" if is_bird(top[0]["index"]) else "classify.not_bird"
            st.caption(t(key, label=plain(top[0]["label"])))
        return
    words = [plain(class_label(name)) for name in names]
    st.info(
        t("classify.only_knows", count=len(names), classes=", ".join(words)),
        icon=":material/lightbulb:",
    )


def _shown(image: np.ndarray) -> np.ndarray:
    """Small model inputs enlarged (sharp) so they are visible."""
    return enlarge(image, max(1, 224 // image.shape[0]))


def explain_ui(model, seen: np.ndarray, top: list[dict]) -> None:
    """Grad-CAM of the top class, feature maps and first-layer filters, in three tabs."""
    from cnnapp.inspect import explain

    st.header(t("classify.inside"))
    tabs = st.tabs([t("classify.tab_gradcam"), t("classify.tab_maps"), t("classify.tab_filters")])
    with tabs[0]:
        try:
            cam = explain.grad_cam(model, seen)
        except ExplainError as error:
            st.info(t("classify.explain_failed", error=plain(error)))
        else:
            label = top[0]["label"] if top and top[0]["index"] == cam.class_index else ""
            caption = t(
                "classify.gradcam_caption",
                label=plain(label) if label else cam.class_index,
                probability=cam.probability,
                layer=cam.layer,
            )
            overlay = _shown(explain.overlay(seen, cam.heatmap))
            st.image(overlay, caption=caption, alt=caption, width=360)
    with tabs[1]:
        _feature_maps_ui(explain, model, seen)
    with tabs[2]:
        try:
            filters = explain.first_layer_filters(model)
        except ExplainError as error:
            st.info(t("classify.explain_failed", error=plain(error)))
        else:
            count = int(model.get_layer(explain.conv_layers(model)[0].name).kernel.shape[-1])
            caption = t("classify.filters_caption", count=count)
            st.image(filters, caption=caption, alt=caption)


def _feature_maps_ui(explain, model, seen: np.ndarray, max_maps: int = 32) -> None:
    try:
        maps = explain.feature_maps(model, seen, max_maps=max_maps)
    except ExplainError as error:
        st.info(t("classify.explain_failed", error=plain(error)))
        return
    for item in maps:
        height, width, channels = item["shape"]
        grid = item["grid"]
        factor = max(1, 320 // max(grid.shape))
        caption = t(
            "classify.maps_caption",
            layer=item["layer"],
            channels=channels,
            size=f"{height}×{width}",
            shown=min(channels, max_maps),
        )
        st.image(enlarge(grid, factor), caption=caption, alt=caption)
