"""Smoke tests of the benchmark's pieces on tiny data (no timing is asserted)."""

import re

import keras
import pytest

from bench import common, gpu, gpu_class, job_cost, latency, report, run, train_compare
from cnnapp import devices

TINY = {"name": "procedural", "limit": 240}  # its first 10 % holds every class


def test_data_ref_uses_the_zip_when_present_and_says_which(tmp_path):
    ref, source = common.data_ref(5000, tmp_path / "absent.zip")
    assert ref == {"name": "procedural", "limit": 5000} and "procedural" in source
    archive = tmp_path / "cifar10-train.zip"
    archive.write_bytes(b"")
    ref, source = common.data_ref(None, archive)
    assert ref["name"] == "folder" and ref["path"] == str(archive) and "real data" in source


@pytest.mark.slow  # a benchmark run
@pytest.mark.parametrize("pipeline", [train_compare.assignment, train_compare.engine])
def test_both_pipelines_train_the_same_network_and_report_the_same_figures(pipeline):
    result = pipeline("basenet", TINY, epochs=2)
    for key in ("images_per_s", "steady_images_per_s", "cpu_ms_per_image", "val_accuracy"):
        assert result[key] is not None and result[key] >= 0, key
    assert 0 <= result["val_accuracy"] <= 1


@pytest.mark.slow  # a benchmark run
def test_bare_fit_uses_the_engine_plan_without_callbacks():
    result = train_compare.bare("basenet", TINY, epochs=2)
    assert result["plan"]["augment_in"] in ("data", "model") and result["images_per_s"] > 0


@pytest.mark.slow  # a benchmark run
def test_a_job_through_the_executor_reports_its_first_event_and_worker_memory():
    result = job_cost.job("basenet", TINY, epochs=1)
    assert result["first_event_s"] <= result["first_batch_s"] <= result["total_s"]
    assert result["worker_peak_rss_mb"] > 0


def test_build_page_renders_without_importing_tensorflow():
    result = common.run_child(["build_page"], timeout_s=300)
    assert result.get("exception") is None, result
    assert result["tables"] >= 1
    assert result["tensorflow_imported"] is False


def test_latency_measures_the_three_ways_to_predict():
    model = keras.Sequential(
        [keras.Input((8, 8, 3)), keras.layers.Flatten(), keras.layers.Dense(3)]
    )
    blob, _ = latency._photo_bytes()
    figures = latency._model_latency(model, blob, repeats=2)
    assert set(figures) == {"decode_resize_ms", "predict_ms", "predict_on_batch_ms", "call_ms"}


@pytest.mark.slow  # a benchmark run
def test_resnet50_throughput_runs_tiny_on_a_cpu():
    result = gpu.resnet50_plain(batch_size=2, steps=2, size=32, epochs=2, precision="float32")
    assert result["images_per_s"] > 0


