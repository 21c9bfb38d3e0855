"""The one progress model: every view reads the same stage, epoch, batch and fraction."""

from dataclasses import replace

import pytest

from cnnapp import i18n
from cnnapp.jobs import JobStatus, cut_curves, readout


def status(**changes) -> JobStatus:
    base = JobStatus(
        id="job-1",
        owner="o",
        kind="train",
        label="BaseNet",
        state="running",
        position=None,
        phase="training",
        message=None,
        epoch=0,
        epochs=3,
        batch=0,
        batches=50,
        elapsed_s=4.0,
        eta_s=30.0,
        history=[],
        batch_points=[],
        early_stopping=None,
        result=None,
        error=None,
        traceback=None,
        device="CPU",
        submitted_at="2026-12-02T00:00:00",
        started_at="2026-12-02T00:00:01",
        finished_at=None,
    )
    return replace(base, **changes)


def test_before_the_first_batch_training_is_epoch_1_batch_0_not_epoch_0():
    r = readout(status(epoch=0, batch=0))
    assert (r.stage, r.epoch, r.batch, r.fraction) == ("training", 1, 0, 0.0)


def test_starting_names_its_phase_and_keeps_counting_seconds():
    early = readout(status(epochs=None, batches=None, phase="building", elapsed_s=1.2))
    later = readout(status(epochs=None, batches=None, phase="building", elapsed_s=3.7))
    assert early.stage == later.stage == "starting"
    assert early.phase == "building" and early.elapsed_s < later.elapsed_s
    assert early.eta_s is None and early.fraction == 0.0


def test_mid_training_epoch_batch_fraction_and_step_agree():
    r = readout(status(epoch=2, batch=25, eta_s=12.0))
    assert (r.stage, r.epoch, r.batch) == ("training", 2, 25)
    assert r.fraction == pytest.approx((1 + 25 / 50) / 3)
    assert r.step == pytest.approx(1.5) and r.eta_s == 12.0


def test_after_the_last_batch_it_is_finishing_without_a_stale_estimate():
    validating = readout(status(epoch=3, batch=50, eta_s=0.0))
    assert (validating.stage, validating.fraction, validating.eta_s) == ("finishing", 1.0, None)
    scoring = readout(status(epoch=3, batch=50, phase="evaluating", eta_s=0.0))
    assert scoring.stage == "finishing" and scoring.phase == "evaluating"
    saving = readout(status(epoch=3, batch=50, phase="saving"))
    assert saving.stage == "finishing"
    en = i18n.t("progress.scoring", "en")
    assert "test set" in en and "test" in i18n.t("progress.scoring", "es")


def test_queued_and_ended_jobs():
    queued = readout(status(state="queued", position=2, epochs=None, phase=None))
    assert (queued.stage, queued.position, queued.fraction) == ("queued", 2, 0.0)
    done = readout(status(state="completed", epoch=3, batch=50))
    assert (done.stage, done.fraction) == ("completed", 1.0)
    stopped = readout(status(state="stopped", epoch=1, batch=10))
    assert stopped.stage == "stopped" and stopped.fraction == pytest.approx(10 / 50 / 3)


def test_the_charts_stop_where_the_text_says():
    history = [{"epoch": 1, "loss": 1.0}, {"epoch": 2, "loss": 0.9}]
    points = [
        {"epoch": 2, "batch": 25, "step": 1.5, "loss": 0.95},
        {"epoch": 3, "batch": 10, "step": 2.2, "loss": 0.9},
    ]
    # The text says epoch 2, batch 25: a point of epoch 3 and epoch 2's end record are later.
    r = readout(status(epoch=2, batch=25))
    kept_history, kept_points = cut_curves(history, points, r)
    assert [h["epoch"] for h in kept_history] == [1]
    assert [p["step"] for p in kept_points] == [1.5]
    # Starting: nothing to draw yet; ended: everything.
    assert cut_curves(history, points, readout(status(epochs=None, phase="building"))) == ([], [])
    done = readout(status(state="completed", epoch=3, batch=50))
    assert cut_curves(history, points, done) == (history, points)


def test_compiling_is_a_starting_phase_until_the_first_batch():
    compiling = readout(status(phase="compiling", elapsed_s=2.5))  # train_begin came, no batch
    assert (compiling.stage, compiling.phase, compiling.epoch) == ("starting", "compiling", 0)
    assert compiling.fraction == 0.0 and compiling.eta_s is None
    first = readout(status(phase="compiling", epoch=1, batch=16, batch_points=[{"step": 0.3}]))
    assert (first.stage, first.epoch, first.batch) == ("training", 1, 16)


def test_the_record_leaves_compiling_at_the_first_batch():
    from cnnapp.jobs.record import JobRecord

    job = JobRecord(id="j", owner="o", kind="train", kind_path="", spec={})
    job.fold({"type": "worker", "warm": True, "pid": 1})
    job.fold({"type": "phase", "phase": "compiling", "message": "compiling"})
    job.fold({"type": "train_begin", "epochs": 2, "batches": 4})
    assert job.phase == "compiling" and job.warm is True
    job.fold({"type": "batch", "epoch": 1, "batch": 1, "batches": 4, "logs": {"loss": 1.0}})
    assert job.phase == "training" and job.snapshot(0.0).warm is True
