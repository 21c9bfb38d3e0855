"""Build: a preset or your own layers, the layer table, the network as JSON and as Keras code."""

from ui import nav

nav.announce(__file__)  # a fresh server's first request: "Loading…" before the imports

import pandas as pd
import streamlit as st

from cnnapp.config import Preprocessing
from cnnapp.export.model import keras_code
from cnnapp.nets.spec import NetworkError, spec_to_json, summarize
from cnnapp.nets.table import LAYER_TABLE_COLUMNS, layer_table
from ui import keys, lang, nav, num, page, t, workspace
from ui.dataset import build_shape
from ui.plain import plain
from ui.tables import fitted_table
from ui.views import build

# The layer table beside the editor: what each layer makes and costs at once, what it takes in
# under "More columns" (a projector's 1280 px leave the table about 380 px).
MAIN_COLUMNS = ("layer", "type", "output_size", "output_channels", "params")
MORE_COLUMNS = ("layer", "kernel_size", "input_size", "input_channels", "dropout_rate")


def table_ui(summary) -> None:
    """The layer table (as the assignment's tables 1, 6 and 8) and the parameter counts."""
    titles = {column: t(f"table.{column}") for column in LAYER_TABLE_COLUMNS}
    fitted_table(
        pd.DataFrame(layer_table(summary, lang()), columns=list(titles.values())),
        "w_build_table",
        main=[titles[column] for column in MAIN_COLUMNS],
        more=[[titles[column] for column in MORE_COLUMNS]],
        short={
            title: t(f"table.short.{column}")
            for column, title in titles.items()
            if column != "type"
        },
    )
    cols = st.columns(3)
    cols[0].metric(t("build.total_params"), num(summary.total_params, ","))
    cols[1].metric(t("build.trainable"), num(summary.trainable_params, ","))
    cols[2].metric(t("build.non_trainable"), num(summary.non_trainable_params, ","))


def export_ui(spec, input_shape, num_classes) -> None:
    name = st.session_state[keys.NETWORK_NAME] or "network"
    st.download_button(
        t("build.save_json"),
        data=spec_to_json(spec),
        file_name=f"{name.replace(' ', '_')}.json",
        mime="application/json",
        key="w_build_save",
        icon=":material/download:",
    )
    build.downloads_ui(spec, input_shape, num_classes)
    with st.expander(t("build.keras_code")):
        preprocessing = Preprocessing.from_dict(st.session_state[keys.PREPROCESSING])
        st.code(keras_code(spec, input_shape, num_classes, preprocessing), language="python")


def main() -> None:
    page.start("build.title", __file__)
    caption_slot = st.empty()  # above the picker, filled once the chosen network is known
    build.preset_ui()
    input_shape, num_classes, caption = build_shape(st.session_state[keys.SPEC])
    caption_slot.caption(t(caption, shape="×".join(map(str, input_shape)), classes=num_classes))
    load_error = build.load_json_ui()
    if load_error:
        st.error(load_error)
    editor, table = st.columns([1, 1], gap="large")
    with editor:
        st.header(t("build.layers"))
        slots = build.layers_ui(num_classes)
        build.add_layer_ui()
    spec = st.session_state[keys.SPEC]
    with table:
        st.header(t("build.table"))
        try:
            summary = summarize(spec, input_shape, num_classes)
        except NetworkError as error:
            st.error(t("build.invalid", error=plain(error)), icon=":material/error:")
            if error.layer_index is not None and error.layer_index < len(slots):
                slots[error.layer_index].error(plain(error), icon=":material/error:")
            st.caption(t("build.cannot_train"))
            return
        table_ui(summary)
        export_ui(spec, input_shape, num_classes)
        workspace.share_ui()
        nav.link("train", t("build.go_train"))


main()
