"""Train page: the session's training job, its state, progress, live curves and results row.

While the job is queued or running, a fragment redraws it about once a second (only the fragment
reruns, not the page), four times a second until its first batch; once it ends, one full rerun
switches to a static view and refreshes the sidebar. Nothing here waits for the job: `Executor.status` is a snapshot.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st  # noqa: TID251 - ui/ is the app layer

from cnnapp import charts
from cnnapp.jobs import JobStatus, cut_curves, readout
from cnnapp.messages import words
from cnnapp.training.scoring import RESULT_COLUMNS
from ui import keys, nav, plot, progress, resources
from ui.plain import plain
from ui.text import lang, t

POLL_SECONDS = progress.POLL_SECONDS


def current_status() -> JobStatus | None:
    """The status of the session's job, or None when there is none (or it is not this session's)."""
    return progress.snapshot(st.session_state.get(keys.JOB))


def running_job() -> JobStatus | None:
    """A queued or running training job of this owner (this tab's or another tab's), if any.

    Reproduce's jobs of this session do not count: they have their own page.
    """
    status = current_status()
    if status is not None and not status.done:
        return status
    reproduce = set(st.session_state[keys.REPRO_JOBS].values())
    for job in resources.executor().list(keys.owner()):
        if not job.done and job.id not in reproduce:
            return job
    return None


def job_panel() -> None:
    """The session's job: live while it runs, static once it has ended."""
    status = current_status()
    if status is None:
        if st.session_state.get(keys.JOB):
            st.info(t("train.job_gone"))
        else:
            st.info(t("train.no_job"))
        return
    if status.done:
        render(status)
    elif progress.poll_seconds(readout(status)) == progress.STARTING_POLL_SECONDS:
        _live_starting()
    else:
        _live()


@st.fragment(run_every=POLL_SECONDS)
def _live() -> None:
    _redraw()


@st.fragment(run_every=progress.STARTING_POLL_SECONDS)
def _live_starting() -> None:
    status = _redraw()
    if status is not None and not status.done:
        if progress.poll_seconds(readout(status)) != progress.STARTING_POLL_SECONDS:
            st.rerun()  # the first batch is in: the whole page, back to the usual rate


def _redraw() -> JobStatus | None:
    status = current_status()
    if status is None:
        return None
    render(status)
    if status.done and st.session_state.get(keys.JOB_DONE_SEEN) != status.id:
        st.session_state[keys.JOB_DONE_SEEN] = status.id
        st.rerun()  # the whole page: Start is enabled again, the sidebar updates
    return status


def state_ui(status: JobStatus) -> None:
    """A line (or a progress bar) saying where the job is: the same readout as the sidebar's."""
    state = status.state
    if state in ("queued", "running", "stopping"):
        progress.bar(readout(status))
        if state == "stopping":
            st.warning(t("train.stopping"), icon=":material/pause_circle:")
    elif state == "completed":
        st.success(
            t("train.completed", seconds=round(status.elapsed_s or 0)),
            icon=":material/check_circle:",
        )
    elif state == "stopped":
        st.warning(t("train.stopped"), icon=":material/stop_circle:")
    else:  # failed, interrupted
        error = words(status.error_message, lang()) if status.error_message else status.error
        st.error(t(f"train.{state}", error=plain(error or "")), icon=":material/error:")
    if status.device:
        st.caption(t("train.device", device=status.device))


def curves_ui(status: JobStatus) -> None:
    """Loss and accuracy, train vs validation, batches included; early stopping marked."""
    history, points = cut_curves(status.history, status.batch_points, readout(status))
    frame = charts.curves_frame(history, points)
    if frame.empty:
        return
    marked = (status.early_stopping or {}).get("best_epoch")
    cols = st.columns(2)
    for col, metric in zip(cols, charts.METRICS, strict=True):
        with col:
            chart = charts.training_chart(frame, metric, lang(), marked_epoch=marked)
            plot.show(chart, f"w_train_chart_{metric}")
            st.caption(charts.training_summary(frame, metric, lang()))
    if status.early_stopping:
        st.caption(
            t(
                "train.early_stopped",
                stopped=status.early_stopping.get("stopped_epoch"),
                best=status.early_stopping.get("best_epoch"),
            )
        )


def results_frame(metrics: dict) -> pd.DataFrame:
    """The assignment's results row: train loss/accuracy, validation loss/accuracy, test accuracy."""
    row = {t(f"col.{key}"): _rounded(metrics.get(key)) for key in RESULT_COLUMNS}
    return pd.DataFrame([row])


def _rounded(value):
    return round(value, 4) if isinstance(value, float) else value


def render(status: JobStatus) -> None:
    """Everything about one job snapshot."""
    st.header(plain(status.label) if status.label else t("train.job"))
    state_ui(status)
    curves_ui(status)
    result = status.result if isinstance(status.result, dict) else {}
    metrics = result.get("metrics") or {}
    if status.done and metrics:
        st.markdown(f"**{t('train.results')}**")
        st.dataframe(results_frame(metrics), hide_index=True, key="w_train_results")
        if metrics.get("restored"):
            st.caption(
                t("train.restored", epoch=metrics.get("scored_epoch", metrics.get("best_epoch")))
            )
        if result.get("run_id"):
            st.caption(t("train.saved_as", run_id=result["run_id"]))
            nav.link("compare", t("train.go_compare"))
