"""Compare page widget groups: the runs table, exports, curves of several runs, one run in detail."""

from __future__ import annotations

import pandas as pd
import streamlit as st  # noqa: TID251 - ui/ is the app layer

from cnnapp import charts, report
from cnnapp.data import normalize_ref
from cnnapp.runs import CLI_OWNER, RunInfo
from cnnapp.training.scoring import RESULT_COLUMNS
from ui import keys, nav, plot, resources, run_settings
from ui.dataset import load_ui
from ui.images import enlarge
from ui.plain import plain, plain_column
from ui.tables import fitted_table
from ui.text import lang, num, t


def run_title(run: RunInfo) -> str:
    """A unique, readable name: label · date · the id's last 4 characters."""
    when = run.created_at[5:16].replace("T", " ") if run.created_at else ""
    label = run.label or run.config.get("network_name") or run.run_id
    return f"{label} · {when} · {run.run_id[-4:]}"


def rows_of(runs: list[RunInfo]) -> list[dict]:
    return [report.run_row(run.run_id, run.config, run.metrics, lang()) for run in runs]


def table_ui(runs: list[RunInfo], owner: str) -> list[dict]:
    """The sortable table of good runs; returns its rows (for the exports)."""
    rows = rows_of(runs)
    frame = pd.DataFrame(
        [
            {
                **{
                    t(f"report.col.{key}"): _rounded(row[key], kind) for key, kind in report.COLUMNS
                },
                t("compare.status"): run.ending.describe(lang()),
                t("compare.whose"): whose(run, owner),
            }
            for row, run in zip(rows, runs, strict=True)
        ]
    )
    title = {key: t(f"report.col.{key}") for key, _ in report.COLUMNS}
    status, owned = t("compare.status"), t("compare.whose")
    fitted_table(  # fits a projector: the results at once, the settings under "More columns"
        frame,
        "w_compare_table",
        main=[*(title[key] for key in report.MAIN_COLUMNS), status],
        more=[
            [title[key] for key in report.SETTINGS_COLUMNS],
            [*(title[key] for key in report.LOSS_COLUMNS), owned],
        ],
        short={title["gap"]: t("compare.short.gap")},
        widths={title["label"]: "medium"},
    )
    st.caption(t("compare.table_caption"))
    return rows


def whose(run: RunInfo, owner: str) -> str:
    """ "yours", "published by <lecturer>" or "command line (read-only)"."""
    if run.owner == owner:
        return t("compare.yours")
    if run.published_by is not None:
        return t("compare.published_by", name=run.published_by)
    return t("compare.cli")


def _rounded(value, kind: str):
    if not isinstance(value, float):
        return value
    return round(value, 4) if kind == "metric" else round(value, 1)


def export_ui(rows: list[dict]) -> None:
    """Download buttons: CSV, Markdown, LaTeX."""
    cols = st.columns(3)
    exports = [
        ("csv", report.to_csv, "text/csv", "csv"),
        ("markdown", report.to_markdown, "text/markdown", "md"),
        ("latex", report.to_latex, "application/x-tex", "tex"),
    ]
    for col, (kind, make, mime, ext) in zip(cols, exports, strict=True):
        col.download_button(
            t(f"compare.export_{kind}"),
            data=make(rows, lang()),
            file_name=f"cnnlab-results.{ext}",
            mime=mime,
            key=f"w_compare_export_{kind}",
            icon=":material/download:",
        )


def damaged_ui(runs: list[RunInfo], owner: str) -> None:
    """Runs that cannot be read, with what is wrong; the session's own can be deleted."""
    if not runs:
        return
    with st.expander(t("compare.damaged", count=len(runs)), icon=":material/warning:"):
        for run in runs:
            st.markdown(f"`{run.run_id}`: {plain(run.problem)}")
            if run.can_delete(owner):
                st.button(
                    t("compare.delete"),
                    key=f"w_compare_delete_damaged_{run.run_id}",
                    on_click=_delete,
                    args=(run.run_id,),
                )


