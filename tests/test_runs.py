"""Saved runs: atomic save, listing, damaged runs, ids that cannot escape, owners."""

from __future__ import annotations

import errno
import json

import numpy as np
import pytest

from cnnapp.runs import RunNotFound, RunStore, RunStoreError, new_run_id, validate_run_id

SPEC = [{"type": "dense", "units": 2}]


def fake_model(path):
    path.write_bytes(b"not really a keras file")


def save(store, owner="alice", model=fake_model, **config):
    return store.save(
        model=model,
        spec=SPEC,
        config={"owner": owner, "label": f"{owner}'s run", **config},
        history={"epochs": [{"epoch": 1, "loss": 0.5}]},
        metrics={"test_accuracy": np.float32(0.25), "confusion_matrix": np.eye(2, dtype=int)},
    )


@pytest.fixture
def store(tmp_path):
    return RunStore(tmp_path / "models")


def test_round_trip_with_a_real_keras_model(store):
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    run_id = save(store, model=model, created_at="2026-11-28T08:50:00+00:00")
    (info,) = store.list()
    assert (info.run_id, info.status, info.problem, info.owner) == (run_id, "ok", None, "alice")
    assert info.created_at == "2026-11-28T08:50:00+00:00" and info.label == "alice's run"
    assert info.spec == SPEC and info.history == {"epochs": [{"epoch": 1, "loss": 0.5}]}
    assert info.metrics == {"test_accuracy": 0.25, "confusion_matrix": [[1, 0], [0, 1]]}
    x = np.arange(8, dtype="float32").reshape(2, 4)
    np.testing.assert_allclose(store.load_model(run_id).predict(x, verbose=0), model(x), rtol=1e-6)
    assert json.loads(store.file_bytes(run_id, "spec.json")) == SPEC
    assert store.file_bytes(run_id, "model.keras")[:2] == b"PK"  # a .keras file is a zip


def test_list_is_newest_first_and_skips_other_folders(store):
    older = save(store, created_at="2026-01-01T11:30:00+00:00")
    newer = save(store, created_at="2026-01-01T10:00:00-02:00")  # 12:00 UTC
    damaged = save(store, created_at="yesterday")  # unreadable dates sort by the folder's time
    (store.path(damaged) / "spec.json").unlink()
    (store.root / "README.md").write_text("not a run")
    (store.root / "notes").mkdir()
    assert [run.run_id for run in store.list()] == [damaged, newer, older]


def test_ids_are_unguessable_and_cannot_escape(store):
    run_id = new_run_id()
    assert validate_run_id(run_id) == run_id and run_id != new_run_id()
    for bad in ["../x", "/etc", "a/b", "", "..", run_id + "/..", run_id.upper(), None]:
        with pytest.raises(ValueError, match="not a run id"):
            validate_run_id(bad)
    for call in [
        lambda: store.path("../x"),
        lambda: store.get("/etc"),
        lambda: store.delete("a/b", "alice"),
        lambda: store.file_bytes("../../etc", "spec.json"),
        lambda: store.load_model("../x"),
        lambda: save_with_id(store, "../evil"),
    ]:
        with pytest.raises(ValueError):
            call()
    with pytest.raises(ValueError, match="not a run file"):
        store.file_bytes(save(store), "../../etc/passwd")


def save_with_id(store, run_id):
    return store.save(model=fake_model, spec=SPEC, config={}, history={}, metrics={}, run_id=run_id)


def test_damaged_runs_are_listed_not_raised(store):
    missing_metrics = save(store)
    corrupt_config = save(store)
    (store.path(missing_metrics) / "metrics.json").unlink()
    (store.path(corrupt_config) / "config.json").write_text("{not json")
    runs = {run.run_id: run for run in store.list()}
    assert runs[missing_metrics].status == "damaged"
    assert runs[missing_metrics].problem == "metrics.json is missing"
    assert runs[missing_metrics].owner == "alice"
    assert runs[corrupt_config].status == "damaged"
    assert "config.json cannot be read" in runs[corrupt_config].problem
    assert runs[corrupt_config].owner is None  # unknown: only listed for everyone-views
    assert [run.run_id for run in store.list("alice")] == [missing_metrics]
    store.delete(corrupt_config, "cli")  # the command line can clean up ownerless runs
    assert [run.run_id for run in store.list()] == [missing_metrics]


