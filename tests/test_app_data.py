"""AppTest of the Data page: the procedural default, limits, uploaded zips, offline CIFAR, previews,
server folders only inside the allowed roots (and only for lecturers in class mode), upload sizes."""

import hashlib
import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def open_data(lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.switch_page("pages/1_Data.py").run()
    assert not at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def class_zip(classes=("cats", "dogs", "birds"), per_class=4) -> bytes:
    rng = np.random.default_rng(0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in classes:
            for i in range(per_class):
                image = io.BytesIO()
                pixels = rng.integers(0, 256, (20, 24, 3), dtype=np.uint8)
                Image.fromarray(pixels).save(image, "PNG")
                archive.writestr(f"{name}/{i}.png", image.getvalue())
        archive.writestr("cats/notes.txt", "not an image")
    return buffer.getvalue()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_procedural_dataset_is_shown_by_default(lang):
    at = open_data(lang)
    shown = metrics(at)
    classes = "Classes" if lang == "en" else "Clases"
    assert shown[classes] == "6"
    assert len(at.tabs) == 4
    assert len(at.image) >= 6 + 1  # a row of samples per class, and the image to augment
    captions = " ".join(c.value for c in at.caption)
    assert ("6 classes" if lang == "en" else "6 clases") in captions  # class-count summary
    assert ("normalised: mean" if lang == "en" else "normalizados: media") in captions


def test_a_limit_shrinks_the_splits_and_is_used_for_training():
    at = open_data()
    at.checkbox(key="w_data_use_limit").check().run()
    at.number_input(key="w_data_limit").set_value(120).run()
    shown = metrics(at)
    assert shown["Training images"] == "108" and shown["Validation (10 %)"] == "12"
    assert at.session_state["dataset_ref"]["limit"] == 120
    at.switch_page("pages/3_Train.py").run()
    assert any("at most 120 training images" in m.value for m in at.markdown)


def test_an_uploaded_zip_is_saved_under_its_content_hash_and_loaded(tmp_path):
    at = open_data()
    at.radio(key="w_data_name_en").set_value("folder").run()
    assert any("Choose a .zip" in i.value for i in at.info)
    archive = class_zip()  # once: its members carry the time they were written
    at.file_uploader(key="w_data_zip").set_value(
        ("../../evil name.zip", archive, "application/zip")
    )
    at.run()
    path = Path(at.session_state["dataset_ref"]["path"])
    assert path.parent == tmp_path / "data-cache" / "uploads"
    assert path.name == hashlib.sha256(archive).hexdigest() + ".zip"
    at.button(key="w_data_load").click().run()
    assert not at.exception and not at.error
    assert metrics(at)["Classes"] == "3"
    assert any("not images (or could not be decoded): 1." in w.value for w in at.warning)
    at.switch_page("pages/2_Build.py").run()  # Build now knows the dataset's classes
    assert any("and 3 classes" in c.value for c in at.caption)


def test_offline_cifar_says_where_to_put_the_file(monkeypatch):
    from cnnapp.data import cifar

    def offline(spec, progress):
        raise OSError("Name or service not known")

    monkeypatch.setattr(cifar, "_download_with_keras", offline)
    monkeypatch.setattr(cifar, "keras_cache_candidates", lambda spec: [])
    at = open_data()
    at.radio(key="w_data_name_en").set_value("cifar100_25").run()
    assert not at.metric  # nothing is loaded before the button
    at.button(key="w_data_load").click().run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "not available" in message and "cifar-100-python.tar.gz" in message


def test_augmentation_settings_are_shared_with_train_and_previewed():
    at = open_data()
    at.checkbox(key="w_pre_horizontal_flip").check().run()
    at.slider(key="w_pre_zoom_range").set_value(0.2).run()
    images_before = len(at.image)
    at.toggle(key="w_data_preview_live").set_value(True).run()  # the action imports Keras
    assert not at.exception
    assert len(at.image) == images_before + 1  # one element holding the 8 variants
    assert any("flip + zoom 0.2" in c.value for c in at.caption)
    at.switch_page("pages/3_Train.py").run()
    assert at.checkbox(key="w_pre_horizontal_flip").value is True
    assert at.slider(key="w_pre_zoom_range").value == 0.2


def test_birds_from_the_official_archives_or_a_message_with_the_download(tmp_path, monkeypatch):
    from test_data_birds import _images, _layout_2010, _write_tar

    from cnnapp.data import birds

    monkeypatch.setenv("CNNAPP_DATA_ROOTS", str(tmp_path))

    files = _layout_2010(_images(per_class=5))
    _write_tar(tmp_path / "images.tgz", {k: v for k, v in files.items() if k.startswith("images")})
    _write_tar(tmp_path / "lists.tgz", {k: v for k, v in files.items() if k.startswith("lists")})
    at = open_data()
    at.radio(key="w_data_name_en").set_value("cub200").run()
    assert at.number_input(key="w_data_birds_size").value == 224  # photos for ImageNet networks
    at.number_input(key="w_data_birds_size").set_value(48).run()
    at.text_input(key="w_data_birds_path").set_value(str(tmp_path / "images.tgz")).run()
    at.button(key="w_data_load").click().run()
    assert not at.exception and not at.error
    assert metrics(at)["Classes"] == "3" and metrics(at)["Test images"] == "3"
    assert any("Cardinal (4)" in str(image.proto) for image in at.image)  # cleaned species names
    assert at.session_state["dataset_ref"]["image_size"] == 48

    def offline(*args):
        raise Exception("URL fetch failure: no network")

    monkeypatch.setattr(birds, "_download", offline)
    at.text_input(key="w_data_birds_path").set_value("").run()
    at.button(key="w_data_load").click().run()
    message = " ".join(e.value for e in at.error)
    assert "visipedia-data/CUB-200/images.tgz" in message and not at.exception


def server_folder(at: AppTest, path: str) -> AppTest:
    at.radio(key="w_data_name_en").set_value("folder").run()
    at.radio(key="w_data_source_en").set_value("server").run()
    at.text_input(key="w_data_path").set_value(path).run()
    return at


def test_a_server_folder_outside_the_allowed_roots_is_refused_without_listing_it():
    at = server_folder(open_data(), "/etc")
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "outside the folders this app may read" in message and "'/etc'" in message
    assert "passwd" not in message and "hosts" not in message  # nothing of /etc is shown
    assert "w_data_load" not in [button.key for button in at.button]  # nothing to load
    assert at.session_state["dataset_ref"]["name"] == "procedural"  # the refused path is not kept


def test_a_server_folder_inside_the_roots_loads(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNAPP_DATA_ROOTS", str(tmp_path / "datasets"))
    folder = tmp_path / "datasets" / "pets"
    with zipfile.ZipFile(io.BytesIO(class_zip())) as archive:
        archive.extractall(folder)
    at = server_folder(open_data(), f"{folder}/../pets")
    assert not at.error
    assert at.session_state["dataset_ref"]["path"] == str(folder.resolve())
    at.button(key="w_data_load").click().run()
    assert not at.exception and not at.error
    assert metrics(at)["Classes"] == "3"


def test_in_class_mode_only_lecturers_are_offered_server_folders():
    at = open_data()
    at.session_state["class_mode"] = True
    at.session_state["is_lecturer"] = False
    at.radio(key="w_data_name_en").set_value("folder").run()
    assert at.radio(key="w_data_source_en").options == ["Upload a .zip"]
    assert any("only lecturers may read folders" in c.value for c in at.caption)
    at.radio(key="w_data_name_en").set_value("cub200").run()
    assert "w_data_birds_path" not in [w.key for w in at.text_input]
    at.session_state["is_lecturer"] = True
    at.radio(key="w_data_name_en").set_value("folder").run()
    assert len(at.radio(key="w_data_source_en").options) == 2


def test_an_upload_over_the_size_limit_is_refused_naming_both_sizes(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNAPP_MAX_UPLOAD_BYTES", "1000")
    at = open_data()
    at.radio(key="w_data_name_en").set_value("folder").run()
    data = class_zip()
    at.file_uploader(key="w_data_zip").set_value(("pets.zip", data, "application/zip"))
    at.run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert f"pets.zip is {len(data):,} bytes, more than the 1,000 bytes allowed" in message
    assert not (tmp_path / "data-cache" / "uploads").exists()  # nothing was written
    assert at.session_state["dataset_ref"]["name"] == "procedural"
