"""The command line: presets, train (through the job executor), runs, reproduce."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cnnapp.cli import dataset_ref, main

ROOT = Path(__file__).resolve().parent.parent


def _cli(*args, env_extra=None):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "cnnapp", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_presets_lists_and_shows_a_layer_table(capsys):
    assert main(["presets"]) == 0
    out = capsys.readouterr().out
    assert "basenet" in out and "24,197" in out and "1,911,065" in out
    assert main(["presets", "mired_v5"]) == 0
    out = capsys.readouterr().out
    assert "Dropout" in out and "1,906,841 parameters" in out


def test_bad_data_path_is_a_clear_error(capsys):
    assert main(["train", "--data", "/nowhere/at/all.zip"]) == 2
    assert "neither a dataset name" in capsys.readouterr().err


def test_dataset_ref_for_names_and_paths(tmp_path):
    assert dataset_ref("cifar10", None, 32, None) == {"name": "cifar10", "image_size": 32}
    ref = dataset_ref(str(tmp_path), str(tmp_path), 40, 100)
    assert ref["name"] == "folder" and ref["image_size"] == 40 and ref["limit"] == 100


def test_train_json_then_runs(tmp_path):
    spec_file = tmp_path / "net.json"
    spec_file.write_text(
        json.dumps(
            [{"type": "conv2d", "filters": 8}, {"type": "maxpooling2d"}, {"type": "flatten"}]
        )
    )
    done = _cli(
        "train",
        "--spec",
        str(spec_file),
        "--limit",
        "300",
        "--epochs",
        "2",
        "--normalize",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["state"] == "completed"
    assert result["metrics"]["val_accuracy"] > 1 / 6
    listed = _cli("runs", "--json")
    runs = json.loads(listed.stdout.strip().splitlines()[-1])
    assert [r["run_id"] for r in runs] == [result["run_id"]]
    assert runs[0]["owner"] == "cli"


def test_reproduce_refuses_an_unknown_table(capsys):
    assert main(["reproduce", "99"]) == 2
    assert "choose one of" in capsys.readouterr().err


@pytest.mark.slow  # an end-to-end training run: with the slow tests (CI runs them)
def test_reproduce_prints_our_figures_beside_the_assignments():
    done = _cli("reproduce", "3", "--epochs", "1", "--limit", "240", "--data", "procedural")
    assert done.returncode == 0, done.stderr
    assert "validation_split=0.1 + normalización" in done.stdout
    assert done.stdout.count("assignment") == 2 and done.stdout.count("ours (completed)") == 2
    assert "0.3776" in done.stdout  # the assignment's test accuracy for the normalised row


def test_dataset_ref_for_the_birds(tmp_path):
    assert dataset_ref("cub200", None, None, None) == {"name": "cub200"}  # 224×224 by default
    ref = dataset_ref(f"cub200_2011:{tmp_path}", None, None, 50)
    assert ref == {"name": "cub200_2011", "path": str(tmp_path), "limit": 50}
