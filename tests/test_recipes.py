"""Recipes: one per row of the assignment's results tables, each a valid job."""

import pytest

from cnnapp.recipes import RECIPES, TABLES, get_table
from cnnapp.training import run_job


def test_every_results_table_has_its_rows():
    assert {k: len(t.recipes) for k, t in TABLES.items()} == {
        "2": 1,
        "3": 2,
        "4": 6,
        "5": 3,
        "mired": 6,
        "7": 3,
        "9": 3,
        "10": 3,
        "11": 5,
        "12": 4,
        "13": 3,
        "modern": 1,
    }
    assert get_table("Table 4") is TABLES["4"]
    with pytest.raises(KeyError, match="choose one of"):
        get_table("42")


def test_recipes_carry_the_assignments_settings_and_figures():
    t4 = TABLES["4"].recipes
    assert [(r.preprocessing.horizontal_flip, r.preprocessing.zoom_range) for r in t4] == [
        (False, 0.0),
        (True, 0.0),
        (False, 0.2),
        (True, 0.2),
        (False, 0.5),
        (True, 0.5),
    ]
    assert all(r.preprocessing.normalize for r in t4)
    assert TABLES["2"].recipes[0].reported == {
        "train_loss": 1.4456,
        "train_accuracy": 0.57824,
        "val_loss": 2.4225,
        "val_accuracy": 0.3656,
        "test_accuracy": 0.3724,
    }
    t9 = TABLES["9"].recipes
    assert all(
        r.train.early_stopping and r.train.epochs == 40 and r.train.patience == 4 for r in t9
    )
    assert [r.reported["epochs"] for r in t9] == [31, 27, 34]
    assert [r.preset for r in TABLES["7"].recipes] == ["mired_bn_v1", "mired_bn_v2", "mired_bn_v3"]
    for recipe in RECIPES.values():
        if recipe.table == "modern":  # beyond the assignment: its own recipe and published figures
            assert recipe.dataset == "cifar10" and set(recipe.reported) == {
                "test_accuracy", "time_s", "device",
            }  # fmt: skip
            continue
        assert recipe.dataset == (
            "cub200" if recipe.table in ("10", "11", "12", "13") else "cifar100_25"
        )
        assert recipe.train.learning_rate == 0.01 and recipe.train.batch_size == 32
        assert set(recipe.reported) >= {"train_loss", "val_accuracy", "test_accuracy"}


def test_rows_of_a_table_share_the_seed_and_scale_down_for_a_demo():
    specs = [
        r.job_spec(epochs=1, limit=300, dataset={"name": "procedural"}) for r in TABLES["4"].recipes
    ]
    assert len({s["config"]["seed"] for s in specs}) == 1
    assert all(s["config"]["epochs"] == 1 and s["dataset"]["limit"] == 300 for s in specs)
    assert specs[0]["recipe"] == "t4-1" and specs[0]["label"].startswith("Table 4")


def test_rows_with_the_same_network_start_identically():
    results = [
        run_job(
            r.job_spec(epochs=1, limit=240, dataset={"name": "procedural"}),
            lambda e: None,
            lambda: False,
        )
        for r in TABLES["3"].recipes
    ]
    fingerprints = {r["metrics"]["init_fingerprint"] for r in results}
    assert len(fingerprints) == 1


def test_transfer_tables_use_the_assignments_networks_and_job_kinds():
    t11 = TABLES["11"].recipes
    assert [r.kind for r in t11] == ["extract"] * 5
    assert [r.reported["epochs"] for r in t11] == [20, 20, 20, 14, 28]
    assert [(r.train.epochs, r.train.early_stopping, r.train.patience) for r in t11[3:]] == [
        (40, True, 4),
        (40, True, 4),
    ]
    assert [r.preset for r in TABLES["10"].recipes] == [
        "resnet50_fe_v1",
        "resnet50_fe_v2",
        "resnet50_fe_v3",
    ]
    t12, t13 = TABLES["12"].recipes, TABLES["13"].recipes
    assert {r.preset for r in t12} == {"resnet50_ft_v1"} and {r.kind for r in t12} == {"train"}
    assert {r.preset for r in t13} == {"resnet50_ft_v2"}
    assert [(r.preprocessing.normalize, r.preprocessing.zoom_range) for r in t13] == [
        (True, 0.0),
        (True, 0.0),
        (True, 0.5),
    ]
    assert TABLES["12"].recipes[3].reported["val_accuracy"] == 0.5967
    extract = t11[0].job_spec(epochs=1, limit=10)
    assert extract["kind"] == "extract" and extract["dataset"] == {"name": "cub200", "limit": 10}
    assert t12[0].job_spec()["kind"] == "train"
    assert TABLES["11"].has_epochs and not TABLES["10"].has_epochs


def test_a_frozen_backbone_recipe_with_augmentation_trains_and_keeps_its_preprocessing():
    from dataclasses import replace

    from cnnapp.config import Preprocessing

    frozen = TABLES["10"].recipes[0]
    augmented = replace(frozen, preprocessing=Preprocessing(horizontal_flip=True))
    assert frozen.kind == "extract" and augmented.kind == "train"
    spec = augmented.job_spec(epochs=1, limit=10)
    assert spec["kind"] == "train" and spec["preprocessing"]["horizontal_flip"] is True
