"""Class page widget groups (lecturers only): every student's jobs and runs, publishing, limits."""

from __future__ import annotations

import pandas as pd
import streamlit as st  # noqa: TID251 - ui/ is the app layer

from cnnapp import report
from cnnapp.classroom.identity import People
from cnnapp.classroom.limits import ClassLimits, load_limits, save_limits
from cnnapp.classroom.published import Publications
from cnnapp.jobs import DONE_STATES
from cnnapp.runs import RunInfo
from ui import keys, resources
from ui.plain import plain
from ui.tables import fitted_table
from ui.text import lang, t

# Compare's main columns but the epochs (under "More columns"): room for student and published.
MAIN_COLUMNS = tuple(key for key in report.MAIN_COLUMNS if key != "epochs")


def _name(people: dict, owner: str | None) -> str:
    entry = people.get(owner or "")
    if entry:
        return str(entry.get("name") or entry.get("email") or owner)
    return t("compare.cli") if owner == "cli" else str(owner)


def jobs_ui(people: dict) -> None:
    """Every job of the class: state, progress and queue position; stop any of them."""
    jobs = resources.executor().list_all()
    if not jobs:
        st.info(t("class.no_jobs"))
        return
    frame = pd.DataFrame(
        [
            {
                t("class.student"): _name(people, job.owner),
                t("class.job"): job.label,
                t("class.state"): t(f"state.{job.state}"),
                t("class.progress"): f"{round(100 * (job.progress or 0))} %",
                t("class.position"): job.position or "",
                t("class.device"): job.device,
            }
            for job in jobs
        ]
    )
    st.dataframe(frame, hide_index=True, key="w_class_jobs")
    live = {job.id: job for job in jobs if job.state not in DONE_STATES}
    if not live:
        return
    cols = st.columns([3, 1], vertical_alignment="bottom")
    job_id = cols[0].selectbox(
        t("class.pick_job"),
        list(live),
        format_func=lambda i: f"{_name(people, live[i].owner)}: {live[i].label}",
        key="w_class_job",
    )
    if cols[1].button(t("train.stop"), key="w_class_stop", icon=":material/stop:"):
        resources.executor().cancel_any(job_id)
        st.rerun()


def runs_ui(people: dict, person: dict) -> None:
    """Every saved run: the results table, the leaderboard, publish/unpublish and delete."""
    runs = [run for run in resources.run_store().list(None) if run.status == "ok"]
    if not runs:
        st.info(t("class.no_runs"))
        return
    published = Publications().all()
    rows = [report.run_row(run.run_id, run.config, run.metrics, lang()) for run in runs]
    frame = pd.DataFrame(
        [
            {
                t("class.student"): _name(people, run.owner),
                **{t(f"report.col.{key}"): row[key] for key, _ in report.COLUMNS},
                t("class.published"): "✓" if run.run_id in published else "",
            }
            for run, row in zip(runs, rows, strict=True)
        ]
    )
    title = {key: t(f"report.col.{key}") for key, _ in report.COLUMNS}
    student = t("class.student")
    fitted_table(  # fits a projector, as Compare's: the results at once, the rest under "More"
        frame,
        "w_class_runs",
        main=[student, *(title[key] for key in MAIN_COLUMNS), t("class.published")],
        more=[
            [student, *(title[key] for key in report.SETTINGS_COLUMNS)],
            [student, *(title[key] for key in report.LOSS_COLUMNS), title["epochs"]],
        ],
        short={title["gap"]: t("compare.short.gap")},
        widths={student: "medium", title["label"]: "medium"},  # an email or owner id is long
    )
    leaderboard_ui(runs, rows, people)
    manage_ui(runs, published, person)


def leaderboard_ui(runs: list[RunInfo], rows: list[dict], people: dict) -> None:
    """The class's best runs by validation accuracy."""
    st.subheader(t("class.leaderboard"))
    scored = [
        (row["val_accuracy"], run, row)
        for run, row in zip(runs, rows, strict=True)
        if isinstance(row.get("val_accuracy"), float)
    ]
    scored.sort(key=lambda item: -item[0])
    frame = pd.DataFrame(
        [
            {
                "#": rank,
                t("class.student"): _name(people, run.owner),
                t("report.col.label"): row["label"],
                t("report.col.network"): row["network"],
                t("report.col.val_accuracy"): round(accuracy, 4),
            }
            for rank, (accuracy, run, row) in enumerate(scored[:10], start=1)
        ]
    )
    st.dataframe(frame, hide_index=True, key="w_class_leaderboard")


def manage_ui(runs: list[RunInfo], published: dict, person: dict) -> None:
    """Publish a run to the class (read-only for students), unpublish it, or delete it."""
    titles = {run.run_id: f"{run.label or run.run_id} · {run.run_id[-4:]}" for run in runs}
    cols = st.columns([3, 1, 1], vertical_alignment="bottom")
    run_id = cols[0].selectbox(
        t("class.pick_run"), list(titles), format_func=titles.get, key="w_class_run"
    )
    store = Publications()
    if run_id in published:
        if cols[1].button(t("class.unpublish"), key="w_class_unpublish"):
            store.unpublish(run_id)
            st.rerun()
    elif cols[1].button(t("class.publish"), key="w_class_publish", type="primary"):
        store.publish(run_id, by=person.get("name") or person.get("email") or "lecturer")
        st.rerun()
    sure = st.checkbox(t("class.delete_sure"), key="w_class_delete_sure")
    if cols[2].button(t("class.delete"), key="w_class_delete", disabled=not sure):
        resources.run_store().delete(run_id, keys.owner(), lecturer=True)
        store.unpublish(run_id)
        st.rerun()


def limits_ui() -> None:
    """The class limits, editable and kept on disk."""
    limits = load_limits()
    with st.form("w_class_limits"):
        cols = st.columns(3)
        values = {
            "max_queued_per_owner": cols[0].number_input(
                t("class.max_queued"), 0, 50, limits.max_queued_per_owner
            ),
            "max_epochs": cols[1].number_input(t("class.max_epochs"), 1, 10_000, limits.max_epochs),
            "max_params": cols[2].number_input(
                t("class.max_params"), 1, 1_000_000_000, limits.max_params, step=100_000
            ),
            "max_train_pixels": cols[0].number_input(
                t("class.max_train_pixels"), 1, 10**12, limits.max_train_pixels, step=1_000_000
            ),
            "disk_quota_bytes": int(
                cols[1].number_input(
                    t("class.disk_quota_mb"), 1, 10**7, limits.disk_quota_bytes // 2**20
                )
            )
            * 2**20,
            "max_running_per_owner": cols[2].number_input(
                t("class.max_running"), 1, 10, limits.max_running_per_owner
            ),
            "session_hours": cols[0].number_input(
                t("class.session_hours"), 1, 24 * 30, limits.session_hours
            ),
        }
        if st.form_submit_button(t("class.save_limits"), type="primary"):
            try:
                save_limits(ClassLimits.from_dict({**limits.to_dict(), **values}))
            except ValueError as error:
                st.error(plain(error))
            else:
                st.success(t("class.limits_saved"))


def people() -> dict:
    return People().all()
