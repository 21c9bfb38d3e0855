"""The run zip (`cnnapp.export.bundle`) and `python -m cnnapp code`: members, round trips, errors."""

from __future__ import annotations

import ast
import hashlib
import io
import json
import os
import zipfile

import pytest

from cnnapp.cli.main import main
from cnnapp.export import BundleError, run_zip, write_run_zip
from cnnapp.export.bundle import KERAS2_SCRIPT, MANIFEST, SCRIPT
from cnnapp.export.keras2 import LABEL
from cnnapp.nets.presets import PRESETS, get_preset
from cnnapp.runs import FILE_NAMES, RunNotFound, RunStore

MODEL_BYTES = b"PK\x03\x04 a model.keras stand-in"


def save_run(tmp_path, logs: bool = True, owner: str = "cli") -> str:
    """A run on disk as the engine saves one (a stand-in model file), with TensorBoard logs."""
    folders = {}
    if logs:
        board = tmp_path / "live-logs"
        (board / "train").mkdir(parents=True)
        (board / "validation").mkdir()
        (board / "train" / "events.out.tfevents.1.host.1.v2").write_bytes(b"train events")
        (board / "validation" / "events.out.tfevents.1.host.2.v2").write_bytes(b"val events")
        folders = {"tensorboard": board}
    config = {
        "owner": owner,
        "label": "BaseNet, flip",
        "kind": "train",
        "dataset": {"name": "cifar100_25"},
        "preprocessing": {"normalize": True, "horizontal_flip": True},
        "train": {"epochs": 3, "early_stopping": True, "seed": 7},
        "network_name": "BaseNet",
        "class_names": [f"class {i}" for i in range(25)],
        "input_shape": [32, 32, 3],
    }
    metrics = {"train_loss": 1.2, "val_accuracy": 0.4, "num_params": 24197, "epochs_run": 3}
    return RunStore().save(
        model=lambda path: path.write_bytes(MODEL_BYTES),
        spec=get_preset("basenet"),
        config=config,
        history={"epochs": [{"epoch": 1, "loss": 2.0}]},
        metrics=metrics,
        folders=folders,
    )


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_the_zip_holds_the_run_its_logs_and_both_scripts(tmp_path):
    run_id = save_run(tmp_path)
    files = members(run_zip(RunStore(), run_id))
    names = {name.split("/", 1)[1] for name in files}
    assert all(name.startswith(f"{run_id}/") for name in files)
    assert names == {
        *FILE_NAMES,
        "tensorboard/train/events.out.tfevents.1.host.1.v2",
        "tensorboard/validation/events.out.tfevents.1.host.2.v2",
        SCRIPT,
        KERAS2_SCRIPT,
        MANIFEST,
    }
    store = RunStore()
    for name in FILE_NAMES:  # the run's own files, byte for byte
        assert files[f"{run_id}/{name}"] == store.file_bytes(run_id, name)
    config = json.loads(files[f"{run_id}/config.json"])
    assert config["train"]["seed"] == 7 and config["label"] == "BaseNet, flip"
    script = files[f"{run_id}/{SCRIPT}"].decode()
    ast.parse(script)
    assert f"CNN Lab's run {run_id}" in script and "SEED = 7" in script
    assert files[f"{run_id}/{KERAS2_SCRIPT}"].decode().startswith(f"# {LABEL}")
    manifest = json.loads(files[f"{run_id}/{MANIFEST}"])
    assert manifest["run_id"] == run_id and manifest["tensorboard_logs"].startswith("included")
    for name, entry in manifest["files"].items():
        data = files[f"{run_id}/{name}"]
        assert entry == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert set(manifest["files"]) == names - {MANIFEST}


def test_a_run_without_logs_says_so(tmp_path):
    run_id = save_run(tmp_path, logs=False)
    files = members(run_zip(RunStore(), run_id))
    assert not any("/tensorboard/" in name for name in files)
    manifest = json.loads(files[f"{run_id}/{MANIFEST}"])
    assert manifest["tensorboard_logs"].startswith("none: the run was trained before")


def test_a_run_missing_a_file_gets_an_error_not_a_partial_zip(tmp_path):
    run_id = save_run(tmp_path)
    (RunStore().path(run_id) / "history.json").unlink()
    with pytest.raises(BundleError, match=f"run '{run_id}' is damaged .*history.json"):
        run_zip(RunStore(), run_id)
    target = tmp_path / "out.zip"
    with pytest.raises(BundleError):
        write_run_zip(RunStore(), run_id, target)
    assert not target.exists() and not list(tmp_path.glob(".out.zip*"))


def test_links_and_odd_names_in_the_logs_are_refused(tmp_path):
    run_id = save_run(tmp_path)
    logs = RunStore().path(run_id) / "tensorboard"
    os.symlink("/etc/passwd", logs / "train" / "passwd")
    with pytest.raises(BundleError, match="has a link in its TensorBoard logs"):
        run_zip(RunStore(), run_id)
    (logs / "train" / "passwd").unlink()
    (logs / "train" / "evil name;.v2").write_bytes(b"x")
    with pytest.raises(BundleError, match="not a name a zip member may have"):
        run_zip(RunStore(), run_id)


def test_another_owners_run_is_not_found(tmp_path):
    run_id = save_run(tmp_path, owner="a" * 32)
    with pytest.raises(RunNotFound):
        run_zip(RunStore(), run_id, owner="b" * 32)
    with pytest.raises(ValueError):
        run_zip(RunStore(), "../../etc")


def test_cli_prints_a_runs_script_and_its_keras2_version(tmp_path, capsys):
    run_id = save_run(tmp_path)
    assert main(["code", run_id]) == 0
    script = capsys.readouterr().out
    ast.parse(script)
    assert f"CNN Lab's run {run_id}" in script and "keras.datasets.cifar100.load_data" in script
    assert main(["code", run_id, "--keras2"]) == 0
    assert capsys.readouterr().out.startswith(f"# {LABEL}")


def test_cli_writes_the_run_zip(tmp_path, capsys):
    run_id = save_run(tmp_path)
    target = tmp_path / "run.zip"
    assert main(["code", run_id, "--zip", str(target)]) == 0
    assert f"{run_id}/{SCRIPT}" in members(target.read_bytes())
    assert "wrote" in capsys.readouterr().err


def test_cli_prints_a_presets_script(capsys):
    assert main(["code", "--preset", "mired_bn_v3", "--dataset", "cifar10", "--epochs", "40"]) == 0
    script = capsys.readouterr().out
    ast.parse(script)
    assert "EPOCHS = 40" in script and "keras.datasets.cifar10.load_data()" in script
    assert script.startswith(f'"""{PRESETS["mired_bn_v3"].name}: from CNN Lab, not trained')


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["code", "r20991231-2359-0123456789abcdef"], "there is no saved run"),
        (["code", "not-a-run"], "not-a-run"),
        (["code"], "give either a RUN_ID"),
        (["code", "r20991231-2359-0123456789abcdef", "--preset", "basenet"], "either a RUN_ID"),
        (["code", "--preset", "basenet", "--zip", "x.zip"], "--zip needs a RUN_ID"),
    ],
)
def test_cli_refuses_unknown_runs_and_odd_requests(args, message, capsys):
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_cli_refuses_an_unknown_preset(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["code", "--preset", "no_such_net"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'no_such_net'" in capsys.readouterr().err