def test_crash_mid_save_leaves_no_run_and_earlier_runs_intact(store):
    earlier = save(store)

    def crashing_writer(path):
        path.write_bytes(b"half a model")
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        save(store, model=crashing_writer)
    assert [run.run_id for run in store.list()] == [earlier]
    assert store.get(earlier).status == "ok"
    assert sorted(path.name for path in store.root.iterdir()) == [earlier]  # temp folder gone


def test_killed_mid_save_leftover_is_ignored_and_cleaned(store):
    import os

    earlier = save(store)
    leftover = store.root / f".tmp-{new_run_id()}-abcd"
    leftover.mkdir()
    (leftover / "spec.json").write_text("[]")
    assert [run.run_id for run in store.list()] == [earlier]
    os.utime(leftover, (0, 0))  # pretend it is old
    store.list()
    assert not leftover.exists()


def test_disk_full_raises_a_clear_error(store):
    earlier = save(store)

    def disk_full(path):
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(RunStoreError, match="could not be saved.*No space left on device"):
        save(store, model=disk_full)
    assert [run.run_id for run in store.list()] == [earlier]
    assert sorted(path.name for path in store.root.iterdir()) == [earlier]


def test_save_refuses_non_json_and_taken_ids(store):
    with pytest.raises(TypeError, match="metrics must be plain data"):
        store.save(model=fake_model, spec=SPEC, config={}, history={}, metrics={"x": object()})
    run_id = save(store)
    with pytest.raises(ValueError, match="already exists"):
        save_with_id(store, run_id)
    with pytest.raises(TypeError, match="model must be"):
        store.save(model=42, spec=SPEC, config={}, history={}, metrics={})
    assert [run.run_id for run in store.list()] == [run_id]


def test_owners_see_their_runs_and_the_command_lines(store):
    alice, bob, cli = save(store, "alice"), save(store, "bob"), save(store, "cli")
    assert {run.run_id for run in store.list("alice")} == {alice, cli}
    assert {run.run_id for run in store.list("bob")} == {bob, cli}
    assert {run.run_id for run in store.list()} == {alice, bob, cli}
    assert store.get(cli, "alice").owner == "cli"
    with pytest.raises(RunNotFound, match="no saved run"):
        store.get(bob, "alice")
    with pytest.raises(RunNotFound):
        store.file_bytes(bob, "spec.json", owner="alice")
    with pytest.raises(RunNotFound):
        store.get(new_run_id())


def test_only_the_owner_deletes(store):
    alice, cli = save(store, "alice"), save(store, "cli")
    with pytest.raises(PermissionError, match="read-only for 'alice'"):
        store.delete(cli, "alice")
    with pytest.raises(RunNotFound):
        store.delete(alice, "bob")  # bob cannot even see it
    with pytest.raises(PermissionError, match="owner 'alice'"):
        store.delete(alice, "cli")
    store.delete(alice, "alice")
    store.delete(cli, "cli")
    assert store.list() == []
    assert [path.name for path in store.root.iterdir()] == []  # no trash left
    with pytest.raises(RunNotFound):
        store.delete(alice, "alice")


def test_default_root_comes_from_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNAPP_MODELS_DIR", str(tmp_path / "elsewhere"))
    store = RunStore()
    run_id = save(store)
    assert (tmp_path / "elsewhere" / run_id / "config.json").is_file()
    assert RunStore(tmp_path / "missing").list() == []


def test_ids_with_a_trailing_newline_or_non_ascii_digits_are_refused(store):
    run_id = new_run_id()
    arabic = "r٢٠٢٦١١٢٨-٠٨٥٠-" + run_id[-16:]  # Arabic-Indic digits: `\d` would match them
    for bad in [run_id + "\n", "r\u0662" + run_id[2:], arabic, " " + run_id, run_id + " "]:
        with pytest.raises(ValueError, match="not a run id"):
            validate_run_id(bad)
    saved = save(store)
    (store.root / (saved + "\n")).mkdir()  # a folder named like an id plus a newline
    assert [run.run_id for run in store.list()] == [saved]


def test_runs_whose_files_hold_the_wrong_types_are_damaged_not_raised(store):
    bad_history, bad_metrics, bad_spec = save(store), save(store), save(store)
    history = '{"epochs": [{"epoch": "x"}]}'
    (store.path(bad_history) / "history.json").write_text(history)
    (store.path(bad_metrics) / "metrics.json").write_text('{"test_accuracy": "inf"}')
    (store.path(bad_spec) / "spec.json").write_text('[{"type": "conv2d", "filters": -3}]')
    runs = {run.run_id: run for run in store.list()}
    assert {run.status for run in runs.values()} == {"damaged"}
    assert "history.json is damaged: epochs[0].epoch must be a whole number" in (
        runs[bad_history].problem
    )
    assert runs[bad_history].history == {}  # the damaged file is not handed to pages
    assert "test_accuracy must be a finite number from 0 to 1, got 'inf'" in (
        runs[bad_metrics].problem
    )
    assert runs[bad_metrics].metrics == {} and runs[bad_metrics].config["label"] == "alice's run"
    assert "spec.json is damaged" in runs[bad_spec].problem and "filters" in runs[bad_spec].problem
    assert all(run.owner == "alice" for run in runs.values())  # so alice can delete them
    store.delete(bad_metrics, "alice")


