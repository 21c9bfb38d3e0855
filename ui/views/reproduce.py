"""Reproduce page widget groups: a table's recipes, scale-down options, ours beside the assignment's.

Each recipe runs as its own queued job (same seed, so rows with the same network start from the
same weights). Our figures come from the session's jobs for this table, or else from the newest
saved run of that recipe (a lecturer's `python -m cnnapp reproduce` runs count too).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st  # noqa: TID251 - ui/ is the app layer

from cnnapp import charts, i18n, report
from cnnapp.messages import words
from cnnapp.nets.presets import PRESETS
from cnnapp.recipes import TABLES, Recipe, Table
from cnnapp.texts import TEXTS
from cnnapp.training.scoring import RESULT_COLUMNS
from ui import keys, plot, resources
from ui.submit import submit
from ui.tables import fitted_table
from ui.text import lang, t

PROCEDURAL = {"name": "procedural"}
PROTOCOL_WIDGET = "w_repro_protocol"  # a toggle: on runs every row under the assignment's protocol


def _table_name(table_id: str, language: str) -> str:
    """ "Table 2: BaseNet" in English, the assignment's own "Tabla 2: BaseNet" in Spanish."""
    key = f"repro.title.{table_id}"
    if key in TEXTS:
        return i18n.t(key, language)
    return f"{TABLES[table_id].title} — {TABLES[table_id].caption}"


def table_choice_ui() -> Table:
    language = lang()
    table_id = st.selectbox(
        t("repro.table"),
        list(TABLES),
        format_func=lambda i: _table_name(i, language),  # this run's language
        key="w_repro_table",
    )
    return TABLES[table_id]


def scale_ui() -> dict:
    """Options that make a table run in class time; returns `job_spec` keyword arguments."""
    with st.expander(t("repro.scale_title"), expanded=True, icon=":material/speed:"):
        st.caption(t("repro.scale_caption"))
        cols = st.columns(3)
        epochs = limit = dataset = None
        if cols[0].checkbox(t("repro.scale_epochs"), key="w_repro_use_epochs"):
            epochs = int(
                cols[0].number_input(
                    t("repro.epochs"), min_value=1, max_value=40, value=2, key="w_repro_epochs"
                )
            )
        if cols[1].checkbox(t("repro.scale_limit"), key="w_repro_use_limit"):
            limit = int(
                cols[1].number_input(
                    t("repro.limit"),
                    min_value=50,
                    max_value=50_000,
                    value=1000,
                    step=100,
                    key="w_repro_limit",
                )
            )
        procedural = t("repro.scale_procedural")
        help_ = t("repro.scale_procedural_help")
        if cols[2].checkbox(procedural, key="w_repro_procedural", help=help_):
            dataset = dict(PROCEDURAL)
    if epochs or limit or dataset:
        st.warning(t("repro.scaled_warning"), icon=":material/info:")
    return {"epochs": epochs, "limit": limit, "dataset": dataset}


def protocol_ui() -> str:
    """The "Assignment protocol" toggle for the table's jobs; returns "assignment" or "ours"."""
    st.toggle(t("repro.protocol"), help=t("cfg.protocol_help"), key=PROTOCOL_WIDGET)
    return chosen_protocol()


def chosen_protocol() -> str:
    """The protocol the toggle asks for (our figures are shown from runs of that protocol)."""
    return "assignment" if st.session_state.get(PROTOCOL_WIDGET) else "ours"


def _describe(recipe: Recipe) -> dict:
    train = recipe.train
    return {
        t("repro.col.row"): recipe.label,
        t("repro.col.network"): PRESETS[recipe.preset].name,
        t("repro.col.preprocessing"): recipe.preprocessing.describe(lang()),
        t("repro.col.epochs"): t("repro.early", epochs=train.epochs, patience=train.patience)
        if train.early_stopping
        else train.epochs,
    }


