"""The progress of a job in words and bars, the same in the sidebar and on Train.

Both read `cnnapp.jobs.readout` of one snapshot, fetched through `snapshot` so two views drawn
within the same poll see the same job state.
"""

from __future__ import annotations

import time

import streamlit as st  # noqa: TID251 - ui/ is the app layer

from cnnapp.jobs import JobStatus, Readout
from ui import keys, resources
from ui.plain import plain
from ui.text import t

POLL_SECONDS = 1.0  # how often the live views redraw
STARTING_POLL_SECONDS = 0.25  # ... until the first batch, so the chart's first point shows soon
SNAPSHOT_REUSE_S = 0.2  # views redrawn within this of each other share one snapshot


def poll_seconds(r: Readout) -> float:
    """How often a view of this job redraws: faster while it starts, as a student waits."""
    return STARTING_POLL_SECONDS if r.stage == "starting" else POLL_SECONDS


def snapshot(job_id: str | None) -> JobStatus | None:
    """This owner's job `job_id` now, or the snapshot another view took a moment ago."""
    if not job_id:
        return None
    cached = st.session_state.get(keys.JOB_SNAPSHOT)
    now = time.monotonic()
    if cached and cached[0] == job_id and now - cached[1] < SNAPSHOT_REUSE_S:
        return cached[2]
    status = resources.executor().status(job_id, keys.owner())
    st.session_state[keys.JOB_SNAPSHOT] = (job_id, now, status)
    return status


def eta_text(seconds: float | None) -> str:
    if seconds is None:
        return t("train.eta_unknown")
    seconds = int(round(seconds))
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def phase_name(r: Readout) -> str:
    return t(f"phase.{r.phase}") if r.phase else t("phase.starting")


def line(r: Readout) -> str:
    """The panel's line: the phase and its seconds, the epoch and batch, or what is finishing."""
    if r.stage == "queued":
        return t("train.queued", position=r.position or 1)
    if r.stage == "starting":
        return t(
            "progress.starting",
            phase=phase_name(r),
            message=plain(r.message or ""),
            seconds=int(r.elapsed_s or 0),
        )
    if r.stage == "finishing":
        return t(_finishing_key(r))
    return t(
        "train.progress",
        epoch=r.epoch,
        epochs=r.epochs,
        batch=r.batch,
        batches=r.batches or "?",
        eta=eta_text(r.eta_s),
    )


def short(r: Readout, label: str) -> str:
    """The sidebar's line about the same job."""
    label = plain(label)
    if r.stage == "queued":
        return t("sidebar.job_queued", label=label, position=r.position or 1)
    if r.stage == "starting":
        return t("sidebar.job_starting", label=label, phase=phase_name(r))
    if r.stage == "finishing":
        return t("sidebar.job_finishing", label=label)
    if r.stage == "training":
        return t(
            "sidebar.job_running",
            label=label,
            epoch=r.epoch,
            epochs=r.epochs,
            batch=r.batch,
            batches=r.batches or "?",
            percent=int(100 * r.fraction),
        )
    return t("sidebar.job_done", label=label, state=t(f"state.{r.stage}"))


def bar(r: Readout) -> None:
    """The progress bar with its line (queued jobs get an info box instead)."""
    if r.stage == "queued":
        st.info(line(r), icon=":material/schedule:")
        return
    st.progress(min(1.0, max(0.0, r.fraction)), text=line(r))


def _finishing_key(r: Readout) -> str:
    if r.phase == "saving":
        return "progress.saving"
    if r.phase == "evaluating":
        return "progress.scoring"
    return "progress.validating"
