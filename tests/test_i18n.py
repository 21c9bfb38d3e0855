"""The interface texts: both languages complete, placeholders matching, every key used exists."""

import ast
import string
from pathlib import Path

import pytest

from cnnapp import i18n
from cnnapp.i18n import LANGUAGES, STRINGS, TEXTS, t

ROOT = Path(__file__).resolve().parent.parent
UI_FILES = [
    ROOT / "app.py",
    *sorted((ROOT / "pages").glob("*.py")),
    *sorted((ROOT / "ui").glob("*.py")),
    *sorted((ROOT / "cnnapp" / "charts").glob("*.py")),
    ROOT / "cnnapp" / "report.py",
]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_key():
    assert set(LANGUAGES) == {"en", "es"}
    for lang in LANGUAGES:
        assert set(STRINGS[lang]) == set(TEXTS)


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_texts_are_filled_and_placeholders_match(key):
    english, spanish = TEXTS[key]
    assert english.strip() and spanish.strip(), key
    assert _fields(english) == _fields(spanish), key


def test_t_fills_values_and_falls_back():
    text = t(
        "chart.summary.peaked", "en", split="validation", metric="accuracy", value=0.54, epoch=12
    )
    assert text == "validation accuracy peaked at 0.54 in epoch 12"
    assert "época 12" in t(
        "chart.summary.peaked", "es", split="validación", metric="accuracy", value=0.54, epoch=12
    )
    assert t("nav.train", "xx") == "Train"  # unknown language: English
    assert t("no.such.key", "es") == "no.such.key"  # a typo shows instead of crashing
    assert t("train.queued", "en") == TEXTS["train.queued"][0]  # missing values: the raw text


def _literal_keys() -> set[str]:
    """Every `t("...")` key written literally in the app's code."""
    found = set()
    for path in UI_FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "t"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    return found


def test_every_literal_key_exists():
    missing = sorted(_literal_keys() - set(TEXTS))
    assert not missing, f"keys used but not defined in cnnapp/i18n.py: {missing}"


def test_keys_built_from_values_exist():
    """Keys the app builds from data: datasets, states, phases, fields, columns, layers."""
    from cnnapp.config import OPTIMIZERS
    from cnnapp.jobs import DONE_STATES
    from cnnapp.nets.registry import LAYER_TYPES
    from cnnapp.report import COLUMNS
    from cnnapp.training import RESULT_COLUMNS
    from ui.nav import PAGES

    keys = [f"nav.{page}" for page in PAGES] + [f"home.step.{page}" for page in PAGES]
    for dataset in ("procedural", "cifar100_25", "cifar10", "folder"):
        keys += [f"dataset.{dataset}", f"dataset.{dataset}.desc"]
    keys += [f"state.{s}" for s in ("queued", "running", "stopping", *DONE_STATES)]
    keys += [f"train.{s}" for s in ("failed", "interrupted")]
    keys += [f"phase.{p}" for p in ("loading data", "building", "training", "evaluating", "saving")]
    keys += [f"cfg.optimizer.{o}" for o in OPTIMIZERS]
    for layer_type in LAYER_TYPES.values():
        keys += [f"field.{f.name}" for f in layer_type.fields]
        keys += [f"field.{f.name}.help" for f in layer_type.fields]
        if not layer_type.fields:
            keys.append(f"layer.{layer_type.key}")
    keys += [f"col.{key}" for key in RESULT_COLUMNS]
    keys += [f"report.col.{key}" for key, _ in COLUMNS]
    keys += [f"chart.metric.{m}" for m in ("loss", "accuracy", "val_accuracy", "test_accuracy")]
    keys += [f"chart.split.{s}" for s in ("train", "validation", "test")]
    keys += [f"chart.stage.{s}" for s in ("raw", "normalized")]
    keys += [f"chart.axis.pixel_{s}" for s in ("raw", "normalized")]
    keys += [f"data.folder_{s}" for s in ("upload", "server")]
    keys += [f"compare.export_{k}" for k in ("csv", "markdown", "latex")]
    keys += [f"pre.{n}" for n in ("zoom_range", "rotation_range", "translation_range")]
    keys += [f"pre.{n}_help" for n in ("zoom_range", "rotation_range", "contrast_range")]
    assert not sorted(set(keys) - set(TEXTS))


def test_datasets_without_a_translation_fall_back_to_the_engines_text():
    from cnnapp.data import DATASET_CHOICES
    from ui.dataset import dataset_label

    for choice in DATASET_CHOICES:
        assert dataset_label(choice["id"], "es")
        assert dataset_label(choice["id"], "es", part="description")
    assert dataset_label("cifar10", "es") == "CIFAR-10"
    assert dataset_label("procedural", "es").startswith("Formas")
    assert dataset_label("not-yet-translated", "es") == "not-yet-translated"


def test_language_names():
    assert i18n.language_name("es") == "Español"
    assert i18n.language_name("en") == "English"


def test_every_preset_has_its_description_in_both_languages():
    from cnnapp.nets.presets import PRESETS

    for preset_id, preset in PRESETS.items():
        en, es = TEXTS[f"preset.{preset_id}"]
        assert en == preset.description and es != en, preset_id
        if " " in preset.section:  # "2 (table 1)": words to translate
            assert TEXTS[f"preset.{preset_id}.section"][0] == preset.section, preset_id


def test_numbers_follow_the_language():
    assert i18n.number(12500, "es", ",") == "12.500" and i18n.number(12500, "en", ",") == "12,500"
    assert i18n.number(0.5, "es", ".2f") == "0,50" and i18n.number(0.5, "en", ".2f") == "0.50"
    assert i18n.number(True, "es") == "True"  # not a number to format
    text = i18n.t("train.what", "es", network="BaseNet", params=23228, dataset="x", limit="")
    assert "23.228 parámetros" in text


def test_engine_messages_are_worded_in_the_interface_language():
    from cnnapp.config import TrainConfig
    from cnnapp.messages import Message, words
    from cnnapp.nets.spec import NetworkError, summarize

    try:
        summarize([{"type": "flatten"}, {"type": "conv2d"}], (32, 32, 3), 10)
    except NetworkError as error:
        assert error.layer_index == 1
        assert str(error).startswith("Layer 2 (Conv2D)")  # English for logs and the CLI
        assert words(error, "es").startswith("Capa 2 (Conv2D)")
    else:
        raise AssertionError("an impossible network was accepted")
    try:
        TrainConfig(learning_rate=50.0)
    except ValueError as error:
        assert "0,01 es un buen comienzo" in words(error, "es")
        assert "0.01 is a good start" in str(error)
    message = Message("data.origin.procedural")
    assert Message.from_dict(message.to_dict()) == message
    assert words(message.to_dict(), "es").startswith("Generado")
    assert words(Message("no.such.code"), "es") == "no.such.code"  # readable, never a crash