def overlay_ui(runs: list[RunInfo]) -> None:
    """Pick runs; their loss and accuracy curves on shared axes (a run that did not train every
    epoch says how it ended, in the legend too)."""
    titles = {run.run_id: _ended_title(run) for run in runs}
    chosen = st.multiselect(
        t("compare.overlay_pick"),
        list(titles),
        default=list(titles)[:2],
        format_func=titles.get,
        key="w_compare_overlay",
    )
    if not chosen:
        return
    by_id = {run.run_id: run for run in runs}
    frame = charts.overlay_frame({titles[r]: by_id[r].history for r in chosen})
    if frame.empty:
        st.info(t("compare.no_curves"))
        return
    cols = st.columns(2)
    for col, metric in zip(cols, charts.METRICS, strict=True):
        chart = charts.overlay_chart(frame, metric, lang())
        plot.show(chart, f"w_compare_overlay_{metric}", col, legend_rows=len(chosen) + 3)
        col.caption(charts.overlay_summary(plain_column(frame, "run"), metric, lang()))


def _ended_title(run: RunInfo) -> str:
    ending = run.ending
    return run_title(run) if ending.finished else f"{run_title(run)} ({ending.describe(lang())})"


def detail_ui(run: RunInfo, owner: str) -> None:
    """One run: per-class accuracy, confusion matrix, misclassified images, actions."""
    metrics, names = run.metrics, run.config.get("class_names") or []
    if metrics.get("per_class_accuracy"):
        left, right = st.columns(2, gap="large")
        with left:
            frame = charts.per_class_frame(metrics["per_class_accuracy"], names)
            plot.show(charts.per_class_chart(frame, lang()), "w_compare_per_class")
            st.caption(charts.per_class_summary(plain_column(frame, "class_name"), lang()))
        with right:
            if metrics.get("confusion_matrix"):
                frame = charts.confusion_frame(metrics["confusion_matrix"], names)
                chart = charts.confusion_chart(frame, names, lang())
                plot.show(chart, "w_compare_confusion")
                st.caption(charts.confusion_summary(plain_column(frame, "true", "pred"), lang()))
    else:
        st.info(t("compare.no_detail"))
    if metrics.get("misclassified") and st.toggle(
        t("compare.show_mistakes"), key="w_compare_mistakes"
    ):
        mistakes_ui(run)
    actions_ui(run, owner)


def mistakes_ui(run: RunInfo, limit: int = 24) -> None:
    """A gallery of the most confident mistakes on the test images (reloads the dataset)."""
    try:
        ref = normalize_ref(run.config.get("dataset"))
    except ValueError as error:
        st.error(plain(error))
        return
    dataset = load_ui(ref)
    if dataset is None or dataset.x_test is None:
        return
    names = run.config.get("class_names") or dataset.class_names
    images, captions = [], []
    for item in run.metrics["misclassified"][:limit]:
        index = int(item["index"])
        if 0 <= index < len(dataset.x_test):
            images.append(enlarge(dataset.x_test[index], 2))
            captions.append(
                t(
                    "compare.mistake",
                    true=plain(_name(names, item["true"])),
                    pred=plain(_name(names, item["pred"])),
                    confidence=float(item["confidence"]),
                )
            )
    if images:
        st.image(images, caption=captions, alt=captions)
    st.caption(t("compare.mistakes_caption", count=len(images)))


def _name(names: list, index) -> str:
    index = int(index)
    return str(names[index]) if 0 <= index < len(names) else str(index)