def jobs_of(table: Table) -> dict[str, str]:
    """{recipe id: job id} of this session's jobs for the table."""
    jobs = st.session_state[keys.REPRO_JOBS]
    return {r.id: jobs[r.id] for r in table.recipes if r.id in jobs}


def statuses(table: Table) -> dict:
    jobs = jobs_of(table)
    if not jobs:
        return {}
    executor, owner = resources.executor(), keys.owner()
    found = {}
    for recipe_id, job_id in jobs.items():
        status = executor.status(job_id, owner)
        if status is not None:
            found[recipe_id] = status
    return found


def active(table: Table) -> bool:
    return any(not s.done for s in statuses(table).values())


def submit_table(table: Table, scale: dict) -> str | None:
    """Queues every recipe of the table; returns an error message or None."""
    if active(table):
        return t("repro.already_running")
    owner = keys.owner()
    jobs = st.session_state[keys.REPRO_JOBS]
    try:
        for recipe in table.recipes:  # a student's jobs must fit the class limits
            jobs[recipe.id] = submit(recipe.job_spec(owner=owner, **scale))
    except (ValueError, RuntimeError) as error:
        return words(error, lang())
    return None


def stop_table(table: Table) -> None:
    executor, owner = resources.executor(), keys.owner()
    for status in statuses(table).values():
        if not status.done:
            executor.cancel(status.id, owner)


def _saved_results(table: Table, protocol: str) -> dict[str, dict]:
    """Newest saved run's metrics (and config) per recipe of the table, visible to the session,
    among the runs of `protocol`."""
    found: dict[str, dict] = {}
    ids = {r.id for r in table.recipes}
    for run in resources.run_store().list(keys.owner()):  # newest first
        recipe = run.config.get("recipe")
        if report.protocol_of(run.config) != protocol:
            continue
        if run.status == "ok" and recipe in ids and recipe not in found:
            found[recipe] = {"metrics": run.metrics, "config": run.config}
    return found


def _ours(recipe: Recipe, status, saved: dict) -> tuple[dict, str]:
    """Our metrics for a recipe and a state text."""
    if status is not None:
        result = status.result if isinstance(status.result, dict) else {}
        if status.state == "completed":
            return result.get("metrics") or {}, t("state.completed")
        if status.state == "running":
            return {}, t("repro.running", percent=round(100 * (status.progress or 0)))
        if status.state == "queued":
            return {}, t("repro.queued", position=status.position or 1)
        return result.get("metrics") or {}, t(f"state.{status.state}")
    if recipe.id in saved:
        config = saved[recipe.id]["config"]
        scaled = (config.get("dataset") or {}).get("limit") or (
            (config.get("train") or {}).get("epochs") != recipe.train.epochs
        )
        return saved[recipe.id]["metrics"], t("repro.saved_scaled" if scaled else "repro.saved")
    return {}, t("repro.not_run")


