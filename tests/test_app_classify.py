"""AppTest of the Classify page: photos of every accepted format get a top 5; bad files a message."""

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from cnnapp.nets.build import build_model
from cnnapp.nets.presets import get_preset
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


def test_without_runs_the_pretrained_imagenet_networks_are_offered():
    at = open_classify()
    assert any("No saved runs yet" in i.value for i in at.info)
    choice = at.selectbox(key="w_classify_run")
    assert choice.value == "imagenet:mobilenet_v2"
    assert choice.options == [
        "MobileNetV2 pretrained on ImageNet (1000 classes, 59 of them birds)",
        "ResNet50 pretrained on ImageNet (1000 classes, 59 of them birds)",
    ]


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


def test_inside_a_cnn_run_grad_cam_feature_maps_and_filters(run_id):
    at = open_classify()
    at.file_uploader(key="w_classify_upload").set_value(("p.png", photo("PNG"), "image/png"))
    at.run()
    assert not at.exception and not at.error
    assert len(at.tabs) == 3
    captions = " ".join(str(image.proto) for image in at.get("image"))
    assert "Grad-CAM of" in captions and "layer l03_conv2d" in captions
    assert "l01_conv2d: 6 channels of 28×28" in captions and "l03_conv2d: 16 channels" in captions
    assert "The 6 kernels the first convolution learned" in captions


def test_imagenet_offline_says_which_file_to_get(monkeypatch, tmp_path):
    from cnnapp.nets import weights

    def offline(*args):
        raise Exception("URL fetch failure: no network")

    monkeypatch.setattr(weights, "_download", offline)
    monkeypatch.setenv("CNNAPP_WEIGHTS_DIR", str(tmp_path))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    at = open_classify()
    at.selectbox(key="w_classify_run").set_value("imagenet:resnet50").run()
    at.file_uploader(key="w_classify_upload").set_value(("p.jpg", photo("JPEG"), "image/jpeg"))
    at.run()
    assert not at.exception
    message = at.error[0].value
    assert (
        message.startswith("The model could not be used") and "could not be downloaded" in message
    )


SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.mark.skipif(
    not (SHARED / "weights" / "mobilenet_v2_imagenet.weights.h5").is_file(),
    reason=f"real weights not found in {SHARED / 'weights'} (development machines only)",
)
def test_the_eagle_is_named_by_imagenet_and_grad_cam_shows_it(monkeypatch):
    monkeypatch.setenv("CNNAPP_WEIGHTS_DIR", str(SHARED / "weights"))
    at = open_classify()
    eagle = (SHARED / "birds" / "eagle.jpg").read_bytes()
    at.file_uploader(key="w_classify_upload").set_value(("eagle.jpg", eagle, "image/jpeg"))
    at.run()
    assert not at.exception and not at.error
    summary = next(c.value for c in at.caption if c.value.startswith("The model says"))
    assert "bald\\_eagle" in summary  # labels are escaped: shown as typed, not as Markdown
    assert any("bald\\_eagle, is one of ImageNet's bird species" in c.value for c in at.caption)
    captions = " ".join(img.caption for image in at.get("image") for img in image.proto.imgs)
    assert "Grad-CAM of bald\\_eagle" in captions and "224×224" in captions
    assert "no convolutional layer of its own" in " ".join(i.value for i in at.info)
