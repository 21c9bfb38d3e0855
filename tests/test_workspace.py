"""Work in progress kept per owner on the server, and share links (cnnapp.workspace + the app).

A reload, a page switch or another device (class mode) brings back the network being built, the
dataset, the training settings and the run's label; a share link hands a network and its settings
to a class and asks before replacing what is being built.
"""

import base64
import json
import zlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cnnapp import workspace
from cnnapp.nets.presets import get_preset

APP = str(Path(__file__).resolve().parent.parent / "app.py")
CUSTOM = [
    {"type": "conv2d", "filters": 32, "kernel_size": 3, "activation": "relu"},
    {"type": "maxpooling2d", "pool_size": 2},
    {"type": "flatten"},
    {"type": "dense", "units": 25, "activation": "relu"},
]


def test_a_workspace_round_trips_per_owner(tmp_path):
    store = workspace.Workspaces(tmp_path)
    state = {
        "spec": CUSTOM,
        "network_name": None,
        "preset": "",
        "dataset": {"name": "procedural", "limit": 200, "image_size": 32},
        "preprocessing": {"normalize": True, "horizontal_flip": True},
        "train_config": {"epochs": 15, "batch_size": 64},
        "run_label": "my run",
    }
    store.save("u-ana", state)
    back = store.load("u-ana")
    assert back["spec"][0]["filters"] == 32 and len(back["spec"]) == 4
    assert back["train_config"]["epochs"] == 15 and back["train_config"]["batch_size"] == 64
    assert back["preprocessing"]["horizontal_flip"] is True
    assert back["dataset"]["limit"] == 200 and back["run_label"] == "my run"
    assert store.load("u-ben") == {}  # another owner has nothing


def test_damaged_or_invalid_fields_are_dropped_never_raised(tmp_path):
    store = workspace.Workspaces(tmp_path)
    store.save("u-ana", {"spec": CUSTOM, "train_config": {"epochs": 15}})
    path = next(tmp_path.glob("*.json"))
    data = json.loads(path.read_text())
    data["workspace"]["train_config"] = {"epochs": -3}  # impossible: dropped
    data["workspace"]["spec"] = [{"type": "no-such-layer"}]
    data["workspace"]["run_label"] = "kept"
    path.write_text(json.dumps(data))
    assert store.load("u-ana") == {"run_label": "kept"}
    path.write_text("{ not json")
    assert store.load("u-ana") == {}
    path.write_text(json.dumps({"owner": "u-someone-else", "workspace": {"run_label": "x"}}))
    assert store.load("u-ana") == {}


def test_a_share_code_carries_the_network_and_settings_but_no_owner_run_or_path():
    state = {
        "spec": get_preset("mired_bn_v3"),
        "network_name": "MiRed+BN V3",
        "preset": "mired_bn_v3",
        "dataset": {"name": "folder", "path": "/srv/uploads/u-ana/birds.zip", "image_size": 64},
        "train_config": {"epochs": 40, "early_stopping": True},
        "run_label": "private label",
        "owner": "u-ana",
        "run_id": "20261202-101010-abcd",
    }
    code = workspace.share_code(state)
    assert len(code) < 2000 and code.isascii()
    for secret in ("u-ana", "abcd", "srv", "private"):
        assert secret not in zlib.decompress(base64.urlsafe_b64decode(code + "==")).decode()
    back = workspace.read_share_code(code)
    assert back["spec"] == workspace.clean({"spec": state["spec"]})["spec"]
    assert back["train_config"]["epochs"] == 40 and back["train_config"]["early_stopping"]
    assert "dataset" not in back and "run_label" not in back
    builtin = workspace.read_share_code(
        workspace.share_code({"spec": CUSTOM, "dataset": {"name": "procedural", "limit": 50}})
    )
    assert builtin["dataset"]["limit"] == 50  # a built-in dataset travels


@pytest.mark.parametrize(
    "code",
    ["", "!!!", "A" * 9000, base64.urlsafe_b64encode(zlib.compress(b"[1, 2]")).decode()],
)
def test_a_damaged_share_code_is_refused_in_words(code):
    with pytest.raises(ValueError, match="share link"):
        workspace.read_share_code(code)