def test_a_diverged_runs_nan_is_saved_as_null_and_the_run_lists(store):
    run_id = store.save(
        model=fake_model,
        spec=SPEC,
        config={"owner": "alice"},
        history={"epochs": [{"epoch": 1, "loss": float("nan")}]},
        metrics={"train_loss": np.float32("inf"), "per_class_accuracy": np.array([np.nan, 0.5])},
    )
    text = store.file_bytes(run_id, "metrics.json").decode()
    assert "NaN" not in text and "Infinity" not in text  # strict JSON
    run = store.get(run_id)
    assert run.status == "ok" and run.history == {"epochs": [{"epoch": 1, "loss": None}]}
    assert run.metrics == {"train_loss": None, "per_class_accuracy": [None, 0.5]}
    (store.path(run_id) / "metrics.json").write_text('{"train_loss": NaN}')  # older files
    assert "NaN" in store.get(run_id).problem and store.get(run_id).status == "damaged"


def test_metrics_must_match_the_class_names(store):
    run_id = store.save(
        model=fake_model,
        spec=SPEC,
        config={"class_names": ["a", "b"]},
        history={},
        metrics={"confusion_matrix": [[1, 0, 0], [0, 1, 0], [0, 0, 1]]},
    )
    run = store.get(run_id)
    assert run.status == "damaged" and "3 rows but config.json names 2 classes" in run.problem


@pytest.mark.parametrize(
    "config, metrics, history, kind, words",
    [
        ({"status": "completed", "train": {"epochs": 20}}, {"epochs_run": 20}, None, "completed",
         "completed"),
        ({"status": "stopped", "train": {"epochs": 60}}, {"epochs_run": 3, "stopped": True}, None,
         "stopped", "stopped at epoch 3 of 60"),
        ({"train": {"epochs": 60}}, {"epochs_run": 3, "stopped": True}, None, "stopped",
         "stopped at epoch 3 of 60"),  # the metrics' flag alone
        ({"status": "completed", "train": {"epochs": 40}},
         {"epochs_run": 12, "early_stopped_epoch": 12, "restored": True}, None, "early_stop",
         "early stop at epoch 12 of 40"),
        ({"train": {"epochs": 20}}, {"epochs_run": 5}, None, "interrupted",
         "interrupted at epoch 5 of 20"),  # short, and nothing says why
        ({"status": "interrupted"}, {}, {"epochs": [{"epoch": 1}, {"epoch": 2}]}, "interrupted",
         "interrupted at epoch 2"),  # counted from the history
        ({"status": "failed"}, {}, None, "interrupted", "interrupted"),
        ({"status": "stopped"}, {"epochs_run": 4}, None, "stopped", "stopped at epoch 4"),
        ({}, {}, None, "completed", "completed"),  # an old run that recorded nothing
        ({"train": {"epochs": True}}, {"epochs_run": "3"}, None, "completed", "completed"),
    ],
)  # fmt: skip
def test_how_a_run_ended(config, metrics, history, kind, words):
    from cnnapp.runs.info import ENDINGS, run_ending

    ending = run_ending(config, metrics, history)
    assert ending.kind == kind and kind in ENDINGS
    assert ending.describe("en") == words
    assert ending.finished == (kind == "completed")
    assert ending.describe("es") != words  # every ending has its Spanish words


def test_a_saved_run_knows_how_it_ended(store):
    run_id = store.save(
        model=fake_model,
        spec=SPEC,
        config={"owner": "alice", "status": "stopped", "train": {"epochs": 60}},
        history={"epochs": [{"epoch": e, "loss": 1.0 / e} for e in (1, 2, 3)]},
        metrics={"epochs_run": 3, "stopped": True},
    )
    ending = store.get(run_id).ending
    assert (ending.kind, ending.epoch, ending.epochs) == ("stopped", 3, 60)
    assert ending.describe("es") == "detenida en la época 3 de 60"
