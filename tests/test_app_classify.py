"""AppTest of the Classify page: photos of every accepted format get a top 5; bad files a message."""

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from cnnapp.network import build_model
from cnnapp.presets import get_preset
from cnnapp.runs import RunStore

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ME = "00112233445566778899aabbccddeeff"
NAMES = ["apple", "bowl", "cloud", "castle", "bee", "bus", "chair"]


def save_model_run(owner: str, label: str) -> str:
    """A real (untrained) BaseNet saved as a run: Classify only needs a working model."""
    import keras

    keras.utils.set_random_seed(0)
    model = build_model(get_preset("basenet"), (32, 32, 3), len(NAMES))
    config = {
        "owner": owner,
        "label": label,
        "class_names": NAMES,
        "input_shape": [32, 32, 3],
        "dataset": {"name": "procedural"},
    }
    return RunStore().save(
        model=model, spec=get_preset("basenet"), config=config, history={}, metrics={}
    )


def photo(fmt: str, size=(90, 120), mode="RGB") -> bytes:
    pixels = np.random.default_rng(2).integers(0, 256, (*size, 3), dtype=np.uint8)
    image = Image.fromarray(pixels).convert(mode)
    buffer = io.BytesIO()
    if fmt == "GIF":
        frames = [image.convert("P"), Image.new("P", image.size)]
        frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    else:
        image.save(buffer, fmt)
    return buffer.getvalue()


def open_classify(lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"session": ME, "lang": lang})
    at.switch_page("pages/6_Classify.py").run()
    assert not at.exception
    return at


def test_without_models_it_says_to_train_first():
    at = open_classify()
    assert any("No saved models yet" in i.value for i in at.info)


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory):
    """One saved model for the whole module (building it imports Keras once)."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def run_id(models_dir, monkeypatch):
    monkeypatch.setenv("CNNAPP_MODELS_DIR", str(models_dir))
    existing = RunStore().list()
    return existing[0].run_id if existing else save_model_run("cli", "lecturer's BaseNet")


@pytest.mark.parametrize(
    "name,data,mime",
    [
        ("photo.jpg", photo("JPEG"), "image/jpeg"),
        ("photo.png", photo("PNG", mode="RGBA"), "image/png"),
        ("photo.bmp", photo("BMP"), "image/bmp"),
        ("photo.webp", photo("WEBP"), "image/webp"),
        ("animation.gif", photo("GIF"), "image/gif"),
    ],
)
def test_a_photo_gets_a_top_5(run_id, name, data, mime):
    at = open_classify()
    assert at.selectbox(key="w_classify_run").value == run_id  # the command line's run
    at.file_uploader(key="w_classify_upload").set_value((name, data, mime)).run()
    assert not at.exception and not at.error
    assert len(at.get("vega_lite_chart")) == 1
    summary = next(c.value for c in at.caption if c.value.startswith("The model says"))
    assert any(label in summary for label in NAMES)
    assert any("7 classes: apple, bowl" in i.value for i in at.info)
    seen = [i for i in at.get("image") if "32×32" in str(i.proto)]
    assert seen  # the image as the model sees it, at its input size


def test_bad_files_get_a_plain_message(run_id):
    at = open_classify("es")
    at.file_uploader(key="w_classify_upload").set_value(("x.jpg", b"\xff\xd8broken", "image/jpeg"))
    at.run()
    assert not at.exception
    assert at.error[0].value.startswith("No se puede usar este archivo")
    assert "Traceback" not in at.error[0].value


def test_the_camera_is_an_option(run_id):
    at = open_classify()
    assert not at.camera_input  # nothing asks for the webcam until the student wants it
    at.toggle(key="w_classify_camera_on").set_value(True).run()
    at.camera_input(key="w_classify_camera").set_value(("shot.jpg", photo("JPEG"), "image/jpeg"))
    at.run()
    assert not at.exception and not at.error
    assert len(at.get("vega_lite_chart")) == 1