def test_a_share_code_that_inflates_to_megabytes_is_refused():
    bomb = base64.urlsafe_b64encode(zlib.compress(b" " * 2_000_000, 9)).decode()
    assert len(bomb) < workspace.MAX_CODE_CHARS
    with pytest.raises(ValueError, match="damaged"):
        workspace.read_share_code(bomb)


# The app


def _open(page: str, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params or {})
    at.switch_page(page).run()
    assert not at.exception
    return at


def test_a_reload_brings_back_the_network_the_epochs_and_the_run_name():
    at = _open("pages/2_Build.py")
    filters = next(w for w in at.number_input if (w.key or "").endswith("_0_filters"))
    filters.set_value(32).run()
    assert at.session_state["network_spec"][0]["filters"] == 32
    at.switch_page("pages/3_Train.py").run()
    at.number_input(key="w_train_epochs").set_value(15)
    at.text_input(key="w_train_label").input("filters 32")
    at.run()
    session = at.query_params["session"]
    # F5: a new browser session with the same URL.
    reload = _open("pages/3_Train.py", {"session": session})
    assert reload.number_input(key="w_train_epochs").value == 15
    assert reload.text_input(key="w_train_label").value == "filters 32"
    reload.switch_page("pages/2_Build.py").run()
    assert reload.session_state["network_spec"][0]["filters"] == 32
    assert not any("BaseNet" == s.value for s in reload.selectbox if s.key.startswith("w_build"))
    # A new visitor starts from the defaults.
    other = _open("pages/3_Train.py")
    assert other.number_input(key="w_train_epochs").value == 20


def test_in_class_mode_another_device_of_the_same_person_restores_the_work():
    from test_app_class_mode import AUTH, _student

    def device():
        at = AppTest.from_file(APP, default_timeout=60)
        at.secrets = AUTH
        at.user = {"is_logged_in": True, **_student("ana")}
        at.run()
        at.switch_page("pages/3_Train.py").run()
        assert not at.exception
        return at

    laptop = device()
    laptop.number_input(key="w_train_epochs").set_value(7).run()
    phone = device()
    assert phone.number_input(key="w_train_epochs").value == 7


def test_a_share_link_asks_before_replacing_the_network_being_built():
    code = workspace.share_code(
        {"spec": CUSTOM, "network_name": "Class start", "train_config": {"epochs": 9}}
    )
    at = _open("pages/2_Build.py", {"net": code})
    assert any("Class start" in m.value and "4 layers" in m.value for m in at.markdown)
    assert at.session_state["network_preset"] == "basenet"  # nothing replaced yet
    assert "net" not in at.query_params  # read once
    at.button(key="w_share_keep").click().run()
    assert at.session_state["network_preset"] == "basenet"
    assert not any("Class start" in m.value for m in at.markdown)
    assert not [b for b in at.button if b.key in ("w_share_keep", "w_share_replace")]

    at = _open("pages/2_Build.py", {"net": code})
    at.button(key="w_share_replace").click().run()
    assert not at.exception
    assert [layer["type"] for layer in at.session_state["network_spec"]] == [
        "conv2d",
        "maxpooling2d",
        "flatten",
        "dense",
    ]
    assert at.session_state["train_config"]["epochs"] == 9
    assert at.session_state["network_name"] == "Class start"


def test_a_damaged_share_link_says_so_and_keeps_the_network():
    at = _open("pages/2_Build.py", {"net": "not-a-code"})
    assert any("share link" in e.value for e in at.error)
    assert at.session_state["network_preset"] == "basenet"


def test_build_offers_a_share_link_that_opens_the_same_network():
    at = _open("pages/2_Build.py")
    codes = [c.value for c in at.code if "?net=" in c.value]
    assert len(codes) == 1
    shared = workspace.read_share_code(codes[0].split("?net=")[1])
    assert shared["preset"] == "basenet" and len(shared["spec"]) == len(get_preset("basenet"))
