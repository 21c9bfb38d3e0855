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
        assert recipe.dataset == "cifar100_25"
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
