"""Classify's helpers without Keras: class names as words, what is available on this server, and
the error a missing, undownloadable weights file raises."""

import pickle
import urllib.error

import pytest

from cnnapp.inspect.classify import class_label, imagenet_availability, in_words
from cnnapp.nets import weights
from cnnapp.nets.weights import (
    CLASS_INDEX_FILE,
    DOWNLOAD_FAILED,
    OFFLINE,
    WeightsUnavailableError,
    expected_file,
    fetch_class_index,
    fetch_weights,
)

RESNET_TOP = "resnet50_weights_tf_dim_ordering_tf_kernels.h5"
FETCH_ERROR = "URL fetch failure on https://x/y.h5: None -- [Errno -2] Name or service not known"


@pytest.fixture
def no_weights(tmp_path, monkeypatch):
    """An empty CNNAPP_WEIGHTS_DIR and Keras cache."""
    folder = tmp_path / "weights"
    folder.mkdir()
    monkeypatch.setenv("CNNAPP_WEIGHTS_DIR", str(folder))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    return folder


@pytest.mark.parametrize(
    "name, words",
    [
        ("bald_eagle", "bald eagle"),
        ("aquarium_fish", "aquarium fish"),
        ("great_grey_owl", "great grey owl"),
        ("Black_footed_Albatross", "Black footed Albatross"),  # case kept
        ("maple_tree ", "maple tree"),
        ("cat", "cat"),
        ("__", "__"),  # nothing but underscores: kept, never an empty label
        (7, "7"),
    ],
)
def test_class_names_as_words(name, words):
    assert class_label(name) == words


def test_in_words_keeps_indices_and_probabilities():
    top = [{"label": "bald_eagle", "index": 22, "probability": 0.9}]
    assert in_words(top) == [{"label": "bald eagle", "index": 22, "probability": 0.9}]
    assert top[0]["label"] == "bald_eagle"  # the classifier's own result is left as it was


def test_availability_looks_on_disk_only(no_weights, monkeypatch):
    def no_download(*args):
        raise AssertionError("availability must not download anything")

    monkeypatch.setattr(weights, "_download", no_download)
    found = imagenet_availability("resnet50")
    assert not found.ready and found.missing == (RESNET_TOP, CLASS_INDEX_FILE)
    (no_weights / CLASS_INDEX_FILE).write_text("{}")
    (no_weights / "mobilenet_v2_imagenet.weights.h5").write_bytes(b"x")
    assert imagenet_availability("mobilenet_v2").ready
    assert imagenet_availability("resnet50").missing == (RESNET_TOP,)
    (no_weights / RESNET_TOP).write_bytes(b"x")  # Keras's own file name counts too
    assert imagenet_availability("resnet50").ready
    with pytest.raises(ValueError, match="Unknown backbone 'vgg16'"):
        imagenet_availability("vgg16")


def test_expected_file_names():
    assert expected_file("resnet50", include_top=True) == RESNET_TOP
    assert expected_file("mobilenet_v2").endswith("_no_top.h5")


@pytest.mark.parametrize(
    "raised, code",
    [
        (Exception(FETCH_ERROR), OFFLINE),  # what keras.utils.get_file raises
        (urllib.error.URLError("no route"), OFFLINE),
        (ConnectionRefusedError("refused"), OFFLINE),
        (ValueError("Incomplete or corrupted file detected."), DOWNLOAD_FAILED),
        (OSError(28, "No space left on device"), DOWNLOAD_FAILED),
    ],
)
def test_a_failed_download_is_a_clear_error_with_a_code(no_weights, monkeypatch, raised, code):
    def download(*args):
        raise raised

    monkeypatch.setattr(weights, "_download", download)
    with pytest.raises(WeightsUnavailableError) as caught:
        fetch_weights("resnet50", include_top=True)
    error = caught.value
    assert error.code == code and error.file_name == RESNET_TOP and error.folder == no_weights
    assert error.url.endswith(RESNET_TOP) and error.detail == str(raised)
    message = str(error)
    assert "could not be downloaded" in message and str(no_weights) in message
    assert "CNNAPP_WEIGHTS_DIR" in message and RESNET_TOP in message
    assert "URL fetch" not in message and "Errno" not in message  # the raw error stays out
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.file_name, copy.folder, str(copy)) == (
        code,
        RESNET_TOP,
        no_weights,
        message,
    )


def test_the_class_index_fails_the_same_way(no_weights, monkeypatch):
    def download(*args):
        raise Exception(FETCH_ERROR)

    monkeypatch.setattr(weights, "_download", download)
    with pytest.raises(WeightsUnavailableError) as caught:
        fetch_class_index()
    assert caught.value.code == OFFLINE and caught.value.file_name == CLASS_INDEX_FILE
    (no_weights / CLASS_INDEX_FILE).write_text("{}")
    assert fetch_class_index() == no_weights / CLASS_INDEX_FILE
