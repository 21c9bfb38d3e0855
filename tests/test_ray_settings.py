"""Choosing the backend: CNNAPP_EXECUTOR, RAY_ADDRESS and the jobs-per-GPU setting (no cluster)."""

from __future__ import annotations

import pytest

from cnnapp.jobs import LocalExecutor, make_executor
from cnnapp.jobs.ray_executor import job_env, jobs_per_gpu_setting
from cnnapp.settings import get_settings


def test_the_executor_setting_defaults_to_local_and_refuses_unknown_names(monkeypatch):
    monkeypatch.delenv("CNNAPP_EXECUTOR", raising=False)
    assert get_settings().executor == "local"
    monkeypatch.setenv("CNNAPP_EXECUTOR", " Ray ")
    assert get_settings().executor == "ray"
    monkeypatch.setenv("CNNAPP_EXECUTOR", "slurm")
    with pytest.raises(ValueError, match=r"CNNAPP_EXECUTOR='slurm' is not one of local, ray"):
        get_settings()


def test_make_executor_builds_the_local_one_by_default(monkeypatch):
    monkeypatch.delenv("CNNAPP_EXECUTOR", raising=False)
    executor = make_executor(max_jobs=1, journal=False)
    try:
        assert isinstance(executor, LocalExecutor) and executor.max_jobs == 1
    finally:
        executor.shutdown()


def test_ray_without_an_address_says_what_to_set(monkeypatch):
    ray = pytest.importorskip("ray", reason="ray is not installed (pip install 'ray>=2.52')")
    if ray.is_initialized():
        pytest.skip("this process is already connected to a Ray cluster")
    monkeypatch.setenv("CNNAPP_EXECUTOR", "ray")
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    with pytest.raises(ValueError, match="set RAY_ADDRESS to the head node's host:port"):
        make_executor()


def test_jobs_per_gpu_and_the_job_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("CNNAPP_JOBS_PER_GPU", raising=False)
    assert jobs_per_gpu_setting() == 1
    monkeypatch.setenv("CNNAPP_JOBS_PER_GPU", "4")
    assert jobs_per_gpu_setting() == 4
    monkeypatch.setenv("CNNAPP_JOBS_PER_GPU", "many")
    with pytest.raises(ValueError, match="CNNAPP_JOBS_PER_GPU='many' is not a whole number"):
        jobs_per_gpu_setting()
    monkeypatch.setenv("CNNAPP_JOBS_PER_GPU", "4")
    monkeypatch.setenv("CNNAPP_MODELS_DIR", str(tmp_path / "shared-runs"))
    monkeypatch.setenv("CNNAPP_EXECUTOR", "ray")
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    env = job_env()
    assert env["CNNAPP_MODELS_DIR"] == str(tmp_path / "shared-runs")
    assert env["KERAS_BACKEND"] == "jax"
    assert "CNNAPP_EXECUTOR" not in env  # the server's choice, not the job's
