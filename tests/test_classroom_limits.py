"""Class limits: each refusal and its message in both languages, disk use, limits on disk."""

from __future__ import annotations

import dataclasses
import json

import pytest

from cnnapp.classroom.limits import (
    ClassLimits,
    admission_error,
    load_limits,
    owner_disk_bytes,
    save_limits,
)
from cnnapp.jobs import JobStatus
from cnnapp.runs import RunStore

OWNER = "u-" + "a" * 32
SMALL_NET = [
    {"type": "conv2d", "filters": 8, "kernel_size": 3, "activation": "relu"},
    {"type": "flatten"},
]
BIG_NET = [{"type": "flatten"}, {"type": "dense", "units": 20_000, "activation": "relu"}]


def _spec(network=SMALL_NET, epochs=20, **dataset):
    return {
        "kind": "train",
        "network": network,
        "dataset": dataset or {"name": "procedural"},
        "config": {"epochs": epochs},
    }


def _job(state: str, owner: str = OWNER) -> JobStatus:
    fields = {f.name: None for f in dataclasses.fields(JobStatus)}
    return JobStatus(**{**fields, "id": state, "owner": owner, "state": state})


def _limits(**changes) -> ClassLimits:
    return ClassLimits(**changes)


def test_defaults_come_from_the_settings(monkeypatch):
    limits = ClassLimits()
    assert (limits.max_queued_per_owner, limits.max_running_per_owner) == (3, 1)
    assert (limits.max_epochs, limits.max_params) == (100, 30_000_000)
    assert limits.disk_quota_bytes == 2 * 1024**3
    monkeypatch.setenv("CNNAPP_MAX_EPOCHS", "50")
    assert ClassLimits().max_epochs == 50


def test_to_dict_from_dict_and_their_errors():
    limits = _limits(max_epochs=40, max_queued_per_owner=0)
    assert ClassLimits.from_dict(limits.to_dict()) == limits
    assert ClassLimits.from_dict({"max_epochs": 7}).max_params == 30_000_000
    with pytest.raises(ValueError, match=r"Unknown class limit\(s\) \['max_gpus'\]"):
        ClassLimits.from_dict({"max_gpus": 2})
    with pytest.raises(ValueError, match="max_epochs must be a whole number of at least 1, got 0"):
        ClassLimits.from_dict({"max_epochs": 0})
    with pytest.raises(ValueError, match="max_params .* got '5'"):
        ClassLimits.from_dict({"max_params": "5"})
    with pytest.raises(ValueError, match="max_queued_per_owner .* at least 0, got True"):
        ClassLimits(max_queued_per_owner=True)


def test_save_and_load_round_trip(tmp_path):
    limits = _limits(max_epochs=30, disk_quota_bytes=10 * 1024**2)
    path = save_limits(limits)
    assert path.name == "limits.json" and path.parent.name == "class"
    assert json.loads(path.read_text())["max_epochs"] == 30
    assert load_limits() == limits
    assert save_limits(limits, tmp_path / "elsewhere") == tmp_path / "elsewhere" / "limits.json"
    assert load_limits(tmp_path / "elsewhere") == limits
    assert [p.name for p in (tmp_path / "elsewhere").iterdir()] == ["limits.json"]  # no temp left


@pytest.mark.parametrize(
    "content", ["{not json", "[1, 2]", '{"max_epochs": -3}', '{"max_gpus": 1}', ""]
)
def test_missing_or_broken_file_gives_the_defaults(tmp_path, content):
    assert load_limits(tmp_path) == ClassLimits()
    (tmp_path / "limits.json").write_text(content)
    assert load_limits(tmp_path) == ClassLimits()


def test_a_job_within_the_limits_is_admitted():
    jobs = [_job("running"), _job("queued"), _job("completed"), _job("failed")]
    assert admission_error(_spec(), OWNER, jobs, ClassLimits()) is None


def test_a_full_queue_is_refused_in_both_languages():
    jobs = [_job("running"), _job("queued"), _job("queued"), _job("queued")]
    english = admission_error(_spec(), OWNER, jobs, ClassLimits())
    assert english == (
        "You already have 1 job(s) running and 3 waiting in the queue; the class limit is 3 "
        "waiting per student. Wait until one of them starts, or stop one, and then start this one."
    )
    spanish = admission_error(_spec(), OWNER, jobs, ClassLimits(), lang="es")
    assert spanish.startswith("Ya tienes 1 trabajo(s) en marcha y 3 esperando")
    assert "el límite de la clase es 3" in spanish
    others = [_job("queued", owner="u-" + "b" * 32) for _ in range(5)]
    assert admission_error(_spec(), OWNER, others, ClassLimits()) is None  # not this student's