def actions_ui(run: RunInfo, owner: str) -> None:
    """Train again with a change, downloads, delete (own runs only)."""
    store = resources.run_store()
    row = st.container(horizontal=True)  # each button as wide as its label: none is cut
    row.button(
        t("compare.train_again"),
        key="w_compare_again",
        on_click=_train_again,
        args=(run,),
        icon=":material/replay:",
        help=t("compare.train_again_help"),
    )
    row.download_button(
        t("compare.download_model"),
        data=lambda: store.file_bytes(run.run_id, "model.keras", owner),
        file_name=f"{run.run_id}.keras",
        mime="application/octet-stream",
        key="w_compare_download_model",
        icon=":material/download:",
    )
    row.download_button(
        t("compare.download_spec"),
        data=store.file_bytes(run.run_id, "spec.json", owner),
        file_name=f"{run.run_id}-spec.json",
        mime="application/json",
        key="w_compare_download_spec",
        icon=":material/download:",
    )
    with row.container(width="content"):
        if run.can_delete(owner):
            sure = st.checkbox(t("compare.confirm_delete"), key=f"w_compare_sure_{run.run_id}")
            st.button(
                t("compare.delete"),
                key="w_compare_delete",
                disabled=not sure,
                on_click=_delete,
                args=(run.run_id,),
                icon=":material/delete:",
            )
        elif run.published_by is not None:
            st.caption(plain(t("compare.published_by", name=run.published_by)))
        elif run.owner == CLI_OWNER:
            st.caption(t("compare.read_only"))
    downloads_ui(run, owner)


def follow_train_again() -> None:
    """After "train again", switch to Train (a callback cannot switch pages itself)."""
    if st.session_state.pop(keys.GO_TRAIN, False):
        nav.go("train")


def _train_again(run: RunInfo) -> None:
    """Loads the run's network, dataset and settings into Train (callback)."""
    keys.set_network(run.spec, run.config.get("network_name"))
    run_settings.load_settings(run.config.get("preprocessing") or {}, run.config.get("train") or {})
    try:
        st.session_state[keys.DATASET] = normalize_ref(run.config.get("dataset"))
    except ValueError:
        pass
    keys.forget_widgets(keys.DATA_WIDGETS)
    st.session_state[keys.RUN_LABEL] = t("compare.again_label", label=run.label or run.run_id[-4:])
    st.session_state.pop(keys.RUN_LABEL_WIDGET, None)
    st.session_state[keys.GO_TRAIN] = True


def _delete(run_id: str) -> None:
    try:
        resources.run_store().delete(run_id, keys.owner())
    except (PermissionError, KeyError, ValueError, RuntimeError) as error:
        st.session_state[keys.DELETE_ERROR] = str(error)


def delete_error_ui() -> None:
    error = st.session_state.pop(keys.DELETE_ERROR, None)
    if error:
        st.error(plain(error))


def metrics_ui(run: RunInfo) -> None:
    """The run's own results row and what it was trained with."""
    row = report.run_row(run.run_id, run.config, run.metrics, lang())
    cols = st.columns(5)
    for col, key in zip(cols, RESULT_COLUMNS, strict=True):
        value = row[key]
        col.metric(t(f"report.col.{key}"), "—" if value is None else num(value, ".4f"))
    train = run.config.get("train") or {}
    st.caption(
        t(
            "compare.run_caption",
            network=plain(row["network"]),
            dataset=plain(row["dataset"]),
            preprocessing=plain(row["preprocessing"]),
            epochs=row["epochs"] if row["epochs"] is not None else "?",
            optimizer=plain(train.get("optimizer", "?")),
            lr=train.get("learning_rate", "?"),
            device=plain(run.metrics.get("device", "?")),
        )
    )


def downloads_ui(run: RunInfo, owner: str) -> None:
    """The run as code: its Keras 3 script, the Keras 2 version, and the whole run as a zip."""
    from cnnapp.export import from_run
    from ui.export import script_buttons, zip_button

    row = st.container(horizontal=True)  # each button as wide as its label: none is cut
    try:
        settings = from_run(run.run_id, run.spec, run.config, run.metrics)
    except ValueError as error:
        row.caption(t("export.failed", error=plain(error)))
    else:
        script_buttons(settings, "w_compare", [row, row])
    zip_button(resources.run_store(), run.run_id, owner, row)