def test_gpu_mode_skips_cleanly_without_a_gpu(monkeypatch, capsys):
    monkeypatch.setattr(devices, "probe_gpu_details", lambda refresh=False: [])
    assert run.main(["--gpu"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert "no GPU" in lines[0]
    assert lines[-1] == "speedup basenet=n/a mired_bn_v3=n/a"


def test_report_renders_tables_and_ends_with_the_speedup_line():
    runs = {
        "assignment": [{"images_per_s": 100.0, "steady_images_per_s": 110.0, "val_accuracy": 0.5}],
        "engine": [{"images_per_s": 250.0, "steady_images_per_s": 300.0, "val_accuracy": 0.51}],
    }
    training = {"basenet": runs, "mired_bn_v3": {"assignment": [], "engine": [{"error": "x"}]}}
    text = report.render({"mode": "quick", "machine": {}, "training": training})
    assert "ImageDataGenerator" in text and "2.50" in text
    line = report.speedup_line(training)
    assert line == "speedup basenet=2.50 mired_bn_v3=n/a"
    assert re.fullmatch(r"speedup basenet=\S+ mired_bn_v3=\S+", line)


@pytest.mark.slow  # a benchmark run
def test_bare_limit_fits_the_network_on_arrays_and_reports_the_same_figures():
    result = train_compare.bare_limit("basenet", TINY, epochs=2)
    assert result["images_per_s"] > 0 and result["steady_images_per_s"] > 0
    assert result["fit_s"] >= result["first_epoch_s"] > 0


def test_of_bare_is_the_engine_over_the_bare_limit_printed_just_before_speedup(monkeypatch, capsys):
    runs = {
        "assignment": [{"images_per_s": 100.0}],
        "engine": [{"images_per_s": 180.0}, {"images_per_s": 200.0}, {"images_per_s": 190.0}],
        "bare_limit": [{"images_per_s": 200.0}],
    }
    training = {"basenet": runs, "mired_bn_v3": {"engine": [{"images_per_s": 90.0}]}}
    assert report.of_bare_line(training) == "of_bare basenet=0.95 mired_bn_v3=n/a"
    assert "bare limit (no preprocessing)" in report.training_table(training)
    results = {"mode": "quick", "machine": {}, "training": training}
    monkeypatch.setattr(run, "run_cpu", lambda sizes, mode: results)
    assert run.main(["--quick"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-2] == "of_bare basenet=0.95 mired_bn_v3=n/a"
    assert re.fullmatch(r"of_bare basenet=\S+ mired_bn_v3=\S+", lines[-2])
    assert lines[-1] == "speedup basenet=1.90 mired_bn_v3=n/a"


def test_the_gpu_summary_line_names_each_figure():
    results = {
        "class": [{"jobs_per_gpu": 16, "jobs_per_hour": 900.0}, {"jobs_per_gpu": 1,
                                                                 "jobs_per_hour": 120.5}],
        "table9": [{"state": "completed", "wall_s": 27.4}],
        "resnet50": [{"error": "timed out"}, {"ratio": 0.934}],
    }  # fmt: skip
    line = gpu_class.summary_line(results)
    assert line == "gpu jobs_per_hour 16=900.0 1=120.5 table9_s=27.4 resnet50_ratio=0.93"
    assert gpu_class.summary_line({}) == "gpu jobs_per_hour n/a table9_s=n/a resnet50_ratio=n/a"


@pytest.mark.slow  # trains 3 small jobs on the CPU under JAX: up to 7 minutes on 2 busy cores
def test_gpu_mode_dry_run_exercises_every_part_on_the_cpu(monkeypatch, capsys):
    """Every part runs and prints its figure in the documented form (on a busy CPU a job may
    reach its budget and be stopped: the figures themselves mean nothing here)."""
    pytest.importorskip("jax")
    monkeypatch.setenv("KERAS_BACKEND", "jax")  # restored afterwards (the dry run sets it)
    assert run.main(["--gpu", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "keras_backend': 'jax'" in out
    assert re.search(
        r"^class jobs_per_gpu=2 cap=7488 MB: [012]/2 jobs in [\d.]+ s = [\d.]+ jobs/hour", out, re.M
    ), out
    assert re.search(r"^table9 t9-1: \w+ in [\d.]+ s \(submit to done\), \d+ epochs", out, re.M)
    assert "resnet50: not measured" in out  # its own smoke test: test_resnet50_throughput_...
    assert re.fullmatch(
        r"gpu jobs_per_hour 2=[\d.]+ table9_s=\S+ resnet50_ratio=n/a",
        out.strip().splitlines()[-1],
    ), out


def test_startup_lines_come_before_the_tables_and_the_speedup_stays_last(monkeypatch, capsys):
    figures = {
        "cold": {"first_point_s": 12.5, "phases": [[0.0, "starting"], [3.1, "loading data"]],
                 "poll_s": 1.0},
        "warm": {"first_point_s": 2.75, "warm": True, "phases": [[0.0, "loading data"]]},
        "cold_process": {"seconds": 14.25, "import_keras_s": 9.0, "build_s": 0.4,
                         "one_batch_s": 1.2},
        "mired_cifar": {"first_point_s": 4.5, "phases": [[0.5, "compiling"]]},
    }  # fmt: skip
    monkeypatch.setattr(run, "startup", lambda: figures)
    assert run.main(["--startup"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("startup "))
    assert lines[first] == "startup first_point_s=2.75 cold_process_s=14.25"
    assert re.fullmatch(r"startup first_point_s=\S+ cold_process_s=\S+", lines[first])
    assert lines[first + 1] == "startup_cold first_point_s=12.50 poll_s=1"
    assert lines[first + 2] == "startup_mired_bn_v3_cifar10 first_point_s=4.50"
    assert any("loading data 3.1 s" in line for line in lines[first + 3 :])  # the table after
    assert any("compiling 0.5 s" in line for line in lines[first + 3 :])
    assert lines[-1] == "speedup basenet=n/a mired_bn_v3=n/a"


def test_startup_lines_say_n_a_for_what_failed():
    lines = report.startup_lines({"warm": {"error": "no warm worker"}, "cold_process": {}})
    assert lines == [
        "startup first_point_s=n/a cold_process_s=n/a",
        "startup_cold first_point_s=n/a",
        "startup_mired_bn_v3_cifar10 first_point_s=n/a",
    ]


@pytest.mark.slow  # starts a real training worker
def test_first_point_goes_through_a_warm_worker_to_a_batch_point():
    from bench import startup

    result = startup.first_point(ref=TINY, warm=True)
    assert result["warm"] is True and result["first_point_s"] > 0, result
    assert [phase for _, phase in result["phases"]][-1] in ("compiling", "training")