def results_ui(table: Table) -> None:
    """The assignment's figures beside ours, row by row, and a chart of validation and test."""
    protocol = chosen_protocol()
    found, saved = statuses(table), _saved_results(table, protocol)
    rows, long_rows, our_metrics = [], [], {}
    for recipe in table.recipes:
        metrics, state = _ours(recipe, found.get(recipe.id), saved)
        our_metrics[recipe.id] = metrics
        row = _describe(recipe)
        theirs_key = "repro.published" if table.reference == "published" else "repro.theirs"
        for key in RESULT_COLUMNS:
            theirs, ours = recipe.reported.get(key), metrics.get(key)
            row[t(theirs_key, metric=t(f"col.{key}"))] = theirs
            row[t("repro.ours", metric=t(f"col.{key}"))] = None if ours is None else round(ours, 4)
            long_rows.append(
                {"row": recipe.label, "metric": key, "source": "assignment", "value": theirs}
            )
            long_rows.append({"row": recipe.label, "metric": key, "source": "ours", "value": ours})
        if table.has_epochs:
            row[t("repro.theirs_epochs")] = recipe.reported.get("epochs")
            row[t("repro.ours_epochs")] = metrics.get("epochs_run")
        if table.has_time:  # the published time and device beside ours
            ours_time = metrics.get("wall_time_s")
            row[t(theirs_key, metric=t("repro.time"))] = recipe.reported.get("time_s")
            row[t("repro.ours", metric=t("repro.time"))] = (
                None if ours_time is None else round(ours_time, 1)
            )
            row[t(theirs_key, metric=t("repro.device"))] = recipe.reported.get("device")
            row[t("repro.ours", metric=t("repro.device"))] = metrics.get("device")
        row[t("repro.col.state")] = state
        rows.append(row)
    table_of_results(pd.DataFrame(rows), table.has_epochs, table.reference == "published")
    st.caption(t("repro.protocol_caption", protocol=t(f"protocol.{protocol}")))
    frame = charts.reproduce_frame(long_rows)
    cols = st.columns(2)
    for col, metric in zip(cols, ("val_accuracy", "test_accuracy"), strict=True):
        chart = charts.reproduce_chart(frame, metric, lang())
        plot.show(chart, f"w_repro_chart_{metric}", col)
        col.caption(charts.reproduce_summary(frame, metric, lang()))
    export_ui(table, our_metrics)


def table_of_results(frame: pd.DataFrame, has_epochs: bool, published: bool = False) -> None:
    """The results table, fitted to a projector: validation and test accuracy, theirs and ours,
    at once; the recipe and the other figures under "More columns". `published`: "theirs" is a
    published figure (the modern table), not the assignment's."""
    theirs_key = "repro.published" if published else "repro.theirs"

    def pair(key: str) -> list[str]:  # the assignment's (or the published) figure and ours
        return [t(theirs_key, metric=t(f"col.{key}")), t("repro.ours", metric=t(f"col.{key}"))]

    row = t("repro.col.row")
    short = {
        title: t(f"repro.short.{side}", metric=t(f"report.col.{key}"))
        for key in RESULT_COLUMNS
        for side, title in zip(
            ("published" if published else "theirs", "ours"), pair(key), strict=True
        )
    }
    recipe = [row, t("repro.col.network"), t("repro.col.preprocessing"), t("repro.col.epochs")]
    if has_epochs:
        recipe += [t("repro.theirs_epochs"), t("repro.ours_epochs")]
    main = [row, *pair("val_accuracy"), *pair("test_accuracy"), t("repro.col.state")]
    more = [recipe, [row, *pair("train_loss"), *pair("train_accuracy")], [row, *pair("val_loss")]]
    rest = [c for c in frame.columns if c not in main and not any(c in group for group in more)]
    if rest:  # e.g. the published time and device beside ours (the modern table)
        more.append([row, *rest])
    fitted_table(
        frame,
        "w_repro_results",
        main=main,
        more=more,
        short=short,
        widths={row: 180},
    )


EXPORTS = [  # (kind, maker, mime type, file extension)
    ("csv", report.to_csv, "text/csv", "csv"),
    ("markdown", report.to_markdown, "text/markdown", "md"),
    ("latex", report.to_latex, "application/x-tex", "tex"),
]


def export_ui(table: Table, ours: dict[str, dict]) -> None:
    """Download buttons: the table beside ours as CSV, Markdown and LaTeX."""
    rows = report.reproduce_rows(table, ours, lang())
    columns = report.reproduce_columns(table)
    st.caption(t("repro.export_caption"))
    for col, (kind, make, mime, ext) in zip(st.columns(3), EXPORTS, strict=True):
        extra = {"caption": report.reproduce_caption(table, lang())} if kind == "latex" else {}
        col.download_button(
            t(f"compare.export_{kind}"),
            data=make(rows, lang(), columns=columns, **extra),
            file_name=f"reproduce-table-{table.id}.{ext}",
            mime=mime,
            key=f"w_repro_export_{kind}",
            icon=":material/download:",
        )
