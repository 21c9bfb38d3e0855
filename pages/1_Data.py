"""Data: choose a dataset; see samples, class counts, splits, pixel histograms, augmentation."""

from ui import nav

nav.announce(__file__)  # a fresh server's first request: "Loading…" before the imports

import streamlit as st

from cnnapp import charts
from cnnapp.config import TrainConfig
from cnnapp.messages import Message
from ui import keys, lang, num, page, plot, run_settings, t
from ui.dataset import is_loaded, load_ui
from ui.images import enlarge
from ui.plain import plain
from ui.views import data


def splits_ui(dataset) -> None:
    """Training, validation and test sizes, as the training will split them."""
    fraction = TrainConfig.from_dict(st.session_state[keys.TRAIN_CONFIG]).validation_split
    n_val = int(len(dataset.x_train) * fraction)
    cols = st.columns(4)
    cols[0].metric(t("data.classes"), dataset.num_classes)
    cols[1].metric(t("data.train_images"), num(len(dataset.x_train) - n_val, ","))
    cols[2].metric(t("data.val_images", percent=round(100 * fraction)), num(n_val, ","))
    test = 0 if dataset.x_test is None else len(dataset.x_test)
    cols[3].metric(t("data.test_images"), num(test, ","))
    origin = Message.from_dict(dataset.source_words) or dataset.source
    st.caption(t("data.source", source=plain(origin)))
    if dataset.skipped:
        st.warning(t("data.skipped", count=dataset.skipped))
    if dataset.empty_classes:
        st.warning(t("data.empty_classes", names=", ".join(map(plain, dataset.empty_classes))))


def counts_ui(dataset) -> None:
    frame = charts.class_counts_frame(dataset.y_train, dataset.y_test, dataset.class_names)
    plot.show(charts.class_counts_chart(frame, lang()), "w_data_counts")
    st.caption(charts.class_counts_summary(frame, lang()))


def histograms_ui(dataset) -> None:
    """Pixel values before and after featurewise normalisation (a sample of training images)."""
    sample = dataset.x_train[:300]
    frame = charts.pixel_histogram_frame(sample)
    cols = st.columns(2)
    for col, stage in zip(cols, ("raw", "normalized"), strict=True):
        plot.show(charts.pixel_histogram_chart(frame, stage, lang()), f"w_data_hist_{stage}", col)
    st.caption(charts.pixel_histogram_summary(frame, lang()))


def augmentation_ui(dataset) -> None:
    """One training image augmented several times with the chosen settings (live)."""
    settings_col, preview_col = st.columns([1, 2], gap="large")
    with settings_col:
        preprocessing = run_settings.augmentation_ui()
        index = st.number_input(
            t("data.preview_image"),
            min_value=0,
            max_value=len(dataset.x_train) - 1,
            step=1,
            key="w_data_preview_index",
        )
        live = st.toggle(
            t("data.preview_live"), key="w_data_preview_live", help=t("data.preview_help")
        )
    with preview_col:
        image = dataset.x_train[int(index)]
        st.image(enlarge(image, 4), caption=t("data.original"), alt=t("data.original_alt"))
        if not live:
            st.caption(t("data.preview_off"))
        elif not preprocessing.augments:
            st.info(t("data.no_augmentation"))
        else:
            from cnnapp.data.preprocessing import augment_examples  # imports Keras: an action

            with st.spinner(t("data.augmenting")):
                variants = augment_examples(image, preprocessing, count=8, seed=int(index))
            count = len(variants)
            alts = [t("data.augmented_alt", number=n, count=count) for n in range(1, count + 1)]
            st.image([enlarge(v, 2) for v in variants], caption=[""] * len(variants), alt=alts)
            st.caption(t("data.augmented_caption", settings=preprocessing.describe(lang())))


def main() -> None:
    page.start("data.title", __file__)
    ref = data.dataset_choice_ui()
    if ref is None:
        return
    st.session_state[keys.DATASET] = ref
    if ref["name"] != "procedural" and not is_loaded(ref):
        st.caption(t("data.load_hint"))
        if not st.button(t("data.load"), key="w_data_load", type="primary"):
            return
    dataset = load_ui(ref)
    if dataset is None:
        return
    splits_ui(dataset)
    tabs = st.tabs(
        [t("data.tab_samples"), t("data.tab_counts"), t("data.tab_pixels"), t("data.tab_augment")]
    )
    with tabs[0]:
        data.sample_grid_ui(dataset)
    with tabs[1]:
        counts_ui(dataset)
    with tabs[2]:
        histograms_ui(dataset)
    with tabs[3]:
        augmentation_ui(dataset)


main()
