"""Every page in Spanish shows no English text of the interface's table (cnnapp/texts).

Each page is rendered in Spanish with runs on Compare, Reproduce and Classify and a finished job on
Train; every string the page sends (labels, help, options, captions, table headers and cells,
chart titles) is collected and checked against the English side of every text whose Spanish
differs. Names that are the same in both languages (BaseNet, Dropout) never count.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_app_pages import PAGES

from cnnapp.texts import TEXTS

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ME = "a" * 32
SKIPPED_FIELDS = {
    "id",
    "key",
    "form_id",
    "data",
    "css",
    "icon",
    "formatted_value",
    "value",
    "code_text",
}  # code is code
MIN_FRAGMENT = 9


def _fragments() -> dict[str, str]:
    """English fragments (between placeholders) that the Spanish entry does not contain."""
    out = {}
    for key, (en, es) in TEXTS.items():
        if en == es:
            continue
        for part in re.split(r"\{[^{}]*\}", en):
            part = part.strip(" .,:;·…()—–-*_`'\"\n")
            if len(part) >= MIN_FRAGMENT and " " in part and part not in es:
                out.setdefault(part, key)
    return out


def _strings_of_proto(message, out: list[str]) -> None:
    for field, value in message.ListFields():
        if field.name in SKIPPED_FIELDS:
            continue
        if field.name == "spec" and isinstance(value, str):  # a Vega-Lite chart
            _strings_of_json(json.loads(value), out)
            continue
        values = value if isinstance(value, (list, tuple)) or _repeated(value) else [value]
        for item in values:
            if isinstance(item, str):
                out.append(item)
            elif hasattr(item, "ListFields"):
                _strings_of_proto(item, out)


def _repeated(value) -> bool:
    return (
        hasattr(value, "__len__")
        and not isinstance(value, (str, bytes))
        and not hasattr(value, "ListFields")
    )


def _strings_of_json(node, out: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("data", "datasets", "$schema"):
                continue
            _strings_of_json(value, out)
    elif isinstance(node, list):
        for value in node:
            _strings_of_json(value, out)
    elif isinstance(node, str):
        out.append(node)


def page_strings(at: AppTest) -> list[str]:
    """Every string the page shows: element protos, table headers and text cells."""
    out: list[str] = []

    def walk(node) -> None:
        children = getattr(node, "children", None)
        if children is not None and not hasattr(node, "value"):
            for child in children.values():
                walk(child)
            proto = getattr(node, "proto", None)
            if proto is not None and hasattr(proto, "ListFields"):
                _strings_of_proto(proto, out)
            return
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            _strings_of_proto(proto, out)
        if type(node).__name__ == "Dataframe":
            frame = node.value
            out.extend(str(c) for c in frame.columns)
            for column in frame.columns:
                out.extend(v for v in frame[column].tolist() if isinstance(v, str))
        if hasattr(node, "options") and type(node).__name__ in (
            "Selectbox",
            "Radio",
            "Multiselect",
        ):
            out.extend(str(o) for o in node.options)

    walk(at.main)
    walk(at.sidebar)
    return out


def english_in(strings: list[str]) -> list[str]:
    fragments = _fragments()
    found = []
    for text in strings:
        for fragment, key in fragments.items():
            if fragment in text:
                found.append(f"{key}: {fragment!r} in {text[:120]!r}")
    return sorted(set(found))


@pytest.fixture
def runs():
    from test_app_compare import save_run

    save_run(ME, "mi ejecución", 0.6, epochs=4)
    save_run(ME, "otra", 0.5, epochs=2, early_stopping=True)


def test_the_detector_finds_english_on_an_english_page(runs):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"session": ME, "lang": "en"})
    at.switch_page("pages/4_Compare.py").run()
    assert len(english_in(page_strings(at))) > 10


@pytest.mark.parametrize("page", PAGES)
def test_a_page_in_spanish_has_no_english_interface_text(runs, page):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"session": ME, "lang": "es"})
    at.run()
    home = english_in(page_strings(at))
    at.switch_page(page).run()
    assert not at.exception
    assert home == [] and english_in(page_strings(at)) == []


def test_an_impossible_network_is_explained_in_spanish():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"session": ME, "lang": "es"})
    at.run()
    at.session_state["network_spec"] = [
        {"type": "conv2d", "filters": 8, "kernel_size": 40},
        {"type": "flatten"},
    ]
    at.session_state["network_preset"] = ""
    at.switch_page("pages/2_Build.py").run()
    errors = [e.value.replace("\\", "") for e in at.error]
    assert any("Capa 1 (Conv2D)" in e and "necesita una entrada" in e for e in errors), errors
    assert english_in(page_strings(at)) == []


def test_numbers_are_written_the_spanish_way():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"session": ME, "lang": "es"})
    at.run()
    at.switch_page("pages/2_Build.py").run()
    values = [m.value for m in at.metric]
    assert any(re.fullmatch(r"\d{1,3}(\.\d{3})+", v) for v in values), values  # 23.228
    assert not any("," in v for v in values)
    at.query_params["lang"] = "en"
    english = AppTest.from_file(APP, default_timeout=60)
    english.query_params.update({"session": ME, "lang": "en"})
    english.switch_page("pages/2_Build.py").run()
    assert any(re.fullmatch(r"\d{1,3}(,\d{3})+", m.value) for m in english.metric)
