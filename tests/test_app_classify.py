"""AppTest of the Classify page: photos of every accepted format get a top 5; bad files a message."""

import io
import json
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
NAMES = ["apple", "bowl", "cloud", "castle", "bee", "aquarium_fish", "sweet_pepper"]
RESNET_FILE = "resnet50_weights_tf_dim_ordering_tf_kernels.h5"
MOBILENET_FILE = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5"
OFFLINE = "URL fetch failure on https://storage.googleapis.com/x.h5: None -- [Errno -2] Name or service not known"


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


@pytest.fixture
def weights_dir(tmp_path, monkeypatch):
    """An empty CNNAPP_WEIGHTS_DIR and Keras cache: no ImageNet weights on this server."""
    folder = tmp_path / "weights"
    folder.mkdir()
    monkeypatch.setenv("CNNAPP_WEIGHTS_DIR", str(folder))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    return folder


def offline(*args):
    raise Exception(OFFLINE)  # what keras.utils.get_file raises without a network


def everything_shown(at: AppTest) -> str:
    """Every text on the page: markdown, captions, alerts, options, image captions."""
    parts = [str(node.proto) for node in at.main.children.values()]
    return " ".join(parts) + " ".join(
        str(e.proto) for kind in ("error", "info") for e in at.get(kind)
    )


def test_without_runs_or_weights_the_page_says_what_is_available_and_how_to_add_it(weights_dir):
    at = open_classify()
    assert any("No saved runs yet" in i.value for i in at.info)
    choice = at.selectbox(key="w_classify_run")
    assert choice.value == "imagenet:mobilenet_v2"
    assert choice.options == [
        "MobileNetV2 pretrained on ImageNet (1000 classes, 59 of them birds) · needs internet to "
        "download the weights",
        "ResNet50 pretrained on ImageNet (1000 classes, 59 of them birds) · needs internet to "
        "download the weights",
    ]
    available = next(c.value for c in at.caption if c.value.startswith("Classifiers on"))
    assert available == (
        "Classifiers on this server: trained runs: 0; MobileNetV2 (ImageNet): needs internet to "
        "download the weights; ResNet50 (ImageNet): needs internet to download the weights."
    )
    how = next(i.value for i in at.info if "CNNAPP_WEIGHTS_DIR" in i.value)
    assert how.startswith("Without internet") and "trained run" in how
    assert f"`{RESNET_FILE}` (ResNet50)" in how and f"`{MOBILENET_FILE}` (MobileNetV2)" in how
    assert "`imagenet_class_index.json`" in how


def test_weights_on_the_server_make_a_network_ready(weights_dir):
    (weights_dir / "mobilenet_v2_imagenet.weights.h5").write_bytes(b"found by name only")
    (weights_dir / "imagenet_class_index.json").write_text("{}")
    at = open_classify("es")
    available = next(c.value for c in at.caption if c.value.startswith("Clasificadores"))
    assert "MobileNetV2 (ImageNet): lista" in available
    assert "ResNet50 (ImageNet): necesita internet para descargar los pesos" in available
    assert not any("CNNAPP_WEIGHTS_DIR" in i.value for i in at.info)  # one network is ready
    options = at.selectbox(key="w_classify_run").options
    assert options[0].endswith("59 de ellas pájaros)") and options[1].endswith("los pesos")


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
    assert any(label.replace("_", " ") in summary for label in NAMES)
    knows = next(i.value for i in at.info if "7 classes" in i.value)
    assert "apple, bowl" in knows and "aquarium fish, sweet pepper" in knows  # words, not `_`
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


@pytest.mark.parametrize("lang", ["en", "es"])
def test_imagenet_offline_says_which_file_to_get_never_the_fetch_error(
    monkeypatch, weights_dir, lang
):
    from cnnapp.nets import weights

    monkeypatch.setattr(weights, "_download", offline)
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    (weights_dir / "imagenet_class_index.json").write_text(json.dumps(index))  # weights missing
    at = open_classify(lang)
    at.selectbox(key="w_classify_run").set_value("imagenet:resnet50").run()
    at.file_uploader(key="w_classify_upload").set_value(("p.jpg", photo("JPEG"), "image/jpeg"))
    at.run()
    assert not at.exception and len(at.error) == 1
    message = at.error[0].value
    if lang == "en":
        assert message.startswith("ResNet50 cannot be used") and "(no internet)" in message
    else:
        assert message.startswith("No se puede usar ResNet50") and "(sin internet)" in message
    assert f"`{RESNET_FILE}`" in message and "CNNAPP_WEIGHTS_DIR" in message
    shown = everything_shown(at)
    assert "URL fetch" not in shown and "Name or service" not in shown
    assert not at.get("vega_lite_chart")  # no result


def _result_sections(node) -> list[str]:
    """The keys of the page's result sections (one per photo and model)."""
    from streamlit.testing.v1.element_tree import Block

    found = []
    if isinstance(node, Block):
        if "w_classify_result_" in str(getattr(node.proto, "id", "")):
            found.append(str(node.proto.id))
        for child in node.children.values():
            found += _result_sections(child)
    return found


def test_a_new_photo_replaces_the_last_result_and_its_explanations(run_id):
    at = open_classify()
    at.file_uploader(key="w_classify_upload").set_value(("a.png", photo("PNG"), "image/png"))
    at.run()
    first = _result_sections(at.main)
    assert len(first) == 1 and len(at.get("vega_lite_chart")) == 1
    other = photo("PNG", size=(64, 64))
    at.file_uploader(key="w_classify_upload").set_value(("b.png", other, "image/png")).run()
    assert not at.exception and not at.error
    second = _result_sections(at.main)
    assert len(second) == 1 and second != first  # keyed by the new photo's content
    assert len(at.get("vega_lite_chart")) == 1  # one top 5
    captions = [img.caption for image in at.get("image") for img in image.proto.imgs]
    assert sum(c.startswith("Grad-CAM of") for c in captions) == 1
    assert sum(c == "Your photo" for c in captions) == 1


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
    assert "bald eagle" in summary and "bald_eagle" not in summary  # labels as words
    assert any("bald eagle, is one of ImageNet's bird species" in c.value for c in at.caption)
    captions = " ".join(img.caption for image in at.get("image") for img in image.proto.imgs)
    assert "Grad-CAM of bald eagle" in captions and "224×224" in captions
    assert "no convolutional layer of its own" in " ".join(i.value for i in at.info)