def test_a_limit_of_no_queue_still_lets_one_job_on():
    limits = _limits(max_queued_per_owner=0)
    assert admission_error(_spec(), OWNER, [_job("completed")], limits) is None
    assert "1 job(s) running and 0 waiting" in admission_error(
        _spec(), OWNER, [_job("stopping")], limits
    )


def test_too_many_epochs():
    spec = _spec(epochs=150)
    assert admission_error(spec, OWNER, [], ClassLimits()) == (
        "This job asks for 150 epochs; the class limit is 100. Lower the epochs, or ask your "
        "lecturer."
    )
    assert admission_error(spec, OWNER, [], ClassLimits(), lang="es") == (
        "Este trabajo pide 150 épocas; el límite de la clase es 100. Baja las épocas, o "
        "pregunta a tu profesor."
    )
    assert admission_error(_spec(epochs=100), OWNER, [], ClassLimits()) is None


def test_too_many_parameters():
    # Flatten 32×32×3 = 3,072 values -> Dense 20,000 -> Dense 6 (the procedural classes)
    params = 3_072 * 20_000 + 20_000 + 20_000 * 6 + 6
    english = admission_error(_spec(BIG_NET), OWNER, [], ClassLimits())
    assert english.startswith(f"This network has {params:,} parameters; the class limit is 30,000")
    assert english.endswith("or ask your lecturer.")
    spanish = admission_error(_spec(BIG_NET), OWNER, [], ClassLimits(), lang="es")
    assert f"Esta red tiene {params:,} parámetros".replace(",", ".") in spanish
    assert "30.000.000" in spanish
    assert admission_error(_spec(BIG_NET), OWNER, [], _limits(max_params=params)) is None


def test_unknown_classes_are_assumed_25_and_birds_200():
    folder = {"name": "folder", "path": "photos/"}
    net = [{"type": "flatten"}]  # 3,072 inputs -> the output layer only
    folder_error = admission_error(_spec(net, **folder), OWNER, [], _limits(max_params=10))
    assert f"has {3_072 * 25 + 25:,} parameters" in folder_error
    birds = admission_error(
        _spec(net, name="cub200", image_size=32), OWNER, [], _limits(max_params=10)
    )
    assert f"has {3_072 * 200 + 200:,} parameters" in birds


def test_too_many_training_pixels():
    spec = _spec(name="cifar10", image_size=128)  # 50,000 × 128 × 128
    english = admission_error(spec, OWNER, [], ClassLimits())
    assert english.startswith(
        "This job trains on 50,000 images of 128×128 pixels, 819,200,000 pixels in all; the "
        "class limit is 400,000,000."
    )
    spanish = admission_error(spec, OWNER, [], ClassLimits(), lang="es")
    assert "50.000 imágenes de 128×128 píxeles, 819.200.000 píxeles en total" in spanish
    limited = _spec(name="cifar10", image_size=128, limit=10_000)
    assert admission_error(limited, OWNER, [], ClassLimits()) is None
    folder = _spec(name="folder", path="photos/", image_size=128)
    assert admission_error(folder, OWNER, [], ClassLimits()) is None  # count unknown: skipped
    refused = admission_error(folder, OWNER, [], ClassLimits(), train_images=30_000)
    assert "30,000 images of 128×128" in refused


def test_disk_quota():
    limits = _limits(disk_quota_bytes=1024**3)
    assert admission_error(_spec(), OWNER, [], limits, used_bytes=1024**3) is None
    english = admission_error(_spec(), OWNER, [], limits, used_bytes=int(1.5 * 1024**3))
    assert english == (
        "Your saved runs take 1.5 GB; the class quota is 1.0 GB per student. Delete runs you no "
        "longer need, or ask your lecturer."
    )
    spanish = admission_error(_spec(), OWNER, [], limits, used_bytes=300 * 1024**2, lang="es")
    assert spanish is None
    spanish = admission_error(
        _spec(),
        OWNER,
        [],
        _limits(disk_quota_bytes=200 * 1024**2),
        used_bytes=300 * 1024**2,
        lang="es",
    )
    assert spanish.startswith(
        "Tus ejecuciones guardadas ocupan 300,0 MB; la cuota de la clase es 200,0 MB"
    )


def test_owner_disk_bytes_counts_only_the_owners_runs():
    store = RunStore()

    def save(owner, size):
        return store.save(
            model=lambda path: path.write_bytes(b"\0" * size),
            spec=[],
            config={"owner": owner},
            history={},
            metrics={},
        )

    mine = [save(OWNER, 1000), save(OWNER, 5000)]
    save("cli", 100_000)  # visible to everyone, but not this student's
    save("u-" + "b" * 32, 100_000)
    expected = sum(path.stat().st_size for run_id in mine for path in store.path(run_id).iterdir())
    assert owner_disk_bytes(OWNER) == expected
    assert owner_disk_bytes(OWNER, store.root) == expected
    assert owner_disk_bytes("u-" + "c" * 32) == 0
