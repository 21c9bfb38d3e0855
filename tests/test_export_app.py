"""AppTest: Compare offers a run's scripts and zip, Build the network's scripts (both languages)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cnnapp.nets.presets import get_preset
from cnnapp.runs import RunStore

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ME = "0123456789abcdef" * 2
LABELS = {
    "en": ("Download script (Keras 3)", "Keras 2 version", "Download run (.zip)"),
    "es": ("Descargar script (Keras 3)", "Versión Keras 2", "Descargar ejecución (.zip)"),
}


def save_run() -> str:
    run_id = RunStore().save(
        model=lambda path: path.write_bytes(b"a model.keras stand-in"),
        spec=get_preset("basenet"),
        config={
            "owner": ME,
            "label": "my run",
            "dataset": {"name": "procedural", "limit": 120},
            "preprocessing": {"normalize": True},
            "train": {"epochs": 3},
            "network_name": "BaseNet",
            "class_names": ["a", "b", "c", "d", "e", "f"],
            "input_shape": [32, 32, 3],
        },
        history={"epochs": [{"epoch": 1, "loss": 1.0, "val_accuracy": 0.5}]},
        metrics={"val_accuracy": 0.5, "epochs_run": 1},
    )
    return run_id


def open_page(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"session": ME, "lang": lang})
    at.switch_page(page).run()
    assert not at.exception
    return at


def buttons(at: AppTest) -> dict[str, str]:
    return {b.key: b.label for b in at.get("download_button")}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_compare_offers_the_selected_runs_scripts_and_zip(lang):
    run_id = save_run()
    at = open_page("pages/4_Compare.py", lang)
    assert at.selectbox(key="w_compare_run").value == run_id
    shown = buttons(at)
    script, keras2, whole = LABELS[lang]
    assert shown["w_compare_script"] == script
    assert shown["w_compare_keras2"] == keras2
    assert shown["w_compare_zip"] == whole


@pytest.mark.parametrize("lang", ["en", "es"])
def test_build_offers_the_networks_scripts(lang):
    at = open_page("pages/2_Build.py", lang)
    shown = buttons(at)
    assert shown["w_build_script"] == LABELS[lang][0]
    assert shown["w_build_keras2"] == LABELS[lang][1]
    assert "w_compare_zip" not in shown  # a network not trained yet has no run to zip
    word = {"en": "epochs", "es": "épocas"}[lang]
    assert any(f"20 {word}" in c.value for c in at.caption)  # the Train page's settings


def test_build_scripts_follow_the_train_settings():
    at = open_page("pages/2_Build.py", "en")
    at.session_state["train_config"] = {**at.session_state["train_config"], "epochs": 7}
    at.session_state["preprocessing"] = {**at.session_state["preprocessing"], "normalize": True}
    at.run()
    assert not at.exception
    assert any("normalisation; 7 epochs" in c.value for c in at.caption)


def test_a_backbone_network_shown_for_the_birds_is_exported_for_them():
    at = open_page("pages/2_Build.py", "en")
    at.selectbox(key="w_build_preset_en").set_value("resnet50_ft_v1").run()
    assert not at.exception
    assert any("Caltech-UCSD Birds" in c.value and "20 epochs" in c.value for c in at.caption)
    at.session_state["dataset_ref"] = {"name": "folder", "path": None}  # chosen, no path yet
    at.run()
    assert not at.exception and not at.error
    assert any(c.value.startswith("No script yet: ") for c in at.caption)
    assert "w_build_script" not in buttons(at)
